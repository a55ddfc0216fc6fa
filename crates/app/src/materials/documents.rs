//! Search documents of the materials marketplace: published listings.

use crate::{
    App, AppError,
    search::documents::{PUBLIC, Places, Which, doc, fetch, plain},
};
use kimppa_domain::ListingStatus;
use kimppa_domain::ListingVisibility;
use kimppa_search::Doc;
use kimppa_store::entities::listing;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.documents.add("listing", |app, which| Box::pin(async move { listings(&app, &which).await }));
}

/// Published material listings, with the visibility tokens of
/// [`crate::materials::visibility`]: `public`; members only: `member`, the
/// owner organisation and staff. Closed, expired and draft listings are
/// not searched (coordinators find them in their region's list).
async fn listings(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = listing::Entity::find().filter(listing::Column::Status.eq(ListingStatus::Published));
    let rows = fetch(app, q, listing::Column::Id, which).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let orgs = crate::people::org_names(app, rows.iter().map(|l| l.org_id)).await?;
    let classes = crate::materials::reference::Classes::load_codes(
        app,
        &rows.iter().map(|l| l.class_code.clone()).collect::<Vec<_>>(),
    )
    .await?;
    let places = Places::load(app).await?;
    Ok(rows
        .into_iter()
        .map(|l| {
            let org = orgs.get(&l.org_id).map(|o| o.name.clone()).unwrap_or_default();
            let class = classes.get(&l.class_code);
            let place = places.words(&l.municipality);
            let body_fi = format!(
                "{} {} {} {} {place}",
                plain(&l.description),
                crate::materials::reference::label(&l.class_code, class, "fi"),
                l.class_code,
                org
            );
            let body_en = format!(
                "{} {} {place}",
                plain(&l.description),
                crate::materials::reference::label(&l.class_code, class, "en")
            );
            let mut d = doc("listing", l.id, format!("/materials/{}", l.id), (&l.title, &l.title), (body_fi, body_en));
            d.visibility = if l.visibility == ListingVisibility::Public {
                vec![PUBLIC.into()]
            } else {
                vec!["staff".into(), format!("org:{}", l.org_id), "member".into()]
            };
            d
        })
        .collect())
}
