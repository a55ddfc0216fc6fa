//! The hand-judged search set (`crates/bench/data/search-judged.json`):
//! descriptions of organisations, services and material listings written
//! in the style of real Finnish company profiles, and queries as people
//! type them (inflected, compounds, typos, English, Swedish place names),
//! each with the documents judged relevant by reading. The generator never
//! saw it. The documents go in through the product's own CSV import and
//! listing form; the product is asked through its search use case, as a
//! visitor. Used by the test suite (with floors) and by `kimppa-bench
//! judged` (against the databases' full-text search).

use anyhow::Context;
use kimppa_app::{
    App,
    directory::csv_io::{self, Table},
    materials::{self, ListingForm},
    policy::Principal,
    search::{self, SearchParams},
};
use kimppa_store::entities::service;
use sea_orm::EntityTrait;
use std::collections::HashMap;

pub const SET: &str = include_str!("../data/search-judged.json");

#[derive(serde::Deserialize)]
pub struct JudgedSet {
    pub documents: Vec<Document>,
    pub queries: Vec<Judged>,
}

#[derive(serde::Deserialize)]
pub struct Document {
    pub id: String,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub org_type: String,
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub listing_kind: String,
    #[serde(default)]
    pub class_code: String,
    pub text_fi: String,
    #[serde(default)]
    pub text_en: String,
}

#[derive(serde::Deserialize)]
pub struct Judged {
    pub q: String,
    pub relevant: Vec<String>,
    pub why: String,
}

pub fn parse() -> anyhow::Result<JudgedSet> {
    serde_json::from_str(SET).context("the judged set")
}

impl JudgedSet {
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Document> {
        self.documents.iter().filter(move |d| d.kind == kind)
    }
}

/// A CSV cell, quoted.
fn cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn csv(table: Table, rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut out = table.columns().join(";");
    for row in rows {
        out.push('\n');
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(";"));
    }
    out.into_bytes()
}

/// A valid Finnish Business ID for the `n`th organisation.
fn business_id(n: usize) -> String {
    const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];
    (0..)
        .map(|k| 2_600_000 + 10 * n as u32 + k)
        .find_map(|base| {
            let digits = format!("{base:07}");
            let sum: u32 = digits.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
            match sum % 11 {
                0 => Some(format!("{digits}-0")),
                1 => None,
                r => Some(format!("{digits}-{}", 11 - r)),
            }
        })
        .unwrap_or_default()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Loads the set as staff would (`staff` may manage the directory and
/// listings) into an empty database; answers each document's search path
/// with its id. The search index is brought up to date.
pub async fn load(app: &App, staff: &Principal, set: &JudgedSet) -> anyhow::Result<HashMap<String, String>> {
    let org_type = |t: &str| match t {
        "company" => "sme",
        "municipality" => "municipality",
        "research" => "research",
        "public" => "funder",
        _ => "network",
    };
    let orgs = set
        .of_kind("organisation")
        .enumerate()
        .map(|(n, d)| {
            row(&[
                "",
                &d.name,
                &business_id(n),
                "FI",
                org_type(&d.org_type),
                "small",
                &d.municipality,
                "reuse-materials",
                "resource-recovery",
                "",
                "member",
                &d.text_fi,
                &d.text_en,
            ])
        })
        .collect();
    let report = csv_io::import(app, staff, Table::Organisations, &csv(Table::Organisations, orgs), false).await?;
    anyhow::ensure!(report.written && report.errors.is_empty(), "organisations: {:?}", report.errors);
    // The import gives each organisation its slug from the name.
    let by_name: HashMap<String, String> = kimppa_app::organisations::list_public(app, &Default::default())
        .await?
        .into_iter()
        .map(|o| (o.name, o.slug))
        .collect();
    let mut slugs = HashMap::new();
    for d in set.of_kind("organisation") {
        slugs.insert(d.id.clone(), by_name.get(&d.name).context("an imported organisation")?.clone());
    }
    let mut services = vec![];
    for d in set.of_kind("service") {
        let owner = slugs.get(&d.provider).context("a service's provider")?;
        services.push(row(&[
            "",
            owner,
            "",
            "published",
            &d.name,
            "",
            "resource-recovery",
            "reuse-materials",
            "pohjois-pohjanmaa",
            "fi",
            "quote",
            "",
            "",
            "",
            &d.text_fi,
            &d.text_en,
        ]));
    }
    let report = csv_io::import(app, staff, Table::Services, &csv(Table::Services, services), false).await?;
    anyhow::ensure!(report.written && report.errors.is_empty(), "services: {:?}", report.errors);

    let mut paths: HashMap<String, String> = HashMap::new();
    for d in set.of_kind("organisation") {
        paths.insert(format!("/organisations/{}", slugs[&d.id]), d.id.clone());
    }
    let service_slugs: HashMap<String, String> =
        service::Entity::find().all(&app.db).await?.into_iter().map(|s| (s.title_fi, s.slug)).collect();
    for d in set.of_kind("service") {
        paths.insert(format!("/services/{}", service_slugs.get(&d.name).context("an imported service")?), d.id.clone());
    }
    let codes: HashMap<String, String> = materials::reference::municipalities(app)
        .await?
        .into_iter()
        .map(|m| (m.name_fi.clone(), m.code.clone()))
        .collect();
    let today = kimppa_app::finnish_time(kimppa_app::now()).date_naive().to_string();
    for d in set.of_kind("listing") {
        let form = ListingForm {
            org: slugs.get(&d.owner).context("a listing's owner")?.clone(),
            kind: d.listing_kind.clone(),
            class_code: d.class_code.clone(),
            title: d.name.clone(),
            description: d.text_fi.clone(),
            unit: "t".into(),
            frequency: "month".into(),
            municipality: codes.get(&d.municipality).context("a listing's municipality")?.clone(),
            available_from: today.clone(),
            price_kind: "negotiable".into(),
            visibility: "public".into(),
            action: "publish".into(),
            ..Default::default()
        };
        let l = materials::create(app, staff, &form, None).await.map_err(|e| anyhow::anyhow!("{}: {e:?}", d.id))?;
        paths.insert(format!("/materials/{}", l.id), d.id.clone());
    }
    search::sync::catch_up(app).await?;
    Ok(paths)
}

/// The ids of the first ten documents a visitor finds for `q` (a path of
/// a document outside the set as it is).
pub async fn product(app: &App, paths: &HashMap<String, String>, q: &str) -> anyhow::Result<Vec<String>> {
    let params = SearchParams { q: q.into(), ..Default::default() };
    let page = search::search(app, &Principal::Anonymous, &params, "fi").await?;
    Ok(page.results.hits.into_iter().take(10).map(|h| paths.get(&h.path).cloned().unwrap_or(h.path)).collect())
}

/// Hit@10, MRR@10 and precision at 10 (the share of the relevant
/// documents, at most ten, among the first ten) over a set's queries.
#[derive(Debug, Clone, Copy)]
pub struct Measures {
    pub hit: f64,
    pub mrr: f64,
    pub p10: f64,
}

pub fn measure(set: &JudgedSet, found: &[Vec<String>]) -> Measures {
    let n = set.queries.len().max(1) as f64;
    let (mut hit, mut mrr, mut p10) = (0.0, 0.0, 0.0);
    for (j, found) in set.queries.iter().zip(found) {
        let relevant = |id: &String| j.relevant.contains(id);
        if let Some(rank) = found.iter().take(10).position(relevant) {
            hit += 1.0;
            mrr += 1.0 / (rank + 1) as f64;
        }
        p10 += found.iter().take(10).filter(|id| relevant(id)).count() as f64 / j.relevant.len().clamp(1, 10) as f64;
    }
    Measures { hit: hit / n, mrr: mrr / n, p10: p10 / n }
}
