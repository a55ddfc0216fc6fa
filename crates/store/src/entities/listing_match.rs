use sea_orm::entity::prelude::*;

/// A counter-listing found for a listing, as its owner sees it: each pair
/// has a row for either side, with that side's feedback.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "listing_matches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub listing_id: i32,
    pub other_id: i32,
    pub score: f64,
    /// The score's parts, JSON.
    pub reasons: String,
    /// Empty, `relevant`, `not-relevant` or `contacted`.
    pub feedback: String,
    pub feedback_at: Option<ChronoDateTimeUtc>,
    pub feedback_by: Option<i32>,
    pub notified_at: Option<ChronoDateTimeUtc>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
