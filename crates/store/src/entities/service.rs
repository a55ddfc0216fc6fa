use kimppa_domain::{OfferingType, PriceKind, ServiceStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "services")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub owner_org_id: i32,
    pub status: ServiceStatus,
    pub title_fi: String,
    pub title_en: String,
    pub description_fi: String,
    pub description_en: String,
    pub offering_type: OfferingType,
    pub focus_areas: String,
    pub regions: String,
    pub languages: String,
    pub price_kind: PriceKind,
    pub price_eur: Option<i32>,
    pub price_note_fi: String,
    pub price_note_en: String,
    pub contact_user_id: Option<i32>,
    #[serde(skip)]
    pub search_text: String,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    pub published_at: Option<ChronoDateTimeUtc>,
    /// Offered in the name of this kimppa (its other members co-provide).
    pub kimppa_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
