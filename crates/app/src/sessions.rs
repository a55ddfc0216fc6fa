//! Sessions kept in the database, so any node serves any person, and in
//! each node's memory (see [`Memory`]), so a page view reads no row. The
//! web layer's session store reads and writes them through these
//! functions; the record's data is the web layer's JSON.

use crate::{App, AppError};
use chrono::{DateTime, Utc};
use kimppa_store::entities::session;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Expr, OnConflict},
};
use std::collections::HashMap;

/// A stored session: its data (JSON) and when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub data: String,
    pub expires_at: DateTime<Utc>,
}

/// How far back a node looks for sessions changed elsewhere beyond its
/// last look: covers writes committed late and clocks a little apart.
const LOOK_BACK: chrono::Duration = chrono::Duration::seconds(5);
/// At most this many sessions are held; beyond it the memory starts over.
const HELD_MAX: usize = 100_000;

/// This node's copies of the sessions it has read or written, so a page
/// view reads no session row. Kept true across nodes: every write and end
/// stamps `changed_at`, and at most once per the page memory's freshness a
/// node reads which sessions changed since its last look (with a margin)
/// and drops its copies of them. A session ended on another node is
/// therefore not honoured here for longer than that freshness.
pub struct Memory {
    freshness: std::time::Duration,
    state: std::sync::Mutex<Held>,
    looking: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Held {
    /// Each session with the stamp of the version held.
    sessions: HashMap<String, (Stored, Option<DateTime<Utc>>)>,
    /// When this node last looked, by its clock and by the time it asked from.
    looked: Option<(std::time::Instant, DateTime<Utc>)>,
}

impl Memory {
    pub fn new(freshness: std::time::Duration) -> Memory {
        Memory { freshness, state: Default::default(), looking: Default::default() }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh(&self, h: &Held) -> bool {
        h.looked.is_some_and(|(at, _)| at.elapsed() < self.freshness)
    }

    /// Drops the copies of sessions changed since the last look.
    async fn catch_up(&self, app: &App) -> Result<(), AppError> {
        if self.fresh(&self.held()) {
            return Ok(());
        }
        let _one = self.looking.lock().await;
        let since = {
            let h = self.held();
            if self.fresh(&h) {
                return Ok(());
            }
            h.looked.map(|(_, since)| since)
        };
        let now = crate::now();
        match since {
            None => self.held().sessions.clear(),
            Some(since) => {
                let changed: Vec<(String, Option<DateTime<Utc>>)> = session::Entity::find()
                    .select_only()
                    .column(session::Column::Id)
                    .column(session::Column::ChangedAt)
                    .filter(session::Column::ChangedAt.gt(since - LOOK_BACK))
                    .into_tuple()
                    .all(&app.db)
                    .await?;
                let mut h = self.held();
                for (id, stamp) in changed {
                    // A version other than the one held (written elsewhere).
                    if h.sessions.get(&id).is_some_and(|(_, held)| *held != stamp) {
                        h.sessions.remove(&id);
                    }
                }
            }
        }
        self.held().looked = Some((std::time::Instant::now(), now));
        Ok(())
    }

    fn keep(&self, id: &str, s: &Stored, stamp: Option<DateTime<Utc>>) {
        let mut h = self.held();
        if h.sessions.len() >= HELD_MAX {
            h.sessions.clear();
        }
        h.sessions.insert(id.to_string(), (s.clone(), stamp));
    }
}

/// A time as both databases store it (to the microsecond), so what a node
/// holds equals what it reads back.
fn stored_time(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}

/// A session that has not ended.
pub async fn load(app: &App, id: &str) -> Result<Option<Stored>, AppError> {
    let memory = &app.sessions;
    memory.catch_up(app).await?;
    let now = crate::now();
    if let Some((s, _)) = memory.held().sessions.get(id) {
        return Ok((s.expires_at > now).then(|| s.clone()));
    }
    let Some(row) =
        session::Entity::find_by_id(id.to_string()).filter(session::Column::ExpiresAt.gt(now)).one(&app.db).await?
    else {
        return Ok(None);
    };
    let found = Stored { data: row.data, expires_at: row.expires_at };
    memory.keep(id, &found, row.changed_at);
    Ok(Some(found))
}

/// Is the id taken (by any session, ended or not)?
pub async fn exists(app: &App, id: &str) -> Result<bool, AppError> {
    Ok(session::Entity::find_by_id(id.to_string()).one(&app.db).await?.is_some())
}

/// Writes a session (a new one or a change).
pub async fn save(app: &App, id: &str, s: &Stored) -> Result<(), AppError> {
    let s = Stored { data: s.data.clone(), expires_at: stored_time(s.expires_at) };
    let stamp = stored_time(crate::now());
    let row = session::ActiveModel {
        id: Set(id.to_string()),
        data: Set(s.data.clone()),
        expires_at: Set(s.expires_at),
        changed_at: Set(Some(stamp)),
    };
    session::Entity::insert(row)
        .on_conflict(
            OnConflict::column(session::Column::Id)
                .update_columns([session::Column::Data, session::Column::ExpiresAt, session::Column::ChangedAt])
                .to_owned(),
        )
        .exec_without_returning(&app.db)
        .await?;
    app.sessions.keep(id, &s, Some(stamp));
    Ok(())
}

/// Ends a session: the row stays, ended, until housekeeping removes it, so
/// the other nodes learn of the end and drop their copies.
pub async fn delete(app: &App, id: &str) -> Result<(), AppError> {
    let now = stored_time(crate::now());
    session::Entity::update_many()
        .col_expr(session::Column::Data, Expr::value("{}"))
        .col_expr(session::Column::ExpiresAt, Expr::value(now - chrono::Duration::seconds(1)))
        .col_expr(session::Column::ChangedAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .exec(&app.db)
        .await?;
    app.sessions.held().sessions.remove(id);
    Ok(())
}

/// Deletes ended sessions; returns how many.
pub async fn delete_expired(app: &App) -> Result<u64, AppError> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(crate::now()))
        .exec(&app.db)
        .await?
        .rows_affected)
}
