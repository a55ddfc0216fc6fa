//! Unified search (SPEC C4): one index per node over everything public —
//! or visible to the asker — kept current from the change log.
//!
//! - [`documents`] turns database rows into search documents (one function per kind);
//! - [`touch`] is written in the same transaction as a change, naming what to re-index;
//! - [`sync`] follows the change log on every node (its position is stored in the
//!   index itself), and rebuilds the index when it is new, missing or damaged;
//! - [`search`] and [`suggest`] answer queries with the asker's visibility.

pub mod documents;
pub mod sync;
pub mod visibility;

use crate::{App, AppError, error::Checker, policy::Principal};
use kimppa_domain::{FocusArea, OfferingType, OrgType};
use sea_orm::ConnectionTrait;

pub use kimppa_search::{Hit, Results, SearchIndex};

/// Change-log kind that names documents to re-index.
pub const TOUCH: &str = "search.touch";
/// Results per page.
pub const PAGE_SIZE: usize = 20;

/// Payload of a [`TOUCH`] row: a kind and ids (none: every document of the kind).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Touched {
    pub kind: String,
    #[serde(default)]
    pub ids: Vec<i32>,
}

/// Records, in the caller's transaction, that documents of `kind` changed.
pub async fn touch<C: ConnectionTrait>(conn: &C, kind: &str, ids: &[i32]) -> Result<(), sea_orm::DbErr> {
    crate::changelog::record(conn, TOUCH, &Touched { kind: kind.into(), ids: ids.to_vec() }).await.map(|_| ())
}

/// Records that every document of `kind` may have changed.
pub async fn touch_all<C: ConnectionTrait>(conn: &C, kind: &str) -> Result<(), sea_orm::DbErr> {
    touch(conn, kind, &[]).await
}

/// The query of the search page and API, as typed.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct SearchParams {
    pub q: String,
    pub kind: String,
    pub focus: String,
    pub offering: String,
    pub org_type: String,
    pub municipality: String,
    pub page: String,
}

impl SearchParams {
    fn value(&self, dim: &str) -> &str {
        match dim {
            "kind" => &self.kind,
            "focus" => &self.focus,
            "offering" => &self.offering,
            "org_type" => &self.org_type,
            "municipality" => &self.municipality,
            _ => "",
        }
    }

    fn known(app: &App, dim: &str, v: &str) -> bool {
        match dim {
            "kind" => app.hooks.documents.contains(v),
            "focus" => FocusArea::parse(v).is_ok(),
            "offering" => OfferingType::parse(v).is_ok(),
            "org_type" => OrgType::parse(v).is_ok(),
            "municipality" => !v.contains('/') && v.chars().count() <= 80,
            _ => false,
        }
    }

    /// Chosen filters with known values (unknown ones are ignored by the page).
    pub fn filters(&self, app: &App) -> Vec<(String, String)> {
        kimppa_search::DIMENSIONS
            .iter()
            .filter_map(|d| {
                let v = self.value(d).trim();
                (!v.is_empty() && Self::known(app, d, v)).then(|| (d.to_string(), v.to_string()))
            })
            .collect()
    }

    pub fn page(&self) -> usize {
        self.page.trim().parse::<usize>().ok().filter(|p| (1..=50).contains(p)).unwrap_or(1)
    }

    /// Strict check for the API.
    pub fn check(&self, app: &App) -> Result<(), AppError> {
        let mut c = Checker::default();
        for d in kimppa_search::DIMENSIONS {
            let v = self.value(d).trim();
            if !v.is_empty() && !Self::known(app, d, v) {
                c.push(d, "err-unknown-value");
            }
        }
        if !self.page.trim().is_empty() && self.page.trim().parse::<usize>().map(|p| p == 0 || p > 50).unwrap_or(true) {
            c.push("page", "err-unknown-value");
        }
        if self.q.chars().count() > 200 {
            c.push("q", "err-too-long");
        }
        c.finish()
    }

    /// The query text as counted: lowercased, spaces collapsed, at most 100 characters.
    pub fn normalised(&self) -> String {
        self.q.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().chars().take(100).collect()
    }
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub results: Results,
    pub page: usize,
    pub pages: usize,
}

/// Searches what the actor may see; counts the query (text and number of
/// results, no identity) for the orchestrators' demand report.
pub async fn search(app: &App, actor: &Principal, params: &SearchParams, lang: &str) -> Result<SearchPage, AppError> {
    let text: String = params.q.chars().take(200).collect();
    if text.trim().is_empty() {
        return Ok(SearchPage { results: Results::default(), page: 1, pages: 1 });
    }
    let vis = visibility::tokens(actor);
    let page = params.page();
    let q = kimppa_search::SearchQuery {
        text,
        lang: lang.into(),
        filters: params.filters(app),
        visibility: vis,
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        any_word: false,
    };
    let results = app.search.search(&q).map_err(AppError::internal)?;
    if page == 1 {
        app.analytics.search(&params.normalised(), results.total);
    }
    let pages = results.total.div_ceil(PAGE_SIZE).max(1);
    Ok(SearchPage { results, page, pages })
}

/// Titles for search-as-you-type, of one kind of document when `kind` is
/// given (an unknown kind finds nothing).
pub async fn suggest(
    app: &App,
    actor: &Principal,
    prefix: &str,
    lang: &str,
    kind: Option<&str>,
) -> Result<Vec<Hit>, AppError> {
    let prefix: String = prefix.chars().take(100).collect();
    if kind.is_some_and(|k| !app.hooks.documents.contains(k)) {
        return Ok(vec![]);
    }
    let vis = visibility::tokens(actor);
    app.search.suggest(&prefix, lang, kind, &vis, 8).map_err(AppError::internal)
}
