use kimppa_domain::PipelineKind;
use sea_orm::entity::prelude::*;

/// A record of the development pipeline: an idea, innovation, project or
/// funding application followed from first contact to implementation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "pipeline_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    pub kind: PipelineKind,
    pub stage_id: i32,
    pub euros: Option<i64>,
    /// `small`, `medium`, `large`, `major`, or empty.
    pub size_class: String,
    /// A TOL 2008 section or division code, or empty.
    pub industry: String,
    pub focus_areas: String,
    pub owner_id: Option<i32>,
    pub source: String,
    pub people: String,
    pub description: String,
    pub search_text: String,
    pub next_action: String,
    pub closed_reason: String,
    pub published: bool,
    pub public_fields: String,
    pub merged_into: Option<i32>,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
