//! Search documents of groups: every group's public page (name, kind,
//! description, focus areas).

use crate::{
    App, AppError,
    search::documents::{PUBLIC, Which, doc, fetch, plain},
};
use kimppa_search::Doc;
use kimppa_store::entities::group;
use sea_orm::EntityTrait;

pub const KIND: &str = "group";

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.documents.add(KIND, |app, which| Box::pin(async move { groups(&app, &which).await }));
}

async fn groups(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let rows = fetch(app, group::Entity::find(), group::Column::Id, which).await?;
    Ok(rows
        .into_iter()
        .map(|g| {
            let mut d = doc(
                KIND,
                g.id,
                format!("/groups/{}", g.slug),
                (&g.name_fi, super::name(&g, "en")),
                (plain(&g.description_fi), plain(super::description(&g, "en"))),
            );
            d.visibility = vec![PUBLIC.into()];
            d
        })
        .collect())
}
