use kimppa_domain::{GroupMemberStatus, GroupRole};
use sea_orm::entity::prelude::*;

/// A person, or an organisation with all its people, in a group.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "group_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub group_id: i32,
    pub user_id: Option<i32>,
    pub org_id: Option<i32>,
    pub role: GroupRole,
    pub status: GroupMemberStatus,
    /// The note with a request or an invitation.
    pub message: String,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    pub decided_by: Option<i32>,
    pub decided_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
