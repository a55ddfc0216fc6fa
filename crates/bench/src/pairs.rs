//! The hand-judged side-stream pairs (`data/sidestreams-judged.json`): for
//! each query listing, the counter-listing a person would contact first and
//! those that must never be suggested. Read by the suite's
//! `sidestreams_judged` test, which enters them through the listing form.

use anyhow::Context;

pub const SET: &str = include_str!("../data/sidestreams-judged.json");

pub fn parse() -> anyhow::Result<Set> {
    serde_json::from_str(SET).context("the judged side-stream pairs")
}

#[derive(serde::Deserialize)]
pub struct Set {
    pub cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
pub struct Case {
    pub id: String,
    pub note: String,
    pub query: Listing,
    pub candidates: Vec<Listing>,
    pub best: Option<usize>,
    pub never: Vec<usize>,
}

#[derive(serde::Deserialize)]
pub struct Listing {
    pub org: String,
    pub kind: String,
    pub class_code: String,
    pub accepts: String,
    pub accepts_hazardous: bool,
    pub title: String,
    pub description: String,
    pub quantity: f64,
    pub unit: String,
    pub frequency: String,
    pub municipality: String,
    pub max_km: Option<i64>,
    pub available_from_days: i64,
    pub available_to_days: Option<i64>,
    pub unit_tonnes: Option<f64>,
}
