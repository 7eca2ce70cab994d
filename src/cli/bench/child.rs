//! The simulator as a child process (`allegro-backup simulator`), so that the bench measures
//! the engine's memory and CPU without the simulator's.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::Duration,
};

use crate::simulator::STANDALONE_BANNER;

/// A running simulator child; killed when dropped.
pub(super) struct SimulatorChild {
    child: Child,
    base_url: String,
}

impl SimulatorChild {
    /// Starts this binary's `simulator` subcommand with one auto-approving seller and a still
    /// world, and waits for the line that names its URL.
    pub(super) async fn spawn(orders: u32, requests_per_minute: u32) -> anyhow::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["simulator", "--port", "0", "--seed", "42", "--sellers", "1"])
            .args(["--orders", &orders.to_string()])
            .args(["--requests-per-minute", &requests_per_minute.to_string()])
            .args(["--auto-approve", "--no-live-changes"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("simulator child without stdout"))?;
        // Owned before the wait, so that a child that never prints its URL is still killed.
        let mut sim = Self {
            child,
            base_url: String::new(),
        };
        sim.base_url = tokio::task::spawn_blocking(move || read_base_url(stdout)).await??;
        Ok(sim)
    }

    pub(super) fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Adds `latency` to every API call (the simulator's fault endpoint).
    pub(super) async fn set_latency(&self, latency: Duration) -> anyhow::Result<()> {
        let millis = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        reqwest::Client::new()
            .post(format!("{}/__simulator/faults", self.base_url))
            .json(&serde_json::json!({ "latency_ms": millis }))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }
}

impl Drop for SimulatorChild {
    fn drop(&mut self) {
        // Best effort: the child may already be gone.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads lines up to the banner, then keeps draining the pipe in a thread so that the child
/// never blocks on a full one.
fn read_base_url(stdout: std::process::ChildStdout) -> anyhow::Result<String> {
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .ok_or_else(|| anyhow::anyhow!("the simulator child exited before listening"))??;
        if let Some(rest) = line.strip_prefix(STANDALONE_BANNER) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Ok(url)
}
