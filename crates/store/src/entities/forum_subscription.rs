use kimppa_domain::WatchKind;
use sea_orm::entity::prelude::*;

/// A person watching a thread, an area or a topic (`kind` is `thread`,
/// `area` or `topic`; `target_id` the row it names).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "forum_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: WatchKind,
    pub target_id: i32,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
