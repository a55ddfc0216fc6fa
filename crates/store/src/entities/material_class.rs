use sea_orm::entity::prelude::*;

/// A material class: an EWC chapter, sub-chapter or six-digit entry, or a
/// by-product / secondary raw material class of the project.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "material_classes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// "17", "17 09", "17 09 04", or a project class key ("bp-bark").
    pub code: String,
    /// `chapter`, `sub`, `entry` or `project`.
    pub level: String,
    /// An entry marked with an asterisk in the list.
    pub hazardous: bool,
    pub title_fi: String,
    pub title_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
