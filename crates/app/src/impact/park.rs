//! The virtual circular park's data: the realised symbioses (confirmed by
//! both sides) as flows of material between organisations, with their
//! material class and municipalities. An organisation is named only when it
//! is an approved member (its profile is public); otherwise the flow shows
//! "an organisation outside the directory".

use crate::{App, AppError, materials::reference};
use kimppa_domain::MembershipStatus;
use kimppa_store::entities::{organisation, symbiosis};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// One end of a flow.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Party {
    /// `None` when the organisation is not a public member.
    pub name: Option<String>,
    pub slug: Option<String>,
    pub municipality: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Flow {
    pub id: i32,
    pub from: Party,
    pub to: Party,
    /// The class code as stored (`17 09 04`), and its chapter (`17`).
    pub class_code: String,
    pub chapter: String,
    pub class_fi: String,
    pub class_en: String,
    pub tonnes_per_year: f64,
    pub co2e_tonnes: f64,
    /// YYYY-MM-DD.
    pub started_on: String,
}

/// What a visitor narrows the park to.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct FlowFilter {
    /// A material chapter (`17`) or class code.
    pub material: String,
    /// A municipality at either end.
    pub municipality: String,
    /// The year the flow started.
    pub year: Option<i32>,
}

/// Flows at most a page and the API list.
pub const MAX_FLOWS: u64 = 2_000;

/// The realised symbioses as flows (public), newest first, narrowed by
/// `f`: three queries (symbioses, their organisations, the material
/// classes from memory).
pub async fn flows(app: &App, f: &FlowFilter) -> Result<Vec<Flow>, AppError> {
    use sea_orm::QuerySelect;
    let mut q = symbiosis::Entity::find()
        .filter(symbiosis::Column::Confirmation.eq(crate::materials::outcomes::CONFIRMED))
        .order_by_desc(symbiosis::Column::StartedOn)
        .limit(MAX_FLOWS);
    if let Some(y) = f.year {
        q = q.filter(symbiosis::Column::StartedOn.between(format!("{y}-01-01"), format!("{y}-12-31")));
    }
    let material = reference::normalise_code(&f.material);
    if !material.is_empty() {
        q = q.filter(symbiosis::Column::ClassCode.starts_with(&material));
    }
    let rows = q.all(&app.db).await?;
    let ids: Vec<i32> =
        crate::batch::distinct(rows.iter().flat_map(|s| [s.provider_org_id, s.receiver_org_id]).collect::<Vec<i32>>());
    let orgs: HashMap<i32, organisation::Model> = crate::batch::chunked(ids, |chunk| {
        organisation::Entity::find().filter(organisation::Column::Id.is_in(chunk)).all(&app.db)
    })
    .await?
    .into_iter()
    .map(|o| (o.id, o))
    .collect();
    let codes: Vec<String> = crate::batch::distinct(
        rows.iter().flat_map(|s| [s.class_code.clone(), chapter(&s.class_code)]).collect::<Vec<_>>(),
    );
    let classes = reference::Classes::load_codes(app, &codes).await?;
    let party = |id: i32| {
        let o = orgs.get(&id);
        let public = o.filter(|o| o.membership_status == MembershipStatus::Approved);
        Party {
            name: public.map(|o| o.name.clone()),
            slug: public.map(|o| o.slug.clone()),
            municipality: o.map(|o| o.municipality.clone()).unwrap_or_default(),
        }
    };
    let town = f.municipality.trim().to_lowercase();
    Ok(rows
        .into_iter()
        .map(|s| {
            let ch = chapter(&s.class_code);
            let c = classes.get(&s.class_code).or_else(|| classes.get(&ch));
            Flow {
                id: s.id,
                from: party(s.provider_org_id),
                to: party(s.receiver_org_id),
                class_fi: c.map(|c| reference::title(c, "fi")).unwrap_or_else(|| s.class_code.clone()),
                class_en: c.map(|c| reference::title(c, "en")).unwrap_or_else(|| s.class_code.clone()),
                chapter: ch,
                class_code: s.class_code,
                tonnes_per_year: s.diverted_tonnes,
                co2e_tonnes: s.co2e_tonnes,
                started_on: s.started_on,
            }
        })
        .filter(|fl| {
            town.is_empty() || fl.from.municipality.to_lowercase() == town || fl.to.municipality.to_lowercase() == town
        })
        .collect())
}

/// The chapter of a class code: `17 09 04` → `17`; a project key stays.
pub fn chapter(code: &str) -> String {
    match code.split_once(' ') {
        Some((c, _)) if c.chars().all(|x| x.is_ascii_digit()) => c.to_string(),
        _ => code.to_string(),
    }
}

/// The park's picture: municipalities that give material (left) and those
/// that receive it (right), each with its tonnes, and the flows between
/// them by material chapter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagram {
    /// (municipality's name, tonnes a year), most first.
    pub from: Vec<(String, f64)>,
    pub to: Vec<(String, f64)>,
    /// (index in `from`, index in `to`, chapter, tonnes a year, symbioses).
    pub links: Vec<(usize, usize, String, f64, usize)>,
    /// The chapters shown: (chapter, title in Finnish, in English).
    pub chapters: Vec<(String, String, String)>,
}

/// The municipality names of flows' ends by code (the name as stored when
/// the code is unknown).
pub async fn names(app: &App, flows: &[Flow]) -> Result<HashMap<String, String>, AppError> {
    let codes: Vec<String> =
        crate::batch::distinct(flows.iter().flat_map(|f| [f.from.municipality.clone(), f.to.municipality.clone()]));
    let known = reference::municipalities_by_code(app, &codes).await?;
    Ok(codes
        .into_iter()
        .map(|c| {
            let name = known.get(&c).map(|m| m.name_fi.clone()).unwrap_or_else(|| c.clone());
            (c, name)
        })
        .collect())
}

/// Aggregates flows into the park's picture.
pub async fn diagram(app: &App, flows: &[Flow]) -> Result<Diagram, AppError> {
    let names = names(app, flows).await?;
    let name = |c: &str| {
        let n = names.get(c).cloned().unwrap_or_default();
        if n.is_empty() { "–".to_string() } else { n }
    };
    let mut from: HashMap<String, f64> = HashMap::new();
    let mut to: HashMap<String, f64> = HashMap::new();
    let mut links: HashMap<(String, String, String), (f64, usize)> = HashMap::new();
    let mut chapters: HashMap<String, (String, String)> = HashMap::new();
    for f in flows {
        let (a, b) = (name(&f.from.municipality), name(&f.to.municipality));
        *from.entry(a.clone()).or_default() += f.tonnes_per_year;
        *to.entry(b.clone()).or_default() += f.tonnes_per_year;
        let l = links.entry((a, b, f.chapter.clone())).or_default();
        l.0 += f.tonnes_per_year;
        l.1 += 1;
        chapters.entry(f.chapter.clone()).or_insert_with(|| (f.class_fi.clone(), f.class_en.clone()));
    }
    let sorted = |m: HashMap<String, f64>| {
        let mut v: Vec<(String, f64)> = m.into_iter().collect();
        v.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        v
    };
    let (from, to) = (sorted(from), sorted(to));
    let at = |v: &[(String, f64)], n: &str| v.iter().position(|x| x.0 == n).unwrap_or(0);
    let mut links: Vec<(usize, usize, String, f64, usize)> =
        links.into_iter().map(|((a, b, ch), (t, n))| (at(&from, &a), at(&to, &b), ch, t, n)).collect();
    links.sort_by(|x, y| y.3.total_cmp(&x.3).then_with(|| (x.0, x.1, &x.2).cmp(&(y.0, y.1, &y.2))));
    // A chapter's title from its own class row where there is one.
    let codes: Vec<String> = chapters.keys().cloned().collect();
    let own = reference::Classes::load_codes(app, &codes).await?;
    let mut chapters: Vec<(String, String, String)> = chapters
        .into_iter()
        .map(|(ch, (fi, en))| match own.get(&ch) {
            Some(c) => (ch, reference::title(c, "fi"), reference::title(c, "en")),
            None => (ch, fi, en),
        })
        .collect();
    chapters.sort();
    Ok(Diagram { from, to, links, chapters })
}
