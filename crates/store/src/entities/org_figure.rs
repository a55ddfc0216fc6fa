use sea_orm::entity::prelude::*;

/// An organisation's own figures for a year (private; aggregates of five or more only).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "org_figures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub org_id: i32,
    pub year: i32,
    pub turnover_euros: Option<i64>,
    pub headcount: Option<i32>,
    pub export_euros: Option<i64>,
    pub updated_by: i32,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
