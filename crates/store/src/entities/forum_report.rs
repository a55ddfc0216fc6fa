use sea_orm::entity::prelude::*;

/// A reader's report of a thread (`post_id` empty) or a reply.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "forum_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub thread_id: i32,
    pub post_id: Option<i32>,
    pub reporter_id: i32,
    pub reason: String,
    pub created_at: ChronoDateTimeUtc,
    pub resolved_at: Option<ChronoDateTimeUtc>,
    pub resolved_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
