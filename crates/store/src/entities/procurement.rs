use sea_orm::entity::prelude::*;

/// An open procurement, and whether it carries circular-economy criteria.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "procurements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub buyer_org_id: Option<i32>,
    pub buyer_name: String,
    pub title: String,
    pub cpv: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    pub link: String,
    pub circular: bool,
    pub criteria: String,
    /// YYYY-MM-DD.
    pub published_on: String,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
