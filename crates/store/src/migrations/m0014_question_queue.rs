//! Questions asked on the FAQ page become a queue the orchestrators answer:
//! an address to answer to (with the asker's consent), a state, the answer,
//! who took and answered it and when, and the FAQ entry it became.

use super::helpers::{index, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "faq_questions";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement (SQLite).
        let add = |c: &mut ColumnDef| Table::alter().table(T).add_column(c).to_owned();
        m.alter_table(add(string("email").default(""))).await?;
        m.alter_table(add(&mut ts_null("consent_at"))).await?;
        m.alter_table(add(string_len("status", 16).default("new"))).await?;
        m.alter_table(add(text("answer").default(""))).await?;
        m.alter_table(add(&mut integer_null("taken_by"))).await?;
        m.alter_table(add(&mut ts_null("taken_at"))).await?;
        m.alter_table(add(&mut integer_null("answered_by"))).await?;
        m.alter_table(add(&mut ts_null("answered_at"))).await?;
        m.alter_table(add(&mut integer_null("faq_item_id"))).await?;
        // Questions handled before the queue existed were read and closed.
        m.get_connection()
            .execute_unprepared("UPDATE faq_questions SET status = 'closed' WHERE handled_at IS NOT NULL")
            .await?;
        m.create_index(index(T, "idx_faq_questions_status", &["status", "id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_faq_questions_status").table(T).to_owned()).await?;
        for c in [
            "faq_item_id",
            "answered_at",
            "answered_by",
            "taken_at",
            "taken_by",
            "answer",
            "status",
            "consent_at",
            "email",
        ] {
            m.alter_table(Table::alter().table(T).drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}
