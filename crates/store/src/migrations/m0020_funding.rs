//! Projects' and organisations' funding, the funders' open calls and the
//! open circular procurements (SPEC C10).

use super::helpers::{index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("fundings")
                .col(pk_auto("id"))
                // The pipeline record (project) it funds, if any.
                .col(integer_null("record_id"))
                // The organisation funded.
                .col(integer_null("org_id"))
                // The funder: an organisation of the registry, or a name.
                .col(integer_null("funder_org_id"))
                .col(string("funder_name"))
                // `erdf`, `jtf`, `business-finland`, `horizon-europe`, `life`, `interreg`, `ely`, `other`.
                .col(string_len("programme", 32))
                .col(string("instrument"))
                .col(big_integer("applied_euros"))
                .col(big_integer_null("granted_euros"))
                // YYYY-MM-DD.
                .col(string_len_null("applied_on", 10))
                .col(string_len_null("decision_on", 10))
                .col(string_len_null("starts_on", 10))
                .col(string_len_null("ends_on", 10))
                // `planned`, `applied`, `granted`, `rejected`, `ended`.
                .col(string_len("status", 16))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("fundings", "idx_fundings_record", &["record_id"], false)).await?;
        m.create_index(index("fundings", "idx_fundings_org", &["org_id"], false)).await?;
        m.create_index(index("fundings", "idx_fundings_applied", &["applied_on"], false)).await?;
        m.create_table(
            Table::create()
                .table("funding_calls")
                .col(pk_auto("id"))
                .col(string("funder"))
                .col(string_len("programme", 32))
                .col(string("title"))
                // Markdown.
                .col(text("description"))
                // YYYY-MM-DD, the last day.
                .col(string_len("deadline", 10))
                .col(string("link"))
                .col(string("focus_areas"))
                // Organisation types that may apply, comma-separated (empty: any).
                .col(string("org_types"))
                .col(integer("min_partners"))
                .col(integer("min_countries"))
                .col(integer("min_smes"))
                .col(integer("min_research"))
                .col(integer("min_municipalities"))
                .col(boolean("published"))
                // When the followers of its focus areas were told, and reminded.
                .col(ts_null("announced_at"))
                .col(ts_null("reminded_at"))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("funding_calls", "idx_funding_calls_deadline", &["published", "deadline"], false)).await?;
        m.create_table(
            Table::create()
                .table("procurements")
                .col(pk_auto("id"))
                .col(integer_null("buyer_org_id"))
                .col(string("buyer_name"))
                .col(string("title"))
                // A CPV code, e.g. `45000000-7`.
                .col(string_len("cpv", 16))
                .col(string_len("deadline", 10))
                .col(string("link"))
                // Whether it carries circular-economy criteria, and which.
                .col(boolean("circular"))
                .col(text("criteria"))
                // YYYY-MM-DD: counted in this day's period.
                .col(string_len("published_on", 10))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("procurements", "idx_procurements_published", &["published_on"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["procurements", "funding_calls", "fundings"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
