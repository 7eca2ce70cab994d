//! The real binary as a process of its own, the way an operator or a container runs it.

use std::process::Command;

use super::TestApp;

/// `allegro-backup` on the database at `database_url` with the secret key `key` (hex), run in a
/// temporary directory (so no `.env` of the checkout is read). The caller adds the command and
/// the rest of its environment.
pub fn binary(database_url: &str, key: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_allegro-backup"));
    command
        .env("DATABASE_URL", database_url)
        .env("SECRET_KEY", key)
        .current_dir(std::env::temp_dir());
    command
}

/// [`binary`] with the simulator at `simulator` as its Allegro.
pub fn binary_with_simulator(database_url: &str, key: &str, simulator: &str) -> Command {
    let mut command = binary(database_url, key);
    command
        .env("ALLEGRO_ENV", "simulator")
        .env("ALLEGRO_AUTH_URL", simulator)
        .env("ALLEGRO_API_URL", simulator);
    command
}

impl TestApp {
    /// [`binary_with_simulator`] on this app's database and simulator, with this app's key (the
    /// tokens in the database are sealed with it).
    pub fn binary(&self) -> Command {
        binary_with_simulator(
            &self.db.url,
            &hex::encode(self.state.config.secret_key.expose()),
            &self.simulator.base_url(),
        )
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
