use std::process::ExitCode;

use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = allegro_backup::cli::Cli::parse();
    allegro_backup::cli::run(cli).await
}
