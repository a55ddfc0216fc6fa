use kimppa_domain::QuestionKind;
use sea_orm::entity::prelude::*;

/// A question the organiser asks of everyone registering.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "event_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub position: i32,
    pub kind: QuestionKind,
    pub label: String,
    /// For a choice: one choice per line.
    pub choices: String,
    pub required: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
