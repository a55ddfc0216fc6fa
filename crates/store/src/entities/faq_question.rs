use kimppa_domain::QuestionStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "faq_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub question: String,
    pub lang: String,
    pub user_id: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    /// When it was published or closed.
    pub handled_at: Option<ChronoDateTimeUtc>,
    /// A visitor's address for the answer, kept with their consent until
    /// the question is published or closed (empty: none, or a signed-in
    /// asker whose account's address is used).
    pub email: String,
    pub consent_at: Option<ChronoDateTimeUtc>,
    pub status: QuestionStatus,
    pub answer: String,
    pub taken_by: Option<i32>,
    pub taken_at: Option<ChronoDateTimeUtc>,
    pub answered_by: Option<i32>,
    pub answered_at: Option<ChronoDateTimeUtc>,
    /// The FAQ entry it was published as.
    pub faq_item_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
