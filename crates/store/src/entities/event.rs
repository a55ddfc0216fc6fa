use kimppa_domain::{EventKind, EventStatus, EventVisibility};
use sea_orm::entity::prelude::*;

/// An event of the cluster or of a member organisation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: EventKind,
    pub status: EventStatus,
    pub visibility: EventVisibility,
    pub title_fi: String,
    pub title_en: String,
    /// Markdown.
    pub description_fi: String,
    pub description_en: String,
    /// The organising organisation; `None`: the cluster.
    pub org_id: Option<i32>,
    pub starts_at: ChronoDateTimeUtc,
    pub ends_at: ChronoDateTimeUtc,
    /// A municipality code; empty for an online-only event.
    pub municipality: String,
    pub address: String,
    pub online: bool,
    /// Shown to registered participants only.
    #[serde(skip)]
    pub online_url: String,
    /// `fi`, `en`, `sv` or `fi-en`.
    pub language: String,
    /// Focus-area keys, comma-separated.
    pub focus_areas: String,
    /// `None`: no limit.
    pub capacity: Option<i32>,
    pub registration_deadline: Option<ChronoDateTimeUtc>,
    pub offer_hours: i32,
    /// Places held (registered and offered).
    pub places_taken: i32,
    /// People on the waiting list.
    pub waiting: i32,
    #[serde(skip)]
    pub search_text: String,
    pub cancel_note: String,
    pub reminded_at: Option<ChronoDateTimeUtc>,
    pub feedback_asked_at: Option<ChronoDateTimeUtc>,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    pub published_at: Option<ChronoDateTimeUtc>,
    /// The group whose space it belongs to.
    pub group_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
