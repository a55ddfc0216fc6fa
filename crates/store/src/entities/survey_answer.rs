use sea_orm::entity::prelude::*;

/// An answer to a survey, with nothing that tells whose it is.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "survey_answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub survey_id: i32,
    pub score: i32,
    /// A JSON list of the open answers.
    pub answers: String,
    /// YYYY-MM-DD.
    pub answered_on: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
