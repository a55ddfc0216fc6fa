use sea_orm::entity::prelude::*;

/// An indicator's yearly figure as frozen for the annual report.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicator_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator: String,
    pub year: i32,
    pub value_all: Option<f64>,
    pub value_public: Option<f64>,
    pub frozen_by: i32,
    pub frozen_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
