use kimppa_domain::{MeetingOutcome, MeetingStatus};
use sea_orm::entity::prelude::*;

/// A one-to-one meeting asked for at an event, and once accepted, where
/// and when it is and what came of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub from_user: i32,
    pub to_user: i32,
    pub note: String,
    pub status: MeetingStatus,
    pub slot: Option<i32>,
    pub table_no: Option<i32>,
    pub locked: bool,
    /// Why an accepted meeting has no place; empty when placed or not asked.
    pub unplaced: String,
    pub outcome_from: Option<MeetingOutcome>,
    pub outcome_to: Option<MeetingOutcome>,
    pub created_at: ChronoDateTimeUtc,
    pub answered_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
