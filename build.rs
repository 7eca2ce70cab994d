//! Rebuilds the crate when a migration is added: `embed_migrations!` reads the `migrations`
//! folder at compile time, and cargo does not otherwise notice a new folder in it (the
//! binary would run without the new migration). Diesel's documented remedy.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
