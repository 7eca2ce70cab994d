//! `allegro-backup healthcheck`: for container health checks.

use std::process::ExitCode;

/// Probes `GET /health` on the local server with a plain HTTP/1.0 request (no HTTP client
/// crate or curl needed in the container image).
pub(super) fn healthcheck() -> ExitCode {
    use std::io::{Read, Write};
    let _ = dotenvy::dotenv();
    let bind = std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let Ok(mut addr) = bind.parse::<std::net::SocketAddr>() else {
        eprintln!("BIND_ADDR is invalid: {bind}");
        return ExitCode::from(2);
    };
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let timeout = std::time::Duration::from_secs(3);
    let probe = || -> std::io::Result<String> {
        let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.write_all(b"GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response)
    };
    match probe() {
        Ok(response)
            if response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200") =>
        {
            ExitCode::SUCCESS
        }
        Ok(response) => {
            eprintln!("unhealthy: {}", response.lines().next().unwrap_or_default());
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("unhealthy: {err}");
            ExitCode::FAILURE
        }
    }
}
