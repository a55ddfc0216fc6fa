use kimppa_domain::FieldKind;
use sea_orm::entity::prelude::*;

/// A field of the orchestrators' own ("data category") on every pipeline
/// record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "pipeline_fields")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub name_fi: String,
    pub name_en: String,
    pub kind: FieldKind,
    /// A choice's options, one per line.
    pub choices: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
