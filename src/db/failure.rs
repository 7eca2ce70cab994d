//! What a failed query says about the database itself.

use diesel::result::{DatabaseErrorKind, Error};

/// PostgreSQL's words when the connection was lost under a query (a restart, a network cut);
/// `None` for any other failure.
pub fn lost_connection(error: &Error) -> Option<&str> {
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            info,
        ) => Some(info.message()),
        _ => None,
    }
}
