//! Names of people and organisations, looked up in batches for lists,
//! cards, emails and search documents of every capability. Each lookup is
//! one query per [`crate::batch::CHUNK`] distinct ids.

use crate::{App, AppError, batch};
use kimppa_domain::OrgRole;
use kimppa_store::entities::{org_member, organisation, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use std::collections::HashMap;

/// An organisation as lists and links name it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgName {
    pub name: String,
    pub slug: String,
}

/// The language a person is written to: English when they chose it,
/// otherwise Finnish.
pub fn lang(u: &user::Model) -> &'static str {
    if u.locale == "en" { "en" } else { "fi" }
}

/// Names and slugs of organisations (missing ids are left out).
pub async fn org_names(app: &App, ids: impl IntoIterator<Item = i32>) -> Result<HashMap<i32, OrgName>, AppError> {
    org_names_in(&app.db, ids).await
}

/// [`org_names`] on a connection or transaction.
pub async fn org_names_in<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, OrgName>, AppError> {
    let rows: Vec<(i32, String, String)> = batch::chunked(ids, |chunk| {
        organisation::Entity::find()
            .select_only()
            .columns([organisation::Column::Id, organisation::Column::Name, organisation::Column::Slug])
            .filter(organisation::Column::Id.is_in(chunk))
            .into_tuple()
            .all(conn)
    })
    .await?;
    Ok(rows.into_iter().map(|(id, name, slug)| (id, OrgName { name, slug })).collect())
}

/// The name of one organisation (empty when gone).
pub async fn org_name(app: &App, id: i32) -> Result<String, AppError> {
    Ok(org_names(app, [id]).await?.remove(&id).map(|o| o.name).unwrap_or_default())
}

/// Names of people (missing ids are left out).
pub async fn user_names(app: &App, ids: impl IntoIterator<Item = i32>) -> Result<HashMap<i32, String>, AppError> {
    let rows: Vec<(i32, String)> = batch::chunked(ids, |chunk| {
        user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::Name])
            .filter(user::Column::Id.is_in(chunk))
            .into_tuple()
            .all(&app.db)
    })
    .await?;
    Ok(rows.into_iter().collect())
}

/// The accounts of people, in the order of their ids (missing ids are
/// left out).
pub async fn users<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<Vec<user::Model>, AppError> {
    batch::chunked(ids, |chunk| {
        user::Entity::find().filter(user::Column::Id.is_in(chunk)).order_by_asc(user::Column::Id).all(conn)
    })
    .await
    .map_err(AppError::from)
}

/// The admins of an organisation, who are told of what concerns it, in the
/// order of their ids.
pub async fn org_admins<C: ConnectionTrait>(conn: &C, org_id: i32) -> Result<Vec<user::Model>, AppError> {
    org_people_with(conn, org_id, Some(OrgRole::Admin)).await
}

/// Everyone in an organisation, in the order of their ids.
pub async fn org_people<C: ConnectionTrait>(conn: &C, org_id: i32) -> Result<Vec<user::Model>, AppError> {
    org_people_with(conn, org_id, None).await
}

async fn org_people_with<C: ConnectionTrait>(
    conn: &C,
    org_id: i32,
    role: Option<OrgRole>,
) -> Result<Vec<user::Model>, AppError> {
    let mut q = user::Entity::find()
        .join(JoinType::InnerJoin, org_member::Relation::User.def().rev())
        .filter(org_member::Column::OrgId.eq(org_id));
    if let Some(role) = role {
        q = q.filter(org_member::Column::Role.eq(role.key()));
    }
    Ok(q.order_by_asc(user::Column::Id).all(conn).await?)
}
