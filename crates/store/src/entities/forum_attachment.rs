use sea_orm::entity::prelude::*;

/// A file attached to a thread's opening text (`post_id` empty) or a reply.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "forum_attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub thread_id: i32,
    pub post_id: Option<i32>,
    pub uploader_id: i32,
    #[serde(skip)]
    pub file_key: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
