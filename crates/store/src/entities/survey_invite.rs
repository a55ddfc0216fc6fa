use sea_orm::entity::prelude::*;

/// A contact person's one-time link to a survey (the token only hashed).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "survey_invites")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub survey_id: i32,
    pub user_id: i32,
    pub org_id: i32,
    pub token_hash: String,
    pub sent_at: ChronoDateTimeUtc,
    pub answered_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
