use sea_orm::entity::prelude::*;

/// A member survey: the recommend question (0–10) and open questions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "surveys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    /// One open question a line.
    pub questions: String,
    pub sent_at: Option<ChronoDateTimeUtc>,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
