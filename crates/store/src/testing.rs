//! Fresh databases for tests: one per test, on SQLite or PostgreSQL.
//!
//! PostgreSQL is used when `KIMPPA_TEST_POSTGRES_URL` points at a server
//! where the user may create databases; each test gets its own database.

use crate::{connect, migrate};
use sea_orm::{ConnectionTrait, DatabaseConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("KIMPPA_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

/// Returns a database URL for a new, empty, migrated database, or `None`
/// when the backend is PostgreSQL and no server is configured. Under CI
/// (`CI` set) a missing PostgreSQL server is an error, not a skip.
pub async fn fresh_database_url(backend: Backend) -> Option<String> {
    let name = format!("kimppa_t_{}_{:x}", std::process::id(), rand::random::<u64>());
    let url = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("kimppa-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}?mode=rwc", dir.join(format!("{name}.db")).display())
        }
        Backend::Postgres => {
            let Some(admin) = postgres_url() else {
                if std::env::var("CI").is_ok() {
                    panic!("KIMPPA_TEST_POSTGRES_URL must be set in CI");
                }
                return None;
            };
            let admin_db = connect(&admin).await.expect("connect to KIMPPA_TEST_POSTGRES_URL");
            admin_db.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            let mut u = url::Url::parse(&admin).expect("postgres url");
            u.set_path(&format!("/{name}"));
            u.to_string()
        }
    };
    let db = connect(&url).await.expect("connect test database");
    migrate(&db).await.expect("migrate test database");
    db.close().await.ok();
    Some(url)
}

/// A new migrated database connection (see [`fresh_database_url`]).
pub async fn fresh_database(backend: Backend) -> Option<DatabaseConnection> {
    let url = fresh_database_url(backend).await?;
    Some(connect(&url).await.expect("connect test database"))
}
