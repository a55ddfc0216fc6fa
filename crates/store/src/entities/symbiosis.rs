use sea_orm::entity::prelude::*;

/// A realised industrial symbiosis: a listing closed with a deal, the
/// material moving from one organisation to another, and its estimated
/// impact.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "symbioses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub listing_id: i32,
    pub provider_org_id: i32,
    pub receiver_org_id: i32,
    pub class_code: String,
    pub tonnes_per_year: f64,
    /// YYYY-MM-DD.
    pub started_on: String,
    /// Tonnes a year kept out of disposal.
    pub diverted_tonnes: f64,
    /// Tonnes of CO2e a year avoided (0 when no factor applies).
    pub co2e_tonnes: f64,
    pub factor_id: Option<i32>,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    /// `pending` until the other organisation answers, then `confirmed` or
    /// `disputed`; only confirmed deals count in public figures.
    pub confirmation: String,
    pub decided_by: Option<i32>,
    pub decided_at: Option<ChronoDateTimeUtc>,
    pub dispute_note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::emission_factor::Entity",
        from = "Column::FactorId",
        to = "super::emission_factor::Column::Id"
    )]
    Factor,
}

impl ActiveModelBehavior for ActiveModel {}
