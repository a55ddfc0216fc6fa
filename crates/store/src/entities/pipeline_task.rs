use sea_orm::entity::prelude::*;

/// A task of a pipeline record, with its due day and the person it is on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "pipeline_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub record_id: i32,
    pub title: String,
    /// YYYY-MM-DD.
    pub due_on: Option<String>,
    pub assignee_id: Option<i32>,
    pub done: bool,
    pub reminded_on: Option<String>,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
