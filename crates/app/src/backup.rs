//! Consistent database snapshots.

use crate::{App, AppError};
use sea_orm::{ConnectionTrait, Statement};
use std::path::Path;

/// SQLite: `VACUUM INTO` a new file (consistent while the server runs).
/// PostgreSQL: returns the `pg_dump` command, which is the consistent tool
/// there.
pub async fn snapshot(app: &App, to: &Path) -> Result<String, AppError> {
    if !kimppa_store::is_sqlite(&app.db) {
        return Ok(format!(
            "PostgreSQL: take a consistent snapshot with\n  pg_dump --format=custom --file={} \"$KIMPPA_DATABASE_URL\"\nand restore it with pg_restore. Back up the object store (files) separately.",
            to.display()
        ));
    }
    if to.exists() {
        return Err(AppError::fail(format!("{} exists already; choose a new file", to.display())));
    }
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(AppError::internal)?;
    }
    let path = to.to_str().ok_or_else(|| AppError::fail("the backup path is not valid UTF-8"))?;
    app.db
        .execute_raw(Statement::from_sql_and_values(app.db.get_database_backend(), "VACUUM INTO ?", [path.into()]))
        .await?;
    Ok(format!("SQLite snapshot written to {path}. Back up the files folder separately."))
}
