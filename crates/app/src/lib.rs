//! Use cases of Kimppa, one folder per capability, and the one policy
//! module that decides every permission. No HTTP here.

pub mod accounts;
pub mod admin;
pub mod backup;
pub mod batch;
pub mod challenges;
pub mod changelog;
pub mod config;
pub mod demo;
pub mod directory;
pub mod email;
pub mod error;
pub mod events;
pub mod files;
pub mod forum;
pub mod funding;
pub mod groups;
pub mod hooks;
pub mod impact;
pub mod jobs;
pub mod materials;
pub mod membership;
pub mod notifications;
pub mod organisations;
pub mod overview;
pub mod pagecache;
pub mod people;
pub mod pipeline;
pub mod policy;
pub mod principal;
pub mod records;
pub mod search;
pub mod sessions;
pub mod tokens;
pub mod website;

pub use error::{AppError, FieldError};
pub use kimppa_markdown as markdown;
pub use kimppa_matchmaking as matchmaking;
pub use kimppa_sidestreams as sidestreams;

use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Everything a use case needs. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: DatabaseConnection,
    pub config: Arc<config::Config>,
    pub files: files::Files,
    pub mailer: email::Mailer,
    /// Wakes the job runner when new change-log rows are written.
    pub jobs_wake: Arc<tokio::sync::Notify>,
    /// This node's batch of visitor counts.
    pub analytics: website::analytics::Analytics,
    /// This node's memory of the catalogues (see [`directory::catalogue`]).
    pub catalogue: directory::catalogue::CatalogueCache,
    /// This node's memory of public pages (see [`pagecache`]).
    pub pages: pagecache::PageCache,
    /// This node's search index (see [`search`]).
    pub search: Arc<kimppa_search::SearchIndex>,
    /// One catch-up or rebuild of the index at a time.
    pub search_lock: Arc<tokio::sync::Mutex<()>>,
    /// The index was created empty (or in memory) and must be filled.
    pub search_needs_rebuild: Arc<std::sync::atomic::AtomicBool>,
    /// The capabilities' job handlers, notice subjects and unsubscribe links.
    pub hooks: Arc<hooks::Hooks>,
    /// This node's copies of sessions (see [`sessions::Memory`]).
    pub sessions: Arc<sessions::Memory>,
    /// This node's open listings for matching (see [`materials::pool`]).
    pub materials_pool: materials::pool::Shared,
}

impl App {
    /// Connects, migrates and builds the application services.
    pub async fn start(config: config::Config) -> anyhow::Result<App> {
        let db = kimppa_store::connect(&config.database_url).await?;
        kimppa_store::migrate(&db).await?;
        Self::with_db(config, db)
    }

    pub fn with_db(config: config::Config, db: DatabaseConnection) -> anyhow::Result<App> {
        let files = files::Files::from_config(&config.files)?;
        let mailer = email::Mailer::from_config(&config.email)?;
        let (index, fresh) = if config.search_path == "memory" {
            (kimppa_search::SearchIndex::in_memory()?, true)
        } else {
            let (index, opened) = kimppa_search::SearchIndex::open(std::path::Path::new(&config.search_path))?;
            if opened == kimppa_search::Opened::Created {
                tracing::info!(path = %config.search_path, "search index created; it is filled from the database");
            }
            let fresh = opened == kimppa_search::Opened::Created || index.cursor().is_none();
            (index, fresh)
        };
        let config_freshness = config.page_cache.freshness_ms;
        let pages = pagecache::PageCache::new(
            config.page_cache.max_mib as usize * 1024 * 1024,
            std::time::Duration::from_millis(config.page_cache.freshness_ms),
        );
        Ok(App {
            db,
            config: Arc::new(config),
            files,
            mailer,
            jobs_wake: Arc::new(tokio::sync::Notify::new()),
            analytics: Default::default(),
            catalogue: Default::default(),
            pages,
            sessions: Arc::new(sessions::Memory::new(std::time::Duration::from_millis(config_freshness))),
            search: Arc::new(index),
            search_lock: Arc::new(tokio::sync::Mutex::new(())),
            search_needs_rebuild: Arc::new(std::sync::atomic::AtomicBool::new(fresh)),
            hooks: Arc::new(assemble_hooks()),
            materials_pool: Default::default(),
        })
    }

    /// The database answers (readiness).
    pub async fn ready(&self) -> bool {
        kimppa_store::ping(&self.db).await
    }

    /// Absolute URL for a path, for links in emails.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url.trim_end_matches('/'), path)
    }
}

/// Every capability's hooks (see [`hooks`]).
pub fn assemble_hooks() -> hooks::Hooks {
    let mut h = hooks::Hooks::default();
    email::register(&mut h.jobs);
    admin::register(&mut h.jobs);
    notifications::register(&mut h.jobs);
    directory::register(&mut h);
    website::register(&mut h);
    forum::register(&mut h);
    challenges::register(&mut h);
    materials::register(&mut h);
    events::register(&mut h);
    groups::register(&mut h);
    funding::register(&mut h);
    pipeline::register(&mut h);
    impact::register(&mut h);
    h
}

/// Current time; the only clock the app reads (always UTC, bound from Rust).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Finnish local time: UTC+2, or UTC+3 from the last Sunday of March
/// 01:00 UTC to the last Sunday of October 01:00 UTC (EU rule).
pub fn finnish_time(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset> {
    use chrono::{Datelike, NaiveDate, TimeZone};
    let last_sunday = |month: u32| -> chrono::DateTime<chrono::Utc> {
        let last = NaiveDate::from_ymd_opt(t.year(), month, 31).unwrap_or_default();
        let back = last.weekday().num_days_from_sunday() as i64;
        let day = last - chrono::Duration::days(back);
        chrono::Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap_or_default())
    };
    let summer = t >= last_sunday(3) && t < last_sunday(10);
    let hours = if summer { 3 } else { 2 };
    match chrono::FixedOffset::east_opt(hours * 3600) {
        Some(offset) => t.with_timezone(&offset),
        None => t.fixed_offset(),
    }
}

/// The first moment of a calendar year in Finland (1 January 00:00 local
/// time, always winter time: UTC+2), as UTC.
pub fn finnish_year_start(year: i32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(year, 1, 1, 0, 0, 0)
        .single()
        .map(|t| t - chrono::Duration::hours(2))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn finnish_time_follows_eu_summer_time() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(super::finnish_time(at(2026, 1, 15, 12)).format("%H").to_string(), "14");
        assert_eq!(super::finnish_time(at(2026, 3, 29, 0)).format("%H").to_string(), "02");
        assert_eq!(super::finnish_time(at(2026, 3, 29, 1)).format("%H").to_string(), "04");
        assert_eq!(super::finnish_time(at(2026, 7, 1, 12)).format("%H").to_string(), "15");
        assert_eq!(super::finnish_time(at(2026, 10, 25, 0)).format("%H").to_string(), "03");
        assert_eq!(super::finnish_time(at(2026, 10, 25, 1)).format("%H").to_string(), "03");
        assert_eq!(super::finnish_time(at(2026, 11, 23, 12)).format("%H").to_string(), "14");
    }
}
