//! The expert forum: categories and tags (managed by orchestrators),
//! threads and replies, tags on threads, and the participants of closed
//! threads (invited people or whole organisations).

use super::helpers::{fk, index, ts};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("forum_categories")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("name_fi"))
                .col(string("name_en"))
                .col(text("description_fi"))
                .col(text("description_en"))
                .col(integer("position"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("forum_tags")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("name_fi"))
                .col(string("name_en"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("forum_threads")
                .col(pk_auto("id"))
                .col(integer("category_id"))
                .col(integer("author_id"))
                .col(string("title"))
                .col(text("body"))
                .col(boolean("closed"))
                .col(boolean("locked"))
                .col(boolean("pinned"))
                .col(integer("reply_count"))
                .col(ts("last_post_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("forum_threads", "category_id", "forum_categories"))
                .foreign_key(&mut fk("forum_threads", "author_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("forum_threads", "idx_forum_threads_category", &["category_id", "last_post_at"], false))
            .await?;
        m.create_index(index("forum_threads", "idx_forum_threads_last", &["last_post_at"], false)).await?;
        m.create_table(
            Table::create()
                .table("forum_posts")
                .col(pk_auto("id"))
                .col(integer("thread_id"))
                .col(integer("author_id"))
                .col(text("body"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("forum_posts", "thread_id", "forum_threads"))
                .foreign_key(&mut fk("forum_posts", "author_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("forum_posts", "idx_forum_posts_thread", &["thread_id", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table("forum_thread_tags")
                .col(pk_auto("id"))
                .col(integer("thread_id"))
                .col(integer("tag_id"))
                .foreign_key(&mut fk("forum_thread_tags", "thread_id", "forum_threads"))
                .foreign_key(&mut fk("forum_thread_tags", "tag_id", "forum_tags"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("forum_thread_tags", "idx_forum_thread_tags_pair", &["thread_id", "tag_id"], true))
            .await?;
        m.create_index(index("forum_thread_tags", "idx_forum_thread_tags_tag", &["tag_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("forum_participants")
                .col(pk_auto("id"))
                .col(integer("thread_id"))
                .col(integer_null("user_id"))
                .col(integer_null("org_id"))
                .col(integer("invited_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("forum_participants", "thread_id", "forum_threads"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("forum_participants", "idx_forum_participants_thread", &["thread_id"], false)).await?;
        m.create_index(index("forum_participants", "idx_forum_participants_user", &["user_id"], false)).await?;
        m.create_index(index("forum_participants", "idx_forum_participants_org", &["org_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "forum_participants",
            "forum_thread_tags",
            "forum_posts",
            "forum_threads",
            "forum_tags",
            "forum_categories",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
