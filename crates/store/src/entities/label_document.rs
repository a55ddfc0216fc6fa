use sea_orm::entity::prelude::*;

/// A document of the cluster-label evidence, with its version and date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "label_documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub title: String,
    pub version: String,
    pub dated_on: String,
    pub file_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub uploaded_by: i32,
    pub uploaded_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
