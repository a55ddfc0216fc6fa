//! The open listings as this node keeps them for matching, so the job that
//! runs on publish costs what the engine costs, not a read of every
//! counter-listing. Like the search index, every node follows the change log
//! on its own: listing changes (the search index's touch rows for
//! listings) replace the node's copy of those listings; a change of the
//! municipality coordinates, a touch of every listing, or a long way behind
//! rebuilds it from the database.
//!
//! Between rebuilds the engine's [`engine::Index`] stays as built: a changed
//! listing's old copy is passed over (the index's `keep`) and its new copy
//! sits in a small overlay that is scored pair by pair, so the best of the
//! index and the overlay together are exactly the best of the open listings.

use super::{engine_listing, reference, visibility};
use crate::{App, AppError, changelog, policy::Principal, search};
use kimppa_domain::{ListingStatus, ListingVisibility};
use kimppa_sidestreams as engine;
use kimppa_store::entities::{change_log, listing};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};

/// Change-log rows read per catch-up; more behind than this rebuilds.
const BATCH: u64 = 5000;
/// Changed listings kept beside the index before it is rebuilt.
const MAX_OVERLAY: usize = 2000;

/// What decides whether an asker may be matched with a listing.
#[derive(Debug, Clone, Copy)]
struct Meta {
    org_id: i32,
    visibility: ListingVisibility,
}

/// The node's open listings.
pub struct Pool {
    /// The change-log position applied.
    cursor: i64,
    /// A fingerprint of the municipality centres the points came from.
    places: u64,
    index: engine::Index,
    /// Position of each listing in the index's listings.
    at: HashMap<u64, usize>,
    /// Listings changed since the index was built (their current version).
    overlay: Vec<engine::Listing>,
    overlay_at: HashMap<u64, usize>,
    /// Ids whose copy in the index is out of date.
    replaced: HashSet<u64>,
    /// Every open listing's owner and visibility.
    meta: HashMap<u64, Meta>,
}

/// This node's pool (built on first use).
#[derive(Clone, Default)]
pub struct Shared(std::sync::Arc<tokio::sync::Mutex<Option<Pool>>>);

fn fingerprint(places: &HashMap<String, engine::Point>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut keys: Vec<(&String, &engine::Point)> = places.iter().collect();
    keys.sort_by(|a, b| a.0.cmp(b.0));
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (code, p) in keys {
        code.hash(&mut h);
        p.lat.to_bits().hash(&mut h);
        p.lon.to_bits().hash(&mut h);
    }
    h.finish()
}

/// Municipality centres by code.
pub async fn places(app: &App) -> Result<HashMap<String, engine::Point>, AppError> {
    Ok(reference::reference(app).await?.municipalities.iter().map(|m| (m.code.clone(), reference::point(m))).collect())
}

/// Open listings of these ids (all when `None`), with what matching needs.
async fn load(
    app: &App,
    ids: Option<Vec<i32>>,
    places: &HashMap<String, engine::Point>,
) -> Result<Vec<(engine::Listing, Meta)>, AppError> {
    let mut q = listing::Entity::find().filter(listing::Column::Status.eq(ListingStatus::Published));
    if let Some(ids) = ids {
        q = q.filter(listing::Column::Id.is_in(ids));
    }
    Ok(q.all(&app.db)
        .await?
        .iter()
        .filter_map(|l| {
            let e = engine_listing(l, places.get(&l.municipality).copied())?;
            Some((e, Meta { org_id: l.org_id, visibility: l.visibility }))
        })
        .collect())
}

impl Pool {
    async fn build(app: &App, places: &HashMap<String, engine::Point>) -> Result<Pool, AppError> {
        // Changes after this point are applied by the next catch-up.
        let cursor = changelog::last_id(&app.db).await?;
        let rows = load(app, None, places).await?;
        let meta = rows.iter().map(|(l, m)| (l.id, *m)).collect();
        let index = engine::Index::new(rows.into_iter().map(|(l, _)| l).collect());
        let at = index.listings().iter().enumerate().map(|(i, l)| (l.id, i)).collect();
        Ok(Pool {
            cursor,
            places: fingerprint(places),
            index,
            at,
            overlay: vec![],
            overlay_at: HashMap::new(),
            replaced: HashSet::new(),
            meta,
        })
    }

    /// Applies the change log since the pool's position; `false` when the
    /// pool must be rebuilt instead.
    async fn catch_up(&mut self, app: &App, places: &HashMap<String, engine::Point>) -> Result<bool, AppError> {
        let rows: Vec<(i32, String)> = change_log::Entity::find()
            .select_only()
            .columns([change_log::Column::Id, change_log::Column::Payload])
            .filter(change_log::Column::Id.gt(self.cursor as i32))
            .filter(change_log::Column::Kind.eq(search::TOUCH))
            .order_by_asc(change_log::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&app.db)
            .await?;
        if rows.len() as u64 == BATCH {
            return Ok(false);
        }
        let mut ids: HashSet<i32> = HashSet::new();
        for (_, payload) in &rows {
            let Ok(t) = serde_json::from_str::<search::Touched>(payload) else { continue };
            if t.kind != "listing" {
                continue;
            }
            if t.ids.is_empty() {
                return Ok(false);
            }
            ids.extend(t.ids);
        }
        // The position: what was read, or everything up to now when nothing was.
        let last = match rows.last() {
            Some((id, _)) => *id as i64,
            None => self.cursor,
        };
        if !ids.is_empty() {
            let ids: Vec<i32> = ids.into_iter().collect();
            let fresh = load(app, Some(ids.clone()), places).await?;
            for id in ids {
                self.remove(id as u64);
            }
            for (l, m) in fresh {
                self.meta.insert(l.id, m);
                self.overlay_at.insert(l.id, self.overlay.len());
                self.overlay.push(l);
            }
        }
        self.cursor = last;
        Ok(self.overlay.len() + self.replaced.len() <= MAX_OVERLAY)
    }

    fn remove(&mut self, id: u64) {
        self.meta.remove(&id);
        if self.at.contains_key(&id) {
            self.replaced.insert(id);
        }
        if let Some(i) = self.overlay_at.remove(&id) {
            self.overlay.swap_remove(i);
            if let Some(moved) = self.overlay.get(i) {
                self.overlay_at.insert(moved.id, i);
            }
        }
    }

    /// An open listing's current engine copy.
    pub fn get(&self, id: u64) -> Option<&engine::Listing> {
        if let Some(&i) = self.overlay_at.get(&id) {
            return self.overlay.get(i);
        }
        if self.replaced.contains(&id) {
            return None;
        }
        self.at.get(&id).map(|&i| &self.index.listings()[i])
    }

    /// The `limit` best open counter-listings of `l` (owned by `org_id`)
    /// among those `owner` may see, other organisations' only.
    pub fn matches(
        &self,
        l: &engine::Listing,
        org_id: i32,
        owner: &Principal,
        w: &engine::Weights,
        limit: usize,
    ) -> Vec<(u64, engine::Score)> {
        let allowed = |id: u64| {
            self.meta
                .get(&id)
                .is_some_and(|m| m.org_id != org_id && visibility::counterpart_sees(owner, m.org_id, m.visibility))
        };
        let mut found = self.index.matches_where(l, w, limit, |id| !self.replaced.contains(&id) && allowed(id));
        found.extend(
            self.overlay
                .iter()
                .filter(|o| o.id != l.id && allowed(o.id))
                .filter_map(|o| engine::score(l, o, w).map(|s| (o.id, s))),
        );
        found.sort_by(|a, b| b.1.total.total_cmp(&a.1.total).then(a.0.cmp(&b.0)));
        found.truncate(limit);
        found
    }

    /// How many open listings there are.
    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }
}

impl Shared {
    /// Runs `f` with this node's pool brought up to date (built or rebuilt
    /// when needed).
    pub async fn with<T>(&self, app: &App, f: impl FnOnce(&Pool) -> T) -> Result<T, AppError> {
        let places = places(app).await?;
        let mut guard = self.0.lock().await;
        let current = match guard.as_mut() {
            Some(p) if p.places == fingerprint(&places) => p.catch_up(app, &places).await?,
            _ => false,
        };
        if !current {
            *guard = Some(Pool::build(app, &places).await?);
        }
        let pool = guard.as_ref().ok_or_else(|| AppError::internal("matching pool missing"))?;
        Ok(f(pool))
    }
}
