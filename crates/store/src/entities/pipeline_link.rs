use sea_orm::entity::prelude::*;

/// What a pipeline record grew from or joined: a lead, a challenge, a
/// kimppa or a partner search.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "pipeline_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub record_id: i32,
    /// `lead`, `challenge`, `kimppa` or `search`.
    pub kind: String,
    pub target_id: i32,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
