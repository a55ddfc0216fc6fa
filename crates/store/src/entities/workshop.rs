use sea_orm::entity::prelude::*;

/// A synergy workshop recorded by a regional coordinator: listings created
/// there link to it, and the matches among them are its results.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "workshops")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    pub region: String,
    pub municipality: String,
    /// Participating organisations, one per line.
    pub participants: String,
    /// Markdown.
    pub notes: String,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
