use kimppa_domain::{ChallengeStatus, ChallengeVisibility};
use sea_orm::entity::prelude::*;

/// A problem an organisation publishes for partners to solve.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "challenges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The organisation whose problem it is.
    pub org_id: i32,
    pub created_by: i32,
    pub title: String,
    /// Markdown.
    pub description: String,
    /// Markdown.
    pub context: String,
    /// Wanted partner roles, keys joined by commas.
    pub roles: String,
    pub focus_areas: String,
    pub schedule: String,
    pub impact: String,
    /// `public`, `members` or `invited`.
    pub visibility: ChallengeVisibility,
    /// An innovation competition with a deadline and criteria.
    pub competition: bool,
    pub deadline: Option<ChronoDateTimeUtc>,
    /// Evaluation criteria, one per line.
    pub criteria: String,
    /// `draft`, `published` or `closed`.
    pub status: ChallengeStatus,
    pub featured: bool,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    pub published_at: Option<ChronoDateTimeUtc>,
    /// When the people following its focus areas were told of it.
    pub notified_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
