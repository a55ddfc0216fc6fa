//! Directory experts linked to forum threads.

use super::helpers::{fk, index, ts};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("forum_thread_experts")
                .col(pk_auto("id"))
                .col(integer("thread_id"))
                .col(integer("expert_id"))
                .col(integer("linked_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("forum_thread_experts", "thread_id", "forum_threads"))
                .foreign_key(&mut fk("forum_thread_experts", "expert_id", "experts"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "forum_thread_experts",
            "idx_forum_thread_experts_pair",
            &["thread_id", "expert_id"],
            true,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("forum_thread_experts").to_owned()).await
    }
}
