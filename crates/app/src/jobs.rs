//! The durable job runner. It reads unprocessed change-log rows, claims
//! each with a lease (so several nodes can run it), and hands it to the
//! handler for its kind. Failures are retried with exponential backoff;
//! handlers are idempotent, so a row handled twice does no harm.

use crate::{App, AppError};
use chrono::Duration;
use futures::future::BoxFuture;
use kimppa_store::entities::change_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::{collections::HashMap, future::Future};

/// After this many failed attempts a row is marked failed and left for an operator.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed row stays with one node; a node that dies mid-job
/// loses the row to another after this. Longer than the SMTP timeout.
const LEASE_SECONDS: i64 = 30;
const BATCH: u64 = 50;

/// Why a job failed; the runner keeps the whole chain of causes in the
/// row's `last_error` and tries again later.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("the payload could not be read")]
    Payload(#[from] serde_json::Error),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("database error")]
    Db(#[from] DbErr),
    /// A delivery to another system failed (SMTP, a webhook receiver).
    #[error("delivery failed: {0}")]
    Delivery(String),
}

impl JobError {
    /// The error with its causes, for the row and the log.
    pub fn chain(&self) -> String {
        crate::error::chain(self)
    }
}

/// Which attempt of a row a handler is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first.
    pub number: i32,
}

impl Attempt {
    /// No retry follows a failure of this attempt.
    pub fn is_last(self) -> bool {
        self.number >= MAX_ATTEMPTS
    }
}

type Handler = Box<dyn Fn(App, change_log::Model, Attempt) -> BoxFuture<'static, Result<(), JobError>> + Send + Sync>;

/// The handlers of the change-log kinds, registered by the capabilities
/// when the app starts ([`crate::hooks`]). A kind without a handler is
/// only a record (the search index and the page memory read those).
#[derive(Default)]
pub struct Handlers(HashMap<&'static str, Handler>);

impl Handlers {
    /// Handles rows of `kind` with their payload read as `E`.
    pub fn on<E, F, Fut>(&mut self, kind: &'static str, f: F)
    where
        E: serde::de::DeserializeOwned + Send + 'static,
        F: Fn(App, E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        self.on_attempt(kind, move |app, e: E, _| f(app, e));
    }

    /// As [`Handlers::on`], told which attempt it is.
    pub fn on_attempt<E, F, Fut>(&mut self, kind: &'static str, f: F)
    where
        E: serde::de::DeserializeOwned + Send + 'static,
        F: Fn(App, E, Attempt) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        self.on_row(kind, move |app, row, attempt| match serde_json::from_str::<E>(&row.payload) {
            Ok(e) => Box::pin(f(app, e, attempt)) as BoxFuture<'static, _>,
            Err(err) => Box::pin(async move { Err(JobError::Payload(err)) }),
        });
    }

    /// Handles rows of `kind` given the whole row.
    pub fn on_row<F, Fut>(&mut self, kind: &'static str, f: F)
    where
        F: Fn(App, change_log::Model, Attempt) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        let previous = self.0.insert(kind, Box::new(move |app, row, attempt| Box::pin(f(app, row, attempt))));
        debug_assert!(previous.is_none(), "two handlers for {kind}");
    }

    fn get(&self, kind: &str) -> Option<&Handler> {
        self.0.get(kind)
    }

    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }
}

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
pub async fn process_batch(app: &App) -> Result<usize, DbErr> {
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
        let attempts = row.attempts + 1;
        let result = match app.hooks.jobs.get(&row.kind) {
            Some(handler) => handler(app.clone(), row.clone(), Attempt { number: attempts }).await,
            None => Ok(()),
        };
        let row_kind = row.kind.clone();
        let mut am = row.into_active_model();
        am.locked_until = Set(None);
        am.attempts = Set(attempts);
        match result {
            Ok(()) => {
                am.processed_at = Set(Some(crate::now()));
                am.last_error = Set(None);
            }
            Err(e) => {
                let e = e.chain();
                tracing::warn!(error = %e, kind = %row_kind, attempts, "job failed");
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

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(super::backoff(1).num_seconds(), 2);
        assert_eq!(super::backoff(3).num_seconds(), 8);
        assert_eq!(super::backoff(30).num_seconds(), 3600);
    }
}
