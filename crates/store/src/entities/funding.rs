use kimppa_domain::{FundingStatus, Programme};
use sea_orm::entity::prelude::*;

/// Funding applied for or received: for a project (a pipeline record) and
/// an organisation, from a funder's programme.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "fundings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub record_id: Option<i32>,
    pub org_id: Option<i32>,
    pub funder_org_id: Option<i32>,
    pub funder_name: String,
    pub programme: Programme,
    pub instrument: String,
    pub applied_euros: i64,
    pub granted_euros: Option<i64>,
    pub applied_on: Option<String>,
    pub decision_on: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub status: FundingStatus,
    pub created_by: i32,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrgId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
