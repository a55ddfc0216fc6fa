use sea_orm::entity::prelude::*;

/// An official regional figure imported with its source and year.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "official_figures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub dimension: String,
    pub name_fi: String,
    pub name_en: String,
    pub region: String,
    pub year: i32,
    pub value: f64,
    pub unit: String,
    pub source: String,
    pub imported_by: i32,
    pub imported_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
