use kimppa_domain::PartnerRole;
use sea_orm::entity::prelude::*;

/// An organisation or an expert on a partner search's shortlist, in the
/// role it would fill; `contact_request_id` once contacted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "partner_search_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub search_id: i32,
    /// `org:{id}` or `expert:{id}`.
    pub target: String,
    /// The organisation (an expert's own organisation for experts).
    pub org_id: i32,
    pub expert_id: Option<i32>,
    pub role: PartnerRole,
    pub added_by: i32,
    pub contact_request_id: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
