use sea_orm::entity::prelude::*;

/// One change to a registration: who or what changed it, from which state
/// to which, and why (a promotion from the waiting list, an organiser's
/// change, attendance).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "event_registration_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub registration_id: i32,
    pub event_id: i32,
    /// Empty for a new registration.
    pub from_status: String,
    pub to_status: String,
    pub reason: String,
    /// `None`: the platform (an offer that expired).
    pub by_user: Option<i32>,
    pub at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
