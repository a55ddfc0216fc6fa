use sea_orm::entity::prelude::*;

/// Something a person is told in the app (and by email, as they chose),
/// about a subject of any capability.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// What happened: `reply`, `thread`, `expert`, `invite` …
    pub event: String,
    /// Unique per person: the same event never notifies twice.
    pub event_key: String,
    /// What it is about: `forum.thread` …
    pub subject: String,
    pub subject_id: i32,
    /// A part of the subject (a reply of a thread).
    pub detail_id: Option<i32>,
    pub actor_id: Option<i32>,
    /// Why the person is told: `thread`, `area`, `topic`, `own`, `expert`, `invite`.
    pub reason: String,
    /// The subject's title when the notice was made.
    pub title: String,
    /// The path after the language prefix.
    pub link: String,
    pub created_at: ChronoDateTimeUtc,
    pub read_at: Option<ChronoDateTimeUtc>,
    pub emailed_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
