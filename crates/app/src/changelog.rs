//! The change log ("outbox"): every change other parts must know about
//! writes a row here in the same transaction as the change itself. The
//! job runner ([`crate::jobs`]) reads it.

use kimppa_store::entities::change_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::Serialize;

pub const EMAIL_QUEUED: &str = "email.queued";
pub const ADMIN_ACTION: &str = "admin.action";
/// Something shown to these people alone changed: their notices, their
/// organisations and roles, what they watch or follow, their profile or
/// second factor. No job acts on it; its place in the log is the signal
/// that what a node remembers for them (their frame, their pages: see
/// [`crate::pagecache`]) is stale.
pub const PERSONAL: &str = "personal.changed";

/// Records that something shown to `user_ids` alone changed ([`PERSONAL`]).
pub async fn personal<C: ConnectionTrait>(conn: &C, user_ids: &[i32]) -> Result<(), DbErr> {
    if user_ids.is_empty() {
        return Ok(());
    }
    record(conn, PERSONAL, &crate::batch::distinct(user_ids.to_vec())).await.map(|_| ())
}

/// Writes a change-log row on `conn` (pass the open transaction).
pub async fn record<C: ConnectionTrait>(conn: &C, kind: &str, payload: &impl Serialize) -> Result<i32, DbErr> {
    record_at(conn, kind, payload, crate::now()).await
}

/// Writes a change-log row that the job runner takes up at `due` (a
/// scheduled job, such as the daily digest).
pub async fn record_at<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    payload: &impl Serialize,
    due: chrono::DateTime<chrono::Utc>,
) -> Result<i32, DbErr> {
    let now = crate::now();
    let row = change_log::ActiveModel {
        kind: Set(kind.to_string()),
        payload: Set(serde_json::to_string(payload).map_err(|e| DbErr::Custom(e.to_string()))?),
        created_at: Set(now),
        processed_at: Set(None),
        attempts: Set(0),
        next_attempt_at: Set(due),
        locked_until: Set(None),
        last_error: Set(None),
        failed_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// An administrative action, turned into an audit-log entry by the jobs.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct AdminAction {
    pub actor_id: i32,
    pub action: String,
    pub target: String,
    pub details: String,
}

/// Records an administrative action for the audit log.
pub async fn admin_action<C: ConnectionTrait>(
    conn: &C,
    actor_id: kimppa_domain::UserId,
    action: &str,
    target: impl Into<String>,
    details: impl Into<String>,
) -> Result<(), DbErr> {
    record(
        conn,
        ADMIN_ACTION,
        &AdminAction { actor_id: actor_id.0, action: action.into(), target: target.into(), details: details.into() },
    )
    .await
    .map(|_| ())
}

/// The newest change-log row id, or 0: the position every node's derived
/// data (search index, catalogue memory) is compared against.
pub async fn last_id<C: ConnectionTrait>(conn: &C) -> Result<i64, DbErr> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    let last: Option<i32> = change_log::Entity::find()
        .select_only()
        .column(change_log::Column::Id)
        .order_by_desc(change_log::Column::Id)
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(last.unwrap_or(0) as i64)
}
