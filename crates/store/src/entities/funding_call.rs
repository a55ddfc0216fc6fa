use kimppa_domain::Programme;
use sea_orm::entity::prelude::*;

/// A funder's open call, with its partner rules.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "funding_calls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub funder: String,
    pub programme: Programme,
    pub title: String,
    pub description: String,
    /// YYYY-MM-DD, the last day.
    pub deadline: String,
    pub link: String,
    pub focus_areas: String,
    pub org_types: String,
    pub min_partners: i32,
    pub min_countries: i32,
    pub min_smes: i32,
    pub min_research: i32,
    pub min_municipalities: i32,
    pub published: bool,
    pub announced_at: Option<ChronoDateTimeUtc>,
    pub reminded_at: Option<ChronoDateTimeUtc>,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
