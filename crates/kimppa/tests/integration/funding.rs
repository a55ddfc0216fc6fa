//! Funding, calls and procurements (SPEC C10): a project's funding recorded
//! on its record (bad input kept), the cluster's figures for a year by
//! programme and organisation type, an organisation's own figures beside
//! similar organisations' only when there are five of them; calls tell the
//! followers of their focus areas once and remind them once, their
//! deadlines are an iCalendar feed read back with a real parser, and their
//! partner rules are checked against a kimppa; procurements listed with
//! filters, as RSS read back with a real parser, and their circular share.

use crate::common::TestApp;
use axum::http::StatusCode;
use kimppa_app::funding::{self, calls, procurements};
use kimppa_app::pipeline::{self, RecordForm};
use kimppa_domain::{FocusArea, PlatformRole};
use kimppa_store::{
    entities::{funding as funding_row, kimppa},
    sea_orm::{ActiveModelTrait, EntityTrait, Set},
};

async fn funding_figures_and_the_five_organisation_floor(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let staff = t.elevated(&orch).await;
    let (admin, _) = t.user("admin@oma.test", PlatformRole::Person).await;
    let own = t.org(&admin, "Oma Oy", "approved").await;
    let rec = pipeline::create(
        &t.app,
        &staff,
        &RecordForm {
            title: "Biokaasulaitos".into(),
            kind: "development-project".into(),
            stage: "funding-applied".into(),
            participant: vec!["Oma Oy".into()],
            participant_role: vec!["lead".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut oc = t.login(&orch, secret.as_deref()).await;
    oc.get(&format!("/fi/pipeline/{}", rec.id)).await;
    let bad = oc
        .post(
            &format!("/fi/pipeline/{}/funding", rec.id),
            &[("funder", "Business Finland"), ("programme", "erdf"), ("applied_euros", "sata"), ("status", "granted")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Kirjoita summa kokonaisina euroina") && bad.body.contains("Kerro myönnetty summa"));
    assert!(bad.body.contains("value=\"Business Finland\""), "typed kept");
    let ok = oc
        .post(
            &format!("/fi/pipeline/{}/funding", rec.id),
            &[
                ("funder", "Pohjois-Pohjanmaan liitto"),
                ("programme", "erdf"),
                ("org", "Oma Oy"),
                ("applied_euros", "200 000"),
                ("granted_euros", "150 000"),
                ("status", "granted"),
                ("applied_on", "2026-02-01"),
                ("decision_on", "2026-05-15"),
                ("starts_on", "2026-06-01"),
                ("ends_on", "2027-12-31"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = oc.get(&format!("/fi/pipeline/{}", rec.id)).await.body;
    assert!(page.contains("Pohjois-Pohjanmaan liitto") && page.contains("150\u{a0}000\u{a0}€"), "on the record");

    // Four other SMEs with funding: too few to compare with.
    let mut peers = Vec::new();
    for i in 0..5 {
        let (a, _) = t.user(&format!("admin{i}@vertailu.test"), PlatformRole::Person).await;
        peers.push(t.org(&a, &format!("Vertailu {i} Oy"), "approved").await);
    }
    let add = |org: i32, applied: i64, granted: Option<i64>, programme: kimppa_domain::Programme| {
        let db = t.app.db.clone();
        async move {
            funding_row::ActiveModel {
                record_id: Set(None),
                org_id: Set(Some(org)),
                funder_org_id: Set(None),
                funder_name: Set("Business Finland".into()),
                programme: Set(programme),
                instrument: Set(String::new()),
                applied_euros: Set(applied),
                granted_euros: Set(granted),
                applied_on: Set(Some("2026-03-01".into())),
                decision_on: Set(granted.map(|_| "2026-04-01".into())),
                starts_on: Set(None),
                ends_on: Set(None),
                status: Set(if granted.is_some() {
                    kimppa_domain::FundingStatus::Granted
                } else {
                    kimppa_domain::FundingStatus::Applied
                }),
                created_by: Set(1),
                created_at: Set(kimppa_app::now()),
                updated_at: Set(kimppa_app::now()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
        }
    };
    for (i, p) in peers.iter().take(4).enumerate() {
        add(p.id, 100_000 * (i as i64 + 1), Some(50_000), kimppa_domain::Programme::BusinessFinland).await;
    }
    let admin_p = t.principal(&admin).await;
    let c = funding::comparison(&t.app, &admin_p, own.id).await.unwrap();
    assert_eq!((c.own.applied, c.own.granted), (200_000, 150_000));
    assert_eq!(c.peers, None, "four similar organisations are too few");
    let mut ac = t.login(&admin, None).await;
    assert!(ac.get("/fi/my").await.body.contains("alle viisi vertailukelpoista organisaatiota"));
    // The fifth: the average of five, never the organisation itself.
    add(peers[4].id, 500_000, None, kimppa_domain::Programme::BusinessFinland).await;
    let c = funding::comparison(&t.app, &admin_p, own.id).await.unwrap();
    assert_eq!(c.peers, Some((5, 300_000, 40_000)));
    assert_eq!(c.by_size, Some((5, 300_000, 40_000)), "the same size class");
    assert_eq!(c.by_focus, Some((5, 300_000, 40_000)), "the same focus area");
    assert!(ac.get("/fi/my").await.body.contains("5 organisaatiota"));
    // Another organisation's figures are not for this admin.
    assert!(funding::comparison(&t.app, &admin_p, peers[0].id).await.is_err());

    // The cluster's figures for the year.
    let f = funding::figures(&t.app, &staff, 2026).await.unwrap();
    assert_eq!(f.total.applied, 200_000 + 100_000 + 200_000 + 300_000 + 400_000 + 500_000);
    assert_eq!(f.total.granted, 150_000 + 4 * 50_000);
    assert_eq!(f.by_programme["erdf"].granted, 150_000);
    assert_eq!(f.by_programme["business-finland"].applied, 1_500_000);
    assert_eq!(f.by_org_type["sme"].count, 6);
    assert!(funding::figures(&t.app, &staff, 2025).await.unwrap().total.count == 0, "another year");
    let page = oc.get("/fi/pipeline/funding?year=2026").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1\u{a0}700\u{a0}000\u{a0}€"), "applied in all");
    assert_eq!(ac.get("/fi/pipeline/funding").await.status, StatusCode::FORBIDDEN, "staff only");

    // An organisation's own funding outside any project: the organisation
    // is then required; the row shows on the figures page and counts.
    let no_org = oc
        .post(
            "/fi/pipeline/funding",
            &[
                ("funder", "ELY-keskus"),
                ("programme", "jtf"),
                ("applied_euros", "40 000"),
                ("status", "applied"),
                ("applied_on", "2026-08-01"),
            ],
        )
        .await;
    assert_eq!(no_org.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_org.body.contains("value=\"ELY-keskus\"") && no_org.body.contains("f-org-error"),
        "typed kept, the organisation asked for"
    );
    let ok = oc
        .post(
            "/fi/pipeline/funding",
            &[
                ("org", "Oma Oy"),
                ("funder", "ELY-keskus"),
                ("programme", "jtf"),
                ("applied_euros", "40 000"),
                ("status", "applied"),
                ("applied_on", "2026-08-01"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(ok.location().contains("year=2026"));
    let page = oc.get("/fi/pipeline/funding?year=2026").await.body;
    assert!(
        page.contains("ELY-keskus") && page.contains("40\u{a0}000\u{a0}€"),
        "listed among organisations' own funding"
    );
    assert_eq!(funding::figures(&t.app, &staff, 2026).await.unwrap().total.applied, 1_740_000);
    assert_eq!(ac.post("/fi/pipeline/funding", &[("org", "Oma Oy")]).await.status, StatusCode::FORBIDDEN);
}

async fn calls_tell_followers_once_and_check_kimppas(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    kimppa_app::demo::load(&t.app).await.unwrap();
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let staff = t.elevated(&orch).await;
    let (follower, _) = t.user("seuraaja@kimppa.test", PlatformRole::Person).await;
    kimppa_app::challenges::following::follow(&t.app, follower.id, FocusArea::Construction).await.unwrap();
    let mut oc = t.login(&orch, secret.as_deref()).await;
    oc.get("/fi/calls/new").await;
    let bad = oc
        .post(
            "/fi/calls/new",
            &[("title", "Kiertotalouden investoinnit"), ("funder", "ELY"), ("deadline", "2001-01-01")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Määräaika on jo mennyt") && bad.body.contains("Kiertotalouden investoinnit"));
    let soon = (kimppa_app::materials::today() + chrono::Duration::days(5)).to_string();
    let r = oc
        .post(
            "/fi/calls/new",
            &[
                ("title", "Rakentamisen kiertotalouden pilotit"),
                ("funder", "Business Finland"),
                ("programme", "business-finland"),
                ("deadline", &soon),
                ("link", "https://www.businessfinland.fi/haku"),
                ("focus_areas", "construction"),
                ("min_partners", "6"),
                ("min_countries", "2"),
                ("min_smes", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    t.run_jobs().await;
    let mails = t.emails_to(&follower.email).await;
    assert_eq!(mails.len(), 1, "the follower is told of the new call");
    assert!(mails[0].subject.contains("Uusi rahoitushaku"));
    // Reminders a week before the deadline: once, however often the round runs.
    assert_eq!(calls::remind(&t.app).await.unwrap(), 1);
    assert_eq!(calls::remind(&t.app).await.unwrap(), 0);
    t.run_jobs().await;
    let mails = t.emails_to(&follower.email).await;
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().any(|m| m.subject.starts_with("Määräaika")));

    // Listed, and the deadlines as iCalendar.
    let list = t.client().get("/fi/calls").await.body;
    assert!(list.contains("Rakentamisen kiertotalouden pilotit"));
    let ics = t.client().get("/fi/calls/deadlines.ics").await;
    assert!(ics.header("content-type").starts_with("text/calendar"));
    let cal: icalendar::Calendar = ics.body.parse().expect("a valid calendar");
    let events: Vec<_> = cal.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 5, "the demo's four calls and this one");
    use icalendar::Component;
    let ours = events.iter().find(|e| e.get_summary().unwrap().contains("Rakentamisen kiertotalouden pilotit"));
    assert_eq!(
        ours.and_then(|e| e.get_start()),
        Some(icalendar::DatePerhapsTime::Date(chrono::NaiveDate::parse_from_str(&soon, "%Y-%m-%d").unwrap())),
        "an all-day entry on the last day"
    );

    let api = t.client().get_json("/api/v1/calls").await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v[0]["title"], "Rakentamisen kiertotalouden pilotit");
    assert_eq!(v[0]["min_countries"], 2);
    // The partner rules against a demo kimppa: what is missing, and who would complete it.
    let k = kimppa::Entity::find().one(&t.app.db).await.unwrap().unwrap();
    let call = calls::open(&t.app).await.unwrap().remove(0);
    let check = calls::check(&t.app, &staff, call.id, &k.slug).await.unwrap();
    assert!(!check.violations.is_empty(), "six partners are more than the kimppa has");
    assert!(check.countries.0 < check.countries.1, "all from one country");
    let page = oc.get(&format!("/fi/calls/{}?kimppa={}", call.id, k.slug)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ei vielä täytä") && page.body.contains("vähintään 2 maasta"), "{}", page.body);
}

async fn procurements_are_listed_filtered_and_counted(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (admin, _) = t.user("admin@oulu.test", PlatformRole::Person).await;
    t.org(&admin, "Oulun kaupunki", "approved").await;
    let staff = t.elevated(&orch).await;
    let mut oc = t.login(&orch, secret.as_deref()).await;
    oc.get("/fi/procurements/new").await;
    let next_month = (kimppa_app::materials::today() + chrono::Duration::days(30)).to_string();
    let bad = oc
        .post(
            "/fi/procurements/new",
            &[
                ("buyer", "Oulun kaupunki"),
                ("title", "Koulun purku"),
                ("cpv", "4500"),
                ("deadline", &next_month),
                ("link", "https://hilma.fi/1"),
                ("circular", "on"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("CPV-koodi on kahdeksan numeroa") && bad.body.contains("Kerro, mitä kiertotalouskriteerejä")
    );
    let r = oc
        .post(
            "/fi/procurements/new",
            &[
                ("buyer", "Oulun kaupunki"),
                ("title", "Koulun purku ja materiaalien hyödyntäminen"),
                ("cpv", "45111100-9"),
                ("deadline", &next_month),
                ("link", "https://hilma.fi/1"),
                ("circular", "on"),
                ("criteria", "Purkumateriaalien kierrätysaste vähintään 70 %"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    procurements::create(
        &t.app,
        &staff,
        &procurements::ProcurementForm {
            buyer: "Iin kunta".into(),
            title: "Toimistokalusteet".into(),
            cpv: "39100000".into(),
            deadline: next_month.clone(),
            link: "https://hilma.fi/2".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let all = t.client().get("/fi/procurements").await.body;
    assert!(all.contains("Koulun purku") && all.contains("Toimistokalusteet") && all.contains("/fi/organisations/"));
    let circ = t.client().get("/fi/procurements?circular=1").await.body;
    assert!(circ.contains("Koulun purku") && !circ.contains("Toimistokalusteet"));
    let cpv = t.client().get("/fi/procurements?cpv=391").await.body;
    assert!(!cpv.contains("Koulun purku") && cpv.contains("Toimistokalusteet"));
    let word = t.client().get("/fi/procurements?q=iin").await.body;
    assert!(word.contains("Toimistokalusteet") && !word.contains("Koulun purku"), "by the buyer's name");
    let api = t.client().get_json("/api/v1/procurements?circular=1").await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["cpv"], "45111100-9");
    assert!(v[0]["buyer_slug"].is_string(), "the buyer from the registry");
    let rss = t.client().get("/fi/procurements/feed.rss").await;
    let feed = feed_rs::parser::parse(rss.body.as_bytes()).expect("a valid feed");
    assert_eq!(feed.entries.len(), 2);
    use chrono::Datelike;
    let year = kimppa_app::materials::today().year();
    assert_eq!(procurements::share(&t.app, year).await.unwrap(), (2, 1));
    let fig = oc.get(&format!("/fi/pipeline/funding?year={year}")).await.body;
    assert!(fig.contains("1 / 2 (50 %)"), "the circular share on the figures");
}

both_backends!(
    funding_figures_and_the_five_organisation_floor,
    calls_tell_followers_once_and_check_kimppas,
    procurements_are_listed_filtered_and_counted
);
