use kimppa_domain::{MembershipStatus, MembershipTier, OrgType, SizeClass};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub business_id: Option<String>,
    pub country: String,
    pub org_type: OrgType,
    pub size_class: SizeClass,
    pub municipality: String,
    pub focus_areas: String,
    pub description_fi: String,
    pub description_en: String,
    pub website: Option<String>,
    pub logo_key: Option<String>,
    pub membership_status: MembershipStatus,
    pub membership_tier: Option<MembershipTier>,
    pub created_by: Option<i32>,
    pub offering_types: String,
    pub carbon_kg: Option<i64>,
    pub carbon_year: Option<i32>,
    pub carbon_method: Option<String>,
    #[serde(skip)]
    pub search_text: String,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
