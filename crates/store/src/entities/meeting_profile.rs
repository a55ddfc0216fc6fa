use sea_orm::entity::prelude::*;

/// A participant's profile for an event's one-to-one meetings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_profiles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub user_id: i32,
    pub org_id: Option<i32>,
    pub offers: String,
    pub seeks: String,
    /// Focus-area keys, comma-separated.
    pub focus_areas: String,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
