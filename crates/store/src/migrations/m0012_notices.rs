//! In-app notices of every capability: the forum's notifications become
//! rows of one table that names its subject (`forum.thread` and an id), the
//! link and the title, so events, challenges, materials and every later
//! capability tell people through the same list, digest and settings.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notices")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                // What happened (`reply`, `thread`, `invite` …): the list's wording.
                .col(string_len("event", 32))
                // Unique per person: the same event never tells twice.
                .col(string_len("event_key", 96))
                // What it is about: a kind (`forum.thread`) and its id, whose
                // visibility is checked again whenever the notice is read.
                .col(string_len("subject", 32))
                .col(integer("subject_id"))
                .col(integer_null("detail_id"))
                .col(integer_null("actor_id"))
                .col(string_len("reason", 40))
                .col(string("title"))
                // The path after the language prefix.
                .col(string("link"))
                .col(ts("created_at"))
                .col(ts_null("read_at"))
                .col(ts_null("emailed_at"))
                .foreign_key(&mut fk("notices", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notices", "idx_notices_event", &["user_id", "event_key"], true)).await?;
        m.create_index(index("notices", "idx_notices_user", &["user_id", "id"], false)).await?;
        m.create_index(index("notices", "idx_notices_unread", &["user_id", "read_at"], false)).await?;
        m.create_index(index("notices", "idx_notices_unemailed", &["emailed_at", "user_id"], false)).await?;
        m.create_index(index("notices", "idx_notices_subject", &["subject", "subject_id"], false)).await?;
        // The forum's notifications, with their threads' titles and links.
        let link = "CASE WHEN n.post_id IS NULL THEN '/forum/threads/' || n.thread_id \
                    ELSE '/forum/threads/' || n.thread_id || '/replies/' || n.post_id END";
        m.get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO notices (user_id, event, event_key, subject, subject_id, detail_id, actor_id, reason, \
                 title, link, created_at, read_at, emailed_at) \
                 SELECT n.user_id, n.event, n.event_key, 'forum.thread', n.thread_id, n.post_id, n.actor_id, \
                 n.reason, t.title, {link}, n.created_at, n.read_at, n.emailed_at \
                 FROM notifications n JOIN forum_threads t ON t.id = n.thread_id ORDER BY n.id"
            ))
            .await?;
        m.drop_table(Table::drop().table("notifications").to_owned()).await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the notices cannot be turned back into forum notifications".into()))
    }
}
