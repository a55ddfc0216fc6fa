//! Use cases of Kimppa, one folder per capability, and the one policy
//! module that decides every permission. No HTTP here.

pub mod accounts;
pub mod admin;
pub mod backup;
pub mod changelog;
pub mod config;
pub mod demo;
pub mod email;
pub mod error;
pub mod files;
pub mod jobs;
pub mod membership;
pub mod organisations;
pub mod policy;
pub mod tokens;
pub mod website;

pub use error::{AppError, FieldError};
pub use kimppa_store::sea_orm;

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
        Ok(App {
            db,
            config: Arc::new(config),
            files,
            mailer,
            jobs_wake: Arc::new(tokio::sync::Notify::new()),
            analytics: Default::default(),
        })
    }

    /// Absolute URL for a path, for links in emails.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url.trim_end_matches('/'), path)
    }
}

/// Current time; the only clock the app reads (always UTC, bound from Rust).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
