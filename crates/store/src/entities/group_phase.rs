use kimppa_domain::ClusterPhase;
use sea_orm::entity::prelude::*;

/// One phase of a mini-cluster's development cycle: its dates and notes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "group_phases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub group_id: i32,
    pub phase: ClusterPhase,
    /// YYYY-MM-DD.
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub notes: String,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
