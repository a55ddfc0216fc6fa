//! Failed-attempt counters in the database, so every node sees them.

use crate::now;
use chrono::Duration;
use kimppa_store::entities::login_failure;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// Failures allowed per account in the window.
pub const ACCOUNT_LIMIT: u64 = 5;
/// Failures allowed per client address in the window.
pub const CLIENT_LIMIT: u64 = 30;
pub const WINDOW_MINUTES: i64 = 15;

pub async fn is_limited(db: &DatabaseConnection, key: &str, limit: u64) -> Result<bool, sea_orm::DbErr> {
    let since = now() - Duration::minutes(WINDOW_MINUTES);
    let n = login_failure::Entity::find()
        .filter(login_failure::Column::Key.eq(key))
        .filter(login_failure::Column::At.gt(since))
        .count(db)
        .await?;
    Ok(n >= limit)
}

pub async fn record_failure(db: &DatabaseConnection, keys: &[&str]) -> Result<(), sea_orm::DbErr> {
    for key in keys {
        login_failure::ActiveModel { key: Set((*key).into()), at: Set(now()), ..Default::default() }.insert(db).await?;
    }
    // Old rows are of no use; keep the table small.
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::At.lt(now() - Duration::minutes(WINDOW_MINUTES * 4)))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn clear(db: &DatabaseConnection, key: &str) -> Result<(), sea_orm::DbErr> {
    login_failure::Entity::delete_many().filter(login_failure::Column::Key.eq(key)).exec(db).await?;
    Ok(())
}
