//! The figures an organisation reports about itself per year (SPEC C13):
//! turnover, headcount and export euros, private to the organisation and
//! staff, used only in aggregates of five or more organisations.

use super::helpers::{index, ts};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("org_figures")
                .col(pk_auto("id"))
                .col(integer("org_id"))
                .col(integer("year"))
                .col(big_integer_null("turnover_euros"))
                .col(integer_null("headcount"))
                .col(big_integer_null("export_euros"))
                .col(integer("updated_by"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("org_figures", "idx_org_figures_key", &["org_id", "year"], true)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("org_figures").to_owned()).await
    }
}
