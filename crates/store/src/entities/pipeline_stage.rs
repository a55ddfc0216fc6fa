use sea_orm::entity::prelude::*;

/// A stage of the development pipeline, from the list the orchestrators
/// keep; a record in a closing stage is closed with a reason.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "pipeline_stages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub name_fi: String,
    pub name_en: String,
    pub position: i32,
    pub closing: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
