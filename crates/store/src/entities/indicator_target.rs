use sea_orm::entity::prelude::*;

/// An orchestrators' target for an indicator in a year.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicator_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator: String,
    pub year: i32,
    pub value: f64,
    pub set_by: i32,
    pub set_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
