//! When a session last changed, so every node can drop the copies it holds
//! in memory of sessions changed or ended on another node.

use super::helpers::{index, ts_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("sessions").add_column(ts_null("changed_at")).to_owned()).await?;
        m.create_index(index("sessions", "idx_sessions_changed", &["changed_at"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_sessions_changed").table("sessions").to_owned()).await?;
        m.alter_table(Table::alter().table("sessions").drop_column("changed_at").to_owned()).await?;
        Ok(())
    }
}
