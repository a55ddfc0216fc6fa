use kimppa_domain::{PartnerRole, ResponseStatus};
use sea_orm::entity::prelude::*;

/// A proposal answering a challenge.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "challenge_responses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub challenge_id: i32,
    /// Who wrote it.
    pub user_id: i32,
    /// The organisation it speaks for (none: the person as an expert).
    pub org_id: Option<i32>,
    /// The partner role it offers to fill.
    pub role: PartnerRole,
    /// Markdown.
    pub proposal: String,
    /// `submitted`, `shortlisted`, `accepted` or `declined`.
    pub status: ResponseStatus,
    /// The owner's message with the outcome.
    pub decision_message: String,
    /// Scores by criterion: JSON list of numbers, in the criteria's order.
    pub scores: String,
    pub created_at: ChronoDateTimeUtc,
    pub decided_at: Option<ChronoDateTimeUtc>,
    /// One attachment (a PDF or an image) in the file store, its cleaned
    /// name and its content type.
    pub attachment_key: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
