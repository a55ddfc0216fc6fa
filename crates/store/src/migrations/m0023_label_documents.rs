//! Documents for the cluster-label evidence (SPEC C13) that the platform
//! cannot produce itself — the strategy, the implementation plan, an
//! evaluation report — uploaded with their version and date.

use super::helpers::{index, ts};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("label_documents")
                .col(pk_auto("id"))
                // `strategy`, `plan`, `evaluation`, `other`.
                .col(string_len("kind", 16))
                .col(string("title"))
                .col(string_len("version", 32))
                // YYYY-MM-DD: the document's own date.
                .col(string_len("dated_on", 10))
                .col(string("file_key"))
                .col(string("file_name"))
                .col(string_len("content_type", 64))
                .col(integer("size"))
                .col(integer("uploaded_by"))
                .col(ts("uploaded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("label_documents", "idx_label_documents_kind", &["kind", "dated_on"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("label_documents").to_owned()).await
    }
}
