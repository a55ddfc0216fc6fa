//! The public website: pages with revisions, drafts that never leak,
//! feeds checked by a real parser, the sitemap, the knowledge pages,
//! their JSON twins and cookie-free analytics.

use crate::common::TestApp;
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use kimppa_app::website::{self, pages::PageForm};
use kimppa_domain::ContentStatus;
use kimppa_domain::PlatformRole;
use kimppa_store::{
    entities::{analytics_count, analytics_salt, analytics_visitor},
    sea_orm::EntityTrait,
};
use std::collections::BTreeSet;

fn page_form(slug: &str, status: &str, body: &str) -> PageForm {
    PageForm {
        slug: slug.into(),
        title_fi: format!("Otsikko {slug}"),
        title_en: format!("Title {slug}"),
        summary_fi: "Tiivistelmä".into(),
        summary_en: "Summary".into(),
        body_fi: body.into(),
        body_en: body.into(),
        status: status.into(),
        ..Default::default()
    }
}

async fn drafts_never_leak(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let o = t.elevated(&orch).await;
    website::pages::save(&t.app, &o, None, &page_form("julkinen", "published", "Julkinen teksti")).await.unwrap();
    website::pages::save(&t.app, &o, None, &page_form("salainen", "draft", "Salainen luonnos")).await.unwrap();
    let tags = vec!["events".to_string()];
    let texts = |s: &str| [s.to_string(), s.to_string(), s.to_string(), s.to_string(), s.to_string(), s.to_string()];
    website::news::insert(
        &t.app.db,
        "julkaistu-uutinen",
        ContentStatus::Published,
        kimppa_app::now() - chrono::Duration::hours(1),
        &tags,
        texts("Julkaistu uutinen"),
        None,
    )
    .await
    .unwrap();
    website::news::insert(
        &t.app.db,
        "luonnos-uutinen",
        ContentStatus::Draft,
        kimppa_app::now() - chrono::Duration::hours(1),
        &tags,
        texts("Luonnosuutinen"),
        None,
    )
    .await
    .unwrap();
    website::news::insert(
        &t.app.db,
        "tuleva-uutinen",
        ContentStatus::Published,
        kimppa_app::now() + chrono::Duration::days(3),
        &tags,
        texts("Tuleva uutinen"),
        None,
    )
    .await
    .unwrap();

    let mut anon = t.client();
    assert_eq!(anon.get("/fi/pages/julkinen").await.status, StatusCode::OK);
    for path in [
        "/fi/pages/salainen",
        "/en/pages/salainen",
        "/api/v1/pages/salainen",
        "/fi/news/luonnos-uutinen",
        "/fi/news/tuleva-uutinen",
        "/api/v1/news/luonnos-uutinen",
    ] {
        assert_eq!(anon.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        "/sitemap.xml",
        "/fi/news/rss.xml",
        "/en/news/atom.xml",
        "/api/v1/pages",
        "/api/v1/news",
        "/fi/news",
        "/fi/search?q=luonnos",
    ] {
        let body = anon.get(path).await.body;
        assert!(!body.contains("salainen") && !body.contains("Salainen"), "{path} leaks the draft page");
        assert!(!body.contains("luonnos-uutinen") && !body.contains("Luonnosuutinen"), "{path} leaks the draft news");
        assert!(!body.contains("tuleva-uutinen"), "{path} leaks future news");
    }
    // Staff see the draft, marked as one.
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let r = oc.get("/fi/pages/salainen").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("luonnos"));
}

async fn revisions_can_be_restored(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let mut c = t.login(&orch, secret.as_deref()).await;
    c.get("/fi/admin/pages/new").await;
    // Bad input keeps what was typed.
    let r =
        c.post("/fi/admin/pages/new", &[("slug", "Huono Osoite"), ("title_fi", "Tietoa"), ("nav_order", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("value=\"Huono Osoite\"")
            && r.body.contains("href=\"#f-slug\"")
            && r.body.contains("href=\"#f-nav_order\"")
    );
    let fields = |body: &'static str| {
        vec![
            ("slug", "tietoa"),
            ("title_fi", "Tietoa"),
            ("title_en", "About"),
            ("summary_fi", "Klusterista"),
            ("summary_en", "About the cluster"),
            ("body_fi", body),
            ("body_en", body),
            ("status", "published"),
            ("in_nav", "on"),
            ("nav_order", "1"),
        ]
    };
    assert_eq!(c.post("/fi/admin/pages/new", &fields("Ensimmäinen versio")).await.status, StatusCode::SEE_OTHER);
    c.get("/fi/admin/pages/tietoa/edit").await;
    assert_eq!(c.post("/fi/admin/pages/tietoa/edit", &fields("Toinen versio")).await.status, StatusCode::SEE_OTHER);
    let mut anon = t.client();
    let page = anon.get("/fi/pages/tietoa").await;
    assert!(page.body.contains("Toinen versio"));
    assert!(
        page.body.contains("href=\"/fi/pages/tietoa\" aria-current=\"page\">Tietoa</a>"),
        "the page is in the cluster section's menu, marked as the current one"
    );
    let (_, rows) = website::pages::history(&t.app, &t.elevated(&orch).await, "tietoa").await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].author.as_deref(), Some("Testi Henkilö"));
    let first = rows[1].rev.id;
    let history = c.get("/fi/admin/pages/tietoa/history").await;
    assert!(history.body.contains(&format!("/restore/{first}")));
    let r = c.post(&format!("/fi/admin/pages/tietoa/restore/{first}"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(anon.get("/fi/pages/tietoa").await.body.contains("Ensimmäinen versio"));
    let (_, rows) = website::pages::history(&t.app, &t.elevated(&orch).await, "tietoa").await.unwrap();
    assert_eq!(rows.len(), 3, "restoring adds a revision; history is never rewritten");
    assert_eq!(rows[0].rev.note.as_deref(), Some(format!("#{first}").as_str()));
    // A person cannot edit pages.
    let (person, _) = t.user("henkilo@kimppa.test", PlatformRole::Person).await;
    let mut pc = t.login(&person, None).await;
    assert_eq!(pc.get("/fi/admin/pages/tietoa/edit").await.status, StatusCode::FORBIDDEN);
}

async fn demo_site_feeds_sitemap_and_api(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    kimppa_app::demo::load(&t.app).await.unwrap();
    let mut anon = t.client();

    // The demo's partner searches: one waits for the orchestrators' help, one was answered.
    let (orch, _) = t.user("orch@kimppa.test", kimppa_domain::PlatformRole::Orchestrator).await;
    let queue = kimppa_app::challenges::searches::help_queue(&t.app, &t.elevated(&orch).await).await.unwrap();
    assert_eq!(
        queue.iter().map(|c| (c.s.help_status.as_str(), c.shortlisted)).collect::<Vec<_>>(),
        vec![("requested", 2), ("handled", 1)]
    );

    // Feeds parse with a real parser.
    let rss = anon.get("/fi/news/rss.xml").await;
    assert!(rss.header("content-type").starts_with("application/rss+xml"));
    let feed = feed_rs::parser::parse(rss.body.as_bytes()).expect("valid RSS");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::RSS2);
    assert!(feed.entries.len() >= 6, "{}", feed.entries.len());
    assert!(feed.entries.iter().all(|e| e.published.is_some() && !e.links.is_empty()));
    let atom = anon.get("/en/news/atom.xml").await;
    let feed = feed_rs::parser::parse(atom.body.as_bytes()).expect("valid Atom");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert!(feed.entries[0].links[0].href.starts_with("http://kimppa.test/en/news/"));

    // The sitemap lists exactly the public URLs, in both languages.
    let sitemap = anon.get("/sitemap.xml").await.body;
    let listed: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().trim_start_matches("http://kimppa.test").to_string())
        .collect();
    let mut expected = BTreeSet::new();
    let orgs = kimppa_app::organisations::list_public(&t.app, &Default::default()).await.unwrap();
    let pages = website::pages::list(&t.app, &kimppa_app::policy::Principal::Anonymous).await.unwrap();
    let (news, _) = website::news::list(&t.app, &kimppa_app::policy::Principal::Anonymous, 1).await.unwrap();
    let terms = website::glossary::list(&t.app, "fi").await.unwrap();
    assert!(orgs.len() >= 30 && pages.len() == 6 && terms.len() >= 30);
    for lang in ["fi", "en"] {
        for p in [
            "/",
            "/organisations",
            "/services",
            "/experts",
            "/news",
            "/glossary",
            "/faq",
            "/clusters",
            "/events",
            "/events/year",
        ] {
            expected.insert(format!("/{lang}{p}"));
        }
        expected.extend(orgs.iter().map(|o| format!("/{lang}/organisations/{}", o.slug)));
        expected.extend(pages.iter().map(|p| format!("/{lang}/pages/{}", p.page.slug)));
        expected.extend(terms.iter().map(|x| format!("/{lang}/glossary/{}", x.slug)));
    }
    // Published services and listed experts of public organisations (the demo has plenty).
    use kimppa_store::entities::{expert, service};
    use sea_orm::{ColumnTrait, QueryFilter};
    let public: BTreeSet<i32> = orgs.iter().map(|o| o.id).collect();
    let services: Vec<service::Model> = service::Entity::find()
        .filter(service::Column::Status.eq("published"))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| public.contains(&s.owner_org_id))
        .collect();
    let experts: Vec<expert::Model> = expert::Entity::find()
        .filter(expert::Column::Listed.eq(true))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| public.contains(&e.org_id))
        .collect();
    assert!(services.len() >= 60 && experts.len() >= 20, "{} services, {} experts", services.len(), experts.len());
    let offerings: BTreeSet<&str> = services.iter().map(|s| s.offering_type.key()).collect();
    assert_eq!(offerings.len(), kimppa_domain::OfferingType::ALL.len(), "every offering type has services");
    for lang in ["fi", "en"] {
        expected.extend(services.iter().map(|s| format!("/{lang}/services/{}", s.slug)));
        expected.extend(experts.iter().map(|e| format!("/{lang}/experts/{}", e.id)));
    }
    let total_news = website::news::visible(&kimppa_app::policy::Principal::Anonymous).all(&t.app.db).await.unwrap();
    for lang in ["fi", "en"] {
        expected.extend(total_news.iter().map(|n| format!("/{lang}/news/{}", n.slug)));
    }
    // Events a visitor sees: the demo's public ones, members-only ones left out.
    let (upcoming, _) =
        kimppa_app::events::browse(&t.app, &kimppa_app::policy::Principal::Anonymous, &Default::default())
            .await
            .unwrap();
    let (past, _) = kimppa_app::events::browse(
        &t.app,
        &kimppa_app::policy::Principal::Anonymous,
        &kimppa_app::events::Filter { when: Some("past".into()), ..Default::default() },
    )
    .await
    .unwrap();
    assert!(upcoming.len() >= 3 && past.len() >= 5, "{} upcoming, {} past", upcoming.len(), past.len());
    // The held matchmaking day had its meetings, rated by both sides.
    let (held_meetings, outcomes) =
        kimppa_app::events::meetings::held_counts(&t.app, &past.iter().map(|e| e.id).collect::<Vec<_>>())
            .await
            .unwrap();
    assert!(held_meetings >= 10 && outcomes.values().sum::<u32>() >= 20, "{held_meetings} meetings, {outcomes:?}");
    let all_groups = kimppa_app::groups::list(&t.app).await.unwrap();
    assert!(all_groups.len() >= 5, "the demo's groups");
    for lang in ["fi", "en"] {
        expected.extend(upcoming.iter().chain(&past).map(|e| format!("/{lang}/events/{}", e.id)));
        expected.extend(all_groups.iter().map(|g| format!("/{lang}/groups/{}", g.slug)));
    }
    assert!(!news.is_empty());
    assert_eq!(listed, expected);
    // Every listed URL answers 200 to an anonymous visitor.
    for path in listed.iter().step_by(7) {
        assert_eq!(anon.get(path).await.status, StatusCode::OK, "{path}");
    }

    let robots = anon.get("/robots.txt").await.body;
    assert!(robots.contains("Sitemap: http://kimppa.test/sitemap.xml") && robots.contains("Disallow: /fi/admin"));
    // A favicon where browsers and crawlers look for it, and named by the pages.
    let icon = anon.get("/favicon.ico").await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.headers.get("content-type").unwrap(), "image/x-icon");
    assert_eq!(anon.get("/static/favicon.svg").await.status, StatusCode::OK);
    // Pages carry SEO metadata.
    let home = anon.get("/en/").await.body;
    assert!(home.contains("<link rel=\"icon\" href=\"/favicon.ico\""));
    assert!(home.contains("<link rel=\"canonical\" href=\"http://kimppa.test/en/\">"));
    assert!(home.contains("hreflang=\"fi\" href=\"http://kimppa.test/fi/\""));
    assert!(home.contains("\"@type\":\"Organization\""));
    let term = anon.get("/fi/glossary/industrial-symbiosis").await.body;
    assert!(
        term.contains("\"@type\":\"DefinedTerm\"") && term.contains("<title>teollinen symbioosi – Kimppa</title>"),
        "{term}"
    );
    let article = anon.get(&format!("/fi/news/{}", news[0].slug)).await.body;
    assert!(article.contains("\"@type\":\"NewsArticle\"") && article.contains("og:type\" content=\"article\""));
    let accessibility = anon.get("/fi/").await.body;
    assert!(accessibility.contains("href=\"/fi/pages/accessibility\""), "footer links the accessibility statement");
    assert_eq!(anon.get("/fi/pages/accessibility").await.status, StatusCode::OK);

    // Paging.
    assert_eq!(anon.get("/fi/news?page=1").await.status, StatusCode::OK);
    assert_eq!(anon.get("/fi/news?page=99").await.status, StatusCode::NOT_FOUND);

    // JSON twins.
    assert_eq!(anon.get("/api/v1/pages").await.json().as_array().unwrap().len(), 6);
    assert_eq!(anon.get("/api/v1/pages/about").await.json()["slug"], "about");
    assert!(anon.get("/api/v1/news").await.json()["items"].as_array().unwrap().len() >= 6);
    assert!(anon.get("/api/v1/glossary").await.json().as_array().unwrap().len() >= 30);
    assert_eq!(anon.get("/api/v1/glossary/industrial-symbiosis").await.json()["term_fi"], "teollinen symbioosi");
    assert!(anon.get("/api/v1/faq").await.json().as_array().unwrap().len() >= 10);
    let eu = anon.get("/api/v1/clusters?relation=european").await.json();
    assert!(!eu.as_array().unwrap().is_empty() && eu.as_array().unwrap().iter().all(|c| c["relation"] == "european"));
    assert!(anon.get("/api/v1/clusters").await.json().as_array().unwrap().len() >= 12);

    // Knowledge pages.
    let g = anon.get("/fi/glossary").await.body;
    assert!(g.contains("teollinen symbioosi"));
    let faq = anon.get("/en/faq").await.body;
    assert!(faq.contains("<details class=\"faq-item\" id=\"faq-"));
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let s = anon.get("/fi/search?q=symbioosi").await.body;
    assert!(s.contains("/fi/glossary/industrial-symbiosis"));
    // The demo's Finnish words in inflected forms find services.
    let s = anon.get("/fi/search?q=purkukartoituksen").await.body;
    assert!(s.contains("/fi/services/purkukartoitus-ja-materiaalipassi"), "{s}");
}

async fn anyone_can_ask_a_question(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let mut anon = t.client();
    anon.get("/fi/faq").await;
    let r = anon.post("/fi/faq", &[("question", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Kysymys: Tämä tieto on pakollinen."));
    let r = anon.post("/fi/faq", &[("question", "Voiko klusteriin liittyä yhdistys?")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let mut oc = t.login(&orch, secret.as_deref()).await;
    assert!(oc.get("/fi/admin/questions").await.body.contains("Voiko klusteriin liittyä yhdistys?"));
}

async fn analytics_store_no_address_or_user_agent(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let mut c = t.client();
    let visit = |ip: [u8; 4], ua: &str, dnt: bool, path: &str| {
        let mut req = Request::get(path)
            .header("user-agent", ua)
            .header("referer", "https://naapuri.example.org/linkki")
            .body(Body::empty())
            .unwrap();
        if dnt {
            req.headers_mut().insert("sec-gpc", "1".parse().unwrap());
        }
        req.extensions_mut().insert(ConnectInfo(std::net::SocketAddr::from((ip, 40000))));
        req
    };
    c.send(visit([203, 0, 113, 77], "TestBrowser/77.7", false, "/fi/")).await;
    c.send(visit([203, 0, 113, 77], "TestBrowser/77.7", false, "/fi/organisations")).await;
    c.send(visit([198, 51, 100, 23], "OtherBrowser/23.2", false, "/fi/")).await;
    c.send(visit([192, 0, 2, 99], "PrivateBrowser/99.9", true, "/fi/")).await;
    c.send(visit([192, 0, 2, 7], "Mozilla/5.0 (compatible; Googlebot/2.1)", false, "/fi/")).await;
    c.send(visit([192, 0, 2, 8], "wrk", false, "/fi/")).await;
    c.get("/fi/search?q=kierto").await;
    t.app.analytics.flush(&t.app).await.unwrap();

    let counts = analytics_count::Entity::find().all(&t.app.db).await.unwrap();
    let visitors = analytics_visitor::Entity::find().all(&t.app.db).await.unwrap();
    let salts = analytics_salt::Entity::find().all(&t.app.db).await.unwrap();
    let everything = format!("{counts:?}{visitors:?}{salts:?}");
    for secret in
        ["203.0.113.77", "198.51.100.23", "192.0.2.99", "TestBrowser", "OtherBrowser", "PrivateBrowser", "77.7"]
    {
        assert!(!everything.contains(secret), "{secret} stored: {everything}");
    }
    // Two browsers; the one with GPC is counted as views only. A robot, a
    // load generator and a request without a user agent (the search) are
    // left out and counted apart.
    assert_eq!(visitors.len(), 2, "{visitors:?}");
    assert!(visitors.iter().all(|v| v.hash.len() == 64));
    let views: i64 = counts.iter().filter(|c| c.kind == "view").map(|c| c.count).sum();
    assert_eq!(views, 4, "{counts:?}");
    let automated =
        |why: &str| counts.iter().filter(|c| c.kind == "automated" && c.key == why).map(|c| c.count).sum::<i64>();
    assert_eq!((automated("robot"), automated("no-agent")), (2, 1), "{counts:?}");
    assert!(counts.iter().any(|c| c.kind == "referrer" && c.key == "naapuri.example.org"));
    assert!(counts.iter().any(|c| c.kind == "event" && c.key == "search"));

    // The orchestrators' page and CSV.
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let page = oc.get("/fi/admin/analytics").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg class=\"chart\"") && page.body.contains("naapuri.example.org"));
    let csv = oc.get("/fi/admin/analytics.csv").await;
    assert!(csv.header("content-type").starts_with("text/csv"));
    let today = kimppa_app::now().format("%Y-%m-%d").to_string();
    assert!(csv.body.lines().any(|l| l.starts_with(&today) && l.ends_with(",2")), "two people: {}", csv.body);
}

both_backends!(
    drafts_never_leak,
    revisions_can_be_restored,
    demo_site_feeds_sitemap_and_api,
    anyone_can_ask_a_question,
    analytics_store_no_address_or_user_agent,
);

async fn orchestrators_edit_news_glossary_faq_and_clusters(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let mut c = t.login(&orch, secret.as_deref()).await;
    let mut anon = t.client();

    // News: bad date and unknown tag are refused with the input kept.
    c.get("/fi/admin/content/news/new").await;
    let mut news = vec![
        ("slug", "syysseminaari"),
        ("title_fi", "Syysseminaari"),
        ("title_en", "Autumn seminar"),
        ("summary_fi", "Tervetuloa"),
        ("summary_en", "Welcome"),
        ("body_fi", "Ohjelma julkaistaan pian."),
        ("body_en", "The programme follows."),
        ("tags", "events, cats"),
        ("published_at", "31.12.2026"),
        ("status", "published"),
    ];
    let r = c.post("/fi/admin/content/news/new", &news).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#f-tags\"") && r.body.contains("href=\"#f-published_at\""));
    assert!(r.body.contains("value=\"31.12.2026\""));
    news[7] = ("tags", "events");
    news[8] = ("published_at", "2026-01-15");
    let r = c.post("/fi/admin/content/news/new", &news).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(anon.get("/fi/news/syysseminaari").await.body.contains("Ohjelma julkaistaan pian."));
    // An image needs its text alternative in both languages.
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), b"pixels"].concat();
    let edit = c.get("/fi/admin/content/news/syysseminaari/edit").await;
    assert!(edit.body.contains("/admin/content/news/syysseminaari/image"));
    let r = c
        .post_multipart(
            "/fi/admin/content/news/syysseminaari/image",
            &[("image_alt_fi", "Sali")],
            "image",
            "k.png",
            &png,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#f-image_alt_en\"") && r.body.contains("value=\"Sali\""));
    let alts = [("image_alt_fi", "Täysi seminaarisali"), ("image_alt_en", "A full seminar hall")];
    let r = c.post_multipart("/fi/admin/content/news/syysseminaari/image", &alts, "image", "k.svg", b"<svg/>").await;
    assert!(r.body.contains("PNG-, JPEG- tai WebP-kuva"));
    let r = c.post_multipart("/fi/admin/content/news/syysseminaari/image", &alts, "image", "k.png", &png).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let article = anon.get("/en/news/syysseminaari").await.body;
    assert!(article.contains("alt=\"A full seminar hall\""), "{article}");
    let src = article.split("src=\"/media/").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_eq!(anon.get(&format!("/media/{src}")).await.header("content-type"), "image/png");
    // Back to draft: gone from the public site.
    news[9] = ("status", "draft");
    c.get("/fi/admin/content/news/syysseminaari/edit").await;
    assert_eq!(c.post("/fi/admin/content/news/syysseminaari/edit", &news).await.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.get("/fi/news/syysseminaari").await.status, StatusCode::NOT_FOUND);

    // Glossary: related terms must exist.
    c.get("/fi/admin/content/glossary/new").await;
    let term = |related: &'static str| {
        vec![
            ("slug", "circular-economy"),
            ("term_fi", "kiertotalous"),
            ("term_en", "circular economy"),
            ("definition_fi", "Talousmalli, jossa materiaalit pysyvät kierrossa."),
            ("definition_en", "An economy that keeps materials in use."),
            ("related", related),
            ("source", "Kimppa"),
        ]
    };
    let r = c.post("/fi/admin/content/glossary/new", &term("no-such-term")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("puuttuu sanastosta"));
    assert_eq!(c.post("/fi/admin/content/glossary/new", &term("")).await.status, StatusCode::SEE_OTHER);
    assert!(anon.get("/en/glossary/circular-economy").await.body.contains("An economy that keeps materials in use."));

    // FAQ.
    c.get("/fi/admin/content/faq/new").await;
    let faq = [
        ("topic", "membership"),
        ("question_fi", "Maksaako jäsenyys?"),
        ("question_en", "Does membership cost?"),
        ("answer_fi", "Ei vuonna 2026."),
        ("answer_en", "Not in 2026."),
        ("sort", "1"),
        ("status", "published"),
    ];
    assert_eq!(c.post("/fi/admin/content/faq/new", &faq).await.status, StatusCode::SEE_OTHER);
    assert!(anon.get("/en/faq").await.body.contains("Does membership cost?"));

    // Clusters.
    c.get("/fi/admin/content/clusters/new").await;
    let cluster = [
        ("slug", "testiklusteri"),
        ("name", "Testiklusteri"),
        ("country", "se"),
        ("region", "Norrbotten"),
        ("relation", "european"),
        ("focus_fi", "Metallit"),
        ("focus_en", "Metals"),
        ("description_fi", "Kuvaus"),
        ("description_en", "Description"),
        ("url", "https://testiklusteri.example.org"),
    ];
    assert_eq!(c.post("/fi/admin/content/clusters/new", &cluster).await.status, StatusCode::SEE_OTHER);
    assert!(anon.get("/fi/clusters?country=SE").await.body.contains("Testiklusteri"));

    // Lists, and the audit log records every save.
    for kind in ["news", "glossary", "faq", "clusters"] {
        assert_eq!(c.get(&format!("/en/admin/content/{kind}")).await.status, StatusCode::OK);
    }
    assert_eq!(c.get("/en/admin/content/recipes").await.status, StatusCode::NOT_FOUND);
    t.run_jobs().await;
    let audit = c.get("/fi/admin/audit").await.body;
    for action in ["news.save", "glossary.save", "faq.save", "cluster.save"] {
        assert!(audit.contains(action), "{action}");
    }
    // Not for people without the role.
    let (person, _) = t.user("henkilo@kimppa.test", PlatformRole::Person).await;
    let mut pc = t.login(&person, None).await;
    assert_eq!(pc.get("/fi/admin/content/news").await.status, StatusCode::FORBIDDEN);
    assert_eq!(pc.post("/fi/admin/content/faq/new", &faq).await.status, StatusCode::FORBIDDEN);
}

both_backends!(orchestrators_edit_news_glossary_faq_and_clusters);

/// Anonymous visitors get public pages from the node's page memory; a
/// write through the node, or a change seen in the change log, renders
/// them again; visitors with a session always get a fresh render.
async fn anonymous_pages_are_remembered_until_a_change(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let o = t.elevated(&orch).await;
    website::pages::save(&t.app, &o, None, &page_form("muisti", "published", "Ensimmäinen versio")).await.unwrap();
    let mut anon = t.client();
    let first = anon.get("/fi/pages/muisti").await;
    assert_eq!((first.status, first.header("x-kimppa-cache").as_str()), (StatusCode::OK, "miss"));
    let again = anon.get("/fi/pages/muisti").await;
    assert_eq!(again.header("x-kimppa-cache"), "hit");
    assert_eq!(again.body, first.body);
    assert!(again.body.contains("Ensimmäinen versio"));
    // Security headers come with remembered pages too.
    assert!(again.header("content-security-policy").contains("default-src 'self'"));
    assert!(again.header("content-type").starts_with("text/html"));
    assert!(anon.cookie.is_none(), "no session for anonymous readers");

    // A signed-in reader is never served a visitor's page: they get their
    // own rendering, remembered for them alone.
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let own = oc.get("/fi/pages/muisti").await;
    assert_ne!(own.header("x-kimppa-cache"), "hit");
    assert!(own.body.contains(&orch.name));
    let own_again = oc.get("/fi/pages/muisti").await;
    assert_eq!(own_again.header("x-kimppa-cache"), "hit");
    assert!(own_again.body.contains(&orch.name));
    assert!(!anon.get("/fi/pages/muisti").await.body.contains(&orch.name));

    // A write through this node shows at once.
    oc.get("/fi/admin/pages/muisti/edit").await;
    let edit = [
        ("slug", "muisti"),
        ("title_fi", "Otsikko muisti"),
        ("title_en", "Title muisti"),
        ("summary_fi", "Tiivistelmä"),
        ("summary_en", "Summary"),
        ("body_fi", "Toinen versio"),
        ("body_en", "Second version"),
        ("status", "published"),
        ("nav_order", "0"),
    ];
    assert_eq!(oc.post("/fi/admin/pages/muisti/edit", &edit).await.status, StatusCode::SEE_OTHER);
    let after = anon.get("/fi/pages/muisti").await;
    assert_eq!(after.header("x-kimppa-cache"), "miss");
    assert!(after.body.contains("Toinen versio"));
    assert_eq!(anon.get("/fi/pages/muisti").await.header("x-kimppa-cache"), "hit");

    // Unpublishing takes the page away for anonymous readers too.
    website::pages::save(&t.app, &o, Some("muisti"), &page_form("muisti", "draft", "Luonnos")).await.unwrap();
    assert_eq!(anon.get("/fi/pages/muisti").await.status, StatusCode::NOT_FOUND);

    // Another node trusts its look at the change log for `freshness_ms`,
    // then renders again.
    let mut config = crate::common::test_config(String::new());
    config.page_cache.freshness_ms = 400;
    let node2 = kimppa_app::App::with_db(config, t.app.db.clone()).unwrap();
    let mut anon2 = crate::common::Client { router: kimppa_web::router(node2), cookie: None, csrf: None };
    website::pages::save(&t.app, &o, Some("muisti"), &page_form("muisti", "published", "Kolmas versio")).await.unwrap();
    assert!(anon2.get("/fi/pages/muisti").await.body.contains("Kolmas versio"));
    website::pages::save(&t.app, &o, Some("muisti"), &page_form("muisti", "published", "Neljäs versio")).await.unwrap();
    let stale = anon2.get("/fi/pages/muisti").await;
    if stale.header("x-kimppa-cache") == "hit" {
        assert!(stale.body.contains("Kolmas versio"));
    }
    tokio::time::sleep(std::time::Duration::from_millis(450)).await;
    let fresh = anon2.get("/fi/pages/muisti").await;
    assert_eq!(fresh.header("x-kimppa-cache"), "miss");
    assert!(fresh.body.contains("Neljäs versio"));

    // Search pages are not remembered (every search is counted).
    assert_eq!(anon.get("/fi/search?q=muisti").await.header("x-kimppa-cache"), "");
}

both_backends!(anonymous_pages_are_remembered_until_a_change);
