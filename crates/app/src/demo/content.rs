//! Demo content of the public website: pages, news, glossary, FAQ and
//! other clusters, written for this project.

use crate::{
    AppError,
    website::{PUBLISHED, clusters, faq, glossary, news, pages},
};
use serde::Deserialize;

const CONTENT: &str = include_str!("content.json");

#[derive(Deserialize)]
struct Content {
    pages: Vec<PageData>,
    news: Vec<NewsData>,
    glossary: Vec<TermData>,
    faq: Vec<FaqData>,
    clusters: Vec<ClusterData>,
}

#[derive(Deserialize)]
struct PageData {
    slug: String,
    nav: bool,
    nav_order: i32,
    title_fi: String,
    title_en: String,
    summary_fi: String,
    summary_en: String,
    body_fi: String,
    body_en: String,
}

#[derive(Deserialize)]
struct NewsData {
    slug: String,
    published: String,
    tags: Vec<String>,
    title_fi: String,
    title_en: String,
    summary_fi: String,
    summary_en: String,
    body_fi: String,
    body_en: String,
}

#[derive(Deserialize)]
struct TermData {
    slug: String,
    term_fi: String,
    term_en: String,
    definition_fi: String,
    definition_en: String,
    related: Vec<String>,
    source: String,
}

#[derive(Deserialize)]
struct FaqData {
    topic: String,
    question_fi: String,
    question_en: String,
    answer_fi: String,
    answer_en: String,
}

#[derive(Deserialize)]
struct ClusterData {
    slug: String,
    name: String,
    country: String,
    region: String,
    relation: String,
    focus_fi: String,
    focus_en: String,
    description_fi: String,
    description_en: String,
    url: String,
}

/// Loads the website content on `conn` (inside the demo transaction).
pub async fn load<C: sea_orm::ConnectionTrait>(conn: &C, author: Option<i32>) -> Result<(), AppError> {
    let c: Content = serde_json::from_str(CONTENT).map_err(AppError::internal)?;
    for p in c.pages {
        pages::insert_published(
            conn,
            &p.slug,
            p.nav,
            p.nav_order,
            [p.title_fi, p.title_en, p.summary_fi, p.summary_en, p.body_fi, p.body_en],
            author,
        )
        .await?;
    }
    for n in c.news {
        let date = chrono::NaiveDate::parse_from_str(&n.published, "%Y-%m-%d").map_err(AppError::internal)?;
        let at = date.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
        news::insert(
            conn,
            &n.slug,
            PUBLISHED,
            at,
            &n.tags,
            [n.title_fi, n.title_en, n.summary_fi, n.summary_en, n.body_fi, n.body_en],
            author,
        )
        .await?;
    }
    for t in c.glossary {
        glossary::insert(conn, &t.slug, [t.term_fi, t.term_en, t.definition_fi, t.definition_en, t.source], &t.related)
            .await?;
    }
    for (i, f) in c.faq.into_iter().enumerate() {
        faq::insert(conn, &f.topic, i as i32, [f.question_fi, f.question_en, f.answer_fi, f.answer_en]).await?;
    }
    for k in c.clusters {
        clusters::insert(
            conn,
            &k.slug,
            [
                k.name,
                k.country,
                k.region,
                k.relation,
                k.focus_fi,
                k.focus_en,
                k.description_fi,
                k.description_en,
                k.url,
            ],
        )
        .await?;
    }
    Ok(())
}
