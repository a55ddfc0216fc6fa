//! Impact (SPEC C13): the indicators' monthly figures as the rollup job
//! computes them from records, the orchestrators' targets, the frozen
//! yearly snapshots, the situational picture's editorial texts and the
//! official regional figures imported with their source.

use super::helpers::{index, ts};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("indicator_months")
                .col(pk_auto("id"))
                .col(string_len("indicator", 48))
                // YYYY-MM, Finnish time.
                .col(string_len("month", 7))
                // The month's sum (a flow), its closing value (a stock), or a
                // ratio's numerator and denominator: what staff see …
                .col(double("num_all"))
                .col(double("den_all"))
                // … and what anyone may see (the definition says which records).
                .col(double("num_public"))
                .col(double("den_public"))
                .col(ts("computed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("indicator_months", "idx_indicator_months_key", &["indicator", "month"], true)).await?;
        m.create_table(
            Table::create()
                .table("indicator_targets")
                .col(pk_auto("id"))
                .col(string_len("indicator", 48))
                .col(integer("year"))
                .col(double("value"))
                .col(integer("set_by"))
                .col(ts("set_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("indicator_targets", "idx_indicator_targets_key", &["indicator", "year"], true)).await?;
        m.create_table(
            Table::create()
                .table("indicator_snapshots")
                .col(pk_auto("id"))
                .col(string_len("indicator", 48))
                .col(integer("year"))
                // The year's figure when frozen (none: not recorded, or
                // under the floor), staff's and public.
                .col(double_null("value_all"))
                .col(double_null("value_public"))
                .col(integer("frozen_by"))
                .col(ts("frozen_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("indicator_snapshots", "idx_indicator_snapshots_key", &["indicator", "year"], true))
            .await?;
        m.create_table(
            Table::create()
                .table("situation_texts")
                .col(pk_auto("id"))
                .col(integer("year"))
                // Markdown.
                .col(text("body_fi"))
                .col(text("body_en"))
                .col(integer("updated_by"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("situation_texts", "idx_situation_texts_year", &["year"], true)).await?;
        m.create_table(
            Table::create()
                .table("official_figures")
                .col(pk_auto("id"))
                // One of the monitoring framework's five dimensions.
                .col(string_len("dimension", 32))
                .col(string("name_fi"))
                .col(string("name_en"))
                .col(string("region"))
                .col(integer("year"))
                .col(double("value"))
                .col(string_len("unit", 32))
                // Where the figure comes from (a statistics office, a report).
                .col(string("source"))
                .col(integer("imported_by"))
                .col(ts("imported_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("official_figures", "idx_official_figures_year", &["year"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["official_figures", "situation_texts", "indicator_snapshots", "indicator_targets", "indicator_months"]
        {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
