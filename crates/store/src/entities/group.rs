use kimppa_domain::GroupKind;
use sea_orm::entity::prelude::*;

/// A working group, mini-cluster, or the cluster's steering or advisory group.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    pub kind: GroupKind,
    pub name_fi: String,
    pub name_en: String,
    /// Markdown.
    pub description_fi: String,
    pub description_en: String,
    /// Focus-area keys, comma-separated.
    pub focus_areas: String,
    /// `request` or `invitation`.
    pub joining: String,
    pub show_members: bool,
    /// A mini-cluster's current phase; empty for other groups.
    pub phase: String,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
