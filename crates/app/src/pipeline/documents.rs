//! Search documents of the pipeline: each published record's public
//! fields (its title always; its description when marked public). An
//! unpublished or merged record has no document.

use crate::{
    App, AppError,
    search::documents::{PUBLIC, Which, doc, fetch, plain},
};
use kimppa_search::Doc;
use kimppa_store::entities::pipeline_record;
use sea_orm::EntityTrait;

pub const KIND: &str = "innovation";

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.documents.add(KIND, |app, which| Box::pin(async move { records(&app, &which).await }));
}

async fn records(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let rows = fetch(app, pipeline_record::Entity::find(), pipeline_record::Column::Id, which).await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.published && r.merged_into.is_none())
        .map(|r| {
            let shown = crate::directory::list(&r.public_fields);
            let text = if shown.contains(&"description") { plain(&r.description) } else { String::new() };
            let mut d = doc(KIND, r.id, format!("/innovations/{}", r.id), (&r.title, &r.title), (text.clone(), text));
            d.visibility = vec![PUBLIC.into()];
            d
        })
        .collect())
}
