//! The search page (`/{lang}/search`), its JSON twin (`/api/v1/search`)
//! and the suggestions for search-as-you-type (`/api/v1/search/suggest`).

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Query,
    i18n::Lang,
};
use askama::Template;
use axum::{Json, extract::State, response::Response};
use kimppa_app::{
    policy::Principal,
    search::{self, SearchParams},
};

pub struct FacetOption {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

pub struct FacetView {
    pub param: &'static str,
    pub label: String,
    pub options: Vec<FacetOption>,
}

pub struct HitView {
    pub href: String,
    pub title: String,
    pub kind: String,
    /// Escaped text with `<b>` around matches (from the index).
    pub snippet: String,
}

#[derive(Template)]
#[template(path = "website/search.html")]
struct SearchPage {
    p: Page,
    q: SearchParams,
    /// Chosen filters kept when the words change.
    hidden: Vec<(String, String)>,
    total: usize,
    hits: Vec<HitView>,
    facets: Vec<FacetView>,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
}

fn query_string(q: &SearchParams) -> String {
    crate::query_string(&[
        ("q", &q.q),
        ("kind", &q.kind),
        ("focus", &q.focus),
        ("offering", &q.offering),
        ("org_type", &q.org_type),
        ("municipality", &q.municipality),
        ("page", &q.page),
    ])
}

/// The label of a filter value.
fn label(lang: Lang, dim: &str, value: &str) -> String {
    match dim {
        "kind" => lang.t(&format!("search-kind-{value}")),
        "focus" => lang.t(&format!("focus-{value}")),
        "offering" => lang.t(&format!("offering-{value}")),
        "org_type" => lang.t(&format!("org-type-{value}")),
        _ => value.to_string(),
    }
}

fn param(dim: &str) -> &'static str {
    match dim {
        "kind" => "kind",
        "focus" => "focus",
        "offering" => "offering",
        "org_type" => "org_type",
        _ => "municipality",
    }
}

pub async fn page(ctx: Ctx, q: SearchParams) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let result = search::search(ctx.app(), &ctx.principal, &q, lang.code()).await?;
    if !q.q.trim().is_empty() {
        ctx.app().analytics.event("search");
    }
    let hits = result
        .results
        .hits
        .iter()
        .map(|h| HitView {
            href: ctx.href(&h.path),
            title: h.title.clone(),
            kind: lang.t(&format!("search-kind-{}", h.kind)),
            snippet: h.snippet.clone(),
        })
        .collect();
    let chosen: Vec<(String, String)> =
        q.filters(ctx.app()).into_iter().map(|(d, v)| (param(&d).to_string(), v)).collect();
    let facets = result
        .results
        .facets
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(dim, values)| FacetView {
            param: param(dim),
            label: lang.t(&format!("search-filter-{}", dim.replace('_', "-"))),
            options: values
                .iter()
                .map(|(v, n)| FacetOption {
                    label: label(lang, dim, v),
                    selected: chosen.iter().any(|(d, x)| d == param(dim) && x == v),
                    value: v.clone(),
                    count: *n,
                })
                .collect(),
        })
        .collect();
    let base = ctx.href("/search");
    let link = |n: usize| {
        let mut x = q.clone();
        x.page = if n > 1 { n.to_string() } else { String::new() };
        format!("{base}{}", query_string(&x))
    };
    let prev = (result.page > 1).then(|| link(result.page - 1));
    let next = (result.page < result.pages).then(|| link(result.page + 1));
    let mut p = ctx.page("search-title").await;
    if !q.q.trim().is_empty() {
        p.title = format!("{} – {}", p.title, q.q.trim());
    }
    Ok(crate::html(&SearchPage {
        p,
        hidden: chosen.clone(),
        total: result.results.total,
        hits,
        facets,
        page: result.page,
        pages: result.pages,
        prev,
        next,
        q,
    }))
}

/// A search result.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SearchHitJson {
    /// organisation, service, expert, page, news, term or faq.
    pub kind: String,
    pub title: String,
    /// Path of the page in the language asked, e.g. `/fi/services/…`.
    pub path: String,
    /// HTML: escaped text with `<b>` around the matched words.
    pub snippet: String,
    pub score: f32,
}

/// Counts of one filter.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SearchFacetJson {
    pub param: String,
    pub values: Vec<crate::directory::api::FacetValueJson>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SearchJson {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub items: Vec<SearchHitJson>,
    pub facets: Vec<SearchFacetJson>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: String,
}

fn api_lang(s: &str) -> &'static str {
    if s == "en" { "en" } else { "fi" }
}

/// Searches everything public: organisations, services, experts, pages,
/// news, terms and answers, ranked for Finnish and English.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    params(
        ("q" = String, Query, description = "Words; inflected Finnish forms, parts of compound words, words starting with a typed word and one typo in longer words match. Documents with every word come first; when they are fewer than five, documents with some of the words follow, ranked by how many and how well they match"),
        ("lang" = Option<String>, Query, description = "fi (default) or en: the language of titles, snippets and paths"),
        ("kind" = Option<String>, Query, description = "organisation, service, expert, listing, event, thread, challenge, kimppa, page, news, term or faq"),
        ("focus" = Option<String>, Query, description = "Focus area key"),
        ("offering" = Option<String>, Query, description = "Offering type key"),
        ("org_type" = Option<String>, Query, description = "Organisation type key"),
        ("municipality" = Option<String>, Query, description = "Municipality name"),
        ("page" = Option<usize>, Query, description = "Page from 1 (20 results a page, at most 50 pages)"),
    ),
    responses(
        (status = 200, body = SearchJson),
        (status = 422, body = crate::errors::Problem, content_type = "application/problem+json")
    )
)]
pub async fn api(
    State(s): State<AppState>,
    Query(q): Query<SearchParams>,
    Query(l): Query<LangQuery>,
) -> Result<Json<SearchJson>, WebError> {
    q.check(&s.app)?;
    let lang = api_lang(&l.lang);
    let r = search::search(&s.app, &Principal::Anonymous, &q, lang).await?;
    Ok(Json(SearchJson {
        total: r.results.total,
        page: r.page,
        pages: r.pages,
        items: r
            .results
            .hits
            .into_iter()
            .map(|h| SearchHitJson {
                kind: h.kind,
                title: h.title,
                path: format!("/{lang}{}", h.path),
                snippet: h.snippet,
                score: h.score,
            })
            .collect(),
        facets: r
            .results
            .facets
            .into_iter()
            .map(|(d, values)| SearchFacetJson {
                param: d,
                values: values
                    .into_iter()
                    .map(|(v, n)| crate::directory::api::FacetValueJson {
                        value: v,
                        count: n as usize,
                        selected: false,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// A suggestion while typing.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SuggestionJson {
    pub kind: String,
    pub title: String,
    pub path: String,
}

#[derive(serde::Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: Option<String>,
}

/// Titles of public documents matching what has been typed so far (each
/// word a prefix of a title word), at most eight.
#[utoipa::path(
    get,
    path = "/api/v1/search/suggest",
    params(
        ("q" = String, Query, description = "What has been typed"),
        ("lang" = Option<String>, Query, description = "fi (default) or en"),
        ("kind" = Option<String>, Query, description = "Only titles of this kind of document (organisation, service, expert, listing, thread, challenge, kimppa, page, news, term, faq); an unknown kind finds nothing"),
    ),
    responses((status = 200, body = Vec<SuggestionJson>))
)]
pub async fn suggest(
    State(s): State<AppState>,
    Query(l): Query<SuggestQuery>,
) -> Result<Json<Vec<SuggestionJson>>, WebError> {
    let lang = api_lang(&l.lang);
    let kind = l.kind.as_deref().filter(|k| !k.is_empty());
    let hits = search::suggest(&s.app, &Principal::Anonymous, &l.q, lang, kind).await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| SuggestionJson { kind: h.kind, title: h.title, path: format!("/{lang}{}", h.path) })
            .collect(),
    ))
}
