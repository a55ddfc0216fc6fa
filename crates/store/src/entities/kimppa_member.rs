use kimppa_domain::PartnerRole;
use sea_orm::entity::prelude::*;

/// An organisation in a kimppa, with its role.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "kimppa_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kimppa_id: i32,
    pub org_id: i32,
    pub role: PartnerRole,
    pub created_at: ChronoDateTimeUtc,
    /// When the organisation confirmed taking part (an invitation from a
    /// partner search waits until then).
    pub confirmed_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
