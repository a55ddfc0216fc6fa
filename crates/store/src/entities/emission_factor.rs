use sea_orm::entity::prelude::*;

/// CO2e avoided per tonne of a material class kept out of disposal, with
/// its source and year (orchestrators keep the table).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "emission_factors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// An EWC chapter, sub-chapter or code, or a project class.
    pub class_pattern: String,
    pub kg_co2e_per_tonne: f64,
    pub source: String,
    pub year: i32,
    pub note: String,
    pub updated_by: Option<i32>,
    /// An illustrative starter value, not a sourced factor: figures using it say so.
    pub illustrative: bool,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
