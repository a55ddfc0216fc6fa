use sea_orm::entity::prelude::*;

/// The organiser's setup of one-to-one meetings at an event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_setups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub slot_minutes: i32,
    /// Finnish time on the event's first day, one per line: "09:00-11:00".
    pub sessions: String,
    pub tables: i32,
    /// Optional names of the tables or rooms, one per line.
    pub table_names: String,
    pub online: bool,
    /// 0: no cap.
    pub cap: i32,
    pub scheduled_at: Option<ChronoDateTimeUtc>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
