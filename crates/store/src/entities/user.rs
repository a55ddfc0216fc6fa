use kimppa_domain::PlatformRole;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub title: Option<String>,
    #[serde(skip)]
    pub password_hash: String,
    pub email_verified_at: Option<ChronoDateTimeUtc>,
    pub platform_role: PlatformRole,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<ChronoDateTimeUtc>,
    pub locale: String,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
