//! Forum subscriptions, in-app notifications with email preferences,
//! attachments on threads and replies, first posts awaiting approval, and
//! the signing key of links that work without a login (unsubscribe).

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // What a person watches: a thread, an area or a topic.
        m.create_table(
            Table::create()
                .table("forum_subscriptions")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("kind", 16))
                .col(integer("target_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("forum_subscriptions", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "forum_subscriptions",
            "idx_forum_subscriptions_unique",
            &["user_id", "kind", "target_id"],
            true,
        ))
        .await?;
        m.create_index(index("forum_subscriptions", "idx_forum_subscriptions_target", &["kind", "target_id"], false))
            .await?;
        // One row per person and event; `emailed_at` is set when an email
        // (immediate or digest) carried it.
        m.create_table(
            Table::create()
                .table("notifications")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("event", 16))
                .col(string_len("event_key", 64))
                .col(integer("thread_id"))
                .col(integer_null("post_id"))
                .col(integer_null("actor_id"))
                .col(string_len("reason", 40))
                .col(ts("created_at"))
                .col(ts_null("read_at"))
                .col(ts_null("emailed_at"))
                .foreign_key(&mut fk("notifications", "user_id", "users"))
                .foreign_key(&mut fk("notifications", "thread_id", "forum_threads"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notifications", "idx_notifications_event", &["user_id", "event_key"], true)).await?;
        m.create_index(index("notifications", "idx_notifications_user", &["user_id", "id"], false)).await?;
        m.create_index(index("notifications", "idx_notifications_unread", &["user_id", "read_at"], false)).await?;
        m.create_index(index("notifications", "idx_notifications_unemailed", &["emailed_at", "user_id"], false))
            .await?;
        // Email preference: immediate, digest (the default) or off.
        m.create_table(
            Table::create()
                .table("notification_prefs")
                .col(integer("user_id").primary_key())
                .col(string_len("email_mode", 16))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("notification_prefs", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("forum_attachments")
                .col(pk_auto("id"))
                .col(integer("thread_id"))
                .col(integer_null("post_id"))
                .col(integer("uploader_id"))
                .col(string("file_key"))
                .col(string("filename"))
                .col(string_len("content_type", 100))
                .col(big_integer("size"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("forum_attachments", "thread_id", "forum_threads"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("forum_attachments", "idx_forum_attachments_thread", &["thread_id", "post_id"], false))
            .await?;
        // One ALTER per statement (SQLite).
        m.alter_table(
            Table::alter().table("forum_threads").add_column(boolean("pending").default(false).to_owned()).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table("forum_posts").add_column(boolean("pending").default(false).to_owned()).to_owned(),
        )
        .await?;
        // Keys for signed links, made once by the first node that needs one.
        m.create_table(
            Table::create()
                .table("signing_keys")
                .col(string_len("name", 40).primary_key())
                .col(string("secret"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["signing_keys", "forum_attachments", "notification_prefs", "notifications", "forum_subscriptions"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(Table::alter().table("forum_posts").drop_column("pending").to_owned()).await?;
        m.alter_table(Table::alter().table("forum_threads").drop_column("pending").to_owned()).await?;
        Ok(())
    }
}
