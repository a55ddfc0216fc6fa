//! JSON twins of the website pages: pages, news, glossary, FAQ, clusters.

use crate::{AppState, errors::WebError, extract::Query};
use axum::{
    Json,
    extract::{Path, State},
};
use kimppa_app::{policy::Principal, website};
use serde::Serialize;

/// A published page (newest revision).
#[derive(Serialize, utoipa::ToSchema)]
pub struct PageJson {
    pub slug: String,
    pub title_fi: String,
    pub title_en: String,
    pub summary_fi: String,
    pub summary_en: String,
    /// Markdown.
    pub body_fi: String,
    pub body_en: String,
    pub updated_at: String,
}

fn page_json(v: website::pages::PageView) -> PageJson {
    PageJson {
        slug: v.page.slug,
        title_fi: v.rev.title_fi,
        title_en: v.rev.title_en,
        summary_fi: v.rev.summary_fi,
        summary_en: v.rev.summary_en,
        body_fi: v.rev.body_fi,
        body_en: v.rev.body_en,
        updated_at: v.rev.created_at.to_rfc3339(),
    }
}

/// Published pages.
#[utoipa::path(get, path = "/api/v1/pages", responses((status = 200, body = Vec<PageJson>)))]
pub async fn pages(State(s): State<AppState>) -> Result<Json<Vec<PageJson>>, WebError> {
    Ok(Json(website::pages::list(&s.app, &Principal::Anonymous).await?.into_iter().map(page_json).collect()))
}

/// One published page.
#[utoipa::path(get, path = "/api/v1/pages/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = PageJson), (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")))]
pub async fn page(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Json<PageJson>, WebError> {
    Ok(Json(page_json(website::pages::get(&s.app, &Principal::Anonymous, &slug).await?)))
}

/// A published news article.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NewsJson {
    pub slug: String,
    pub title_fi: String,
    pub title_en: String,
    pub summary_fi: String,
    pub summary_en: String,
    pub body_fi: String,
    pub body_en: String,
    pub tags: Vec<String>,
    pub published_at: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NewsList {
    pub items: Vec<NewsJson>,
    pub page: u64,
    pub pages: u64,
}

fn news_json(n: kimppa_app::records::news::Model) -> NewsJson {
    NewsJson {
        tags: n.tags.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
        published_at: n.published_at.to_rfc3339(),
        slug: n.slug,
        title_fi: n.title_fi,
        title_en: n.title_en,
        summary_fi: n.summary_fi,
        summary_en: n.summary_en,
        body_fi: n.body_fi,
        body_en: n.body_en,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<u64>,
}

/// Published news, newest first, ten a page.
#[utoipa::path(get, path = "/api/v1/news", params(("page" = Option<u64>, Query)), responses((status = 200, body = NewsList)))]
pub async fn news(State(s): State<AppState>, Query(q): Query<PageQuery>) -> Result<Json<NewsList>, WebError> {
    let page = q.page.unwrap_or(1).max(1);
    let (items, pages) = website::news::list(&s.app, &Principal::Anonymous, page).await?;
    Ok(Json(NewsList { items: items.into_iter().map(news_json).collect(), page: page.min(pages), pages }))
}

/// One published news article.
#[utoipa::path(get, path = "/api/v1/news/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = NewsJson), (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")))]
pub async fn news_item(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Json<NewsJson>, WebError> {
    Ok(Json(news_json(website::news::get(&s.app, &Principal::Anonymous, &slug).await?)))
}

/// A glossary term.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TermJson {
    pub slug: String,
    pub term_fi: String,
    pub term_en: String,
    pub definition_fi: String,
    pub definition_en: String,
    pub related: Vec<String>,
    pub source: String,
}

fn term_json(t: kimppa_app::records::glossary_term::Model) -> TermJson {
    TermJson {
        related: t.related.split(',').filter(|r| !r.is_empty()).map(str::to_string).collect(),
        slug: t.slug,
        term_fi: t.term_fi,
        term_en: t.term_en,
        definition_fi: t.definition_fi,
        definition_en: t.definition_en,
        source: t.source,
    }
}

/// The glossary, sorted by the Finnish term.
#[utoipa::path(get, path = "/api/v1/glossary", responses((status = 200, body = Vec<TermJson>)))]
pub async fn glossary(State(s): State<AppState>) -> Result<Json<Vec<TermJson>>, WebError> {
    Ok(Json(website::glossary::list(&s.app, "fi").await?.into_iter().map(term_json).collect()))
}

/// One glossary term.
#[utoipa::path(get, path = "/api/v1/glossary/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = TermJson), (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")))]
pub async fn term(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Json<TermJson>, WebError> {
    Ok(Json(term_json(website::glossary::get(&s.app, &slug).await?.0)))
}

/// An answered question.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FaqJson {
    pub topic: String,
    pub question_fi: String,
    pub question_en: String,
    pub answer_fi: String,
    pub answer_en: String,
}

/// Published questions and answers, grouped by topic in topic order.
#[utoipa::path(get, path = "/api/v1/faq", responses((status = 200, body = Vec<FaqJson>)))]
pub async fn faq(State(s): State<AppState>) -> Result<Json<Vec<FaqJson>>, WebError> {
    let mut out = vec![];
    for (_, items) in website::faq::grouped(&s.app).await? {
        out.extend(items.into_iter().map(|i| FaqJson {
            topic: i.topic,
            question_fi: i.question_fi,
            question_en: i.question_en,
            answer_fi: i.answer_fi,
            answer_en: i.answer_en,
        }));
    }
    Ok(Json(out))
}

/// Another cluster or network.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClusterJson {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub region: String,
    pub relation: String,
    pub focus_fi: String,
    pub focus_en: String,
    pub description_fi: String,
    pub description_en: String,
    pub url: String,
}

/// Other clusters and networks.
#[utoipa::path(get, path = "/api/v1/clusters",
    params(("relation" = Option<String>, Query, description = "regional, national, european or international"),
           ("country" = Option<String>, Query, description = "ISO country code")),
    responses((status = 200, body = Vec<ClusterJson>)))]
pub async fn clusters(
    State(s): State<AppState>,
    Query(f): Query<website::clusters::ClusterFilter>,
) -> Result<Json<Vec<ClusterJson>>, WebError> {
    Ok(Json(
        website::clusters::list(&s.app, &f)
            .await?
            .into_iter()
            .map(|c| ClusterJson {
                slug: c.slug,
                name: c.name,
                country: c.country,
                region: c.region,
                relation: c.relation,
                focus_fi: c.focus_fi,
                focus_en: c.focus_en,
                description_fi: c.description_fi,
                description_en: c.description_en,
                url: c.url,
            })
            .collect(),
    ))
}
