//! Forum moderation and care: hidden replies, the accepted answer, reports
//! by readers, and the edit history of threads and replies; indexes that
//! let thread lists and counts read an index instead of every thread.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement (SQLite).
        m.alter_table(
            Table::alter().table("forum_posts").add_column(boolean("hidden").default(false).to_owned()).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table("forum_threads").add_column(integer_null("accepted_post_id")).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table("forum_reports")
                .col(pk_auto("id"))
                .col(integer("thread_id"))
                .col(integer_null("post_id"))
                .col(integer("reporter_id"))
                .col(text("reason"))
                .col(ts("created_at"))
                .col(ts_null("resolved_at"))
                .col(integer_null("resolved_by"))
                .foreign_key(&mut fk("forum_reports", "thread_id", "forum_threads"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("forum_reports", "idx_forum_reports_open", &["resolved_at", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table("forum_revisions")
                .col(pk_auto("id"))
                .col(integer("thread_id"))
                .col(integer_null("post_id"))
                .col(string("title"))
                .col(text("body"))
                .col(integer("edited_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("forum_revisions", "thread_id", "forum_threads"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("forum_revisions", "idx_forum_revisions_thread", &["thread_id", "id"], false)).await?;
        // Lists: pinned first, then latest activity (all areas, or one area).
        m.create_index(index("forum_threads", "idx_forum_threads_order", &["pinned", "last_post_at", "id"], false))
            .await?;
        m.create_index(index(
            "forum_threads",
            "idx_forum_threads_area_order",
            &["category_id", "pinned", "last_post_at", "id"],
            false,
        ))
        .await?;
        // Counts per area read only this index.
        m.create_index(index("forum_threads", "idx_forum_threads_area_closed", &["category_id", "closed"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["forum_revisions", "forum_reports"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(Table::alter().table("forum_threads").drop_column("accepted_post_id").to_owned()).await?;
        m.alter_table(Table::alter().table("forum_posts").drop_column("hidden").to_owned()).await?;
        Ok(())
    }
}
