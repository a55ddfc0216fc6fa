//! The orchestrators' development pipeline (SPEC C9): records of ideas,
//! innovations, projects and funding applications with their stage (from a
//! list the orchestrators keep), participating organisations with roles,
//! the history of every change, tasks, and links to the leads, challenges,
//! kimppas and partner searches they grew from.

use super::helpers::{fk, index, ts};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The default stages: key, Finnish and English names, whether a record
/// in it is closed (and so needs a reason).
const STAGES: [(&str, &str, &str, bool); 7] = [
    ("idea", "Idea", "Idea", false),
    ("concept", "Konsepti", "Concept", false),
    ("preparation", "Valmistelu", "Preparation", false),
    ("funding-applied", "Rahoitusta haettu", "Funding applied", false),
    ("in-progress", "Käynnissä", "In progress", false),
    ("implemented", "Toteutettu", "Implemented", false),
    ("closed", "Suljettu", "Closed", true),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("pipeline_stages")
                .col(pk_auto("id"))
                .col(string_len("key", 40))
                .col(string("name_fi"))
                .col(string("name_en"))
                .col(integer("position"))
                // A record in a closing stage is closed, with a reason.
                .col(boolean("closing"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_stages", "idx_pipeline_stages_key", &["key"], true)).await?;
        for (i, (key, fi, en, closing)) in STAGES.iter().enumerate() {
            m.exec_stmt(
                Query::insert()
                    .into_table("pipeline_stages")
                    .columns(["key", "name_fi", "name_en", "position", "closing"])
                    .values_panic([(*key).into(), (*fi).into(), (*en).into(), (i as i32 + 1).into(), (*closing).into()])
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("pipeline_records")
                .col(pk_auto("id"))
                .col(string("title"))
                // `idea`, `innovation`, `development-project`, `funding-application`, `investment`.
                .col(string_len("kind", 24))
                .col(integer("stage_id"))
                .col(big_integer_null("euros"))
                // `small`, `medium`, `large`, `major`, or empty when not known.
                .col(string_len("size_class", 16))
                // A TOL 2008 section (`C`) or division (`22`), or empty.
                .col(string_len("industry", 8))
                .col(string("focus_areas"))
                .col(integer_null("owner_id"))
                .col(string("source"))
                .col(text("people"))
                // Markdown.
                .col(text("description"))
                // Title, description and people lower-cased (in Rust), for filtering.
                .col(text("search_text"))
                .col(string("next_action"))
                .col(text("closed_reason"))
                .col(boolean("published"))
                // Fields shown publicly beside the title, comma-separated keys.
                .col(string("public_fields"))
                // Set when the record was merged into another (kept for links).
                .col(integer_null("merged_into"))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_records", "idx_pipeline_records_stage", &["stage_id", "updated_at"], false))
            .await?;
        m.create_index(index("pipeline_records", "idx_pipeline_records_published", &["published"], false)).await?;
        m.create_table(
            Table::create()
                .table("pipeline_participants")
                .col(pk_auto("id"))
                .col(integer("record_id"))
                .col(integer("org_id"))
                // `lead`, `partner`, `customer`, `research`, `funder`.
                .col(string_len("role", 16))
                .foreign_key(&mut fk("pipeline_participants", "record_id", "pipeline_records"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "pipeline_participants",
            "idx_pipeline_participants_record",
            &["record_id", "org_id", "role"],
            true,
        ))
        .await?;
        m.create_index(index("pipeline_participants", "idx_pipeline_participants_org", &["org_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("pipeline_changes")
                .col(pk_auto("id"))
                .col(integer("record_id"))
                .col(integer_null("user_id"))
                .col(ts("at"))
                // The field changed (`stage`, `title`, `participants` …), or
                // `created`, `merged`, `linked`.
                .col(string_len("field", 40))
                .col(text("before"))
                .col(text("after"))
                .foreign_key(&mut fk("pipeline_changes", "record_id", "pipeline_records"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_changes", "idx_pipeline_changes_record", &["record_id", "at"], false)).await?;
        m.create_table(
            Table::create()
                .table("pipeline_tasks")
                .col(pk_auto("id"))
                .col(integer("record_id"))
                .col(string("title"))
                // YYYY-MM-DD.
                .col(string_len_null("due_on", 10))
                .col(integer_null("assignee_id"))
                .col(boolean("done"))
                // The day the due-day reminder was sent.
                .col(string_len_null("reminded_on", 10))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("pipeline_tasks", "record_id", "pipeline_records"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_tasks", "idx_pipeline_tasks_record", &["record_id"], false)).await?;
        m.create_index(index("pipeline_tasks", "idx_pipeline_tasks_assignee", &["assignee_id", "done"], false)).await?;
        m.create_table(
            Table::create()
                .table("pipeline_links")
                .col(pk_auto("id"))
                .col(integer("record_id"))
                // `lead`, `challenge`, `kimppa` or `search`.
                .col(string_len("kind", 16))
                .col(integer("target_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("pipeline_links", "record_id", "pipeline_records"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_links", "idx_pipeline_links_target", &["kind", "target_id"], false)).await?;
        m.create_index(index("pipeline_links", "idx_pipeline_links_record", &["record_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("pipeline_views")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string("name"))
                // `board` or `table`.
                .col(string_len("page", 8))
                // The view's query string (filters, grouping, sorting).
                .col(text("query"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_views", "idx_pipeline_views_user", &["user_id"], false)).await?;
        // The orchestrators' own fields ("data categories") and their values.
        m.create_table(
            Table::create()
                .table("pipeline_fields")
                .col(pk_auto("id"))
                .col(string_len("key", 40))
                .col(string("name_fi"))
                .col(string("name_en"))
                // `text`, `number`, `euros`, `date`, `choice`, `multi` or `organisation`.
                .col(string_len("kind", 16))
                // A choice's options, one per line.
                .col(text("choices"))
                .col(integer("position"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_fields", "idx_pipeline_fields_key", &["key"], true)).await?;
        m.create_table(
            Table::create()
                .table("pipeline_values")
                .col(pk_auto("id"))
                .col(integer("record_id"))
                .col(integer("field_id"))
                // As stored: a number, whole euros, YYYY-MM-DD, a choice, choices
                // joined by commas, or an organisation's id.
                .col(string_len("value", 2000))
                .foreign_key(&mut fk("pipeline_values", "record_id", "pipeline_records"))
                .foreign_key(&mut fk("pipeline_values", "field_id", "pipeline_fields"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_values", "idx_pipeline_values_record", &["record_id", "field_id"], true))
            .await?;
        m.create_index(index("pipeline_values", "idx_pipeline_values_field", &["field_id", "value"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "pipeline_views",
            "pipeline_links",
            "pipeline_tasks",
            "pipeline_changes",
            "pipeline_participants",
            "pipeline_records",
            "pipeline_stages",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
