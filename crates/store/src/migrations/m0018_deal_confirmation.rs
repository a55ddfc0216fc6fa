//! Confirmed outcomes of the materials marketplace: a deal recorded by one
//! party waits for the other organisation to confirm (or dispute) it before
//! it counts in public figures; emission factors say whether they are
//! illustrative starter values.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let sym = |c: &mut ColumnDef| Table::alter().table("symbioses").add_column(c.to_owned()).to_owned();
        // `pending`, `confirmed` or `disputed`; deals recorded before this
        // change were never confirmed by the other side.
        m.alter_table(sym(string_len("confirmation", 16).default("pending"))).await?;
        m.alter_table(sym(&mut integer_null("decided_by"))).await?;
        m.alter_table(sym(&mut timestamp_with_time_zone_null("decided_at"))).await?;
        m.alter_table(sym(text("dispute_note").default(""))).await?;
        m.alter_table(
            Table::alter().table("emission_factors").add_column(boolean("illustrative").default(false)).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("symbioses_confirmation").table("symbioses").col("confirmation").to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("symbioses_confirmation").table("symbioses").to_owned()).await?;
        m.alter_table(Table::alter().table("emission_factors").drop_column("illustrative").to_owned()).await?;
        for c in ["dispute_note", "decided_at", "decided_by", "confirmation"] {
            m.alter_table(Table::alter().table("symbioses").drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}
