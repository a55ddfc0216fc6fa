//! Working groups and mini-clusters (SPEC C11): groups with their members
//! (organisations and people, with roles and the state of a request or an
//! invitation), a mini-cluster's development phases and its actions ("quick
//! wins"), the group's documents; and the links of forum threads and
//! events to a group.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("groups")
                .col(pk_auto("id"))
                .col(string_len("slug", 80))
                // `working-group`, `mini-cluster`, `steering` or `advisory`.
                .col(string_len("kind", 24))
                .col(string("name_fi"))
                .col(string("name_en"))
                // Markdown.
                .col(text("description_fi"))
                .col(text("description_en"))
                .col(string("focus_areas"))
                // `request` (the leads accept) or `invitation`.
                .col(string_len("joining", 16))
                // The public page lists the member organisations.
                .col(boolean("show_members"))
                // A mini-cluster's current phase; empty for other groups.
                .col(string_len("phase", 16))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("groups", "idx_groups_slug", &["slug"], true)).await?;
        m.create_table(
            Table::create()
                .table("group_members")
                .col(pk_auto("id"))
                .col(integer("group_id"))
                // A person, or every person of an organisation.
                .col(integer_null("user_id"))
                .col(integer_null("org_id"))
                .col(string_len("role", 16))
                .col(string_len("status", 16))
                .col(text("message"))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .col(integer_null("decided_by"))
                .col(ts_null("decided_at"))
                .foreign_key(&mut fk("group_members", "group_id", "groups"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("group_members", "idx_group_members_group", &["group_id", "status"], false)).await?;
        m.create_index(index("group_members", "idx_group_members_user", &["user_id"], false)).await?;
        m.create_index(index("group_members", "idx_group_members_org", &["org_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("group_phases")
                .col(pk_auto("id"))
                .col(integer("group_id"))
                .col(string_len("phase", 16))
                // YYYY-MM-DD.
                .col(string_len("starts_on", 10))
                .col(string_len_null("ends_on", 10))
                .col(text("notes"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("group_phases", "group_id", "groups"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("group_phases", "idx_group_phases_phase", &["group_id", "phase"], true)).await?;
        m.create_table(
            Table::create()
                .table("group_actions")
                .col(pk_auto("id"))
                .col(integer("group_id"))
                .col(string("title"))
                .col(string("owner"))
                // `planned`, `doing` or `done`.
                .col(string_len("status", 16))
                .col(string_len_null("due_on", 10))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("group_actions", "group_id", "groups"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("group_actions", "idx_group_actions_group", &["group_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("group_documents")
                .col(pk_auto("id"))
                .col(integer("group_id"))
                .col(string("title"))
                .col(string("file_key"))
                .col(string("file_name"))
                .col(string_len("content_type", 64))
                .col(integer("size"))
                .col(integer("uploaded_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("group_documents", "group_id", "groups"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("group_documents", "idx_group_documents_group", &["group_id"], false)).await?;
        // One ALTER per statement (SQLite).
        m.alter_table(Table::alter().table("forum_threads").add_column(integer_null("group_id")).to_owned()).await?;
        m.alter_table(Table::alter().table("events").add_column(integer_null("group_id")).to_owned()).await?;
        m.create_index(index("forum_threads", "idx_forum_threads_group", &["group_id"], false)).await?;
        m.create_index(index("events", "idx_events_group", &["group_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_events_group").table("events").to_owned()).await?;
        m.drop_index(Index::drop().name("idx_forum_threads_group").table("forum_threads").to_owned()).await?;
        m.alter_table(Table::alter().table("events").drop_column("group_id").to_owned()).await?;
        m.alter_table(Table::alter().table("forum_threads").drop_column("group_id").to_owned()).await?;
        for t in ["group_documents", "group_actions", "group_phases", "group_members", "groups"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
