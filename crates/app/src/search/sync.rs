//! Keeping this node's index current. Every node reads the change log on
//! its own (unlike the jobs, which one node takes): rows after the
//! position stored in the index are mapped to documents to re-index.

use super::{TOUCH, Touched, documents};
use crate::{App, AppError};
use kimppa_store::entities::{change_log, expert, service, service_provider};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, BTreeSet};

/// Rows read per round.
const BATCH: u64 = 2000;

#[derive(Debug, Default)]
struct Todo {
    all: bool,
    ids: BTreeSet<i32>,
}

fn id_in(payload: &str, key: &str) -> Option<i32> {
    serde_json::from_str::<serde_json::Value>(payload).ok()?.get(key)?.as_i64().map(|v| v as i32)
}

/// Rebuilds the whole index from the database. `progress(kind, docs)` is
/// told after each kind.
pub async fn rebuild(app: &App, mut progress: impl FnMut(&str, usize)) -> Result<u64, AppError> {
    let _guard = app.search_lock.lock().await;
    // Changes after this point are picked up by the next catch-up.
    let cursor = crate::changelog::last_id(&app.db).await?;
    app.search.clear().map_err(AppError::internal)?;
    for kind in documents::kinds(app) {
        let docs = documents::load(app, kind, &documents::Which::All).await?;
        app.search.apply(&docs, &[]).map_err(AppError::internal)?;
        progress(kind, docs.len());
    }
    app.search.commit(cursor).map_err(AppError::internal)?;
    app.search.merge_segments().map_err(AppError::internal)?;
    app.search_needs_rebuild.store(false, std::sync::atomic::Ordering::SeqCst);
    Ok(app.search.num_docs())
}

/// Applies the changes since the index's position; returns how many rows were read.
pub async fn catch_up(app: &App) -> Result<usize, AppError> {
    if app.search_needs_rebuild.load(std::sync::atomic::Ordering::SeqCst) {
        rebuild(app, |_, _| {}).await?;
    }
    let _guard = app.search_lock.lock().await;
    let cursor = app.search.cursor().unwrap_or(0);
    let rows: Vec<(i32, String, String)> = change_log::Entity::find()
        .select_only()
        .columns([change_log::Column::Id, change_log::Column::Kind, change_log::Column::Payload])
        .filter(change_log::Column::Id.gt(cursor as i32))
        .order_by_asc(change_log::Column::Id)
        .limit(BATCH)
        .into_tuple()
        .all(&app.db)
        .await?;
    let Some(last) = rows.last().map(|r| r.0 as i64) else { return Ok(0) };
    let mut todo: BTreeMap<String, Todo> = BTreeMap::new();
    fn add(todo: &mut BTreeMap<String, Todo>, kind: &str, ids: &[i32]) {
        let t = todo.entry(kind.to_string()).or_default();
        if ids.is_empty() {
            t.all = true;
        } else {
            t.ids.extend(ids);
        }
    }
    for (_, kind, payload) in &rows {
        match kind.as_str() {
            TOUCH => match serde_json::from_str::<Touched>(payload) {
                Ok(t) => add(&mut todo, &t.kind, &t.ids),
                Err(e) => tracing::warn!(error = %e, payload, "search: a change-log row not understood, skipped"),
            },
            "organisation.created" | "organisation.updated" => {
                if let Some(id) = id_in(payload, "org_id") {
                    add(&mut todo, "organisation", &[id]);
                }
            }
            "service.created" | "service.updated" | "service.co_provider" => {
                if let Some(id) = id_in(payload, "service_id") {
                    add(&mut todo, "service", &[id]);
                }
            }
            _ => {}
        }
    }
    // An organisation's change reaches its services and experts (names,
    // types and whether they are public at all).
    if let Some(orgs) = todo.get("organisation").filter(|t| !t.all).map(|t| t.ids.iter().copied().collect::<Vec<_>>())
        && !orgs.is_empty()
    {
        let owned: Vec<i32> = service::Entity::find()
            .select_only()
            .column(service::Column::Id)
            .filter(service::Column::OwnerOrgId.is_in(orgs.clone()))
            .into_tuple()
            .all(&app.db)
            .await?;
        let co: Vec<i32> = service_provider::Entity::find()
            .select_only()
            .column(service_provider::Column::ServiceId)
            .filter(service_provider::Column::OrgId.is_in(orgs.clone()))
            .into_tuple()
            .all(&app.db)
            .await?;
        let people: Vec<i32> = expert::Entity::find()
            .select_only()
            .column(expert::Column::Id)
            .filter(expert::Column::OrgId.is_in(orgs.clone()))
            .into_tuple()
            .all(&app.db)
            .await?;
        let services: Vec<i32> = owned.into_iter().chain(co).collect();
        if !services.is_empty() {
            add(&mut todo, "service", &services);
        }
        if !people.is_empty() {
            add(&mut todo, "expert", &people);
        }
    } else if todo.get("organisation").is_some_and(|t| t.all) {
        add(&mut todo, "service", &[]);
        add(&mut todo, "expert", &[]);
    }
    for (kind, t) in &todo {
        if t.all {
            app.search.delete_kind(kind).map_err(AppError::internal)?;
            let docs = documents::load(app, kind, &documents::Which::All).await?;
            app.search.apply(&docs, &[]).map_err(AppError::internal)?;
        } else if !t.ids.is_empty() {
            let ids: Vec<i32> = t.ids.iter().copied().collect();
            let keys: Vec<String> = ids.iter().map(|i| format!("{kind}:{i}")).collect();
            let docs = documents::load(app, kind, &documents::Which::Ids(ids)).await?;
            app.search.apply(&docs, &keys).map_err(AppError::internal)?;
        }
    }
    app.search.commit(last).map_err(AppError::internal)?;
    Ok(rows.len())
}

/// Follows the change log until `shutdown`: every half second, so a change
/// reaches search on every node within about a second.
pub async fn run(app: App, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        match catch_up(&app).await {
            Ok(n) if n as u64 == BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "search sync failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
