use sea_orm::entity::prelude::*;

/// A file in a group's private space (checked by its content on upload).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "group_documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub group_id: i32,
    pub title: String,
    #[serde(skip)]
    pub file_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub uploaded_by: i32,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
