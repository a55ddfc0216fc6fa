//! Public website and knowledge: pages with revisions, news, glossary,
//! FAQ, the directory of other clusters, and cookie-free analytics.

use super::helpers::{index, ts};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("pages")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("status"))
                .col(boolean("in_nav"))
                .col(integer("nav_order"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("page_revisions")
                .col(pk_auto("id"))
                .col(integer("page_id"))
                .col(string("title_fi"))
                .col(string("title_en"))
                .col(string("summary_fi"))
                .col(string("summary_en"))
                .col(text("body_fi"))
                .col(text("body_en"))
                .col(integer_null("author_id"))
                .col(text_null("note"))
                .col(ts("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("page_revisions", "page_id")
                        .to("pages", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("page_revisions", "idx_page_revisions_page", &["page_id", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table("news")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("status"))
                .col(string("title_fi"))
                .col(string("title_en"))
                .col(text("summary_fi"))
                .col(text("summary_en"))
                .col(text("body_fi"))
                .col(text("body_en"))
                .col(string("tags"))
                .col(string_null("image_key"))
                .col(ts("published_at"))
                .col(integer_null("author_id"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("news", "idx_news_status_published", &["status", "published_at"], false)).await?;
        m.create_table(
            Table::create()
                .table("glossary_terms")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("term_fi"))
                .col(string("term_en"))
                .col(text("definition_fi"))
                .col(text("definition_en"))
                .col(string("related"))
                .col(string("source"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("faq_items")
                .col(pk_auto("id"))
                .col(string("topic"))
                .col(string("status"))
                .col(text("question_fi"))
                .col(text("question_en"))
                .col(text("answer_fi"))
                .col(text("answer_en"))
                .col(integer("sort"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("faq_questions")
                .col(pk_auto("id"))
                .col(text("question"))
                .col(string("lang"))
                .col(integer_null("user_id"))
                .col(ts("created_at"))
                .col(timestamp_with_time_zone_null("handled_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("clusters")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("name"))
                .col(string("country"))
                .col(string("region"))
                .col(string("relation"))
                .col(string("focus_fi"))
                .col(string("focus_en"))
                .col(text("description_fi"))
                .col(text("description_en"))
                .col(string("url"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        // Analytics: counts only. No address or user agent is ever stored.
        m.create_table(
            Table::create()
                .table("analytics_counts")
                .col(pk_auto("id"))
                .col(string("day"))
                .col(string("kind"))
                .col(string("key"))
                .col(big_integer("count"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("analytics_counts", "idx_analytics_counts_unique", &["day", "kind", "key"], true)).await?;
        m.create_table(
            Table::create()
                .table("analytics_visitors")
                .col(pk_auto("id"))
                .col(string("day"))
                .col(string("hash"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("analytics_visitors", "idx_analytics_visitors_unique", &["day", "hash"], true)).await?;
        m.create_table(
            Table::create().table("analytics_salts").col(string("day").primary_key()).col(string("salt")).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "analytics_salts",
            "analytics_visitors",
            "analytics_counts",
            "clusters",
            "faq_questions",
            "faq_items",
            "glossary_terms",
            "news",
            "page_revisions",
            "pages",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
