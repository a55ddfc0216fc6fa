use kimppa_domain::RegistrationStatus;
use sea_orm::entity::prelude::*;

/// One person's registration to an event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "event_registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub user_id: i32,
    /// The organisation the person takes part for.
    pub org_id: Option<i32>,
    pub status: RegistrationStatus,
    /// JSON: {"question id": "answer"}.
    pub answers: String,
    /// Until when a freed place is offered.
    pub offered_until: Option<ChronoDateTimeUtc>,
    /// `None`: attendance not marked.
    pub attended: Option<bool>,
    pub checked_in_at: Option<ChronoDateTimeUtc>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
