use sea_orm::entity::prelude::*;

/// What a thread's opening (`post_id` empty) or a reply said before an
/// edit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "forum_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub thread_id: i32,
    pub post_id: Option<i32>,
    pub title: String,
    pub body: String,
    pub edited_by: i32,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
