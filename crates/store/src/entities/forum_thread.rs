use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "forum_threads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub category_id: i32,
    pub author_id: i32,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Only participants and staff may see a closed thread.
    pub closed: bool,
    /// No new replies.
    pub locked: bool,
    pub pinned: bool,
    pub reply_count: i32,
    pub last_post_at: ChronoDateTimeUtc,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    /// The reply the asker marked as the answer.
    pub accepted_post_id: Option<i32>,
    /// A new account's first post, waiting for a moderator's approval:
    /// seen only by its author and staff.
    pub pending: bool,
    /// The group whose space it belongs to.
    pub group_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
