use kimppa_domain::{ListingKind, ListingStatus, ListingVisibility};
use sea_orm::entity::prelude::*;

/// A listing of the materials marketplace: a material offered, a material
/// wanted, or a service for materials.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "listings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub org_id: i32,
    pub created_by: i32,
    /// A member of the organisation answering questions (`None`: its admins).
    pub contact_user_id: Option<i32>,
    /// `offer`, `want` or `service`.
    pub kind: ListingKind,
    /// A material class code (EWC entry or project class).
    pub class_code: String,
    pub hazardous: bool,
    /// Other classes accepted, comma-separated patterns ("17 09", "bp-bark").
    pub accepts: String,
    pub accepts_hazardous: bool,
    pub title: String,
    /// Markdown.
    pub description: String,
    /// Title and description lower-cased (the word filter reads this).
    pub search_text: String,
    pub quantity: Option<f64>,
    /// `t`, `kg`, `m3` or `pcs`.
    pub unit: String,
    /// `once`, `month` or `year`.
    pub frequency: String,
    /// Tonnes per m³ or piece, to compare volumes in tonnes.
    pub unit_tonnes: Option<f64>,
    /// Municipality code.
    pub municipality: String,
    /// The municipality's region (a `Region` key).
    pub region: String,
    pub max_km: i32,
    /// YYYY-MM-DD.
    pub available_from: String,
    pub available_to: Option<String>,
    /// Comma-separated keys: `pickup`, `delivery`, `by-agreement`.
    pub delivery: String,
    /// `free`, `fixed` or `negotiable`.
    pub price_kind: String,
    pub price: String,
    /// `public` or `members`.
    pub visibility: ListingVisibility,
    /// New matches scoring at least this are told by email (0–100).
    pub notify_threshold: i32,
    /// `draft`, `published`, `closed` or `expired`.
    pub status: ListingStatus,
    pub expires_on: String,
    pub reminded_at: Option<ChronoDateTimeUtc>,
    pub workshop_id: Option<i32>,
    pub attachment_key: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    /// Empty, `deal` or `no-deal`.
    pub outcome: String,
    /// Why no deal: `price`, `quality`, `distance`, `regulation` or `other`.
    pub outcome_reason: String,
    pub outcome_note: String,
    pub deal_org_id: Option<i32>,
    pub deal_tonnes_per_year: Option<f64>,
    pub deal_from: Option<String>,
    pub closed_at: Option<ChronoDateTimeUtc>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    pub published_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
