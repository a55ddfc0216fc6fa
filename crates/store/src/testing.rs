//! Fresh databases for tests: one per test, on SQLite or PostgreSQL.
//!
//! The migrations run once per test process, into a template; each test
//! gets a copy of it. On PostgreSQL (`KIMPPA_TEST_POSTGRES_URL`, a server
//! where the user may create databases) that is `CREATE DATABASE …
//! TEMPLATE`; on SQLite a copy of the migrated file. A test's database is
//! dropped when its [`TestDatabase`] is dropped (also when the test
//! panics), and the templates when the process exits; what a killed
//! process left is dropped by the next process that makes a template.

use crate::{connect, migrate};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tokio::sync::OnceCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("KIMPPA_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

/// Prefix of every database or file the tests make; the process id follows.
const PREFIX: &str = "kimppa_t_";

/// A migrated database of one test, dropped with this value.
#[derive(Debug)]
pub struct TestDatabase {
    pub url: String,
    backend: Backend,
    /// PostgreSQL: the database's name; SQLite: the file's path.
    name: String,
}

impl TestDatabase {
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self.backend {
            Backend::Sqlite => remove_sqlite(&self.name),
            Backend::Postgres => drop_postgres(&self.name),
        }
    }
}

fn remove_sqlite(path: &str) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}

/// Drops a database of the test server, blocking. A thread of its own with
/// a runtime of its own: callers run inside a test's runtime, or at exit.
fn drop_postgres(name: &str) {
    let Some(admin) = postgres_url() else { return };
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let done = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
        rt.block_on(async {
            let db = connect(&admin).await.ok()?;
            let r = db.execute_unprepared(&sql).await;
            db.close().await.ok();
            r.ok()
        })
    })
    .join();
    if !matches!(done, Ok(Some(_))) {
        eprintln!("could not drop the test database {name}");
    }
}

/// Drops the process's templates when it exits (the test harness ends
/// with `std::process::exit`, which runs these handlers).
extern "C" fn drop_templates() {
    if let Some(path) = SQLITE_TEMPLATE.get() {
        remove_sqlite(&path.display().to_string());
    }
    if let Some(name) = PG_TEMPLATE.get() {
        drop_postgres(name);
    }
}

fn drop_templates_at_exit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: registers a plain function without arguments.
    ONCE.call_once(|| unsafe {
        libc::atexit(drop_templates);
    });
}

fn unique_name() -> String {
    format!("{PREFIX}{}_{:x}", std::process::id(), rand::random::<u64>())
}

fn sqlite_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("kimppa-tests");
    std::fs::create_dir_all(&dir).expect("temp dir for test databases");
    dir
}

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

static SQLITE_TEMPLATE: OnceCell<std::path::PathBuf> = OnceCell::const_new();
static PG_TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The process's migrated SQLite file, checkpointed into one file.
async fn sqlite_template() -> &'static std::path::Path {
    SQLITE_TEMPLATE
        .get_or_init(|| async {
            let dir = sqlite_dir();
            sweep_sqlite(&dir);
            drop_templates_at_exit();
            let path = dir.join(format!("{PREFIX}{}_template.db", std::process::id()));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let db = connect(&sqlite_url(&path)).await.expect("create the SQLite template");
            migrate(&db).await.expect("migrate the SQLite template");
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("checkpoint the template");
            db.close().await.ok();
            path
        })
        .await
}

/// The process's migrated PostgreSQL template database.
async fn pg_template(admin: &DatabaseConnection) -> &'static str {
    PG_TEMPLATE
        .get_or_init(|| async {
            sweep_postgres(admin).await;
            drop_templates_at_exit();
            let name = format!("{PREFIX}{}_template", std::process::id());
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create the template database");
            let db = connect(&database_url(&name)).await.expect("connect the template database");
            migrate(&db).await.expect("migrate the template database");
            // A template may have no open connections while it is copied.
            db.close().await.ok();
            name
        })
        .await
}

fn database_url(name: &str) -> String {
    let admin = postgres_url().expect("KIMPPA_TEST_POSTGRES_URL");
    let mut u = url::Url::parse(&admin).expect("KIMPPA_TEST_POSTGRES_URL is a URL");
    u.set_path(&format!("/{name}"));
    u.to_string()
}

/// The process id a test database or file name was made by.
fn maker(name: &str) -> Option<u32> {
    name.strip_prefix(PREFIX)?.split('_').next()?.parse().ok()
}

fn alive(pid: u32) -> bool {
    pid == std::process::id() || std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes the files of test processes that have ended.
fn sweep_sqlite(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if maker(&name).is_some_and(|pid| !alive(pid)) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Drops the databases of test processes that have ended.
async fn sweep_postgres(admin: &DatabaseConnection) {
    let Ok(rows) = admin
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        if maker(&name).is_some_and(|pid| !alive(pid)) {
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
        }
    }
}

/// A new, migrated database of its own for one test, or `None` when the
/// backend is PostgreSQL and no server is configured. Under CI (`CI` set)
/// a missing PostgreSQL server is an error, not a skip.
pub async fn fresh_database_url(backend: Backend) -> Option<TestDatabase> {
    let name = unique_name();
    match backend {
        Backend::Sqlite => {
            let template = sqlite_template().await;
            let path = sqlite_dir().join(format!("{name}.db"));
            std::fs::copy(template, &path).expect("copy the SQLite template");
            Some(TestDatabase { url: sqlite_url(&path), backend, name: path.display().to_string() })
        }
        Backend::Postgres => {
            let Some(admin_url) = postgres_url() else {
                if std::env::var("CI").is_ok() {
                    panic!("KIMPPA_TEST_POSTGRES_URL must be set in CI");
                }
                return None;
            };
            let admin = connect(&admin_url).await.expect("connect to KIMPPA_TEST_POSTGRES_URL");
            let template = pg_template(&admin).await;
            // Copies of one template may collide for a moment; try again.
            let mut tries = 0;
            while let Err(e) = admin.execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}")).await {
                tries += 1;
                assert!(tries < 50, "copy the template database: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            admin.close().await.ok();
            Some(TestDatabase { url: database_url(&name), backend, name })
        }
    }
}

/// A new migrated database connection (see [`fresh_database_url`]); the
/// database lives as long as the returned guard.
pub async fn fresh_database(backend: Backend) -> Option<(DatabaseConnection, TestDatabase)> {
    let t = fresh_database_url(backend).await?;
    Some((connect(&t.url).await.expect("connect test database"), t))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_maker_of_a_name_is_read_back() {
        assert_eq!(super::maker("kimppa_t_4242_template"), Some(4242));
        assert_eq!(super::maker("kimppa_t_17_ab12.db"), Some(17));
        assert_eq!(super::maker("other_17"), None);
    }
}
