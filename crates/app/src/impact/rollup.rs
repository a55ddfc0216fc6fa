//! The rollup job: computes every recorded indicator's monthly figures
//! from records into `indicator_months`. It runs hourly (a change-log row
//! scheduled an hour ahead; the job runner's lease makes one node run it,
//! and the run schedules the next), when staff ask for it and before a
//! year is frozen.

use super::{INDICATORS, Indicator, Kind, month_of, sources, this_month};
use crate::{App, AppError, changelog, jobs::JobError};
use kimppa_store::entities::{change_log, indicator_month};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use std::collections::BTreeMap;

/// Change-log kind of a rollup run.
pub const ROLLUP: &str = "impact.rollup";
/// Written when a run has finished: no job acts on it; its place in the
/// log tells every node that the figures changed.
pub const ROLLED_UP: &str = "impact.rolled_up";

pub(super) fn register(jobs: &mut crate::jobs::Handlers) {
    jobs.on(ROLLUP, |app, _: serde_json::Value| async move {
        run(&app).await?;
        schedule_next(&app.db).await?;
        Ok::<(), JobError>(())
    });
}

/// Makes sure one rollup is waiting (at start-up): now, so a node that
/// starts shows fresh figures.
pub async fn ensure_scheduled(app: &App) -> Result<(), AppError> {
    schedule(&app.db, crate::now()).await
}

async fn schedule_next<C: ConnectionTrait>(conn: &C) -> Result<(), AppError> {
    schedule(conn, crate::now() + chrono::Duration::hours(1)).await
}

async fn schedule<C: ConnectionTrait>(conn: &C, at: chrono::DateTime<chrono::Utc>) -> Result<(), AppError> {
    let waiting = change_log::Entity::find()
        .filter(change_log::Column::Kind.eq(ROLLUP))
        .filter(change_log::Column::ProcessedAt.is_null())
        .filter(change_log::Column::FailedAt.is_null())
        .count(conn)
        .await?;
    if waiting == 0 {
        changelog::record_at(conn, ROLLUP, &serde_json::json!({}), at).await?;
    }
    Ok(())
}

/// The months of one indicator from its points: (num, den) for staff and
/// for the public. A stock's months run from its first record to this
/// month, each the running total; a flow's and a ratio's are the months
/// with records.
pub fn monthly(ind: &Indicator, points: &[sources::Point]) -> BTreeMap<String, [f64; 4]> {
    let mut out: BTreeMap<String, [f64; 4]> = BTreeMap::new();
    for p in points {
        let r = out.entry(month_of(p.day)).or_default();
        r[0] += p.num;
        r[1] += p.den;
        if p.public {
            r[2] += p.num;
            r[3] += p.den;
        }
    }
    if ind.kind == Kind::Stock && !ind.current_only {
        let now = this_month();
        let Some(first) = out.keys().next().cloned() else { return out };
        let mut running = [0.0; 4];
        let mut filled = BTreeMap::new();
        let mut m = first;
        while m <= now {
            if let Some(r) = out.get(&m) {
                for (a, b) in running.iter_mut().zip(r) {
                    *a += b;
                }
            }
            filled.insert(m.clone(), running);
            m = next_month(&m);
        }
        return filled;
    }
    if ind.current_only {
        // The state as it is now, recorded for this month.
        let total = out.values().fold([0.0; 4], |mut a, r| {
            for (x, y) in a.iter_mut().zip(r) {
                *x += y;
            }
            a
        });
        return BTreeMap::from([(this_month(), total)]);
    }
    out
}

fn next_month(m: &str) -> String {
    let (y, mo) = m
        .split_once('-')
        .and_then(|(y, mo)| Some((y.parse::<i32>().ok()?, mo.parse::<u32>().ok()?)))
        .unwrap_or((9999, 12));
    if mo >= 12 { format!("{}-01", y + 1) } else { format!("{y}-{:02}", mo + 1) }
}

/// Recomputes every recorded indicator: one query or two per indicator to
/// read, one transaction per indicator to write. Returns the rows written.
pub async fn run(app: &App) -> Result<usize, AppError> {
    let mut written = 0;
    for ind in INDICATORS.iter().filter(|i| i.recorded) {
        let pts = sources::points(app, ind, None).await?;
        let rows = monthly(ind, &pts);
        let now = crate::now();
        let tx = app.db.begin().await?;
        let mut del = indicator_month::Entity::delete_many().filter(indicator_month::Column::Indicator.eq(ind.id));
        if ind.current_only {
            del = del.filter(indicator_month::Column::Month.eq(this_month()));
        }
        del.exec(&tx).await?;
        let models: Vec<indicator_month::ActiveModel> = rows
            .into_iter()
            .map(|(month, r)| indicator_month::ActiveModel {
                indicator: sea_orm::Set(ind.id.into()),
                month: sea_orm::Set(month),
                num_all: sea_orm::Set(r[0]),
                den_all: sea_orm::Set(r[1]),
                num_public: sea_orm::Set(r[2]),
                den_public: sea_orm::Set(r[3]),
                computed_at: sea_orm::Set(now),
                ..Default::default()
            })
            .collect();
        written += models.len();
        for chunk in models.chunks(500) {
            indicator_month::Entity::insert_many(chunk.to_vec()).exec(&tx).await?;
        }
        tx.commit().await?;
    }
    // Other nodes learn from the change log that their memory of the
    // figures is stale; this one forgets at once.
    changelog::record(&app.db, ROLLED_UP, &serde_json::json!({ "rows": written })).await?;
    app.pages.invalidate();
    Ok(written)
}
