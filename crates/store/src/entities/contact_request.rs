use kimppa_domain::LeadStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "contact_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub from_user_id: i32,
    pub from_org_id: Option<i32>,
    pub to_org_id: i32,
    pub service_id: Option<i32>,
    pub message: String,
    pub attachment_key: Option<String>,
    pub attachment_name: Option<String>,
    pub status: LeadStatus,
    pub answered_at: Option<ChronoDateTimeUtc>,
    pub abuse_reported_at: Option<ChronoDateTimeUtc>,
    pub abuse_reason: Option<String>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
