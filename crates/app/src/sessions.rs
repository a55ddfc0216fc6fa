//! Sessions kept in the database, so any node serves any person. The web
//! layer's session store reads and writes them through these functions;
//! the record's data is the web layer's JSON.

use crate::{App, AppError};
use chrono::{DateTime, Utc};
use kimppa_store::entities::session;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::OnConflict};

/// A stored session: its data (JSON) and when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub data: String,
    pub expires_at: DateTime<Utc>,
}

/// A session that has not ended.
pub async fn load(app: &App, id: &str) -> Result<Option<Stored>, AppError> {
    Ok(session::Entity::find_by_id(id.to_string())
        .filter(session::Column::ExpiresAt.gt(crate::now()))
        .one(&app.db)
        .await?
        .map(|row| Stored { data: row.data, expires_at: row.expires_at }))
}

/// Is the id taken (by any session, ended or not)?
pub async fn exists(app: &App, id: &str) -> Result<bool, AppError> {
    Ok(session::Entity::find_by_id(id.to_string()).one(&app.db).await?.is_some())
}

/// Writes a session (a new one or a change).
pub async fn save(app: &App, id: &str, s: &Stored) -> Result<(), AppError> {
    let row =
        session::ActiveModel { id: Set(id.to_string()), data: Set(s.data.clone()), expires_at: Set(s.expires_at) };
    session::Entity::insert(row)
        .on_conflict(
            OnConflict::column(session::Column::Id)
                .update_columns([session::Column::Data, session::Column::ExpiresAt])
                .to_owned(),
        )
        .exec_without_returning(&app.db)
        .await?;
    Ok(())
}

pub async fn delete(app: &App, id: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(id.to_string()).exec(&app.db).await?;
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
