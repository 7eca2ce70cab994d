use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::schema::device_authorizations,
    domain::{AccountId, UserId},
};

/// Where a device-code flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowStatus {
    Pending,
    Connected,
    Denied,
    Expired,
    Failed,
}

impl FlowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Connected => "connected",
            Self::Denied => "denied",
            Self::Expired => "expired",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "pending" => Self::Pending,
            "connected" => Self::Connected,
            "denied" => Self::Denied,
            "expired" => Self::Expired,
            _ => Self::Failed,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = device_authorizations, check_for_backend(diesel::pg::Pg))]
pub struct DeviceAuthorizationRow {
    pub id: i64,
    pub environment: String,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub device_code_enc: String,
    pub interval_secs: i32,
    pub expires_at: DateTime<Utc>,
    pub status: String,
    pub account_id: Option<AccountId>,
    pub error: Option<String>,
    pub started_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = device_authorizations)]
pub struct NewDeviceAuthorization<'a> {
    pub environment: &'a str,
    pub user_code: &'a str,
    pub verification_uri: &'a str,
    pub verification_uri_complete: &'a str,
    pub device_code_enc: &'a str,
    pub interval_secs: i32,
    pub expires_at: DateTime<Utc>,
    pub started_by: Option<UserId>,
}

impl DeviceAuthorizationRow {
    pub fn status(&self) -> FlowStatus {
        FlowStatus::parse(&self.status)
    }

    pub fn insert(conn: &mut PgConnection, new: &NewDeviceAuthorization<'_>) -> QueryResult<Self> {
        diesel::insert_into(device_authorizations::table)
            .values(new)
            .returning(Self::as_returning())
            .get_result(conn)
    }

    pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Self>> {
        device_authorizations::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    /// Flows still waiting for the user, for resuming after a restart.
    pub fn pending(conn: &mut PgConnection) -> QueryResult<Vec<Self>> {
        device_authorizations::table
            .filter(device_authorizations::status.eq(FlowStatus::Pending.as_str()))
            .select(Self::as_select())
            .load(conn)
    }

    /// Records the outcome once; a flow that already finished is left as it is.
    pub fn finish(
        conn: &mut PgConnection,
        id: i64,
        status: FlowStatus,
        account_id: Option<AccountId>,
        error: Option<&str>,
    ) -> QueryResult<bool> {
        diesel::update(
            device_authorizations::table
                .find(id)
                .filter(device_authorizations::status.eq(FlowStatus::Pending.as_str())),
        )
        .set((
            device_authorizations::status.eq(status.as_str()),
            device_authorizations::account_id.eq(account_id),
            device_authorizations::error.eq(error),
            device_authorizations::finished_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .map(|n| n == 1)
    }
}
