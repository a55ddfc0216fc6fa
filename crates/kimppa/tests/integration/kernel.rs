//! The shared kernel: the principal resolved once per request, lookups by
//! long lists of ids, and the notices every capability tells people with.

use crate::common::TestApp;
use kimppa_app::policy::Principal;
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_domain::{OrgRole, PlatformRole};

/// Lookups by a list of ids remove repeats and stay within both databases'
/// limits on bound parameters, however long the list.
async fn lookups_by_long_lists_of_ids(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (a, _) = t.user("eka@kimppa.test", PlatformRole::Person).await;
    let (c, _) = t.user("toka@kimppa.test", PlatformRole::Person).await;
    let org = t.org(&a, "Pitkä Lista Oy", "approved").await;
    // 45,000 ids and each of them twice: more than SQLite (32,766) or
    // PostgreSQL (65,535) takes in one statement.
    let ids: Vec<i32> = (1..=45_000).chain(1..=45_000).collect();
    let names = kimppa_app::people::user_names(&t.app, ids.iter().copied()).await.unwrap();
    assert_eq!(names.len(), 2);
    assert_eq!(names[&a.id], a.name);
    assert_eq!(names[&c.id], c.name);
    let orgs = kimppa_app::people::org_names(&t.app, ids.iter().copied()).await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[&org.id].slug, org.slug);
    let users = kimppa_app::people::users(&t.app.db, ids.iter().copied()).await.unwrap();
    assert_eq!(users.iter().map(|u| u.id).collect::<Vec<_>>(), vec![a.id, c.id]);
    let by_id = kimppa_app::organisations::by_ids(&t.app, ids.iter().copied()).await.unwrap();
    assert_eq!(by_id.len(), 1);
    let modes = kimppa_app::notifications::modes_of(&t.app.db, ids.iter().copied()).await.unwrap();
    assert!(modes.is_empty());
    // The search documents of many ids at once (the index's catch-up).
    let docs = kimppa_app::search::documents::load(
        &t.app,
        "organisation",
        &kimppa_app::search::documents::Which::Ids(ids.clone()),
    )
    .await
    .unwrap();
    assert_eq!(docs.len(), 1);
    // Class codes: one real code many times among 45,000 unknown ones.
    let codes: Vec<String> =
        (0..45_000).map(|i| if i % 3 == 0 { "17 01 01".to_string() } else { format!("99 99 {i}") }).collect();
    let classes = kimppa_app::materials::reference::Classes::load_codes(&t.app, &codes).await.unwrap();
    assert_eq!(classes.keys().collect::<Vec<_>>(), vec!["17 01 01"]);
}

/// The principal: the person, their organisations with role and the
/// organisation's approval, their regions; resolved in three queries.
async fn the_principal_is_resolved_once(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("paa@kimppa.test", PlatformRole::Person).await;
    let (member, _) = t.user("jasen@kimppa.test", PlatformRole::Person).await;
    let approved = t.org(&admin, "Hyväksytty Oy", "approved").await;
    let pending = t.org(&admin, "Odottava Oy", "pending").await;
    t.add_to_org(&approved, &admin, &member, OrgRole::Member).await;
    let p = t.principal(&admin).await;
    let Principal::Person(person) = &p else { panic!("a person") };
    assert_eq!(person.email, "paa@kimppa.test");
    assert_eq!(p.role_in(OrgId(approved.id)), Some(OrgRole::Admin));
    assert_eq!(p.role_in(OrgId(pending.id)), Some(OrgRole::Admin));
    assert!(p.in_approved_org());
    let m = t.principal(&member).await;
    assert_eq!(m.role_in(OrgId(approved.id)), Some(OrgRole::Member));
    assert!(!m.in_org(OrgId(pending.id)));
    assert!(!person.second_factor_passed);
    // Three statements whatever the number of organisations.
    let n = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut app = t.app.clone();
    let counter = n.clone();
    app.db.set_metric_callback(move |_| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    let before = n.load(std::sync::atomic::Ordering::SeqCst);
    Principal::resolve(&app, UserId(admin.id), true).await.unwrap();
    assert_eq!(n.load(std::sync::atomic::Ordering::SeqCst) - before, 3);
    // A person who is gone is a visitor.
    assert_eq!(Principal::resolve(&t.app, UserId(999_999), false).await.unwrap(), Principal::Anonymous);
}

async fn sessions(t: &TestApp) -> Vec<(String, String, chrono::DateTime<chrono::Utc>)> {
    use kimppa_store::entities::session;
    use sea_orm::{EntityTrait, QueryOrder};
    session::Entity::find()
        .order_by_asc(session::Column::Id)
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.data, s.expires_at))
        .collect()
}

/// A page view writes nothing: not the session's expiry (pushed at most
/// every few minutes, the cookie sliding with it), not its message or form
/// token when they did not change.
async fn a_signed_in_page_view_writes_nothing(b: kimppa_store::testing::Backend) {
    use kimppa_store::entities::session;
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    let t = TestApp::new(b).await;
    let (u, _) = t.user("lukija@kimppa.test", PlatformRole::Person).await;
    let org = t.org(&u, "Lukijat Oy", "approved").await;
    let mut c = t.login(&u, None).await;
    // The page after the login shows its message once.
    c.get("/fi/").await;
    let before = sessions(&t).await;
    let now = kimppa_app::now();
    assert_eq!(before.iter().filter(|s| s.2 > now).count(), 1, "one live session (the visitor's ended at the login)");
    for path in [
        "/fi/".to_string(),
        "/fi/organisations".into(),
        format!("/fi/organisations/{}", org.slug),
        "/fi/services".into(),
        "/fi/forum".into(),
        "/fi/challenges".into(),
        "/fi/materials".into(),
        "/fi/notifications".into(),
        "/fi/account".into(),
    ] {
        let r = c.get(&path).await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{path}");
        assert!(r.body.contains("Testi Henkilö"), "{path} is the signed-in page");
        assert!(r.header("set-cookie").is_empty(), "{path} sends no cookie");
    }
    assert_eq!(sessions(&t).await, before, "the page views wrote nothing");
    // A message is written once and read once.
    c.post("/fi/notifications/read", &[]).await;
    let with_message = sessions(&t).await;
    assert_ne!(with_message, before);
    c.get("/fi/notifications").await;
    let shown = sessions(&t).await;
    c.get("/fi/notifications").await;
    assert_eq!(sessions(&t).await, shown);
    // When the last renewal is older than the interval, the next view
    // pushes the expiry and sends the cookie again.
    let live = shown.iter().find(|s| s.2 > kimppa_app::now()).expect("the live session");
    let row = session::Entity::find_by_id(live.0.clone()).one(&t.app.db).await.unwrap().unwrap();
    let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
    let old = kimppa_app::now().timestamp() - kimppa_web::ctx::REFRESH_SECONDS - 1;
    data["refreshed"] = serde_json::json!(old);
    let earlier = row.expires_at - chrono::Duration::hours(1);
    let mut am = row.into_active_model();
    am.data = Set(data.to_string());
    am.expires_at = Set(earlier);
    // Written as another node writes: stamped, so this node drops its copy.
    am.changed_at = Set(Some(kimppa_app::now()));
    am.update(&t.app.db).await.unwrap();
    let r = c.get("/fi/organisations").await;
    assert!(r.header("set-cookie").contains("kimppa_session="), "the cookie slides");
    let after = sessions(&t).await;
    let slid = after.iter().find(|s| s.0 == live.0).expect("the session");
    assert!(slid.2 > earlier + chrono::Duration::minutes(59), "the expiry slid");
}

/// The form token a page carries.
fn token_in(body: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker).map(|i| i + marker.len()).unwrap_or(0);
    body[start..].split('"').next().unwrap_or_default().to_string()
}

/// Signed-in people get the public pages from this node's memory, each
/// their own rendering (name, form token, unread count), kept true by the
/// change log: a notice told by a job or read elsewhere shows on the next
/// page. A remembered page costs, at most, the sessions' and the change
/// log's looks (here on every request: the tests' freshness is zero).
async fn signed_in_pages_come_from_memory_and_stay_true(b: kimppa_store::testing::Backend) {
    use kimppa_store::entities::forum_category;
    use sea_orm::{ActiveModelTrait, Set};
    let t = TestApp::new(b).await;
    let (a, _) = t.user("eka.lukija@kimppa.test", PlatformRole::Person).await;
    let (bee, _) = t.user("toka.lukija@kimppa.test", PlatformRole::Person).await;
    let profile = kimppa_app::accounts::ProfileForm { name: "Toinen Lukija".into(), title: String::new() };
    kimppa_app::accounts::update_profile(&t.app, bee.id, &profile).await.unwrap();
    forum_category::ActiveModel {
        slug: Set("materiaalit".into()),
        name_fi: Set("Materiaalit".into()),
        name_en: Set("Materials".into()),
        description_fi: Set(String::new()),
        description_en: Set(String::new()),
        position: Set(1),
        created_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let mut ac = t.login(&a, None).await;
    let mut bc = t.login(&bee, None).await;
    // The message after logging in is shown once (that page is rendered).
    ac.get("/fi/").await;
    bc.get("/fi/").await;
    let first = ac.get("/fi/services").await;
    let again = ac.get("/fi/services").await;
    assert_eq!(again.header("x-kimppa-cache"), "hit");
    assert_eq!(again.body, first.body);
    assert!(again.body.contains("Testi Henkilö") && !again.body.contains("Toinen Lukija"));
    // Another person gets their own page, never the first one's.
    let theirs = bc.get("/fi/services").await;
    assert!(theirs.body.contains("Toinen Lukija") && !theirs.body.contains("Testi Henkilö"));
    assert_ne!(token_in(&theirs.body), token_in(&again.body));
    assert_eq!(bc.get("/fi/services").await.header("x-kimppa-cache"), "hit");
    // A remembered page costs two statements: which sessions changed and the log's position.
    let (router, n) = crate::common::counted(&t);
    let mut counted = crate::common::Client { router, cookie: ac.cookie.clone(), csrf: ac.csrf.clone() };
    let before = n.load(std::sync::atomic::Ordering::SeqCst);
    let r = counted.get("/fi/services").await;
    assert_eq!(r.header("x-kimppa-cache"), "hit");
    assert!(n.load(std::sync::atomic::Ordering::SeqCst) - before <= 2, "statements for a remembered page");
    // A reply to the first person's thread is told by a job (not through
    // this node's router): the next page shows the unread notice.
    let thread = kimppa_app::forum::create(
        &t.app,
        &t.principal(&a).await,
        &kimppa_app::forum::ThreadForm {
            category: "materiaalit".into(),
            title: "Kuka ottaa kipsiä".into(),
            body: "Kipsijätettä tarjolla.".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    t.run_jobs().await;
    kimppa_app::forum::reply(&t.app, &t.principal(&bee).await, thread.id, "Me otamme kipsiä vastaan.").await.unwrap();
    t.run_jobs().await;
    let told = ac.get("/fi/services").await;
    assert_ne!(told.header("x-kimppa-cache"), "hit");
    assert!(told.body.contains("class=\"count-badge\">1<"), "the unread notice shows");
    assert!(ac.get("/fi/services").await.header("x-kimppa-cache") == "hit");
    // Read through the app (as on another node): the badge goes.
    kimppa_app::notifications::mark_read(&t.app, &t.principal(&a).await, None).await.unwrap();
    let read = ac.get("/fi/services").await;
    assert!(!read.body.contains("count-badge"), "no unread notice after reading");
}

/// Each node holds the sessions it read or wrote: a page view reads no
/// session row. A change or an end on another node reaches it within the
/// freshness (the other node drops its copy), and an ended session is
/// never honoured again.
async fn sessions_are_held_by_each_node_and_ended_everywhere(b: kimppa_store::testing::Backend) {
    use kimppa_app::{App, sessions};
    let t = TestApp::new(b).await;
    let url = t.app.config.database_url.clone();
    let node = || {
        let mut c = crate::common::test_config(url.clone());
        c.page_cache.freshness_ms = 150;
        App::start(c)
    };
    let one = node().await.unwrap();
    let mut two = node().await.unwrap();
    let n = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = n.clone();
    two.db.set_metric_callback(move |_| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    let statements = || n.load(std::sync::atomic::Ordering::SeqCst);
    // Times as the databases keep them, to the microsecond.
    let later = chrono::SubsecRound::trunc_subsecs(kimppa_app::now() + chrono::Duration::hours(1), 6);
    let first = sessions::Stored { data: r#"{"user":1}"#.into(), expires_at: later };
    sessions::save(&one, "istunto-1", &first).await.unwrap();
    assert_eq!(sessions::load(&two, "istunto-1").await.unwrap(), Some(first.clone()));
    // Held: within the freshness, reading it again reads nothing.
    let before = statements();
    for _ in 0..20 {
        assert_eq!(sessions::load(&two, "istunto-1").await.unwrap(), Some(first.clone()));
    }
    assert!(statements() - before <= 1, "{} statements for held sessions", statements() - before);
    // Changed on node one: node two has the change after the freshness.
    let second = sessions::Stored { data: r#"{"user":1,"flash":"ok"}"#.into(), expires_at: later };
    sessions::save(&one, "istunto-1", &second).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sessions::load(&two, "istunto-1").await.unwrap(), Some(second));
    // Ended on node one: gone on node two after the freshness, on node one at once.
    sessions::delete(&one, "istunto-1").await.unwrap();
    assert_eq!(sessions::load(&one, "istunto-1").await.unwrap(), None);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sessions::load(&two, "istunto-1").await.unwrap(), None);
    // Housekeeping removes the ended row later.
    assert_eq!(sessions::delete_expired(&one).await.unwrap(), 1);
    assert_eq!(sessions::load(&two, "istunto-1").await.unwrap(), None);
    // Through the web: signing out on one node signs out on the other.
    let (u, _) = t.user("kahden.solmun@kimppa.test", PlatformRole::Person).await;
    let mut c = t.login(&u, None).await;
    let mut elsewhere = crate::common::Client {
        router: kimppa_web::router(two.clone()),
        cookie: c.cookie.clone(),
        csrf: c.csrf.clone(),
    };
    assert!(elsewhere.get("/fi/account").await.status.is_success());
    let out = c.post("/fi/logout", &[]).await;
    assert!(out.status.is_redirection(), "{}", out.status);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let r = elsewhere.get("/fi/account").await;
    assert!(r.status.is_redirection() && r.location().contains("/login"), "{} {}", r.status, r.location());
}

both_backends!(
    sessions_are_held_by_each_node_and_ended_everywhere,
    lookups_by_long_lists_of_ids,
    the_principal_is_resolved_once,
    a_signed_in_page_view_writes_nothing,
    signed_in_pages_come_from_memory_and_stay_true
);
