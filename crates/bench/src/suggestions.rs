//! The hand-judged partner suggestions (`data/partners-judged.json`): needs
//! written as people in the cluster would type them, each naming the
//! partner roles it asks for and the approved organisations of the demo
//! registry that fit each role (judged by reading their profiles and
//! services), and forum questions with the listed experts that fit them.
//!
//! Each (case, role) is asked of the product's suggestions for that role
//! alone; the measures are the share whose first suggestion fits, and the
//! precision of the suggestions shown (at most five): fitting ones over
//! those shown, none shown counting as nothing right.

use anyhow::Context;
use kimppa_app::App;
use kimppa_app::challenges::suggest::{self, Wanted};
use kimppa_store::entities::{expert, organisation, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};

pub const SET: &str = include_str!("../data/partners-judged.json");
/// Suggestions read per role.
pub const SHOWN: usize = 5;

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Set {
    pub cases: Vec<Case>,
    pub threads: Vec<Thread>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Case {
    pub id: String,
    pub kind: String,
    pub asker: String,
    pub title: String,
    pub text: String,
    pub focus_areas: Vec<String>,
    /// Role key → the organisations (slugs) that fit it.
    pub roles: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Thread {
    pub id: String,
    pub title: String,
    pub body: String,
    /// Emails of the experts that fit.
    pub experts: Vec<String>,
}

pub fn parse() -> anyhow::Result<Set> {
    serde_json::from_str(SET).context("the judged suggestion set")
}

/// The measures of one run.
#[derive(Debug, Clone, Default)]
pub struct Measures {
    /// (case, role) pairs asked.
    pub roles: usize,
    pub first_fits: f64,
    pub precision: f64,
    pub threads: usize,
    pub thread_first_fits: f64,
    pub thread_precision: f64,
    /// What missed, for reading: "c01 research-partner: got [..], fit [..]".
    pub misses: Vec<String>,
}

/// (first fits, precision) of one list against the fitting ones.
fn score(shown: &[String], fit: &[String]) -> (f64, f64) {
    let first = shown.first().is_some_and(|s| fit.contains(s));
    let hits = shown.iter().filter(|s| fit.contains(s)).count();
    let precision = if shown.is_empty() { 0.0 } else { hits as f64 / shown.len() as f64 };
    (if first { 1.0 } else { 0.0 }, precision)
}

/// Asks the product for every case and thread of the set; the demo must be
/// loaded and the search index current.
pub async fn measure(app: &App, set: &Set) -> anyhow::Result<Measures> {
    let orgs: HashMap<String, organisation::Model> =
        organisation::Entity::find().all(&app.db).await?.into_iter().map(|o| (o.slug.clone(), o)).collect();
    let slug_of: HashMap<i32, String> = orgs.values().map(|o| (o.id, o.slug.clone())).collect();
    let mut m = Measures::default();
    let (mut first, mut precision) = (0.0, 0.0);
    for c in &set.cases {
        let asker = orgs.get(&c.asker).with_context(|| format!("{}: no organisation {}", c.id, c.asker))?;
        for (role, fit) in &c.roles {
            let wanted = Wanted {
                roles: vec![role.clone()],
                asked: c.roles.keys().cloned().collect(),
                focus: c.focus_areas.clone(),
                text: format!("{}. {}", c.title, c.text),
                asker: asker.id,
                ..Default::default()
            };
            let got = suggest::suggest(app, wanted).await?;
            let shown: Vec<String> =
                got.orgs.iter().take(SHOWN).filter_map(|s| slug_of.get(&s.org.id).cloned()).collect();
            let (f, p) = score(&shown, fit);
            if f < 1.0 || p < 1.0 {
                m.misses.push(format!("{} {role}: got {shown:?}, fit {fit:?}", c.id));
            }
            first += f;
            precision += p;
            m.roles += 1;
        }
    }
    m.first_fits = first / m.roles.max(1) as f64;
    m.precision = precision / m.roles.max(1) as f64;
    let emails: HashMap<i32, String> = expert::Entity::find()
        .find_also_related(user::Entity)
        .filter(expert::Column::Listed.eq(true))
        .all(&app.db)
        .await?
        .into_iter()
        .filter_map(|(e, u)| Some((e.id, u?.email)))
        .collect();
    let (mut first, mut precision) = (0.0, 0.0);
    for t in &set.threads {
        let got = kimppa_app::forum::experts::for_text(app, &format!("{} {}", t.title, t.body), 0, &[]).await?;
        let shown: Vec<String> = got.iter().take(SHOWN).filter_map(|e| emails.get(&e.expert_id).cloned()).collect();
        let (f, p) = score(&shown, &t.experts);
        if f < 1.0 || p < 1.0 {
            m.misses.push(format!("{} experts: got {shown:?}, fit {:?}", t.id, t.experts));
        }
        first += f;
        precision += p;
        m.threads += 1;
    }
    m.thread_first_fits = first / m.threads.max(1) as f64;
    m.thread_precision = precision / m.threads.max(1) as f64;
    Ok(m)
}
