//! Text alternatives for news images, in both languages.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement (SQLite).
        m.alter_table(Table::alter().table("news").add_column(string("image_alt_fi").default("")).to_owned()).await?;
        m.alter_table(Table::alter().table("news").add_column(string("image_alt_en").default("")).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("news").drop_column("image_alt_en").to_owned()).await?;
        m.alter_table(Table::alter().table("news").drop_column("image_alt_fi").to_owned()).await?;
        Ok(())
    }
}
