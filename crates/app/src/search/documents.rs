//! Search documents: the kernel's part. Each capability builds the
//! documents of its kinds from the database (one loader per kind,
//! registered when the app starts with [`Kinds::add`]); a row that is not
//! public is simply not returned, so it is removed from (or never put into)
//! the index. Adding a kind is one loader and one registration.

use crate::{App, AppError};
use futures::future::BoxFuture;
use kimppa_search::Doc;
use kimppa_store::entities::municipality;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// The visibility token of public documents.
pub const PUBLIC: &str = "public";

/// Which rows of a kind to load: all, or some ids.
#[derive(Debug, Clone)]
pub enum Which {
    All,
    Ids(Vec<i32>),
}

/// Loads the public documents of one kind among `which`.
pub type Loader = fn(App, Which) -> BoxFuture<'static, Result<Vec<Doc>, AppError>>;

/// Every kind of document with its loader, in the order a rebuild loads them.
#[derive(Default)]
pub struct Kinds(Vec<(&'static str, Loader)>);

impl Kinds {
    pub fn add(&mut self, kind: &'static str, loader: Loader) {
        self.0.push((kind, loader));
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|(k, _)| *k).collect()
    }

    pub fn contains(&self, kind: &str) -> bool {
        self.0.iter().any(|(k, _)| *k == kind)
    }
}

/// The kinds of document, in the order a rebuild loads them.
pub fn kinds(app: &App) -> Vec<&'static str> {
    app.hooks.documents.names()
}

/// Public documents of `kind` among `which` (none for an unknown kind).
pub async fn load(app: &App, kind: &str, which: &Which) -> Result<Vec<Doc>, AppError> {
    match app.hooks.documents.0.iter().find(|(k, _)| *k == kind) {
        Some((_, loader)) => loader(app.clone(), which.clone()).await,
        None => Ok(vec![]),
    }
}

/// Facet values of a document: single values and comma-separated lists.
pub fn facets(pairs: &[(&str, &str)], lists: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(d, v)| (d.to_string(), v.to_string())).collect();
    for (dim, stored) in lists {
        let values = stored.split(',').map(str::trim).filter(|v| !v.is_empty());
        out.extend(values.map(|v| (dim.to_string(), v.to_string())));
    }
    out
}

/// A public document of `kind` with its path, titles and bodies (fi, en).
pub fn doc(kind: &str, id: i32, path: String, titles: (&str, &str), bodies: (String, String)) -> Doc {
    Doc {
        key: format!("{kind}:{id}"),
        kind: kind.into(),
        path,
        title_fi: titles.0.into(),
        title_en: titles.1.into(),
        body_fi: bodies.0,
        body_en: bodies.1,
        facets: vec![],
        visibility: vec![PUBLIC.into()],
    }
}

/// The names of municipalities in Finnish and Swedish, so a document
/// located in Oulu is found by "Uleåborg" too.
pub struct Places(HashMap<String, String>);

impl Places {
    /// Every municipality, by its code and by its Finnish name (lowercased);
    /// read once and kept in the node's memory until the next change.
    pub async fn load(app: &App) -> Result<std::sync::Arc<Places>, AppError> {
        app.pages
            .derived(app, "search.places", || async {
                let mut names = HashMap::new();
                for m in municipality::Entity::find().all(&app.db).await? {
                    let both = if m.name_sv.is_empty() || m.name_sv == m.name_fi {
                        m.name_fi.clone()
                    } else {
                        format!("{} {}", m.name_fi, m.name_sv)
                    };
                    names.insert(m.name_fi.to_lowercase(), both.clone());
                    names.insert(m.code.clone(), both);
                }
                Ok(Places(names))
            })
            .await
    }

    /// "Oulu Uleåborg" for "Oulu" or its code; an unknown place as given.
    pub fn words(&self, name_or_code: &str) -> String {
        let key = name_or_code.trim();
        self.0.get(key).or_else(|| self.0.get(&key.to_lowercase())).cloned().unwrap_or_else(|| key.to_string())
    }
}

/// Markdown to plain text for indexing and snippets.
pub fn plain(markdown: &str) -> String {
    markdown.chars().filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '>' | '[' | ']')).collect()
}

/// The rows of `q` among `which` (by `col`), in chunks the databases accept.
pub async fn fetch<E>(
    app: &App,
    q: sea_orm::Select<E>,
    col: E::Column,
    which: &Which,
) -> Result<Vec<E::Model>, AppError>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    match which {
        Which::All => Ok(q.all(&app.db).await?),
        Which::Ids(ids) => {
            Ok(crate::batch::chunked(ids.iter().copied(), |chunk| q.clone().filter(col.is_in(chunk)).all(&app.db))
                .await?)
        }
    }
}
