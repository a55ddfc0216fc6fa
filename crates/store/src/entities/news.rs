use kimppa_domain::ContentStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "news")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub status: ContentStatus,
    pub title_fi: String,
    pub title_en: String,
    pub summary_fi: String,
    pub summary_en: String,
    pub body_fi: String,
    pub body_en: String,
    pub tags: String,
    pub image_key: Option<String>,
    pub image_alt_fi: String,
    pub image_alt_en: String,
    pub published_at: ChronoDateTimeUtc,
    pub author_id: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
