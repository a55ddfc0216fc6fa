//! Impact (SPEC C13): every recorded indicator counted from records built
//! here, staff's figure and the public one (closed threads, members-only
//! events and challenges, unpublished kimppas and projects count for staff
//! only), the NPS floor of five answers, an indicator the platform does not
//! record says so; a frozen year stays when records change and the live
//! figure says it differs; targets kept with bad input re-shown; the
//! dashboard, an indicator's page and its drill-down in a bounded number of
//! queries at 10 and 10,000 records; CSV read back with a real parser; the
//! public situational picture and its API, and the realised symbioses.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use chrono::{Datelike, Duration};
use kimppa_app::impact::{self, Period, TargetForm, rollup};
use kimppa_app::policy::Principal;
use kimppa_domain::{
    ChallengeStatus, ChallengeVisibility, ContentStatus, EventKind, EventStatus, EventVisibility, GroupKind,
    KimppaStatus, LeadStatus, PlatformRole, RegistrationStatus,
};
use kimppa_store::{
    entities::{
        analytics_count, analytics_visitor, challenge, contact_request, event, event_feedback, event_registration,
        forum_thread, group, kimppa, membership_event, news, organisation, procurement, symbiosis,
    },
    sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set},
};

fn now() -> chrono::DateTime<chrono::Utc> {
    kimppa_app::now()
}

/// A moment this year that has passed (early in the year, or an hour ago
/// in January's first days).
fn earlier_this_year() -> chrono::DateTime<chrono::Utc> {
    let start = kimppa_app::finnish_year_start(kimppa_app::materials::today().year()) + Duration::hours(12);
    if start < now() - Duration::hours(1) { start } else { now() - Duration::minutes(30) }
}

fn last_year() -> chrono::DateTime<chrono::Utc> {
    kimppa_app::finnish_year_start(kimppa_app::materials::today().year()) - Duration::days(40)
}

async fn event_at(
    t: &TestApp,
    by: i32,
    title: &str,
    at: chrono::DateTime<chrono::Utc>,
    status: EventStatus,
    vis: EventVisibility,
) -> event::Model {
    let mut e = event_model(by, title, at);
    e.status = Set(status);
    e.visibility = Set(vis);
    e.insert(&t.app.db).await.unwrap()
}

/// A published public workshop at `at`, not yet written.
fn event_model(by: i32, title: &str, at: chrono::DateTime<chrono::Utc>) -> event::ActiveModel {
    event::ActiveModel {
        kind: Set(EventKind::Workshop),
        status: Set(EventStatus::Published),
        visibility: Set(EventVisibility::Public),
        title_fi: Set(title.into()),
        title_en: Set(title.into()),
        description_fi: Set(String::new()),
        description_en: Set(String::new()),
        org_id: Set(None),
        starts_at: Set(at),
        ends_at: Set(at + Duration::hours(2)),
        municipality: Set("564".into()),
        address: Set(String::new()),
        online: Set(false),
        online_url: Set(String::new()),
        language: Set("fi".into()),
        focus_areas: Set(String::new()),
        capacity: Set(None),
        registration_deadline: Set(None),
        offer_hours: Set(24),
        places_taken: Set(0),
        waiting: Set(0),
        search_text: Set(title.into()),
        cancel_note: Set(String::new()),
        reminded_at: Set(None),
        feedback_asked_at: Set(None),
        created_by: Set(by),
        created_at: Set(at),
        updated_at: Set(at),
        published_at: Set(Some(at)),
        group_id: Set(None),
        ..Default::default()
    }
}

async fn register(t: &TestApp, event_id: i32, user_id: i32, attended: Option<bool>) {
    event_registration::ActiveModel {
        event_id: Set(event_id),
        user_id: Set(user_id),
        org_id: Set(None),
        status: Set(RegistrationStatus::Registered),
        answers: Set("{}".into()),
        offered_until: Set(None),
        attended: Set(attended),
        checked_in_at: Set(None),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
}

async fn feedback(t: &TestApp, event_id: i32, user_id: i32, score: i32) {
    event_feedback::ActiveModel {
        event_id: Set(event_id),
        user_id: Set(user_id),
        score: Set(score),
        comment: Set(String::new()),
        created_at: Set(earlier_this_year()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
}

async fn thread(
    t: &TestApp,
    category: i32,
    author: i32,
    title: &str,
    closed: bool,
    pending: bool,
) -> forum_thread::Model {
    forum_thread::ActiveModel {
        category_id: Set(category),
        author_id: Set(author),
        title: Set(title.into()),
        body: Set("Teksti".into()),
        closed: Set(closed),
        locked: Set(false),
        pinned: Set(false),
        reply_count: Set(0),
        last_post_at: Set(now()),
        created_at: Set(earlier_this_year()),
        updated_at: Set(now()),
        accepted_post_id: Set(None),
        pending: Set(pending),
        group_id: Set(None),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap()
}

async fn challenge_of(t: &TestApp, org: i32, by: i32, title: &str, vis: ChallengeVisibility, status: ChallengeStatus) {
    challenge::ActiveModel {
        org_id: Set(org),
        created_by: Set(by),
        title: Set(title.into()),
        description: Set("Kuvaus".into()),
        context: Set(String::new()),
        roles: Set(String::new()),
        focus_areas: Set(String::new()),
        schedule: Set(String::new()),
        impact: Set(String::new()),
        visibility: Set(vis),
        competition: Set(false),
        deadline: Set(None),
        criteria: Set(String::new()),
        status: Set(status),
        featured: Set(false),
        created_at: Set(earlier_this_year()),
        updated_at: Set(now()),
        published_at: Set((status != ChallengeStatus::Draft).then(earlier_this_year)),
        notified_at: Set(None),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
}

async fn kimppa_of(t: &TestApp, by: i32, slug: &str, published: bool) {
    kimppa::ActiveModel {
        slug: Set(slug.into()),
        name: Set(slug.into()),
        problem: Set(String::new()),
        value_proposition: Set(String::new()),
        status: Set(KimppaStatus::Forming),
        published: Set(published),
        challenge_id: Set(None),
        created_by: Set(by),
        min_partners: Set(0),
        max_partners: Set(10),
        min_smes: Set(0),
        min_research: Set(0),
        min_municipalities: Set(0),
        required_roles: Set(String::new()),
        created_at: Set(earlier_this_year()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
}

pub(crate) async fn news_at(t: &TestApp, slug: &str, at: chrono::DateTime<chrono::Utc>, status: ContentStatus) {
    news::ActiveModel {
        slug: Set(slug.into()),
        status: Set(status),
        title_fi: Set(slug.into()),
        title_en: Set(slug.into()),
        summary_fi: Set(String::new()),
        summary_en: Set(String::new()),
        body_fi: Set(String::new()),
        body_en: Set(String::new()),
        tags: Set(String::new()),
        image_key: Set(None),
        image_alt_fi: Set(String::new()),
        image_alt_en: Set(String::new()),
        published_at: Set(at),
        author_id: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
}

async fn procurement_of(t: &TestApp, by: i32, title: &str, circular: bool) {
    procurement::ActiveModel {
        buyer_org_id: Set(None),
        buyer_name: Set("Oulun kaupunki".into()),
        title: Set(title.into()),
        cpv: Set("45000000-7".into()),
        deadline: Set((kimppa_app::materials::today() + Duration::days(30)).to_string()),
        link: Set(String::new()),
        circular: Set(circular),
        criteria: Set(String::new()),
        published_on: Set(kimppa_app::materials::today().to_string()),
        created_by: Set(by),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
}

async fn approved(t: &TestApp, org: i32, tier: &str, at: chrono::DateTime<chrono::Utc>) {
    membership_event::ActiveModel {
        org_id: Set(org),
        kind: Set("approved".into()),
        tier: Set(Some(tier.into())),
        reason: Set(None),
        actor_id: Set(None),
        at: Set(at),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
}

/// The year's figure of an indicator, as staff and as anyone see it.
async fn figures(t: &TestApp, staff: &Principal, id: &str) -> (Option<f64>, Option<f64>) {
    let year = kimppa_app::materials::today().year();
    let (s, _) = impact::year(&t.app, staff, year).await.unwrap();
    let (p, _) = impact::year(&t.app, &Principal::Anonymous, year).await.unwrap();
    let of = |rows: &[impact::Row]| rows.iter().find(|r| r.indicator.id == id).and_then(|r| r.value);
    (of(&s), of(&p))
}

async fn every_indicator_counts_its_records(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, _) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let staff = t.elevated(&orch).await;
    let (admin, _) = t.user("admin@oma.test", PlatformRole::Person).await;
    let own = t.org(&admin, "Oma Oy", "approved").await;
    let other = t.org(&admin, "Toinen Oy", "approved").await;
    let applicant = t.org(&admin, "Hakija Oy", "pending").await;
    approved(&t, own.id, "member", earlier_this_year()).await;
    approved(&t, own.id, "member", earlier_this_year() + Duration::minutes(5)).await;
    approved(&t, other.id, "partner", last_year()).await;
    let mut am = other.clone().into_active_model();
    am.carbon_kg = Set(Some(120_000));
    am.carbon_year = Set(Some(2025));
    am.update(&t.app.db).await.unwrap();

    // Events: a public and a members' one held, a draft and a future one not.
    let public =
        event_at(&t, orch.id, "Avoin työpaja", earlier_this_year(), EventStatus::Held, EventVisibility::Public).await;
    let members =
        event_at(&t, orch.id, "Jäsenten aamu", earlier_this_year(), EventStatus::Published, EventVisibility::Members)
            .await;
    event_at(&t, orch.id, "Luonnos", earlier_this_year(), EventStatus::Draft, EventVisibility::Public).await;
    event_at(&t, orch.id, "Tuleva", now() + Duration::days(3), EventStatus::Published, EventVisibility::Public).await;
    event_at(&t, orch.id, "Viime vuosi", last_year(), EventStatus::Held, EventVisibility::Public).await;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(t.user(&format!("p{i}@osallistuja.test"), PlatformRole::Person).await.0);
    }
    register(&t, public.id, people[0].id, Some(true)).await;
    register(&t, public.id, people[1].id, None).await;
    register(&t, public.id, people[2].id, Some(false)).await;
    register(&t, members.id, people[3].id, None).await;
    // Feedback: four answers are under the floor of five.
    for (i, score) in [10, 9, 3, 8].into_iter().enumerate() {
        feedback(&t, public.id, people[i].id, score).await;
    }
    // Threads: open, closed, waiting for approval.
    let (cat, _) = crate::forum::category_and_tag(&t).await;
    let open = thread(&t, cat.id, admin.id, "Avoin", false, false).await;
    let closed = thread(&t, cat.id, admin.id, "Suljettu", true, false).await;
    thread(&t, cat.id, admin.id, "Odottaa", false, true).await;
    // An expert linked to the open thread and to the closed one.
    let expert = kimppa_store::entities::expert::ActiveModel {
        user_id: Set(admin.id),
        org_id: Set(own.id),
        listed: Set(true),
        tags: Set("biokaasu".into()),
        languages: Set("fi".into()),
        focus_areas: Set(String::new()),
        bio_fi: Set(String::new()),
        bio_en: Set(String::new()),
        search_text: Set(String::new()),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    for th in [&open, &closed] {
        kimppa_store::entities::forum_thread_expert::ActiveModel {
            thread_id: Set(th.id),
            expert_id: Set(expert.id),
            linked_by: Set(orch.id),
            created_at: Set(earlier_this_year()),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap();
    }
    challenge_of(&t, own.id, admin.id, "Julkinen", ChallengeVisibility::Public, ChallengeStatus::Published).await;
    challenge_of(&t, own.id, admin.id, "Jäsenille", ChallengeVisibility::Members, ChallengeStatus::Published).await;
    challenge_of(&t, own.id, admin.id, "Luonnos", ChallengeVisibility::Public, ChallengeStatus::Draft).await;
    kimppa_of(&t, admin.id, "julkaistu", true).await;
    kimppa_of(&t, admin.id, "keskenerainen", false).await;
    for (title, kind, published) in
        [("Biokaasu", "development-project", true), ("Tuhka", "development-project", false), ("Idea", "idea", true)]
    {
        let r = kimppa_app::pipeline::create(
            &t.app,
            &staff,
            &kimppa_app::pipeline::RecordForm {
                title: title.into(),
                kind: kind.into(),
                stage: "idea".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        if published {
            let mut am = kimppa_store::entities::pipeline_record::Entity::find_by_id(r.id)
                .one(&t.app.db)
                .await
                .unwrap()
                .unwrap()
                .into_active_model();
            am.published = Set(true);
            am.update(&t.app.db).await.unwrap();
        }
    }
    let today = kimppa_app::materials::today().to_string();
    for (applied, on) in [(100_000_i64, today.as_str()), (50_000, today.as_str())] {
        kimppa_store::entities::funding::ActiveModel {
            record_id: Set(None),
            org_id: Set(Some(own.id)),
            funder_org_id: Set(None),
            funder_name: Set("ELY".into()),
            programme: Set(kimppa_domain::Programme::Erdf),
            instrument: Set(String::new()),
            applied_euros: Set(applied),
            granted_euros: Set(None),
            applied_on: Set(Some(on.into())),
            decision_on: Set(None),
            starts_on: Set(None),
            ends_on: Set(None),
            status: Set(kimppa_domain::FundingStatus::Applied),
            created_by: Set(orch.id),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap();
    }
    procurement_of(&t, orch.id, "Purku", true).await;
    procurement_of(&t, orch.id, "Kalusteet", false).await;
    procurement_of(&t, orch.id, "Siivous", false).await;
    for (slug, status) in [("uusi", ContentStatus::Published), ("luonnos", ContentStatus::Draft)] {
        news_at(&t, slug, earlier_this_year(), status).await;
    }
    group::ActiveModel {
        slug: Set("biotalous".into()),
        kind: Set(GroupKind::WorkingGroup),
        name_fi: Set("Biotalous".into()),
        name_en: Set("Bioeconomy".into()),
        description_fi: Set(String::new()),
        description_en: Set(String::new()),
        focus_areas: Set(String::new()),
        joining: Set("open".into()),
        show_members: Set(true),
        phase: Set(String::new()),
        created_by: Set(orch.id),
        created_at: Set(earlier_this_year()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    contact_request::ActiveModel {
        from_user_id: Set(people[0].id),
        from_org_id: Set(None),
        to_org_id: Set(own.id),
        service_id: Set(None),
        message: Set("Kiinnostaa".into()),
        attachment_key: Set(None),
        attachment_name: Set(None),
        status: Set(LeadStatus::parse("new").unwrap()),
        answered_at: Set(None),
        abuse_reported_at: Set(None),
        abuse_reason: Set(None),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let day = kimppa_app::materials::today().to_string();
    for (kind, key, count) in [("view", "/fi", 40), ("view", "/fi/events", 2), ("query", "biokaasu", 3)] {
        analytics_count::ActiveModel {
            day: Set(day.clone()),
            kind: Set(kind.into()),
            key: Set(key.into()),
            count: Set(count),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap();
    }
    for h in ["a", "b"] {
        analytics_visitor::ActiveModel { day: Set(day.clone()), hash: Set(h.into()), ..Default::default() }
            .insert(&t.app.db)
            .await
            .unwrap();
    }

    assert!(rollup::run(&t.app).await.unwrap() > 0);
    let users = kimppa_store::entities::user::Entity::find().all(&t.app.db).await.unwrap().len() as f64;
    for (id, staff_fig, public_fig) in [
        ("events", Some(2.0), Some(1.0)),
        ("event-participants", Some(3.0), Some(2.0)),
        ("participants-per-event", Some(1.5), Some(2.0)),
        ("nps", None, None),
        ("forum-threads", Some(2.0), Some(1.0)),
        ("challenges", Some(2.0), Some(1.0)),
        ("kimppas", Some(2.0), Some(1.0)),
        ("projects", Some(2.0), Some(1.0)),
        ("funding-applied", Some(150_000.0), None),
        ("funding-granted", Some(0.0), None),
        ("procurements", Some(3.0), Some(3.0)),
        ("circular-procurements", Some(33.0), Some(33.0)),
        ("news", Some(1.0), Some(1.0)),
        ("working-groups", Some(1.0), Some(1.0)),
        ("brokered-contacts", Some(1.0), Some(1.0)),
        ("brokered-experts", Some(2.0), Some(1.0)),
        ("page-views", Some(42.0), Some(42.0)),
        ("searches", Some(3.0), Some(3.0)),
        ("visitors", Some(2.0), Some(2.0)),
        ("members", Some(1.0), Some(1.0)),
        ("partners", Some(1.0), Some(1.0)),
        ("organisations", Some(3.0), Some(3.0)),
        ("users", Some(users), Some(users)),
        ("carbon-footprints", Some(1.0), Some(1.0)),
        ("symbioses", Some(0.0), Some(0.0)),
        ("member-turnover", None, None),
        ("member-headcount", None, None),
        ("newsletter-subscribers", None, None),
    ] {
        assert_eq!(figures(&t, &staff, id).await, (staff_fig, public_fig), "{id}");
    }
    let _ = applicant;
    // The previous year: the event held then.
    let year = kimppa_app::materials::today().year();
    let (rows, _) = impact::year(&t.app, &staff, year).await.unwrap();
    let ev = rows.iter().find(|r| r.indicator.id == "events").unwrap();
    assert_eq!(ev.previous, Some(1.0));
    assert!(!rows.iter().find(|r| r.indicator.id == "partners").unwrap().trend.is_empty());

    // A fifth and a sixth answer lift the NPS over its floor: (3 − 2) / 6.
    feedback(&t, members.id, people[4].id, 10).await;
    feedback(&t, members.id, people[5].id, 2).await;
    rollup::run(&t.app).await.unwrap();
    assert_eq!(figures(&t, &staff, "nps").await, (Some(17.0), Some(17.0)));

    // A confirmed symbiosis counts; one waiting for the other side does not.
    let mut c = t.login(&admin, None).await;
    let mut listings = Vec::new();
    for title in ["Pohjatuhka", "Lentotuhka"] {
        c.get("/fi/materials/new").await;
        let r = c
            .post(
                "/fi/materials/new",
                &[
                    ("org", own.slug.as_str()),
                    ("kind", "offer"),
                    ("class_code", "10 01 01"),
                    ("title", title),
                    ("description", "Tasainen virta."),
                    ("unit", "t"),
                    ("frequency", "month"),
                    ("price_kind", "negotiable"),
                    ("visibility", "public"),
                    ("available_from", "2026-01-01"),
                    ("municipality", "564"),
                    ("action", "publish"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        listings.push(r.location().rsplit('/').next().unwrap().parse::<i32>().unwrap());
    }
    for (listing, confirmation, tonnes) in [(listings[0], "confirmed", 120.0), (listings[1], "pending", 999.0)] {
        symbiosis::ActiveModel {
            listing_id: Set(listing),
            provider_org_id: Set(own.id),
            receiver_org_id: Set(if confirmation == "confirmed" { other.id } else { applicant.id }),
            class_code: Set("10 01 01".into()),
            tonnes_per_year: Set(tonnes),
            started_on: Set(today.clone()),
            diverted_tonnes: Set(tonnes),
            co2e_tonnes: Set(tonnes / 10.0),
            factor_id: Set(None),
            created_by: Set(admin.id),
            created_at: Set(now()),
            confirmation: Set(confirmation.into()),
            decided_by: Set(None),
            decided_at: Set(None),
            dispute_note: Set(String::new()),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap();
    }
    rollup::run(&t.app).await.unwrap();
    assert_eq!(figures(&t, &staff, "symbioses").await, (Some(1.0), Some(1.0)));
    assert_eq!(figures(&t, &staff, "symbiosis-tonnes").await, (Some(120.0), Some(120.0)));
    assert_eq!(figures(&t, &staff, "symbiosis-co2e").await, (Some(12.0), Some(12.0)));
    assert_eq!(figures(&t, &staff, "listings").await, (Some(2.0), Some(2.0)));

    // The drill-down lists what was counted, staff only.
    let events = impact::indicators::get("events").unwrap();
    let (recs, total) = impact::records(&t.app, &staff, events, Period::Year(year), 100).await.unwrap();
    assert_eq!(total, 2);
    assert!(recs.iter().any(|p| p.item.as_ref().unwrap().title == "Jäsenten aamu"));
    assert!(impact::records(&t.app, &Principal::Anonymous, events, Period::Year(year), 100).await.is_err());

    // The API: public indicators' public figures, no staff-only ones.
    let api = t.client().get_json(&format!("/api/v1/indicators?year={year}")).await;
    assert_eq!(api.status, StatusCode::OK);
    let v = api.json();
    let list = v["indicators"].as_array().unwrap();
    let find = |id: &str| list.iter().find(|i| i["id"] == id).cloned();
    assert_eq!(find("events").unwrap()["value"], 1.0);
    assert!(find("funding-applied").is_none(), "staff only");
    assert_eq!(find("newsletter-subscribers").unwrap()["recorded"], false);
    assert!(find("newsletter-subscribers").unwrap()["value"].is_null(), "not recorded is not zero");
    let sym = t.client().get_json("/api/v1/symbioses").await.json();
    let sym = sym.as_array().unwrap();
    assert_eq!(sym.len(), 1, "only the confirmed one");
    assert_eq!(sym[0]["from"]["name"], "Oma Oy");
    assert_eq!(sym[0]["chapter"], "10");

    // The virtual circular park: the confirmed flow, drawn and tabled.
    let park = t.client().get("/fi/park").await;
    assert_eq!(park.status, StatusCode::OK);
    assert!(park.body.contains("class=\"chart park\"") && park.body.contains("<path class=\"flow flow-c0\""));
    assert!(park.body.contains(&format!("/fi/organisations/{}", own.slug)) && park.body.contains("Toinen Oy"));
    assert!(!park.body.contains("Hakija Oy"), "a deal not confirmed is not a flow");
    assert!(park.body.contains("120,0\u{a0}t"), "its tonnes");
    let other_material = t.client().get("/fi/park?material=17").await.body;
    assert!(other_material.contains("Valinnalla ei löydy") && !other_material.contains("<path class=\"flow"));
    let by_year = t.client().get(&format!("/en/park?year={year}&material=10")).await.body;
    assert!(by_year.contains("Oma Oy") && by_year.contains("Virtual circular park"));
}

async fn a_frozen_year_stays_and_targets_are_kept(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let staff = t.elevated(&orch).await;
    let year = kimppa_app::materials::today().year();
    news_at(&t, "ensimmainen", earlier_this_year(), ContentStatus::Published).await;
    assert!(impact::freeze(&t.app, &Principal::Anonymous, year).await.is_err(), "staff only");
    assert!(impact::freeze(&t.app, &staff, year + 1).await.is_err(), "not a year to come");
    let n = impact::freeze(&t.app, &staff, year).await.unwrap();
    assert!(n > 20, "every recorded indicator frozen: {n}");
    assert_eq!(impact::freeze(&t.app, &staff, year).await.unwrap(), 0, "frozen once");
    news_at(&t, "toinen", earlier_this_year(), ContentStatus::Published).await;
    rollup::run(&t.app).await.unwrap();
    let (rows, _) = impact::year(&t.app, &staff, year).await.unwrap();
    let news = rows.iter().find(|r| r.indicator.id == "news").unwrap();
    assert_eq!(news.value, Some(1.0), "the frozen figure stays");
    assert_eq!(news.live, Some(Some(2.0)), "the live figure differs and says so");
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let page = oc.get(&format!("/fi/impact?year={year}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("jäädytetty") && page.body.contains("Elävä luku nyt: 2"), "{}", page.body);
    let api = t.client().get_json(&format!("/api/v1/indicators?year={year}")).await.json();
    let n = api["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "news").unwrap().clone();
    assert_eq!((n["value"].as_f64(), n["live"].as_f64(), n["frozen"].as_bool()), (Some(1.0), Some(2.0), Some(true)));

    // The annual report is built from the frozen figures.
    let report = t.client().get(&format!("/fi/situation/{year}/report")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("Luvut jäädytetty"), "says when it was frozen");
    let news_row = report.body.split("<th scope=\"row\">Uutiset</th>").nth(1).expect("the news row");
    assert!(news_row.starts_with("<td class=\"num\">1</td>"), "the frozen figure: {}", &news_row[..60]);
    let last = t.client().get(&format!("/fi/situation/{}/report", year - 1)).await.body;
    assert!(last.contains("ei ole vielä jäädytetty"), "a year not frozen says its figures are live");
    assert_eq!(t.client().get("/fi/situation/1999/report").await.status, StatusCode::NOT_FOUND);

    // Targets: bad input comes back with the typed text; a good one shows.
    oc.get("/fi/impact/indicators/news").await;
    let bad = oc.post("/fi/impact/indicators/news/target", &[("year", "20x6"), ("value", "kolme")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"kolme\"") && bad.body.contains("Anna vuosi väliltä 2000–2100"));
    let ok = oc.post("/fi/impact/indicators/news/target", &[("year", &year.to_string()), ("value", "4")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(impact::targets(&t.app, year).await.unwrap().get("news"), Some(&4.0));
    let dash = oc.get(&format!("/fi/impact?year={year}")).await.body;
    assert!(dash.contains("25\u{a0}%"), "one of four reached");
    let none = impact::set_target(
        &t.app,
        &staff,
        impact::indicators::get("news").unwrap(),
        &TargetForm { year: year.to_string(), value: String::new() },
    )
    .await;
    assert!(none.is_ok());
    assert!(impact::targets(&t.app, year).await.unwrap().is_empty(), "empty removes the target");
    assert!(
        impact::set_target(
            &t.app,
            &Principal::Anonymous,
            impact::indicators::get("news").unwrap(),
            &TargetForm::default()
        )
        .await
        .is_err()
    );

    // The year's CSV, read back with a real parser.
    let csv = oc.get(&format!("/fi/impact/export.csv?year={year}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    let mut r =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let news = rows.iter().find(|r| &r[0] == "news").expect("the news row");
    assert_eq!((&news[4], &news[6]), ("1", "2"), "frozen and live");
    let letters = rows.iter().find(|r| &r[0] == "newsletter-subscribers").unwrap();
    assert_eq!(&letters[4], "ei kirjata vielä");
    let one = oc.get(&format!("/fi/impact/indicators/news/export.csv?by=month&year={year}")).await;
    let lines = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(one.body.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .count();
    assert_eq!(lines, 12, "a row a month");

    // Who may: staff only.
    assert_eq!(t.client().get("/fi/impact").await.status, StatusCode::SEE_OTHER);
    let (person, _) = t.user("someone@x.test", PlatformRole::Person).await;
    let mut pc = t.login(&person, None).await;
    assert_eq!(pc.get("/fi/impact").await.status, StatusCode::FORBIDDEN);
    assert_eq!(pc.get("/fi/impact/indicators/news").await.status, StatusCode::FORBIDDEN);
    assert_eq!(oc.get("/fi/impact/indicators/no-such").await.status, StatusCode::NOT_FOUND);
}

async fn impact_pages_answer_in_bounded_queries(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let oc = t.login(&orch, secret.as_deref()).await;
    let year = kimppa_app::materials::today().year();
    let bulk = |from: usize, n: usize| {
        let db = t.app.db.clone();
        async move {
            let at = earlier_this_year();
            let rows: Vec<news::ActiveModel> = (from..from + n)
                .map(|i| news::ActiveModel {
                    slug: Set(format!("n{i}")),
                    status: Set(ContentStatus::Published),
                    title_fi: Set(format!("Uutinen {i}")),
                    title_en: Set(format!("News {i}")),
                    summary_fi: Set(String::new()),
                    summary_en: Set(String::new()),
                    body_fi: Set(String::new()),
                    body_en: Set(String::new()),
                    tags: Set(String::new()),
                    image_key: Set(None),
                    image_alt_fi: Set(String::new()),
                    image_alt_en: Set(String::new()),
                    published_at: Set(at),
                    author_id: Set(None),
                    created_at: Set(at),
                    updated_at: Set(at),
                    ..Default::default()
                })
                .collect();
            for chunk in rows.chunks(500) {
                news::Entity::insert_many(chunk.to_vec()).exec(&db).await.unwrap();
            }
        }
    };
    bulk(0, 10).await;
    rollup::run(&t.app).await.unwrap();
    let (router, n) = crate::common::counted(&t);
    let measure = |path: String| {
        let router = router.clone();
        let n = n.clone();
        let cookie = oc.cookie.clone();
        async move {
            let mut cl = Client { router, cookie, csrf: None };
            cl.get(&path).await;
            let before = n.load(std::sync::atomic::Ordering::SeqCst);
            let r = cl.get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            (n.load(std::sync::atomic::Ordering::SeqCst) - before, r.body)
        }
    };
    let dash = format!("/fi/impact?year={year}");
    let one = format!("/fi/impact/indicators/news?by=month&year={year}&period={year}");
    let sit = format!("/fi/situation?year={year}");
    let (d_small, _) = measure(dash.clone()).await;
    let (i_small, _) = measure(one.clone()).await;
    let (s_small, _) = measure(sit.clone()).await;
    // Events with a registration each: the drill-down of a source that
    // reads two tables.
    let events = |from: usize, n: usize| {
        let db = t.app.db.clone();
        let by = orch.id;
        async move {
            let at = earlier_this_year();
            let rows: Vec<event::ActiveModel> = (from..from + n)
                .map(|i| {
                    let mut e = event_model(by, &format!("Tapahtuma {i}"), at);
                    e.status = Set(EventStatus::Held);
                    e
                })
                .collect();
            for chunk in rows.chunks(200) {
                event::Entity::insert_many(chunk.to_vec()).exec(&db).await.unwrap();
            }
        }
    };
    events(0, 10).await;
    rollup::run(&t.app).await.unwrap();
    let ev = format!("/fi/impact/indicators/event-participants?by=year&year={year}&period={year}");
    let (e_small, _) = measure(ev.clone()).await;
    events(10, 10_000).await;
    let (e_large, e_body) = measure(ev).await;
    assert_eq!(e_small, e_large, "a two-table source's drill-down at 10 and 10,010 events");
    assert!(e_body.contains("10010 kirjausta"), "every event counted in the drill-down");
    bulk(10, 10_000).await;
    rollup::run(&t.app).await.unwrap();
    let (d_large, d_body) = measure(dash).await;
    let (i_large, i_body) = measure(one).await;
    let (s_large, _) = measure(sit).await;
    assert_eq!(d_small, d_large, "the dashboard at 10 and 10,010 records");
    assert_eq!(i_small, i_large, "an indicator's page and drill-down");
    assert_eq!(s_small, s_large, "the situational picture");
    assert!(d_body.contains("10\u{a0}010"), "the count of all");
    assert!(
        i_body.contains("10010 kirjausta") && i_body.contains("näytetään 100 uusinta"),
        "the drill-down is capped: {}",
        &i_body[i_body.find("<h2 id=\"records-title").unwrap_or(0)..][..600]
    );
    assert!(i_body.contains("<svg class=\"chart\"") && i_body.contains("role=\"img\""), "the chart");
}

async fn the_situational_picture_is_public(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (admin, _) = t.user("admin@oma.test", PlatformRole::Person).await;
    t.org(&admin, "Oma Oy", "approved").await;
    t.org(&admin, "Hakija Oy", "pending").await;
    let year = kimppa_app::materials::today().year();
    let mut oc = t.login(&orch, secret.as_deref()).await;
    oc.get(&format!("/fi/impact/text?year={year}")).await;
    let r = oc
        .post(
            &format!("/fi/impact/text?year={year}"),
            &[("body_fi", "Vuosi oli **kasvun** vuosi."), ("body_en", "A year of **growth**.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let long = "x".repeat(20_001);
    let bad = oc.post(&format!("/fi/impact/text?year={year}"), &[("body_fi", &long), ("body_en", "kept")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(">kept</textarea>"));
    rollup::run(&t.app).await.unwrap();
    let fi = t.client().get("/fi/situation").await;
    assert_eq!(fi.status, StatusCode::OK);
    assert!(fi.body.contains("<strong>kasvun</strong>"), "the editorial text");
    assert!(fi.body.contains("Klusterissa on 1 hyväksytty jäsen."), "approved members only");
    assert!(fi.body.contains("Pk-yritys tai startup"), "actors by type");
    assert!(fi.body.contains("Kilpailukyky ja innovaatiot") && fi.body.contains("Klusterin toiminta"));
    assert!(!fi.body.contains("Haettu rahoitus"), "staff-only indicators stay out");
    assert!(!fi.body.contains("Uutiskirjeen tilaajat"), "nothing not recorded on the public page");
    let en = t.client().get("/en/situation").await.body;
    assert!(en.contains("<strong>growth</strong>") && en.contains("Secondary raw materials"));
    let v = t.client().get_json(&format!("/api/v1/situation?year={year}")).await.json();
    assert_eq!(v["actors"], 1);
    assert_eq!(v["text_en"], "A year of **growth**.");
    assert!(v["indicators"].as_array().unwrap().iter().all(|i| i["id"] != "funding-applied"));
    // Official regional figures: a bad row refuses the file, a good one
    // shows on the picture apart from the counted figures.
    oc.get("/fi/impact/official").await;
    let prev = year - 1;
    let bad = format!(
        "\u{feff}dimension;name_fi;name_en;region;year;value;unit;source\n\
         waste-management;Yhdyskuntajäte;Municipal waste;Pohjois-Pohjanmaa;{prev};412;kg/asukas;Tilastokeskus\n\
         cluster;Kierrätysaste;Recycling rate;Pohjois-Pohjanmaa;{prev};paljon;%;Tilastokeskus\n"
    );
    let r = oc.post_multipart("/fi/impact/official", &[], "file", "luvut.csv", bad.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Tuntematon ulottuvuus") && r.body.contains("<td>3</td>"), "the line and column named");
    assert!(
        kimppa_store::entities::official_figure::Entity::find().all(&t.app.db).await.unwrap().is_empty(),
        "nothing written"
    );
    let good = bad.replace("cluster;", "secondary-materials;").replace("paljon", "44,5");
    let r = oc.post_multipart("/fi/impact/official", &[], "file", "luvut.csv", good.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("uusia: 2"), "two created");
    let r = oc.post_multipart("/fi/impact/official", &[], "file", "luvut.csv", good.as_bytes()).await;
    assert!(r.body.contains("päivitettyjä: 2"), "the same figures again replace them");
    assert_eq!(
        kimppa_store::entities::official_figure::Entity::find().all(&t.app.db).await.unwrap().len(),
        2,
        "replaced, not doubled"
    );
    let fi = t.client().get(&format!("/fi/situation?year={year}")).await.body;
    assert!(
        fi.contains("Viralliset luvut")
            && fi.contains("Yhdyskuntajäte")
            && fi.contains("44,5 %")
            && fi.contains("Tilastokeskus")
    );
    let mut pc = t.login(&admin, None).await;
    pc.get("/fi/situation").await;
    assert_eq!(
        pc.post_multipart("/fi/impact/official", &[], "file", "luvut.csv", good.as_bytes()).await.status,
        StatusCode::FORBIDDEN
    );

    // Nobody but staff writes the text.
    let mut ac = t.login(&admin, None).await;
    assert_eq!(ac.get("/fi/impact/text").await.status, StatusCode::FORBIDDEN);
    assert!(
        organisation::Entity::find().all(&t.app.db).await.unwrap().len() == 2,
        "two organisations, one of them approved"
    );
}

async fn own_figures_count_only_over_five_organisations(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, _) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let staff = t.elevated(&orch).await;
    let last = kimppa_app::materials::today().year() - 1;
    let mut admins = Vec::new();
    for i in 0..5 {
        let (a, _) = t.user(&format!("admin{i}@luvut.test"), PlatformRole::Person).await;
        let org = t.org(&a, &format!("Luku {i} Oy"), "approved").await;
        admins.push((a, org));
    }
    // The form: bad input re-shown beside its field, then saved.
    let (a0, o0) = &admins[0];
    let mut c = t.login(a0, None).await;
    let page = c.get(&format!("/fi/organisations/{}/figures", o0.slug)).await;
    assert_eq!(page.status, StatusCode::OK);
    let bad = c
        .post(
            &format!("/fi/organisations/{}/figures", o0.slug),
            &[("year", "3000"), ("turnover_euros", "paljon"), ("headcount", "12")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("value=\"paljon\"")
            && bad.body.contains("f-year-error")
            && bad.body.contains("f-turnover_euros-error")
    );
    let ok = c
        .post(
            &format!("/fi/organisations/{}/figures", o0.slug),
            &[("year", &last.to_string()), ("turnover_euros", "1 000 000"), ("headcount", "10"), ("export_euros", "")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(c.get(&format!("/fi/organisations/{}/figures", o0.slug)).await.body.contains("1\u{a0}000\u{a0}000\u{a0}€"));
    // Nobody else's admin reads or writes them.
    let mut other = t.login(&admins[1].0, None).await;
    assert_eq!(other.get(&format!("/fi/organisations/{}/figures", o0.slug)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.post(&format!("/fi/organisations/{}/figures", o0.slug), &[("year", "2025")]).await.status,
        StatusCode::FORBIDDEN
    );
    for (a, o) in admins.iter().skip(1).take(3) {
        let p = t.principal(a).await;
        let f = impact::own::OwnForm {
            year: last.to_string(),
            turnover_euros: "1000000".into(),
            headcount: "10".into(),
            ..Default::default()
        };
        impact::own::save(&t.app, &p, o.id, &f).await.unwrap();
    }
    rollup::run(&t.app).await.unwrap();
    let value = |rows: &[impact::Row], id: &str| rows.iter().find(|r| r.indicator.id == id).and_then(|r| r.value);
    let (rows, _) = impact::year(&t.app, &staff, last).await.unwrap();
    assert_eq!(value(&rows, "member-turnover"), None, "four organisations are too few, for staff too");
    let (a4, o4) = &admins[4];
    let p4 = t.principal(a4).await;
    let f = impact::own::OwnForm {
        year: last.to_string(),
        turnover_euros: "500000".into(),
        headcount: "5".into(),
        ..Default::default()
    };
    impact::own::save(&t.app, &p4, o4.id, &f).await.unwrap();
    rollup::run(&t.app).await.unwrap();
    let (rows, _) = impact::year(&t.app, &Principal::Anonymous, last).await.unwrap();
    assert_eq!(value(&rows, "member-turnover"), Some(4_500_000.0), "the sum over five");
    assert_eq!(value(&rows, "member-headcount"), Some(45.0));
    assert_eq!(value(&rows, "member-export"), None, "nobody reported exports");
    // The drill-down counts them but never lists one organisation's figure.
    let mut oc = t.login(&orch, None).await;
    let _ = &mut oc;
    let (recs, total) =
        impact::records(&t.app, &staff, impact::indicators::get("member-turnover").unwrap(), Period::Year(last), 100)
            .await
            .unwrap();
    assert_eq!(total, 5);
    assert!(recs.iter().all(|r| r.item.is_none()));
    // Emptying a year removes it.
    impact::own::save(&t.app, &p4, o4.id, &impact::own::OwnForm { year: last.to_string(), ..Default::default() })
        .await
        .unwrap();
    assert!(impact::own::list(&t.app, &p4, o4.id).await.unwrap().is_empty());
}

async fn label_checklist_documents_and_the_evidence_pack(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let staff = t.elevated(&orch).await;
    let year = kimppa_app::materials::today().year();
    let (admin, _) = t.user("admin@oma.test", PlatformRole::Person).await;
    t.org(&admin, "Oma Oy", "approved").await;
    let status =
        |items: &[impact::label::Item], key: &str| items.iter().find(|i| i.key == key).map(|i| (i.status, i.figure));
    let items = impact::label::checklist(&t.app, &staff, year).await.unwrap();
    assert_eq!(items.len(), 14);
    use impact::label::Status::*;
    assert_eq!(status(&items, "leader"), Some((Met, (1, 0))), "one orchestrator");
    assert_eq!(status(&items, "smes"), Some((Met, (1, 1))), "the one member is an SME");
    assert_eq!(status(&items, "agreements"), Some((NotMet, (0, 1))), "no agreement accepted");
    assert_eq!(status(&items, "triple-helix").unwrap().0, NotMet);
    assert_eq!(status(&items, "strategy").unwrap().0, NotRecorded, "no document: not recorded, not 'not met'");
    assert_eq!(status(&items, "activities").unwrap().0, NotMet);
    assert_eq!(status(&items, "evaluation").unwrap().0, NotRecorded);
    // Two events held make the activities item.
    event_at(&t, orch.id, "Aamu", earlier_this_year(), EventStatus::Held, EventVisibility::Public).await;
    event_at(&t, orch.id, "Ilta", earlier_this_year(), EventStatus::Held, EventVisibility::Members).await;
    rollup::run(&t.app).await.unwrap();
    let items = impact::label::checklist(&t.app, &staff, year).await.unwrap();
    assert_eq!(status(&items, "activities"), Some((Met, (2, 0))));

    // A document: bad input re-shown, then a strategy uploaded.
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let page = oc.get("/fi/impact/label").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ei kirjattu") && page.body.contains("täyttyy"));
    let bad = oc
        .post_multipart(
            "/fi/impact/label/documents",
            &[("kind", "strategy"), ("title", "Strategia 2026–2030"), ("version", "1.0"), ("dated_on", "huomenna")],
            "attachment",
            "",
            b"",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("value=\"Strategia 2026–2030\"")
            && bad.body.contains("f-dated_on-error")
            && bad.body.contains("f-attachment-error")
    );
    let today = kimppa_app::materials::today().to_string();
    let ok = oc
        .post_multipart(
            "/fi/impact/label/documents",
            &[("kind", "strategy"), ("title", "Strategia 2026–2030"), ("version", "1.0"), ("dated_on", &today)],
            "attachment",
            "strategia.pdf",
            b"%PDF-1.4 strategia",
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let items = impact::label::checklist(&t.app, &staff, year).await.unwrap();
    assert_eq!(status(&items, "strategy").unwrap().0, Met);
    let page = oc.get("/fi/impact/label").await.body;
    let at =
        page.find("/fi/impact/label/documents/").expect("the document's link") + "/fi/impact/label/documents/".len();
    let doc: String = page[at..].chars().take_while(char::is_ascii_digit).collect();
    let file = oc.get(&format!("/fi/impact/label/documents/{doc}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.starts_with("%PDF"));

    // The pack: a real ZIP with the checklist, the figures and the document.
    let pack = oc.get(&format!("/fi/impact/label/pack.zip?year={year}")).await;
    assert_eq!(pack.status, StatusCode::OK);
    assert_eq!(pack.header("content-type"), "application/zip");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(pack.bytes.clone())).expect("a zip");
    let names: Vec<String> = (0..z.len()).map(|i| z.by_index(i).unwrap().name().to_string()).collect();
    assert!(names.contains(&"checklist.csv".to_string()) && names.contains(&"indicators.csv".to_string()));
    assert!(names.iter().any(|n| n.starts_with("documents/") && n.ends_with("strategia.pdf")), "{names:?}");
    let mut checklist = String::new();
    std::io::Read::read_to_string(&mut z.by_name("checklist.csv").unwrap(), &mut checklist).unwrap();
    assert!(checklist.contains("Strategia-asiakirja") && checklist.contains("täyttyy"));

    // Staff only.
    let mut ac = t.login(&admin, None).await;
    assert_eq!(ac.get("/fi/impact/label").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ac.get("/fi/impact/label/pack.zip").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ac.get(&format!("/fi/impact/label/documents/{doc}")).await.status, StatusCode::FORBIDDEN);
}

async fn member_surveys_are_answered_once_and_anonymously(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let staff = t.elevated(&orch).await;
    let mut admins = Vec::new();
    for i in 0..5 {
        let (a, _) = t.user(&format!("jasen{i}@kysely.test"), PlatformRole::Person).await;
        t.org(&a, &format!("Jäsen {i} Oy"), "approved").await;
        admins.push(a);
    }
    let (outsider, _) = t.user("hakija@kysely.test", PlatformRole::Person).await;
    t.org(&outsider, "Hakija Oy", "pending").await;
    let mut oc = t.login(&orch, secret.as_deref()).await;
    oc.get("/fi/impact/surveys").await;
    let bad = oc.post("/fi/impact/surveys", &[("title", ""), ("questions", "Mikä toimii?")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(">Mikä toimii?</textarea>") && bad.body.contains("f-title-error"));
    let r = oc
        .post(
            "/fi/impact/surveys",
            &[("title", "Jäsenkysely 2026"), ("questions", "Mikä toimii?\n\nMitä pitäisi parantaa?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location();
    oc.get(&page).await;
    let sent = oc.post(&format!("{page}/send"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(oc.post(&format!("{page}/send"), &[]).await.status, StatusCode::CONFLICT, "sent once");
    assert!(t.emails_to("hakija@kysely.test").await.is_empty(), "only approved members' admins");
    let links: Vec<String> = {
        let mut v = Vec::new();
        for a in &admins {
            let e = t.last_email_to(&a.email).await;
            v.push(crate::common::link_after(&e.body_text, "/fi/survey/").expect("a link"));
        }
        v
    };
    assert_eq!(links.iter().collect::<std::collections::HashSet<_>>().len(), 5, "a link each");

    // Answering needs no signing in; bad input is kept; a link works once.
    let mut visitor = t.client();
    let form = visitor.get(&links[0]).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Mitä pitäisi parantaa?"));
    let bad = visitor.post(&links[0], &[("score", "11"), ("answer", "Tapahtumat"), ("answer", "")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains(">Tapahtumat</textarea>") && bad.body.contains("f-score-error"),
        "{}",
        &bad.body[bad.body.find("<main").unwrap_or(0)..]
    );
    let ok =
        visitor.post(&links[0], &[("score", "10"), ("answer", "Tapahtumat"), ("answer", "Enemmän yrityksiä")]).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Vastauksesi tallennettiin"));
    assert_ne!(visitor.post(&links[0], &[("score", "0")]).await.status, StatusCode::OK, "once");
    assert_ne!(visitor.get(&links[0]).await.status, StatusCode::OK);
    assert_eq!(t.client().get("/fi/survey/not-a-token").await.status, StatusCode::NOT_FOUND);

    let id: i32 = page.rsplit('/').next().unwrap().parse().unwrap();
    let (_, r) = impact::surveys::results(&t.app, &staff, id).await.unwrap();
    assert_eq!((r.invited, r.answered, r.nps), (5, 1, None), "no NPS over one answer");
    assert_eq!(r.comments[1].1, vec!["Enemmän yrityksiä".to_string()]);
    for (i, score) in [(1, 9), (2, 3), (3, 8), (4, 10)] {
        let mut c = t.client();
        c.get(&links[i]).await;
        let r = c.post(&links[i], &[("score", &score.to_string()), ("answer", ""), ("answer", "")]).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let (_, r) = impact::surveys::results(&t.app, &staff, id).await.unwrap();
    assert_eq!((r.answered, r.nps), (5, Some(40)), "(3 − 1) / 5");
    let results = oc.get(&page).await.body;
    assert!(results.contains("+40") && results.contains("100\u{a0}%"));
    for a in &admins {
        assert!(!results.contains(&a.email) && !results.contains("Jäsen 0 Oy"), "never who answered");
    }
    // The answers carry nothing of who gave them.
    let answers = kimppa_store::entities::survey_answer::Entity::find().all(&t.app.db).await.unwrap();
    assert_eq!(answers.len(), 5);
    // The NPS indicator counts survey answers with event feedback.
    rollup::run(&t.app).await.unwrap();
    let year = kimppa_app::materials::today().year();
    let (rows, _) = impact::year(&t.app, &staff, year).await.unwrap();
    assert_eq!(rows.iter().find(|r| r.indicator.id == "nps").unwrap().value, Some(40.0));
    // Staff only, but the answer pages.
    let mut ac = t.login(&admins[0], None).await;
    assert_eq!(ac.get("/fi/impact/surveys").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ac.get(&page).await.status, StatusCode::FORBIDDEN);
}

both_backends!(
    every_indicator_counts_its_records,
    a_frozen_year_stays_and_targets_are_kept,
    impact_pages_answer_in_bounded_queries,
    the_situational_picture_is_public,
    own_figures_count_only_over_five_organisations,
    label_checklist_documents_and_the_evidence_pack,
    member_surveys_are_answered_once_and_anonymously
);
