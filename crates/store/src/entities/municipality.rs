use sea_orm::entity::prelude::*;

/// A municipality and the coordinates of its centre (distances between
/// listings are measured between these).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "municipalities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Statistics Finland's three-digit code.
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    /// A `Region` key.
    pub region: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
