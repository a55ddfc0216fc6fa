//! This node's memory of whole public pages as anonymous visitors get them.
//!
//! A visitor without a session sees exactly the same bytes as every other
//! such visitor, so the web layer keeps the rendered page and serves it
//! again until the data can have changed. "Can have changed" is decided the
//! same way as for the catalogue memory: the change log's position. The
//! position is read from the database at most once per `freshness`, so a
//! change made on another node shows within that time; a write through this
//! node empties the memory at once ([`PageCache::invalidate`]).
//!
//! The memory is bounded by bytes; when a page would not fit, the pages
//! remembered first are forgotten first.
//!
//! The same memory keeps the frame of signed-in pages, kept true the same
//! way: each person's principal (by person and second factor), their
//! unread count, and the navigation menu. Whatever a frame shows writes a
//! change-log row when it changes ([`changelog::PERSONAL`] for what one
//! person alone sees), so a frame is never older than the freshness.

use crate::{changelog, principal::Principal};
use bytes::Bytes;
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

/// One remembered response: its headers (without cookies) and body.
#[derive(Debug)]
pub struct CachedPage {
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl CachedPage {
    fn size(&self, key: &str) -> usize {
        self.body.len() + key.len() + self.headers.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() + 64
    }
}

#[derive(Clone)]
pub struct PageCache(Arc<Inner>);

struct Inner {
    max_bytes: usize,
    freshness: Duration,
    store: RwLock<Store>,
    /// One look at the change log at a time.
    looking: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Store {
    /// Change-log position the remembered pages belong to.
    version: i64,
    checked: Option<Instant>,
    /// Grows whenever the memory is emptied, so a page rendered before
    /// a change is not stored after it.
    generation: u64,
    bytes: usize,
    pages: HashMap<String, Arc<CachedPage>>,
    /// Keys in the order they were first remembered.
    order: std::collections::VecDeque<String>,
    /// Principals by person and second factor passed.
    principals: HashMap<(i32, bool), Principal>,
    /// Unread notices by person and second factor passed (what staff see
    /// depends on it).
    unread: HashMap<(i32, bool), u64>,
    /// Data read from the database and kept until the next change: the
    /// navigation menu, the marketplace's reference data.
    derived: HashMap<&'static str, Arc<dyn std::any::Any + Send + Sync>>,
}

/// At most this many people's frames are remembered; past it the frames
/// are forgotten and remembered again as people come.
const MAX_FRAMES: usize = 50_000;

impl Store {
    fn clear(&mut self) {
        self.pages.clear();
        self.order.clear();
        self.bytes = 0;
        self.principals.clear();
        self.unread.clear();
        self.derived.clear();
    }
}

impl PageCache {
    /// `max_bytes` 0 turns the memory off.
    pub fn new(max_bytes: usize, freshness: Duration) -> PageCache {
        PageCache(Arc::new(Inner {
            max_bytes,
            freshness,
            store: RwLock::new(Store::default()),
            looking: tokio::sync::Mutex::new(()),
        }))
    }

    pub fn enabled(&self) -> bool {
        self.0.max_bytes > 0
    }

    /// The largest page worth remembering.
    pub fn max_page_bytes(&self) -> usize {
        self.0.max_bytes / 16
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.0.store.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.0.store.write().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh(&self, s: &Store) -> bool {
        s.checked.is_some_and(|c| c.elapsed() < self.0.freshness)
    }

    /// Brings the memory to the database's change-log position when the
    /// last look is older than the freshness, and returns the generation
    /// to store a newly rendered page under. `None` when the database
    /// cannot be read (then nothing is served from or put in memory).
    pub async fn refresh(&self, app: &crate::App) -> Option<u64> {
        let db = &app.db;
        {
            let s = self.read();
            if self.fresh(&s) {
                return Some(s.generation);
            }
        }
        let _one = self.0.looking.lock().await;
        {
            let s = self.read();
            if self.fresh(&s) {
                return Some(s.generation);
            }
        }
        let version = match changelog::last_id(db).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "page memory: change log unreadable");
                return None;
            }
        };
        let mut s = self.write();
        if s.version != version {
            s.clear();
            s.generation += 1;
            s.version = version;
        }
        s.checked = Some(Instant::now());
        Some(s.generation)
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        self.read().pages.get(key).cloned()
    }

    /// Remembers a page rendered under `generation` (from [`Self::refresh`]);
    /// ignored when the memory was emptied meanwhile or the page is too big.
    pub fn put(&self, generation: u64, key: String, page: CachedPage) {
        let size = page.size(&key);
        if size > self.max_page_bytes() {
            return;
        }
        let mut s = self.write();
        if s.generation != generation {
            return;
        }
        if let Some(old) = s.pages.remove(&key) {
            s.bytes -= old.size(&key);
            s.order.retain(|k| k != &key);
        }
        while s.bytes + size > self.0.max_bytes {
            let Some(first) = s.order.pop_front() else { break };
            if let Some(old) = s.pages.remove(&first) {
                s.bytes -= old.size(&first);
            }
        }
        s.order.push_back(key.clone());
        s.pages.insert(key, Arc::new(page));
        s.bytes += size;
    }

    /// The remembered principal of a person (with the second factor passed or not).
    pub fn principal(&self, user: i32, second_factor: bool) -> Option<Principal> {
        self.read().principals.get(&(user, second_factor)).cloned()
    }

    /// Remembers a principal resolved under `generation`.
    pub fn remember_principal(&self, generation: u64, user: i32, second_factor: bool, p: Principal) {
        let mut s = self.write();
        if s.generation != generation || !self.enabled() {
            return;
        }
        if s.principals.len() >= MAX_FRAMES {
            s.principals.clear();
        }
        s.principals.insert((user, second_factor), p);
    }

    /// The remembered count of a person's unread notices.
    pub fn unread(&self, user: i32, second_factor: bool) -> Option<u64> {
        self.read().unread.get(&(user, second_factor)).copied()
    }

    /// Remembers an unread count read under `generation`.
    pub fn remember_unread(&self, generation: u64, user: i32, second_factor: bool, n: u64) {
        let mut s = self.write();
        if s.generation != generation || !self.enabled() {
            return;
        }
        if s.unread.len() >= MAX_FRAMES {
            s.unread.clear();
        }
        s.unread.insert((user, second_factor), n);
    }

    /// Data derived from the database under `key`, read by `load` when
    /// not remembered (or when the memory is off), and remembered until the
    /// next change.
    pub async fn derived<T, F, Fut>(
        &self,
        app: &crate::App,
        key: &'static str,
        load: F,
    ) -> Result<Arc<T>, crate::AppError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, crate::AppError>>,
    {
        let generation = if self.enabled() { self.refresh(app).await } else { None };
        if generation.is_some()
            && let Some(v) = self.read().derived.get(key).cloned()
            && let Ok(v) = v.downcast::<T>()
        {
            return Ok(v);
        }
        let v = Arc::new(load().await?);
        if let Some(g) = generation {
            let mut s = self.write();
            if s.generation == g {
                s.derived.insert(key, v.clone());
            }
        }
        Ok(v)
    }

    /// Forgets every page: called after each write through this node.
    pub fn invalidate(&self) {
        let mut s = self.write();
        s.clear();
        s.generation += 1;
        s.checked = None;
    }

    /// Pages and bytes remembered now.
    pub fn usage(&self) -> (usize, usize) {
        let s = self.read();
        (s.pages.len(), s.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> CachedPage {
        CachedPage { headers: vec![("content-type".into(), "text/html".into())], body: Bytes::from(vec![b'x'; n]) }
    }

    #[test]
    fn stays_within_its_bytes_and_drops_stale_renders() {
        let c = PageCache::new(16 * 1024, Duration::from_secs(60));
        let g = c.read().generation;
        c.put(g, "/fi/a".into(), page(500));
        c.put(g, "/fi/b".into(), page(500));
        assert!(c.get("/fi/a").is_some() && c.get("/fi/b").is_some());
        // Too big for the memory: not stored.
        c.put(g, "/fi/big".into(), page(2000));
        assert!(c.get("/fi/big").is_none());
        // Filling past the bound forgets the first remembered first.
        for i in 0..40 {
            c.put(g, format!("/fi/p{i}"), page(500));
            assert!(c.usage().1 <= 16 * 1024);
        }
        assert!(c.get("/fi/a").is_none() && c.get("/fi/p0").is_none());
        assert!(c.get("/fi/p39").is_some() && c.get("/fi/p30").is_some());
        // Remembering a page again replaces it without counting it twice.
        let before = c.usage();
        c.put(g, "/fi/p39".into(), page(500));
        assert_eq!(c.usage(), before);
        // A page rendered before a write is not stored after it.
        c.invalidate();
        c.put(g, "/fi/old".into(), page(10));
        assert!(c.get("/fi/old").is_none());
        assert_eq!(c.usage(), (0, 0));
    }
}
