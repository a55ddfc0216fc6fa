use sea_orm::entity::prelude::*;

/// Something a person is told in the app (and by email, as they chose).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// `reply`, `thread`, `expert` or `invite`.
    pub event: String,
    /// Unique per person: the same event never notifies twice.
    pub event_key: String,
    pub thread_id: i32,
    pub post_id: Option<i32>,
    pub actor_id: Option<i32>,
    /// Why the person is told: `thread`, `area`, `topic`, `own`, `expert`, `invite`.
    pub reason: String,
    pub created_at: ChronoDateTimeUtc,
    pub read_at: Option<ChronoDateTimeUtc>,
    pub emailed_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
