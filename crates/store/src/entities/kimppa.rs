use kimppa_domain::KimppaStatus;
use sea_orm::entity::prelude::*;

/// A joint group of organisations around a customer problem.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "kimppas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// Markdown.
    pub problem: String,
    /// Markdown.
    pub value_proposition: String,
    /// `forming`, `active`, `delivered` or `dissolved`.
    pub status: KimppaStatus,
    /// Shown in the public kimppa catalogue.
    pub published: bool,
    pub challenge_id: Option<i32>,
    pub created_by: i32,
    /// Composition rules (0: none).
    pub min_partners: i32,
    pub max_partners: i32,
    pub min_smes: i32,
    pub min_research: i32,
    pub min_municipalities: i32,
    pub required_roles: String,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
