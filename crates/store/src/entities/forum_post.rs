use sea_orm::entity::prelude::*;

/// A reply in a thread (the thread's opening text is on the thread).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "forum_posts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub thread_id: i32,
    pub author_id: i32,
    /// Markdown.
    pub body: String,
    /// Hidden by a moderator: the text is shown only to staff.
    pub hidden: bool,
    /// A new account's first post, waiting for a moderator's approval:
    /// seen only by its author and staff.
    pub pending: bool,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
