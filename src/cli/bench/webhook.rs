//! `bench sync --webhook`: the backup with one webhook endpoint taking every order event,
//! registered against a receiver in this process (it answers 204 at once) and sent by a
//! delivery worker in this process, as a replica runs it. Measures whether the deliveries slow
//! the backup, and how fast they go out.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    time::{Duration, Instant},
};

use tokio_util::sync::CancellationToken;

use super::super::users::cli_actor;
use crate::{
    config::WebhookConfig,
    crypto::TokenCipher,
    db::{self, DbError, PgPool, models::webhook_delivery},
    domain::webhook::{WebhookEvents, WebhookUrl},
    webhooks::{Registration, Worker},
};

/// A registered endpoint, its receiver and the running worker.
pub(super) struct WebhookBench {
    stop: CancellationToken,
}

/// What the deliveries measured.
pub(super) struct Delivered {
    pub deliveries: i64,
    /// From the backup's start to the last delivery.
    pub until_all_sent: Duration,
}

impl WebhookBench {
    /// Starts the receiver, registers the endpoint and starts the worker.
    pub async fn start(pool: &PgPool, cipher: &TokenCipher) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}/hooks/allegro", listener.local_addr()?);
        std::thread::spawn(move || receive(&listener));
        let registration = Registration {
            url: WebhookUrl::parse(&url)?,
            events: WebhookEvents::parse_list("order.created,order.updated,order.gone")?,
            account: None,
        };
        let sealer = cipher.clone();
        db::run(pool, move |conn| {
            registration
                .create(conn, &sealer, &cli_actor())
                .map(drop)
                .map_err(anyhow::Error::from)
        })
        .await?;
        let config = WebhookConfig {
            allow_private: true,
            poll_interval: Duration::from_millis(200),
            ..WebhookConfig::default()
        };
        let worker = Worker::new(pool.clone(), cipher.clone(), config)?;
        let stop = CancellationToken::new();
        tokio::spawn(worker.run(stop.clone()));
        Ok(Self { stop })
    }

    /// Waits until nothing is pending, then stops the worker. Looks every 100 ms, through the
    /// due index (a count of the table every few ms cost PostgreSQL more than the sending).
    pub async fn finish(self, pool: &PgPool, started: Instant) -> anyhow::Result<Delivered> {
        loop {
            let pending = db::run(pool, |conn| {
                webhook_delivery::any_pending(conn).map_err(DbError::from)
            })
            .await?;
            if !pending {
                let until_all_sent = started.elapsed();
                self.stop.cancel();
                let deliveries = db::run(pool, |conn| {
                    webhook_delivery::delivered_count(conn).map_err(DbError::from)
                })
                .await?;
                return Ok(Delivered {
                    deliveries,
                    until_all_sent,
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Answers every request on `listener` with 204, keeping connections open.
fn receive(listener: &TcpListener) {
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = answer_all(stream);
        });
    }
}

fn answer_all(stream: TcpStream) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0_usize;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        writer.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")?;
    }
}
