//! The hand-judged search set (`crates/bench/data/search-judged.json`, see
//! `kimppa_bench::judged`): organisations, services and listings written in
//! the style of real Finnish company profiles, loaded through the CSV
//! import and the listing form; queries as people type them, asked as a
//! visitor. The floors only move up.

use crate::common::TestApp;
use kimppa_bench::judged;
use kimppa_domain::PlatformRole;

/// Hit@10, MRR@10 and precision at 10 must stay at or above these (on
/// 2026-12-06: 0.980, 0.908 and 0.840 on both databases).
const FLOOR_HIT: f64 = 0.975;
const FLOOR_MRR: f64 = 0.90;
const FLOOR_P10: f64 = 0.835;

async fn judged_queries_find_what_people_mean(b: kimppa_store::testing::Backend) {
    let set = judged::parse().unwrap();
    let t = TestApp::new(b).await;
    let (staff, _) = t.user("orkestroija@judged.test", PlatformRole::Orchestrator).await;
    let paths = judged::load(&t.app, &t.elevated(&staff).await, &set).await.unwrap();
    let mut found = vec![];
    for j in &set.queries {
        let first = judged::product(&t.app, &paths, &j.q).await.unwrap();
        if first.first().is_none_or(|id| !j.relevant.contains(id)) {
            eprintln!("judged: {:?} ({}) wants {:?}, found {:?}", j.q, j.why, j.relevant, first);
        }
        found.push(first);
    }
    let m = judged::measure(&set, &found);
    eprintln!(
        "judged set, {} queries over {} documents: hit@10 {:.3}, MRR {:.3}, P@10 {:.3}",
        set.queries.len(),
        set.documents.len(),
        m.hit,
        m.mrr,
        m.p10
    );
    assert!(set.queries.len() >= 60 && set.documents.len() >= 60, "the set keeps its size");
    assert!(m.hit >= FLOOR_HIT, "hit@10 {:.3} fell below {FLOOR_HIT}", m.hit);
    assert!(m.mrr >= FLOOR_MRR, "MRR {:.3} fell below {FLOOR_MRR}", m.mrr);
    assert!(m.p10 >= FLOOR_P10, "P@10 {:.3} fell below {FLOOR_P10}", m.p10);
}

both_backends!(judged_queries_find_what_people_mean);
