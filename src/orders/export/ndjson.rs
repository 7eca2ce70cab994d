//! NDJSON chunks read on two connections at once.
//!
//! An NDJSON export costs what PostgreSQL spends turning each stored `jsonb` document back into
//! text (`raw::text`, ~15 µs a row on this machine kind): the encoder only joins lines. With a
//! second connection one chunk's documents are turned into text while the next chunk's are,
//! so two cores work; the chunks still reach the sink in order. The ids of the next two chunks
//! are read first (cheap: no document is touched), so each reader knows exactly its orders.
//! Without a second connection the same steps run one after the other.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use diesel::{PgConnection, QueryResult};

use super::{CHUNK_ROWS, ExportError};
use crate::{
    db::models::order::export as read,
    orders::{OrderFilter, Viewer},
};

/// Orders and whether the sink took everything.
pub(super) struct Written {
    pub orders: u64,
    pub completed: bool,
}

/// Writes the documents of every order `viewer` may see matching `filter`, one per line, in
/// order of `orders.id`, chunk by chunk to `sink` (false from it stops the export).
pub(super) fn write_ndjson(
    conn: &mut PgConnection,
    helper: Option<&mut PgConnection>,
    viewer: &Viewer,
    filter: &OrderFilter,
    sink: &mut impl FnMut(Vec<u8>) -> bool,
) -> Result<Written, ExportError> {
    std::thread::scope(|scope| {
        let helper = helper.map(|helper_conn| {
            let (jobs, job_rx) = sync_channel(1);
            let (result_tx, results) = sync_channel(1);
            scope.spawn(move || read_for_others(helper_conn, job_rx, result_tx));
            Helper { jobs, results }
        });
        write_pairs(conn, helper, viewer, filter, sink)
    })
}

/// The second reader's end of the exchange: ids in, their lines out.
struct Helper {
    jobs: SyncSender<Vec<i64>>,
    results: Receiver<QueryResult<Lines>>,
}

/// Documents as text, one per line, and how many.
struct Lines {
    bytes: Vec<u8>,
    count: u64,
}

fn read_for_others(
    conn: &mut PgConnection,
    jobs: Receiver<Vec<i64>>,
    results: SyncSender<QueryResult<Lines>>,
) {
    for ids in jobs {
        if results.send(documents(conn, &ids)).is_err() {
            return;
        }
    }
}

fn write_pairs(
    conn: &mut PgConnection,
    helper: Option<Helper>,
    viewer: &Viewer,
    filter: &OrderFilter,
    sink: &mut impl FnMut(Vec<u8>) -> bool,
) -> Result<Written, ExportError> {
    let mut written = Written {
        orders: 0,
        completed: true,
    };
    let mut after = 0_i64;
    loop {
        let ids = read::ids_after(conn, viewer.visibility(), filter, after, 2 * CHUNK_ROWS)?;
        let Some(&last) = ids.last() else {
            return Ok(written);
        };
        after = last;
        let (mine, theirs) = ids.split_at(ids.len().min(CHUNK_ROWS as usize));
        let delegated = !theirs.is_empty()
            && helper
                .as_ref()
                .is_some_and(|h| h.jobs.send(theirs.to_vec()).is_ok());
        let first = documents(conn, mine)?;
        let second = match (&helper, delegated) {
            // A helper that went away is replaced by reading here.
            (Some(h), true) => match h.results.recv() {
                Ok(lines) => lines?,
                Err(_) => documents(conn, theirs)?,
            },
            _ => documents(conn, theirs)?,
        };
        for lines in [first, second] {
            if lines.count == 0 {
                continue;
            }
            written.orders += lines.count;
            if !sink(lines.bytes) {
                written.completed = false;
                return Ok(written);
            }
        }
        if ids.len() < 2 * CHUNK_ROWS as usize {
            return Ok(written);
        }
    }
}

/// The documents of `ids` as text, in id order, each followed by a newline.
fn documents(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Lines> {
    if ids.is_empty() {
        return Ok(Lines {
            bytes: Vec::new(),
            count: 0,
        });
    }
    let lines = read::documents(conn, ids)?;
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in &lines {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    Ok(Lines {
        bytes: out,
        count: lines.len() as u64,
    })
}
