//! Search documents of the website: published pages and news, the
//! vocabulary and the published answers.

use crate::{
    App, AppError,
    policy::Principal,
    search::documents::{Which, doc, fetch, plain},
    website,
};
use kimppa_search::Doc;
use kimppa_store::entities::{faq_item, glossary_term};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.documents.add("page", |app, which| Box::pin(async move { pages(&app, &which).await }));
    h.documents.add("news", |app, which| Box::pin(async move { news(&app, &which).await }));
    h.documents.add("term", |app, which| Box::pin(async move { terms(&app, &which).await }));
    h.documents.add("faq", |app, which| Box::pin(async move { faqs(&app, &which).await }));
}

async fn pages(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let views = website::pages::list(app, &Principal::Anonymous).await?;
    Ok(views
        .into_iter()
        .filter(|v| match which {
            Which::All => true,
            Which::Ids(ids) => ids.contains(&v.page.id),
        })
        .map(|v| {
            doc(
                "page",
                v.page.id,
                format!("/pages/{}", v.page.slug),
                (&v.rev.title_fi, &v.rev.title_en),
                (
                    format!("{} {}", v.rev.summary_fi, plain(&v.rev.body_fi)),
                    format!("{} {}", v.rev.summary_en, plain(&v.rev.body_en)),
                ),
            )
        })
        .collect())
}

async fn news(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = website::news::visible(&Principal::Anonymous);
    let rows = fetch(app, q, kimppa_store::entities::news::Column::Id, which).await?;
    Ok(rows
        .into_iter()
        .map(|n| {
            doc(
                "news",
                n.id,
                format!("/news/{}", n.slug),
                (&n.title_fi, &n.title_en),
                (format!("{} {}", n.summary_fi, plain(&n.body_fi)), format!("{} {}", n.summary_en, plain(&n.body_en))),
            )
        })
        .collect())
}

async fn terms(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let rows = fetch(app, glossary_term::Entity::find(), glossary_term::Column::Id, which).await?;
    Ok(rows
        .into_iter()
        .map(|t| {
            doc(
                "term",
                t.id,
                format!("/glossary/{}", t.slug),
                (&t.term_fi, &t.term_en),
                (plain(&t.definition_fi), plain(&t.definition_en)),
            )
        })
        .collect())
}

async fn faqs(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = faq_item::Entity::find().filter(faq_item::Column::Status.eq(website::PUBLISHED));
    let rows = fetch(app, q, faq_item::Column::Id, which).await?;
    Ok(rows
        .into_iter()
        .map(|i| {
            doc(
                "faq",
                i.id,
                format!("/faq#faq-{}", i.id),
                (&i.question_fi, &i.question_en),
                (plain(&i.answer_fi), plain(&i.answer_en)),
            )
        })
        .collect())
}
