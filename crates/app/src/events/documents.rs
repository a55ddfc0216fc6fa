//! Search documents of events: every event but drafts, with the tokens of
//! [`super::visibility`].

use crate::{
    App, AppError,
    search::documents::{Places, Which, doc, fetch, plain},
};
use kimppa_domain::EventStatus;
use kimppa_search::Doc;
use kimppa_store::entities::event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

pub const KIND: &str = "event";

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.documents.add(KIND, |app, which| Box::pin(async move { events(&app, &which).await }));
}

async fn events(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = event::Entity::find().filter(event::Column::Status.ne(EventStatus::Draft));
    let rows = fetch(app, q, event::Column::Id, which).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let orgs = super::organiser_names(app, &rows).await?;
    let places = Places::load(app).await?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let org = e.org_id.and_then(|o| orgs.get(&o)).map(|o| o.name.clone()).unwrap_or_default();
            let place = places.words(&e.municipality);
            let when = crate::finnish_time(e.starts_at).format("%-d.%-m.%Y").to_string();
            let body_fi = format!("{} {org} {place} {} {when}", plain(&e.description_fi), e.address);
            let body_en = format!("{} {org} {place} {} {when}", plain(super::description(&e, "en")), e.address);
            let mut d =
                doc(KIND, e.id, format!("/events/{}", e.id), (&e.title_fi, super::title(&e, "en")), (body_fi, body_en));
            d.visibility = super::visibility::search_tokens(&e);
            d
        })
        .collect())
}
