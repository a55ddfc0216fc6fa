use sea_orm::entity::prelude::*;

/// One indicator's figures for one month, as the rollup job computed them.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicator_months")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator: String,
    /// YYYY-MM.
    pub month: String,
    pub num_all: f64,
    pub den_all: f64,
    pub num_public: f64,
    pub den_public: f64,
    pub computed_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
