use kimppa_domain::{PartnerRole, SearchStatus};
use sea_orm::entity::prelude::*;

/// An organisation's search for partners (kimppahaku): what it offers,
/// the roles it needs and its value proposition to partners.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "partner_searches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub org_id: i32,
    pub created_by: i32,
    pub title: String,
    /// The role the searching organisation fills itself.
    pub offer_role: PartnerRole,
    /// What it offers (Markdown).
    pub offer: String,
    /// The roles it needs, comma-separated keys.
    pub roles: String,
    pub focus_areas: String,
    /// Markdown.
    pub value_proposition: String,
    /// `open`, `formed` (a kimppa was formed) or `closed`.
    pub status: SearchStatus,
    pub kimppa_id: Option<i32>,
    /// Empty, `requested` or `handled`.
    pub help_status: String,
    pub help_message: String,
    pub help_reply: String,
    pub help_requested_at: Option<ChronoDateTimeUtc>,
    /// Who asked for help (told the answer).
    pub help_requested_by: Option<i32>,
    pub help_handled_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
