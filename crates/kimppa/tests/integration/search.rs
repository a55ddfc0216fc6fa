//! Unified search: Finnish matching through the whole stack, visibility,
//! facets, the demand report, sync between nodes through the change log,
//! and rebuilding a lost index.

use crate::common::{TestApp, test_config};
use axum::http::StatusCode;
use kimppa_app::{
    App,
    directory::services::{self, ServiceForm},
    policy::Principal,
    search::{self, SearchParams},
};
use kimppa_domain::PlatformRole;

fn service_form(title: &str, description: &str, status: &str) -> ServiceForm {
    ServiceForm {
        title_fi: title.into(),
        description_fi: description.into(),
        offering_type: "resource-recovery".into(),
        focus_areas: vec!["plastics".into()],
        regions: vec!["pohjois-pohjanmaa".into()],
        languages: vec!["fi".into()],
        price_kind: "quote".into(),
        status: status.into(),
        ..Default::default()
    }
}

async fn find(app: &App, actor: &Principal, q: &str) -> Vec<String> {
    let params = SearchParams { q: q.into(), ..Default::default() };
    search::search(app, actor, &params, "fi").await.unwrap().results.hits.into_iter().map(|h| h.path).collect()
}

async fn finnish_matching_visibility_and_facets(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@muovi.test", PlatformRole::Person).await;
    let (hidden_admin, _) = t.user("admin@piilo.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Muovimestarit Oy", "approved").await;
    let hidden = t.org(&hidden_admin, "Piilopaikka Oy", "pending").await;
    let a = t.principal(&admin).await;
    services::create(
        &t.app,
        &a,
        &org.slug,
        &service_form("Muovipakkausten kierrätys", "Keräämme muovipakkauksia yrityksiltä.", "published"),
    )
    .await
    .unwrap();
    services::create(&t.app, &a, &org.slug, &service_form("Salainen luonnos", "Kierrätys tulossa.", "draft"))
        .await
        .unwrap();
    services::create(
        &t.app,
        &t.principal(&hidden_admin).await,
        &hidden.slug,
        &service_form("Piilotettu kierrätys", "Kierrätys.", "published"),
    )
    .await
    .unwrap();
    search::sync::catch_up(&t.app).await.unwrap();
    let anon = Principal::Anonymous;
    let service = "/services/muovipakkausten-kierratys".to_string();
    assert_eq!(find(&t.app, &anon, "kierrätykseen").await, vec![service.clone()], "inflected form");
    assert_eq!(find(&t.app, &anon, "pakkaus").await, vec![service.clone()], "part of a compound");
    assert_eq!(find(&t.app, &anon, "muovipakausten").await, vec![service.clone()], "one typo");
    assert_eq!(find(&t.app, &anon, "yrityksille").await, vec![service.clone()]);
    let found = find(&t.app, &anon, "muovimestarit oy").await;
    assert_eq!(found.first(), Some(&format!("/organisations/{}", org.slug)), "the exact name first");
    // Drafts and organisations that are not members are not found by anyone outside.
    assert!(find(&t.app, &anon, "salainen").await.is_empty());
    assert!(find(&t.app, &anon, "piilotettu").await.is_empty());
    assert!(find(&t.app, &anon, "piilopaikka").await.is_empty());
    assert!(search::suggest(&t.app, &anon, "piilo", "fi", None).await.unwrap().is_empty());
    // Facets count only what is visible.
    let params = SearchParams { q: "kierrätys".into(), ..Default::default() };
    let r = search::search(&t.app, &anon, &params, "fi").await.unwrap();
    assert_eq!(r.results.total, 1);
    let kinds = &r.results.facets.iter().find(|(d, _)| d == "kind").unwrap().1;
    assert_eq!(kinds, &vec![("service".to_string(), 1)]);
    // Suggestions while typing.
    let s = search::suggest(&t.app, &anon, "muovipak", "fi", None).await.unwrap();
    assert_eq!(s[0].path, service);
    let only = |kind| search::suggest(&t.app, &anon, "muovi", "fi", Some(kind));
    assert_eq!(only("service").await.unwrap().len(), 1);
    assert!(only("organisation").await.unwrap().iter().all(|h| h.kind == "organisation"));
    assert!(only("alien").await.unwrap().is_empty());

    // The page and the API.
    let mut c = t.client();
    let page = c.get("/fi/search?q=muovipakkaus+yrityksilt%C3%A4").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<b>") && page.body.contains(&format!("/fi{service}")), "{}", page.body);
    let filtered = c.get("/fi/search?q=kierrätys&kind=organisation").await;
    assert!(filtered.body.contains("0 tulosta") || !filtered.body.contains(&format!("/fi{service}")));
    let api = c.get_json("/api/v1/search?q=kierr%C3%A4tyksest%C3%A4&lang=en").await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json()["items"][0]["path"], format!("/en{service}"));
    assert_eq!(c.get_json("/api/v1/search?q=x&kind=alien").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let sugg = c.get_json("/api/v1/search/suggest?q=muovip").await;
    assert_eq!(sugg.json()[0]["path"], format!("/fi{service}"));
    let sugg = c.get_json("/api/v1/search/suggest?q=muovip&kind=organisation").await;
    assert_eq!(sugg.json().as_array().map(Vec::len), Some(0));

    // Queries are counted without identity; zero-result ones are the demand signal.
    search::search(&t.app, &anon, &SearchParams { q: "  Hiilikuitu   GRAFEENI ".into(), ..Default::default() }, "fi")
        .await
        .unwrap();
    t.app.analytics.flush(&t.app).await.unwrap();
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let report = kimppa_app::website::analytics::report(&t.app, &t.elevated(&orch).await, 30).await.unwrap();
    assert!(
        report.zero_queries.iter().any(|(q, n)| q == "hiilikuitu grafeeni" && *n == 1),
        "{:?}",
        report.zero_queries
    );
    assert!(report.top_queries.iter().any(|(q, _)| q == "kierrätykseen"));
    let mut co = t.login(&orch, secret.as_deref()).await;
    assert!(co.get("/fi/admin/analytics").await.body.contains("hiilikuitu grafeeni"));
}

async fn a_change_reaches_another_node_within_two_seconds(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    // A second node on the same database, with its own index and sync loop.
    let url = t.app.config.database_url.clone();
    let node2 = App::start(test_config(url)).await.unwrap();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let sync = tokio::spawn(search::sync::run(node2.clone(), stop_rx));
    let (admin, _) = t.user("admin@solmu.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Solmu Oy", "approved").await;
    let started = std::time::Instant::now();
    let s = services::create(
        &t.app,
        &t.principal(&admin).await,
        &org.slug,
        &service_form("Kaukolämpöpalvelu", "Lämpöä.", "published"),
    )
    .await
    .unwrap();
    let anon = Principal::Anonymous;
    let path = format!("/services/{}", s.slug);
    loop {
        if find(&node2, &anon, "kaukolämpöpalvelu").await == vec![path.clone()] {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "not on the other node within 2 s");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Archiving on node 1 removes it on node 2.
    let mut form = service_form("Kaukolämpöpalvelu", "Lämpöä.", "archived");
    form.status = "archived".into();
    services::update(&t.app, &t.principal(&admin).await, &s.slug, &form).await.unwrap();
    let started = std::time::Instant::now();
    while !find(&node2, &anon, "kaukolämpöpalvelu").await.is_empty() {
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "still found on the other node");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // An organisation becoming a member brings its services with it.
    let (other, _) = t.user("admin@uusi.test", PlatformRole::Person).await;
    let pending = t.org(&other, "Hakijayritys Oy", "pending").await;
    let s2 = services::create(
        &t.app,
        &t.principal(&other).await,
        &pending.slug,
        &service_form("Höyrypalvelu", "Höyryä.", "published"),
    )
    .await
    .unwrap();
    search::sync::catch_up(&t.app).await.unwrap();
    assert!(find(&t.app, &anon, "höyrypalvelu").await.is_empty(), "not a member yet");
    let (orch, _) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    kimppa_app::membership::decide(&t.app, &t.elevated(&orch).await, pending.id, true, "member", "").await.unwrap();
    search::sync::catch_up(&t.app).await.unwrap();
    assert_eq!(find(&t.app, &anon, "höyrypalvelu").await, vec![format!("/services/{}", s2.slug)]);
    let found = find(&t.app, &anon, "hakijayritys oy").await;
    assert_eq!(found.first(), Some(&format!("/organisations/{}", pending.slug)), "the name first, then its services");
    let _ = stop_tx.send(true);
    let _ = sync.await;
}

async fn a_lost_or_damaged_index_is_rebuilt_at_start(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@levy.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Levypalvelu Oy", "approved").await;
    services::create(
        &t.app,
        &t.principal(&admin).await,
        &org.slug,
        &service_form("Tuhkanvalvonta", "Tuhkaa.", "published"),
    )
    .await
    .unwrap();
    let dir = std::env::temp_dir().join(format!("kimppa-search-{}-{:?}", std::process::id(), b));
    let _ = std::fs::remove_dir_all(&dir);
    let config = || {
        let mut c = test_config(t.app.config.database_url.clone());
        c.search_path = dir.to_string_lossy().into_owned();
        c
    };
    let anon = Principal::Anonymous;
    {
        let node = App::start(config()).await.unwrap();
        search::sync::catch_up(&node).await.unwrap();
        assert_eq!(find(&node, &anon, "tuhkanvalvonta").await.len(), 1);
    }
    // Reopened: the stored position is used, nothing rebuilt.
    {
        let node = App::start(config()).await.unwrap();
        assert!(!node.search_needs_rebuild.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(find(&node, &anon, "tuhkanvalvonta").await.len(), 1);
    }
    // Deleted: rebuilt.
    std::fs::remove_dir_all(&dir).unwrap();
    {
        let node = App::start(config()).await.unwrap();
        assert!(node.search_needs_rebuild.load(std::sync::atomic::Ordering::SeqCst));
        search::sync::catch_up(&node).await.unwrap();
        assert_eq!(find(&node, &anon, "tuhkanvalvonta").await.len(), 1);
    }
    // Damaged: rebuilt.
    std::fs::write(dir.join("meta.json"), b"{ broken").unwrap();
    {
        let node = App::start(config()).await.unwrap();
        search::sync::catch_up(&node).await.unwrap();
        assert_eq!(find(&node, &anon, "tuhkanvalvonta").await.len(), 1);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// On the demo: the exact name of every member organisation ranks it
/// first, and a query of words that each find something alone never finds
/// nothing (queries generated from the demo's own words, two to four words
/// taken from different documents so that no document has them all).
async fn demo_names_first_and_words_never_find_nothing(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    kimppa_app::demo::load(&t.app).await.unwrap();
    search::sync::catch_up(&t.app).await.unwrap();
    let anon = Principal::Anonymous;
    let orgs = kimppa_app::organisations::list_public(&t.app, &Default::default()).await.unwrap();
    assert!(orgs.len() >= 30);
    for o in &orgs {
        let path = format!("/organisations/{}", o.slug);
        for typed in [o.name.clone(), o.name.to_lowercase()] {
            let found = find(&t.app, &anon, &typed).await;
            assert_eq!(found.first(), Some(&path), "{typed:?} found {found:?}");
        }
    }

    // Words of four letters or more from the organisations' descriptions.
    let mut words: Vec<String> = vec![];
    for o in &orgs {
        for w in o.description_fi.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 4) {
            let w = w.to_lowercase();
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    let mut finding = vec![];
    for w in words.iter().step_by(3).take(120) {
        if !find(&t.app, &anon, w).await.is_empty() {
            finding.push(w.clone());
        }
    }
    assert!(finding.len() >= 60, "{}", finding.len());
    // A small deterministic generator: the same queries on every run.
    let mut seed: u64 = 0x2026_1206;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    for _ in 0..150 {
        let n = 2 + next(3);
        let q: Vec<&str> = (0..n).map(|_| finding[next(finding.len())].as_str()).collect();
        let q = q.join(" ");
        assert!(!find(&t.app, &anon, &q).await.is_empty(), "{q:?} found nothing");
    }
}

both_backends!(
    finnish_matching_visibility_and_facets,
    demo_names_first_and_words_never_find_nothing,
    a_change_reaches_another_node_within_two_seconds,
    a_lost_or_damaged_index_is_rebuilt_at_start,
);
