//! The durable job runner. It reads unprocessed change-log rows, claims
//! each with a lease (so several nodes can run it), and hands it to the
//! handler for its kind. Failures are retried with exponential backoff;
//! handlers are idempotent, so a row handled twice does no harm.

use crate::{App, changelog, email};
use chrono::Duration;
use kimppa_store::entities::{audit_entry, change_log, email as email_e};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// After this many failed attempts a row is marked failed and left for an operator.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed row stays with one node; a node that dies mid-job
/// loses the row to another after this. Longer than the SMTP timeout.
const LEASE_SECONDS: i64 = 30;
const BATCH: u64 = 50;

/// Runs until `shutdown` resolves, polling every second and waking early
/// when a request writes to the change log.
pub async fn run(app: App, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        match process_batch(&app).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "job runner: batch failed"),
        }
        tokio::select! {
            _ = app.jobs_wake.notified() => {}
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Processes the rows that are due; returns how many were handled.
pub async fn process_batch(app: &App) -> Result<usize, sea_orm::DbErr> {
    let now = crate::now();
    let due = change_log::Entity::find()
        .filter(change_log::Column::ProcessedAt.is_null())
        .filter(change_log::Column::FailedAt.is_null())
        .filter(change_log::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(change_log::Column::LockedUntil.is_null())
                .add(change_log::Column::LockedUntil.lt(now)),
        )
        .order_by_asc(change_log::Column::Id)
        .limit(BATCH)
        .all(&app.db)
        .await?;
    let mut handled = 0;
    for row in due {
        // Claim: only one node wins the update.
        let claimed = change_log::Entity::update_many()
            .col_expr(change_log::Column::LockedUntil, (now + Duration::seconds(LEASE_SECONDS)).into())
            .filter(change_log::Column::Id.eq(row.id))
            .filter(change_log::Column::ProcessedAt.is_null())
            .filter(
                Condition::any()
                    .add(change_log::Column::LockedUntil.is_null())
                    .add(change_log::Column::LockedUntil.lt(now)),
            )
            .exec(&app.db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let result = handle(app, &row).await;
        let attempts = row.attempts + 1;
        let mut am = row.into_active_model();
        am.locked_until = Set(None);
        am.attempts = Set(attempts);
        match result {
            Ok(()) => {
                am.processed_at = Set(Some(crate::now()));
                am.last_error = Set(None);
            }
            Err(e) => {
                tracing::warn!(error = %e, attempts, "job failed");
                am.last_error = Set(Some(e));
                am.next_attempt_at = Set(crate::now() + backoff(attempts));
                if attempts >= MAX_ATTEMPTS {
                    am.failed_at = Set(Some(crate::now()));
                }
            }
        }
        am.update(&app.db).await?;
        handled += 1;
    }
    Ok(handled)
}

/// Delay before the next attempt: 2, 4, 8 … seconds, at most one hour.
pub fn backoff(attempts: i32) -> Duration {
    Duration::seconds(2i64.saturating_pow(attempts.clamp(1, 12) as u32).min(3600))
}

async fn handle(app: &App, row: &change_log::Model) -> Result<(), String> {
    match row.kind.as_str() {
        changelog::EMAIL_QUEUED => {
            let p: email::EmailQueued = serde_json::from_str(&row.payload).map_err(|e| e.to_string())?;
            send_email(app, p.email_id).await
        }
        changelog::ADMIN_ACTION => {
            let p: changelog::AdminAction = serde_json::from_str(&row.payload).map_err(|e| e.to_string())?;
            write_audit(app, row, p).await
        }
        crate::directory::webhooks::DELIVER => {
            let p: DeliveryQueued = serde_json::from_str(&row.payload).map_err(|e| e.to_string())?;
            crate::directory::webhooks::deliver(app, p.delivery_id).await
        }
        crate::forum::notify::NOTIFY => {
            let p: crate::forum::notify::Event = serde_json::from_str(&row.payload).map_err(|e| e.to_string())?;
            crate::forum::notify::fan_out(app, &p).await
        }
        crate::forum::notify::DIGEST => {
            // The morning round also reminds of and expires material listings.
            crate::materials::daily(app).await.map_err(|e| e.to_string())?;
            crate::forum::notify::digest_job(app).await
        }
        crate::materials::matching::MATCH => {
            let p: crate::materials::matching::Event = serde_json::from_str(&row.payload).map_err(|e| e.to_string())?;
            crate::materials::matching::job(app, &p).await
        }
        crate::challenges::notify::NOTIFY => {
            let p: crate::challenges::notify::Event = serde_json::from_str(&row.payload).map_err(|e| e.to_string())?;
            crate::challenges::notify::fan_out(app, &p).await
        }
        _ => Ok(()),
    }
}

#[derive(serde::Deserialize)]
struct DeliveryQueued {
    delivery_id: i32,
}

async fn send_email(app: &App, id: i32) -> Result<(), String> {
    let Some(e) = email_e::Entity::find_by_id(id).one(&app.db).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    if e.status != email::STATUS_QUEUED {
        return Ok(()); // already delivered: idempotent
    }
    let outcome = app.mailer.deliver(&e).await;
    let mut am = e.into_active_model();
    match outcome {
        Ok(status) => {
            am.status = Set(status.into());
            am.sent_at = Set(Some(crate::now()));
            am.last_error = Set(None);
            am.update(&app.db).await.map_err(|e| e.to_string())?;
            Ok(())
        }
        Err(err) => {
            am.last_error = Set(Some(err.clone()));
            am.update(&app.db).await.map_err(|e| e.to_string())?;
            Err(err)
        }
    }
}

async fn write_audit(app: &App, row: &change_log::Model, p: changelog::AdminAction) -> Result<(), String> {
    let entry = audit_entry::ActiveModel {
        change_id: Set(row.id),
        actor_id: Set(Some(p.actor_id)),
        action: Set(p.action),
        target: Set(p.target),
        details: Set(p.details),
        at: Set(row.created_at),
        ..Default::default()
    };
    audit_entry::Entity::insert(entry)
        .on_conflict_do_nothing_on([audit_entry::Column::ChangeId])
        .exec(&app.db)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(super::backoff(1).num_seconds(), 2);
        assert_eq!(super::backoff(3).num_seconds(), 8);
        assert_eq!(super::backoff(30).num_seconds(), 3600);
    }
}
