//! Events end to end: the organiser's form refuses bad input with its
//! errors (nothing saved); registration up to the capacity, the waiting
//! list, a cancellation offering the place to the next, an offer running
//! out and passing on, taking an offered place; attendance, the CSV and the
//! record of changes; members-only events in every channel (page, list,
//! search, RSS, iCalendar, API); calendar files read back by a real
//! iCalendar parser in Europe/Helsinki; the personal feed behind a secret
//! that can be replaced; concurrent registrations never overfilling;
//! reminders, the feedback survey and the cluster's counts; and a bounded
//! number of queries on the list and the page with 10 and 1,000
//! registrations.

use crate::common::{Client, TestApp, link_after};
use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use kimppa_app::events::{self, EventForm, registrations};
use kimppa_domain::{EventStatus, OrgRole, PlatformRole, RegistrationStatus};
use kimppa_store::{
    entities::{event, event_registration, event_registration_change, user},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set},
};

/// A time `days` from now at `hour`:00 Finnish time, as the form takes it.
fn local_in(days: i64, hour: u32) -> String {
    let day = kimppa_app::finnish_time(Utc::now()).date_naive() + Duration::days(days);
    format!("{}T{hour:02}:00", day.format("%Y-%m-%d"))
}

fn form(org: &str, title: &str, capacity: &str) -> EventForm {
    EventForm {
        org: org.into(),
        kind: "matchmaking".into(),
        title_fi: title.into(),
        description_fi: "Tapaa kumppaneita **kiertotalouden** hankkeisiin.".into(),
        starts_at: local_in(30, 9),
        ends_at: local_in(30, 12),
        municipality: "564".into(),
        address: "Technopolis, Elektroniikkatie 3".into(),
        language: "fi".into(),
        focus_areas: vec!["energy".into()],
        visibility: "public".into(),
        capacity: capacity.into(),
        offer_hours: "24".into(),
        q_label: vec!["Ruokavalio".into(), "Tuotteko näytteitä?".into()],
        q_kind: vec!["text".into(), "yes-no".into()],
        q_choices: vec![String::new(), String::new()],
        q_required: vec!["no".into(), "yes".into()],
        action: "publish".into(),
        ..Default::default()
    }
}

async fn person(t: &TestApp, email: &str) -> (user::Model, Client) {
    let (u, _) = t.user(email, PlatformRole::Person).await;
    let c = t.login(&u, None).await;
    (u, c)
}

async fn register(c: &mut Client, id: i32, fields: &[(&str, &str)]) -> crate::common::Resp {
    c.get(&format!("/fi/events/{id}")).await;
    c.post(&format!("/fi/events/{id}/register"), fields).await
}

async fn reg(t: &TestApp, event_id: i32, u: &user::Model) -> event_registration::Model {
    event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::UserId.eq(u.id))
        .one(&t.app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn stored(t: &TestApp, id: i32) -> event::Model {
    event::Entity::find_by_id(id).one(&t.app.db).await.unwrap().unwrap()
}

/// The start of each event in a calendar, read by the `icalendar` parser
/// and converted to UTC through the zone it names.
fn starts_in(ics: &str) -> Vec<(String, chrono::DateTime<Utc>)> {
    use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
    let cal: icalendar::Calendar = ics.parse().expect("the calendar parses");
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .map(|e| {
            let start = match e.get_start().expect("DTSTART") {
                DatePerhapsTime::DateTime(dt @ CalendarDateTime::WithTimezone { .. }) => {
                    if let CalendarDateTime::WithTimezone { tzid, .. } = &dt {
                        assert_eq!(tzid, "Europe/Helsinki");
                    }
                    dt.try_into_utc().expect("a known zone")
                }
                other => panic!("start not in a named zone: {other:?}"),
            };
            (e.get_summary().unwrap_or_default().to_string(), start)
        })
        .collect()
}

async fn the_waiting_list_passes_freed_places_on(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("paivi@tapahtumat.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Tapahtumat Oy", "approved").await;
    let mut organiser = t.login(&admin, None).await;

    // Bad input is refused beside its fields; what was typed is kept.
    organiser.get("/fi/events/new").await;
    let bad = organiser
        .post(
            "/fi/events/new",
            &[
                ("org", org.slug.as_str()),
                ("kind", "matchmaking"),
                ("title_fi", "Kiertotalouden matchmaking"),
                ("description_fi", "Kuvaus"),
                ("starts_at", &local_in(30, 9)),
                ("ends_at", &local_in(30, 8)),
                ("municipality", "564"),
                ("language", "fi"),
                ("visibility", "public"),
                ("capacity", "kaksi"),
                ("registration_deadline", &local_in(31, 9)),
                ("q_label", "Mitä tarjoat?"),
                ("q_kind", "choice"),
                ("q_choices", "vain yksi"),
                ("q_required", "no"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Päättymisen pitää olla alun jälkeen."), "{}", bad.body);
    assert!(bad.body.contains("Ilmoittautumisen pitää päättyä ennen tapahtuman alkua."));
    assert!(bad.body.contains("Anna paikkojen määrä kokonaislukuna"));
    assert!(bad.body.contains("vähintään kaksi vaihtoehtoa"));
    assert!(
        bad.body.contains("value=\"kaksi\"") && bad.body.contains("Kiertotalouden matchmaking"),
        "typed values kept"
    );
    assert_eq!(event::Entity::find().count(&t.app.db).await.unwrap(), 0, "nothing saved");

    // A good form publishes the event with two places.
    let f = form(&org.slug, "Kiertotalouden matchmaking", "2");
    let mut fields: Vec<(&str, &str)> = vec![
        ("org", &f.org),
        ("kind", &f.kind),
        ("title_fi", &f.title_fi),
        ("description_fi", &f.description_fi),
        ("starts_at", &f.starts_at),
        ("ends_at", &f.ends_at),
        ("municipality", &f.municipality),
        ("address", &f.address),
        ("language", &f.language),
        ("focus_areas", "energy"),
        ("visibility", &f.visibility),
        ("capacity", &f.capacity),
        ("offer_hours", "24"),
        ("action", "publish"),
    ];
    for i in 0..2 {
        fields.extend([
            ("q_label", f.q_label[i].as_str()),
            ("q_kind", f.q_kind[i].as_str()),
            ("q_choices", ""),
            ("q_required", f.q_required[i].as_str()),
        ]);
    }
    let r = organiser.post("/fi/events/new", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i32 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let page = organiser.follow(&r).await;
    assert!(page.body.contains("Tapahtuma on julkaistu."), "{}", page.body);
    assert_eq!(stored(&t, id).await.status, EventStatus::Published);

    // A required answer missing: refused, nothing registered.
    let (anna, mut anna_c) = person(&t, "anna@osallistujat.test").await;
    let r = register(&mut anna_c, id, &[("answer", "vegaani"), ("answer", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Vastaa pakollisiin kysymyksiin.") && r.body.contains("vegaani"), "{}", r.body);
    assert_eq!(event_registration::Entity::find().count(&t.app.db).await.unwrap(), 0);

    // Two places, then the waiting list.
    let r = register(&mut anna_c, id, &[("answer", "vegaani"), ("answer", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (bert, mut bert_c) = person(&t, "bert@osallistujat.test").await;
    assert_eq!(register(&mut bert_c, id, &[("answer", ""), ("answer", "no")]).await.status, StatusCode::SEE_OTHER);
    let (cecilia, mut cecilia_c) = person(&t, "cecilia@osallistujat.test").await;
    let page = cecilia_c.get(&format!("/fi/events/{id}")).await;
    assert!(page.body.contains("Ilmoittaudu jonoon"), "the full event offers the waiting list");
    assert_eq!(register(&mut cecilia_c, id, &[("answer", ""), ("answer", "no")]).await.status, StatusCode::SEE_OTHER);
    let (daniel, mut daniel_c) = person(&t, "daniel@osallistujat.test").await;
    assert_eq!(register(&mut daniel_c, id, &[("answer", ""), ("answer", "no")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(reg(&t, id, &anna).await.status, RegistrationStatus::Registered);
    assert_eq!(reg(&t, id, &bert).await.status, RegistrationStatus::Registered);
    assert_eq!(reg(&t, id, &cecilia).await.status, RegistrationStatus::Waiting);
    assert_eq!(reg(&t, id, &daniel).await.status, RegistrationStatus::Waiting);
    let e = stored(&t, id).await;
    assert_eq!((e.places_taken, e.waiting), (2, 2));
    // Registering twice is refused, with a message on the event's page.
    let again = register(&mut anna_c, id, &[("answer", ""), ("answer", "yes")]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(anna_c.follow(&again).await.body.contains("Olet jo ilmoittautunut tähän tapahtumaan."));
    assert_eq!(reg(&t, id, &anna).await.status, RegistrationStatus::Registered);

    // The confirmation carries the event's calendar file.
    let confirmation = t.last_email_to(&anna.email).await;
    assert!(confirmation.subject.contains("Ilmoittautuminen vahvistettu"), "{}", confirmation.subject);
    assert_eq!(confirmation.attachment_name, "event.ics");
    let starts = starts_in(&confirmation.attachment);
    assert_eq!(starts.len(), 1);
    assert_eq!(starts[0].1, e.starts_at, "the calendar's Finnish time is the event's time");
    assert!(t.last_email_to(&cecilia.email).await.subject.starts_with("Jonossa"));

    // Anna cancels: Cecilia, first in line, is offered the place.
    anna_c.get(&format!("/fi/events/{id}")).await;
    let r = anna_c.post(&format!("/fi/events/{id}/cancel-registration"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let c_reg = reg(&t, id, &cecilia).await;
    assert_eq!(c_reg.status, RegistrationStatus::Offered);
    let until = c_reg.offered_until.unwrap();
    assert!(until > Utc::now() + Duration::hours(23) && until <= Utc::now() + Duration::hours(24));
    assert!(t.last_email_to(&cecilia.email).await.subject.starts_with("Sinulle vapautui paikka"));
    assert_eq!(reg(&t, id, &daniel).await.status, RegistrationStatus::Waiting);
    let e = stored(&t, id).await;
    assert_eq!((e.places_taken, e.waiting), (2, 1), "the offered place is held");

    // Cecilia lets the offer run out: it passes to Daniel.
    let mut late: event_registration::ActiveModel = c_reg.clone().into();
    late.offered_until = Set(Some(Utc::now() - Duration::minutes(1)));
    late.update(&t.app.db).await.unwrap();
    assert_eq!(registrations::expire_offers(&t.app).await.unwrap(), 1);
    assert_eq!(reg(&t, id, &cecilia).await.status, RegistrationStatus::Expired);
    assert_eq!(reg(&t, id, &daniel).await.status, RegistrationStatus::Offered);
    // The job at the old deadline finds nothing more to do (idempotent).
    t.run_jobs().await;
    assert_eq!(reg(&t, id, &daniel).await.status, RegistrationStatus::Offered);

    // Daniel takes the place.
    let page = daniel_c.get(&format!("/fi/events/{id}")).await;
    assert!(page.body.contains("Ota paikka vastaan"), "{}", page.body);
    let r = daniel_c.post(&format!("/fi/events/{id}/accept"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(reg(&t, id, &daniel).await.status, RegistrationStatus::Registered);
    assert_eq!(t.last_email_to(&daniel.email).await.attachment_name, "event.ics");
    let e = stored(&t, id).await;
    assert_eq!((e.places_taken, e.waiting), (2, 0));

    // The capacity cannot fall below the places taken; nothing changes.
    let mut lower = EventForm::of(&e, &events::questions(&t.app, id).await.unwrap(), &org.slug);
    lower.capacity = "1".into();
    let err = events::update(&t.app, &t.principal(&admin).await, id, &lower).await.unwrap_err();
    assert!(format!("{err:?}").contains("err-capacity-below-registered"), "{err:?}");
    assert_eq!(stored(&t, id).await.capacity, Some(2));

    // A raised capacity offers the new place to the waiting list at once.
    let (eeva, mut eeva_c) = person(&t, "eeva@osallistujat.test").await;
    assert_eq!(register(&mut eeva_c, id, &[("answer", ""), ("answer", "no")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(reg(&t, id, &eeva).await.status, RegistrationStatus::Waiting);
    let mut more = lower.clone();
    more.capacity = "3".into();
    events::update(&t.app, &t.principal(&admin).await, id, &more).await.unwrap();
    assert_eq!(reg(&t, id, &eeva).await.status, RegistrationStatus::Offered);

    // The organiser gives Eeva the place herself, marks attendance and exports.
    let eeva_reg = reg(&t, id, &eeva).await;
    organiser.get(&format!("/fi/events/{id}/participants")).await;
    let r = organiser.post(&format!("/fi/events/{id}/participants/{}", eeva_reg.id), &[("action", "admit")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(reg(&t, id, &eeva).await.status, RegistrationStatus::Registered);
    organiser.get(&format!("/fi/events/{id}/checkin")).await;
    let bert_reg = reg(&t, id, &bert).await;
    let r = organiser
        .post(&format!("/fi/events/{id}/checkin/{}", bert_reg.id), &[("action", "attended"), ("q", "bert")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().contains("checkin?q=bert"), "{}", r.location());
    assert_eq!(reg(&t, id, &bert).await.attended, Some(true));
    let door = organiser.get(&format!("/fi/events/{id}/checkin?q=bert")).await;
    assert!(door.body.contains("bert@") || door.body.contains("Testi Henkilö"));
    assert!(door.body.contains("Saapunut 1"), "{}", door.body);
    let csv = organiser.get(&format!("/fi/events/{id}/participants.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let mut rows = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let header = rows.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == "Ruokavalio"), "{header:?}");
    let records: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 5, "every registration, cancelled and expired ones too");
    assert!(records.iter().any(|r| r.iter().any(|c| c == "vegaani")), "answers exported");
    assert!(records.iter().any(|r| r.get(1) == Some("bert@osallistujat.test") && r.get(4) == Some("kyllä")));

    // Every change is recorded, with who or what made it.
    let reasons: Vec<String> = event_registration_change::Entity::find()
        .filter(event_registration_change::Column::EventId.eq(id))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.reason)
        .collect();
    for r in ["registered", "waiting", "cancelled", "offered", "offer-expired", "accepted", "organiser", "attended"] {
        assert!(reasons.iter().any(|x| x == r), "{r} missing from {reasons:?}");
    }
    let page = organiser.get(&format!("/fi/events/{id}/participants")).await;
    assert!(page.body.contains("tarjous raukesi") && page.body.contains("palvelu"), "{}", page.body);

    // Others may not see the participants.
    assert_eq!(bert_c.get(&format!("/fi/events/{id}/participants")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(bert_c.get(&format!("/fi/events/{id}/participants.csv")).await.status, StatusCode::FORBIDDEN);

    // The organiser's email reaches those holding a place.
    organiser.get(&format!("/fi/events/{id}/email")).await;
    let r = organiser
        .post(&format!("/fi/events/{id}/email"), &[("audience", "registered"), ("subject", ""), ("body", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = organiser
        .post(
            &format!("/fi/events/{id}/email"),
            &[("audience", "registered"), ("subject", "Pysäköinti"), ("body", "Pysäköi P2-halliin.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.last_email_to(&eeva.email).await.subject, "Pysäköinti");
    assert_ne!(t.last_email_to(&cecilia.email).await.subject, "Pysäköinti", "not to the expired");
}

async fn members_only_events_stay_with_members(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@jasen.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Jäsen Oy", "approved").await;
    let (member, _) = t.user("jasen@jasen.test", PlatformRole::Person).await;
    t.add_to_org(&org, &admin, &member, OrgRole::Member).await;
    let (outsider, _) = t.user("ulko@muu.test", PlatformRole::Person).await;
    let _not_member = t.org(&outsider, "Ei Jäsen Oy", "none").await;
    let org_admin = t.principal(&admin).await;
    let mut f = form(&org.slug, "Suljettu jäsenaamiainen", "");
    f.visibility = "members".into();
    f.online = Some("on".into());
    f.online_url = "https://meet.example/salainen-huone".into();
    let closed = events::create(&t.app, &org_admin, &f).await.unwrap();
    events::create(&t.app, &org_admin, &form(&org.slug, "Avoin työpajapäivä", "")).await.unwrap();
    let mut draft_form = form(&org.slug, "Keskeneräinen luonnostapahtuma", "");
    draft_form.action = "draft".into();
    let draft = events::create(&t.app, &org_admin, &draft_form).await.unwrap();
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let year_view = format!("/fi/events/year?year={}", kimppa_app::finnish_time(closed.starts_at).format("%Y"));

    let mut anon = t.client();
    let mut outsider_c = t.login(&outsider, None).await;
    let mut member_c = t.login(&member, None).await;
    for (who, c) in [("anonymous", &mut anon), ("outsider", &mut outsider_c)] {
        assert_eq!(c.get(&format!("/fi/events/{}", closed.id)).await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(c.get(&format!("/fi/events/{}/event.ics", closed.id)).await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(c.get(&format!("/fi/events/{}", draft.id)).await.status, StatusCode::NOT_FOUND, "{who}: draft");
        let list = c.get("/fi/events").await;
        assert!(list.body.contains("Avoin työpajapäivä"), "{who}");
        assert!(!list.body.contains("Suljettu jäsenaamiainen") && !list.body.contains("Keskeneräinen"), "{who}");
        let found = c.get("/fi/search?q=jäsenaamiainen").await;
        assert!(!found.body.contains("Suljettu jäsenaamiainen"), "{who}: search");
        let year = c.get(&year_view).await;
        assert!(!year.body.contains("Suljettu jäsenaamiainen"), "{who}: year view");
    }
    // Feeds, calendars and the API answer as an anonymous visitor.
    let rss = anon.get("/fi/events/feed.xml").await;
    let feed = feed_rs::parser::parse(rss.body.as_bytes()).expect("the RSS parses");
    let titles: Vec<String> = feed.entries.iter().filter_map(|e| e.title.as_ref().map(|t| t.content.clone())).collect();
    assert!(titles.iter().any(|t| t.contains("Avoin työpajapäivä")), "{titles:?}");
    assert!(!titles.iter().any(|t| t.contains("Suljettu") || t.contains("Keskeneräinen")), "{titles:?}");
    let ics = anon.get("/fi/events/calendar.ics").await;
    let names: Vec<String> = starts_in(&ics.body).into_iter().map(|(s, _)| s).collect();
    assert_eq!(names, vec!["Avoin työpajapäivä".to_string()]);
    let api = anon.get_json("/api/v1/events").await.json();
    let api_titles: Vec<&str> =
        api["items"].as_array().unwrap().iter().map(|e| e["title_fi"].as_str().unwrap()).collect();
    assert_eq!(api_titles, vec!["Avoin työpajapäivä"]);
    assert_eq!(anon.get_json(&format!("/api/v1/events/{}", closed.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        member_c.get_json(&format!("/api/v1/events/{}", closed.id)).await.status,
        StatusCode::NOT_FOUND,
        "the API is public data"
    );

    // A member sees it everywhere it is listed, but not the online link
    // until registered.
    let page = member_c.get(&format!("/fi/events/{}", closed.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("salainen-huone"), "the link is for participants");
    assert!(member_c.get("/fi/events").await.body.contains("Suljettu jäsenaamiainen"));
    assert!(member_c.get("/fi/search?q=jäsenaamiainen").await.body.contains("Suljettu jäsenaamiainen"));
    assert!(member_c.get(&year_view).await.body.contains("Suljettu jäsenaamiainen"));
    assert_eq!(
        member_c.get(&format!("/fi/events/{}", draft.id)).await.status,
        StatusCode::OK,
        "the organiser's people see drafts"
    );
    let r = register(&mut member_c, closed.id, &[("answer", ""), ("answer", "no")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = member_c.get(&format!("/fi/events/{}", closed.id)).await;
    assert!(page.body.contains("https://meet.example/salainen-huone"), "registered: the link shows");
    let mine = member_c.get_json("/api/v1/me/registrations").await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["online_url"], "https://meet.example/salainen-huone");
    assert_eq!(mine[0]["status"], "registered");
    assert_eq!(anon.get_json("/api/v1/me/registrations").await.status, StatusCode::UNAUTHORIZED);
    // An outsider registered to a public event that is then narrowed to
    // members still reads it and may cancel; after that it is out of sight.
    let open = events::browse(&t.app, &kimppa_app::policy::Principal::Anonymous, &Default::default()).await.unwrap().0;
    let open = open.into_iter().find(|e| e.title_fi == "Avoin työpajapäivä").unwrap();
    let r = register(&mut outsider_c, open.id, &[("answer", ""), ("answer", "no")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut narrowed = EventForm::of(&open, &events::questions(&t.app, open.id).await.unwrap(), &org.slug);
    narrowed.visibility = "members".into();
    events::update(&t.app, &org_admin, open.id, &narrowed).await.unwrap();
    assert_eq!(anon.get(&format!("/fi/events/{}", open.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(outsider_c.get(&format!("/fi/events/{}", open.id)).await.status, StatusCode::OK);
    assert!(outsider_c.get("/fi/events/mine").await.body.contains("Avoin työpajapäivä"));
    let r = outsider_c.post(&format!("/fi/events/{}/cancel-registration", open.id), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        outsider_c.get(&format!("/fi/events/{}", open.id)).await.status,
        StatusCode::NOT_FOUND,
        "cancelled: out of sight"
    );

    // An outsider cannot register to it either.
    outsider_c.get("/fi/events").await;
    let r = outsider_c.post(&format!("/fi/events/{}/register", closed.id), &[("answer", ""), ("answer", "no")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn calendars_carry_finnish_time(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let staff = t.elevated(&orch).await;
    let year = kimppa_app::finnish_time(Utc::now()).date_naive().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    // One event in winter time (UTC+2), one in summer time (UTC+3), one
    // online only, organised by the cluster itself.
    let mut winter = form("", "Talven koulutus; osa 1, perusteet", "");
    winter.kind = "training".into();
    winter.starts_at = format!("{year}-01-15T09:00");
    winter.ends_at = format!("{year}-01-15T11:30");
    let mut summer = form("", "CircularArena", "");
    summer.kind = "arena".into();
    summer.starts_at = format!("{year}-07-01T10:00");
    summer.ends_at = format!("{year}-07-02T16:00");
    summer.municipality = String::new();
    summer.online = Some("on".into());
    summer.online_url = "https://meet.example/arena".into();
    let w = events::create(&t.app, &staff, &winter).await.unwrap();
    let s = events::create(&t.app, &staff, &summer).await.unwrap();
    assert_eq!(w.starts_at, Utc.with_ymd_and_hms(year, 1, 15, 7, 0, 0).unwrap());
    assert_eq!(s.starts_at, Utc.with_ymd_and_hms(year, 7, 1, 7, 0, 0).unwrap());

    let mut anon = t.client();
    let one = anon.get(&format!("/fi/events/{}/event.ics", w.id)).await;
    assert!(one.header("content-type").starts_with("text/calendar"));
    assert_eq!(starts_in(&one.body), vec![("Talven koulutus; osa 1, perusteet".to_string(), w.starts_at)]);
    assert!(!one.body.contains("meet.example"));
    let all = starts_in(&anon.get("/fi/events/calendar.ics").await.body);
    assert_eq!(all.iter().map(|(_, s)| *s).collect::<Vec<_>>(), vec![w.starts_at, s.starts_at]);
    let yearly = starts_in(&anon.get(&format!("/fi/events/year?year={year}&format=ics")).await.body);
    assert_eq!(yearly.len(), 2);
    // The page carries schema.org Event data with the Finnish offset.
    let page = anon.get(&format!("/fi/events/{}", s.id)).await;
    assert!(page.body.contains("\"@type\":\"Event\""), "{}", page.body);
    assert!(page.body.contains(&format!("{year}-07-01T10:00:00+03:00")));
    assert!(page.body.contains("OnlineEventAttendanceMode"));

    // The personal feed: the events one holds a place at, with the link.
    let (p, _) = t.user("kalenteri@osallistujat.test", PlatformRole::Person).await;
    let mut c = t.login(&p, None).await;
    assert_eq!(register(&mut c, s.id, &[("answer", ""), ("answer", "yes")]).await.status, StatusCode::SEE_OTHER);
    let mine = c.get("/fi/events/mine").await;
    assert!(mine.body.contains("CircularArena"));
    let at = mine.body.find("/events/personal/").expect("the feed address is shown") + "/events/personal/".len();
    let feed = format!("/fi/events/personal/{}", &mine.body[at..at + 48]);
    let personal = anon.get(&feed).await;
    assert_eq!(personal.status, StatusCode::OK, "{feed}");
    assert_eq!(starts_in(&personal.body), vec![("CircularArena".to_string(), s.starts_at)]);
    assert!(personal.body.contains("meet.example/arena"), "the link for a participant");
    // A new address ends the old one.
    c.post("/fi/events/mine/calendar-key", &[]).await;
    assert_eq!(anon.get(&feed).await.status, StatusCode::NOT_FOUND);
    assert_eq!(anon.get("/fi/events/personal/not-a-key").await.status, StatusCode::NOT_FOUND);

    // Staff see the cluster's own events as theirs.
    let mut o = t.login(&orch, secret.as_deref()).await;
    assert!(o.get("/fi/events?org=mine").await.body.contains("CircularArena"));
}

async fn simultaneous_registrations_never_overfill(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@ruuhka.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Ruuhka Oy", "approved").await;
    let mut f = form(&org.slug, "Suosittu koulutus", "5");
    f.q_label.clear();
    f.q_kind.clear();
    f.q_choices.clear();
    f.q_required.clear();
    let e = events::create(&t.app, &t.principal(&admin).await, &f).await.unwrap();
    let mut people = Vec::new();
    for i in 0..12 {
        let (u, _) = t.user(&format!("p{i}@ruuhka.test"), PlatformRole::Person).await;
        people.push(t.principal(&u).await);
    }
    let tasks: Vec<_> = people
        .into_iter()
        .map(|p| {
            let app = t.app.clone();
            tokio::spawn(async move {
                let f = registrations::RegisterForm::default();
                // SQLite may answer "busy" to a writer racing another; a person retries.
                for _ in 0..50 {
                    match registrations::register_for(&app, &p, e.id, &f).await {
                        Ok(r) => return r.status,
                        Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                    }
                }
                panic!("registration kept failing");
            })
        })
        .collect();
    let mut placed = 0;
    for task in tasks {
        if task.await.unwrap() == RegistrationStatus::Registered {
            placed += 1;
        }
    }
    assert_eq!(placed, 5);
    let stored = stored(&t, e.id).await;
    assert_eq!((stored.places_taken, stored.waiting), (5, 7));
    let held = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(e.id))
        .filter(event_registration::Column::Status.eq(RegistrationStatus::Registered))
        .count(&t.app.db)
        .await
        .unwrap();
    assert_eq!(held, 5);
}

async fn reminders_feedback_and_counts(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@muistutus.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Muistutus Oy", "approved").await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let organiser = t.principal(&admin).await;
    let mut tomorrow = form(&org.slug, "Huomisen infotilaisuus", "");
    tomorrow.kind = "info-session".into();
    tomorrow.starts_at = local_in(1, 13);
    tomorrow.ends_at = local_in(1, 14);
    let soon = events::create(&t.app, &organiser, &tomorrow).await.unwrap();
    let past = events::create(&t.app, &organiser, &form(&org.slug, "Mennyt työpaja", "")).await.unwrap();
    let (p1, _) = t.user("yksi@osallistujat.test", PlatformRole::Person).await;
    let (p2, _) = t.user("kaksi@osallistujat.test", PlatformRole::Person).await;
    t.add_to_org(&org, &admin, &p1, OrgRole::Member).await;
    for e in [&soon, &past] {
        for p in [&p1, &p2] {
            let mut f = registrations::RegisterForm { answer: vec![String::new(), "no".into()], ..Default::default() };
            if p.id == p1.id {
                f.org = org.slug.clone();
            }
            registrations::register_for(&t.app, &t.principal(p).await, e.id, &f).await.unwrap();
        }
    }
    // The workshop is over: p1 came, p2 did not.
    let mut am: event::ActiveModel = past.clone().into();
    am.starts_at = Set(Utc::now() - Duration::days(2));
    am.ends_at = Set(Utc::now() - Duration::days(2) + Duration::hours(3));
    am.update(&t.app.db).await.unwrap();
    let r1 = reg(&t, past.id, &p1).await;
    let r2 = reg(&t, past.id, &p2).await;
    registrations::organiser_change(&t.app, &organiser, past.id, r1.id, registrations::OrganiserChange::Attended)
        .await
        .unwrap();
    registrations::organiser_change(&t.app, &organiser, past.id, r2.id, registrations::OrganiserChange::NoShow)
        .await
        .unwrap();

    // The morning round, twice: one reminder, one survey, once each.
    events::feedback::daily(&t.app).await.unwrap();
    events::feedback::daily(&t.app).await.unwrap();
    let subjects =
        |emails: Vec<kimppa_store::entities::email::Model>| emails.into_iter().map(|e| e.subject).collect::<Vec<_>>();
    let s1 = subjects(t.emails_to(&p1.email).await);
    assert_eq!(s1.iter().filter(|s| s.starts_with("Huomenna: Huomisen infotilaisuus")).count(), 1, "{s1:?}");
    assert_eq!(s1.iter().filter(|s| s.starts_with("Millainen tapahtuma oli? Mennyt työpaja")).count(), 1, "{s1:?}");
    let s2 = subjects(t.emails_to(&p2.email).await);
    assert!(!s2.iter().any(|s| s.starts_with("Millainen")), "no survey for a no-show: {s2:?}");
    assert_eq!(stored(&t, past.id).await.status, EventStatus::Held);

    // The survey: bad input refused, then saved; only participants answer.
    let mut c1 = t.login(&p1, None).await;
    let link = link_after(&t.last_email_to(&p1.email).await.body_text, "/feedback").unwrap();
    assert_eq!(c1.get(&link).await.status, StatusCode::OK);
    let r = c1.post(&link, &[("score", "11"), ("comment", "Hyvä")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Valitse luku 0–10.") && r.body.contains("Hyvä"));
    assert_eq!(c1.post(&link, &[("score", "9"), ("comment", "Hyviä kontakteja")]).await.status, StatusCode::SEE_OTHER);
    let mut c2 = t.login(&p2, None).await;
    assert_eq!(c2.get(&link).await.status, StatusCode::FORBIDDEN);
    let mut o = t.login(&admin, None).await;
    let page = o.get(&format!("/fi/events/{}", past.id)).await;
    assert!(page.body.contains("Hyviä kontakteja") && page.body.contains("9.0 / 10"), "{}", page.body);

    // The cluster's counts: staff only.
    let year: i32 =
        kimppa_app::finnish_time(stored(&t, past.id).await.starts_at).format("%Y").to_string().parse().unwrap();
    let counts = events::metrics::year(&t.app, &t.elevated(&orch).await, year).await.unwrap();
    assert_eq!((counts.events_held, counts.registrations, counts.attended, counts.no_shows), (1, 2, 1, 1));
    assert_eq!(counts.per_org, vec![("Muistutus Oy".to_string(), 1, 0)]);
    assert_eq!(counts.feedback.answers, 1);
    assert!(events::metrics::year(&t.app, &organiser, year).await.is_err());
    let mut staff = t.login(&orch, secret.as_deref()).await;
    let admin_page = staff.get(&format!("/fi/admin/events?year={year}")).await;
    assert_eq!(admin_page.status, StatusCode::OK);
    assert!(admin_page.body.contains("Muistutus Oy"));
    assert_eq!(o.get("/fi/admin/events").await.status, StatusCode::FORBIDDEN);
}

async fn event_pages_run_a_bounded_number_of_queries(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@paljon.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Paljon Oy", "approved").await;
    let organiser = t.principal(&admin).await;
    let mut sizes = Vec::new();
    for (n, title) in [(10, "Pieni päivä"), (1000, "Suuri päivä")] {
        let e = events::create(&t.app, &organiser, &form(&org.slug, title, "")).await.unwrap();
        // Registrations written directly: the counters as the app keeps them.
        let now = Utc::now();
        let mut ids = Vec::new();
        for i in 0..n {
            let u = user::ActiveModel {
                email: Set(format!("{title}-{i}@paljon.test").replace(' ', "")),
                name: Set(format!("Osallistuja {i}")),
                password_hash: Set(String::new()),
                platform_role: Set(PlatformRole::Person),
                locale: Set("fi".into()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&t.app.db)
            .await
            .unwrap();
            ids.push(u.id);
        }
        for chunk in ids.chunks(200) {
            event_registration::Entity::insert_many(chunk.iter().map(|uid| event_registration::ActiveModel {
                event_id: Set(e.id),
                user_id: Set(*uid),
                org_id: Set(None),
                status: Set(RegistrationStatus::Registered),
                answers: Set("{}".into()),
                offered_until: Set(None),
                attended: Set(None),
                checked_in_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }))
            .exec(&t.app.db)
            .await
            .unwrap();
        }
        let mut am: event::ActiveModel = e.clone().into();
        am.places_taken = Set(n);
        am.update(&t.app.db).await.unwrap();
        sizes.push(e.id);
    }
    let (router, count) = crate::common::counted(&t);
    let mut c = Client { router, cookie: None, csrf: None };
    // Once to fill the node's reference data (municipalities, menu).
    c.get("/fi/events").await;
    let mut queries = Vec::new();
    for id in &sizes {
        for path in ["/fi/events".to_string(), format!("/fi/events/{id}")] {
            count.store(0, std::sync::atomic::Ordering::SeqCst);
            let r = c.get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            queries.push(count.load(std::sync::atomic::Ordering::SeqCst));
        }
    }
    assert_eq!(queries[0], queries[2], "the list: {queries:?}");
    assert_eq!(queries[1], queries[3], "the page with 10 and 1,000 registrations: {queries:?}");
    assert!(queries.iter().all(|q| *q <= 12), "{queries:?}");
}

async fn one_to_one_meetings_are_never_double_booked(b: kimppa_store::testing::Backend) {
    use kimppa_app::events::meetings;
    use kimppa_domain::MeetingStatus;
    use kimppa_store::entities::meeting_request;
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@tapaamiset.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Tapaamiset Oy", "approved").await;
    let mut f = form(&org.slug, "Matchmaking-päivä", "");
    f.q_label.clear();
    f.q_kind.clear();
    f.q_choices.clear();
    f.q_required.clear();
    let e = events::create(&t.app, &t.principal(&admin).await, &f).await.unwrap();
    let mut organiser = t.login(&admin, None).await;

    // A session outside the event's hours is refused beside the field.
    organiser.get(&format!("/fi/events/{}/meetings/setup", e.id)).await;
    let bad = organiser
        .post(
            &format!("/fi/events/{}/meetings/setup", e.id),
            &[("slot_minutes", "30"), ("sessions", "08:00-10:00"), ("tables", "1")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Jakso on tapahtuman ajan ulkopuolella.") && bad.body.contains("08:00-10:00"),
        "{}",
        bad.body
    );
    // Two sessions of two 30-minute slots with a break, one table.
    let r = organiser
        .post(
            &format!("/fi/events/{}/meetings/setup", e.id),
            &[
                ("slot_minutes", "30"),
                ("sessions", "09:00-10:00\n11:00-12:00"),
                ("tables", "1"),
                ("table_names", "Ikkunapöytä"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let setup = meetings::setup(&t.app, e.id).await.unwrap().unwrap();
    let slots = meetings::slots(&e, &setup);
    assert_eq!(slots.len(), 4);
    assert_eq!(slots[2].starts_at - slots[1].ends_at, Duration::hours(1), "the break between sessions");

    // Four participants with profiles.
    let mut people = Vec::new();
    for (name, offers, seeks) in [
        ("anna", "Betonimursketta purkukohteista", "Kuljetuksia"),
        ("bert", "Kuljetuksia ja logistiikkaa", "Betonimursketta tierakenteisiin"),
        ("cecilia", "Laboratoriotestausta", "Asiakkaita"),
        ("daniel", "Rahoitusta", "Kasvuyrityksiä"),
    ] {
        let (u, mut c) = person(&t, &format!("{name}@tapaamiset.test")).await;
        assert_eq!(register(&mut c, e.id, &[]).await.status, StatusCode::SEE_OTHER);
        c.get(&format!("/fi/events/{}/meetings", e.id)).await;
        let r = c
            .post(
                &format!("/fi/events/{}/meetings/profile", e.id),
                &[("offers", offers), ("seeks", seeks), ("focus_areas", "construction")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        people.push((u, c));
    }
    let users: Vec<user::Model> = people.iter().map(|x| x.0.clone()).collect();
    let p = |i: usize| users[i].clone();
    // Anna's best suggestion is Bert, whose offer meets what she seeks.
    let o = meetings::overview(&t.app, &t.principal(&p(0)).await, e.id, None, None).await.unwrap();
    assert_eq!(o.people[0].user_id, p(1).id, "{:?}", o.people.iter().map(|x| (&x.name, x.score)).collect::<Vec<_>>());
    let page = people[0].1.get(&format!("/fi/events/{}/meetings", e.id)).await;
    assert!(page.body.contains("Tarjonta ja tarpeet kohtaavat"), "the reason is shown");

    // Requests and acceptances: one table, so no slot holds two meetings.
    let ask = |from: usize, to: usize| {
        let t = &t;
        let (fu, tu) = (p(from), p(to));
        async move { meetings::request(&t.app, &t.principal(&fu).await, e.id, tu.id, "Tavataan?").await.unwrap() }
    };
    let ab = ask(0, 1).await;
    assert!(t.last_email_to(&p(1).email).await.subject.contains("pyytää tapaamista"));
    assert!(
        meetings::request(&t.app, &t.principal(&p(1)).await, e.id, p(0).id, "").await.is_err(),
        "one request per pair"
    );
    let ac = ask(0, 2).await;
    let db = ask(3, 1).await;
    let cd = ask(2, 3).await;
    let bc = ask(1, 2).await;
    // Only the one asked may answer.
    assert!(meetings::answer(&t.app, &t.principal(&p(0)).await, e.id, ab.id, true).await.is_err());
    let r =
        people[1].1.post(&format!("/fi/events/{}/meetings/requests/{}", e.id, ab.id), &[("action", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for (who, req) in [(2, &ac), (1, &db), (3, &cd), (2, &bc)] {
        meetings::answer(&t.app, &t.principal(&p(who)).await, e.id, req.id, true).await.unwrap();
    }
    let check = |rows: &[meeting_request::Model]| {
        let mut people = std::collections::BTreeSet::new();
        let mut tables = std::collections::BTreeSet::new();
        for m in rows.iter().filter(|m| m.slot.is_some()) {
            let s = m.slot.unwrap();
            assert!(people.insert((m.from_user, s)) && people.insert((m.to_user, s)), "a person twice in slot {s}");
            assert!(tables.insert((s, m.table_no.unwrap())), "a table twice in slot {s}");
        }
    };
    let rows =
        meeting_request::Entity::find().filter(meeting_request::Column::EventId.eq(e.id)).all(&t.app.db).await.unwrap();
    assert!(rows.iter().all(|m| m.status == MeetingStatus::Accepted));
    check(&rows);
    assert_eq!(rows.iter().filter(|m| m.slot.is_some()).count(), 4, "four slots, one table: four meetings placed");
    let left: Vec<&meeting_request::Model> = rows.iter().filter(|m| m.slot.is_none()).collect();
    assert_eq!(left.len(), 1);
    assert!(!left[0].unplaced.is_empty());

    // The organiser locks one meeting and runs the scheduler: the lock stays.
    let ab_now = rows.iter().find(|m| m.id == ab.id).unwrap().clone();
    meetings::lock(&t.app, &t.principal(&admin).await, e.id, ab.id, true).await.unwrap();
    let grid = organiser.get(&format!("/fi/events/{}/meetings/grid", e.id)).await;
    assert!(grid.body.contains("Ikkunapöytä") && grid.body.contains("Vapauta"), "{}", grid.body);
    organiser.post(&format!("/fi/events/{}/meetings/schedule", e.id), &[]).await;
    let rows =
        meeting_request::Entity::find().filter(meeting_request::Column::EventId.eq(e.id)).all(&t.app.db).await.unwrap();
    check(&rows);
    let ab_after = rows.iter().find(|m| m.id == ab.id).unwrap();
    assert_eq!((ab_after.slot, ab_after.table_no), (ab_now.slot, ab_now.table_no), "the locked meeting kept its place");
    assert_eq!(rows.iter().filter(|m| m.slot.is_some()).count(), 4);
    assert!(
        rows.iter().filter(|m| m.slot.is_none()).all(|m| !m.unplaced.is_empty()),
        "every meeting left out says why"
    );
    assert!(meetings::setup(&t.app, e.id).await.unwrap().unwrap().scheduled_at.is_some());

    // Each sees their agenda, as a page and as a calendar.
    let agenda = people[0].1.get(&format!("/fi/events/{}/meetings/agenda", e.id)).await;
    assert_eq!(agenda.status, StatusCode::OK);
    assert!(agenda.body.contains("Ikkunapöytä"));
    let ics = people[0].1.get(&format!("/fi/events/{}/meetings/agenda?format=ics", e.id)).await;
    let mine: Vec<_> = starts_in(&ics.body);
    let a_id = p(0).id;
    let placed_for_anna =
        rows.iter().filter(|m| m.slot.is_some() && (m.from_user == a_id || m.to_user == a_id)).count();
    assert_eq!(mine.len(), placed_for_anna);
    for (_, start) in &mine {
        assert!(slots.iter().any(|s| s.starts_at == *start), "a meeting starts at a slot");
    }
    // Rating waits for the meeting; an outsider sees no meetings page.
    assert!(meetings::rate(&t.app, &t.principal(&p(0)).await, e.id, ab.id, "deal").await.is_err());
    let (_, mut outsider) = person(&t, "ulkopuolinen@tapaamiset.test").await;
    assert_eq!(outsider.get(&format!("/fi/events/{}/meetings", e.id)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(people[0].1.get(&format!("/fi/events/{}/meetings/grid", e.id)).await.status, StatusCode::FORBIDDEN);

    // After the meeting both sides rate it, and the cluster counts it.
    let mut am: event::ActiveModel = e.clone().into();
    am.starts_at = Set(Utc::now() - Duration::days(1) - Duration::hours(3));
    am.ends_at = Set(Utc::now() - Duration::days(1));
    am.status = Set(EventStatus::Held);
    am.update(&t.app.db).await.unwrap();
    let ab_row = rows.iter().find(|m| m.id == ab.id).unwrap();
    let from = if ab_row.from_user == a_id { 0 } else { 1 };
    meetings::rate(&t.app, &t.principal(&p(from)).await, e.id, ab.id, "follow-up").await.unwrap();
    meetings::rate(&t.app, &t.principal(&p(1 - from)).await, e.id, ab.id, "deal").await.unwrap();
    let (held, outcomes) = meetings::held_counts(&t.app, &[e.id]).await.unwrap();
    assert_eq!(held, 4);
    assert_eq!(outcomes.values().sum::<u32>(), 2);
}

async fn edits_keep_answers_and_counters_true(b: kimppa_store::testing::Backend) {
    use kimppa_store::entities::event_question;
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@muokkaus.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Muokkaus Oy", "approved").await;
    let organiser = t.principal(&admin).await;
    let e = events::create(&t.app, &organiser, &form(&org.slug, "Muokattava päivä", "1")).await.unwrap();
    // An operator's webhook endpoint hears of each new registration.
    kimppa_store::entities::webhook_endpoint::ActiveModel {
        url: Set("http://127.0.0.1:9/hook".into()),
        secret: Set("salaisuus".into()),
        description: Set("CRM".into()),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let (a, _) = t.user("a@muokkaus.test", PlatformRole::Person).await;
    let (b2, _) = t.user("b@muokkaus.test", PlatformRole::Person).await;
    let pa = t.principal(&a).await;
    let f = registrations::RegisterForm { answer: vec!["gluteeniton".into(), "yes".into()], ..Default::default() };
    registrations::register_for(&t.app, &pa, e.id, &f).await.unwrap();
    registrations::register_for(&t.app, &t.principal(&b2).await, e.id, &f).await.unwrap();
    // Registering again while registered, or twice in a row, changes nothing.
    assert!(registrations::register_for(&t.app, &pa, e.id, &f).await.is_err());
    let hooks = kimppa_store::entities::webhook_delivery::Entity::find().all(&t.app.db).await.unwrap();
    assert_eq!(hooks.iter().filter(|d| d.event == "registration.created").count(), 2, "one per registration");
    let body: serde_json::Value = serde_json::from_str(&hooks[0].payload).unwrap();
    assert_eq!(body["event_id"], e.id);
    assert!(!hooks[0].payload.contains("muokkaus.test"), "no personal data");

    // The first question removed: the answer to the second stays with it.
    let questions = events::questions(&t.app, e.id).await.unwrap();
    let mut edit = EventForm::of(&stored(&t, e.id).await, &questions, &org.slug);
    edit.q_id.remove(0);
    edit.q_label.remove(0);
    edit.q_kind.remove(0);
    edit.q_choices.remove(0);
    edit.q_required.remove(0);
    events::update(&t.app, &organiser, e.id, &edit).await.unwrap();
    let left =
        event_question::Entity::find().filter(event_question::Column::EventId.eq(e.id)).all(&t.app.db).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, questions[1].id, "the kept question is the same row");
    let answers = registrations::answers_of(&reg(&t, e.id, &a).await);
    assert_eq!(answers.get(&left[0].id).map(String::as_str), Some("yes"));

    // A new time is told to those holding a place, with the calendar file.
    let mut later = EventForm::of(&stored(&t, e.id).await, &events::questions(&t.app, e.id).await.unwrap(), &org.slug);
    later.starts_at = local_in(31, 10);
    later.ends_at = local_in(31, 12);
    let before = stored(&t, e.id).await;
    events::update(&t.app, &organiser, e.id, &later).await.unwrap();
    let moved = stored(&t, e.id).await;
    let told = t.last_email_to(&a.email).await;
    assert!(told.subject.starts_with("Muuttunut"), "{}", told.subject);
    assert_eq!(starts_in(&told.attachment)[0].1, moved.starts_at);
    assert!(told.attachment.contains("SEQUENCE:"));
    assert!(moved.updated_at >= before.updated_at);
    assert!(
        t.emails_to(&b2.email).await.iter().all(|m| !m.subject.starts_with("Muuttunut")),
        "the waiting are not told"
    );

    // Cancelling twice: the second finds nothing to cancel; the counters hold.
    registrations::cancel_own(&t.app, &pa, e.id).await.unwrap();
    assert!(registrations::cancel_own(&t.app, &pa, e.id).await.is_err());
    let now = stored(&t, e.id).await;
    let count = |s: RegistrationStatus| {
        let t = &t;
        async move {
            event_registration::Entity::find()
                .filter(event_registration::Column::EventId.eq(e.id))
                .filter(event_registration::Column::Status.eq(s))
                .count(&t.app.db)
                .await
                .unwrap() as i32
        }
    };
    let held = count(RegistrationStatus::Registered).await + count(RegistrationStatus::Offered).await;
    assert_eq!((now.places_taken, now.waiting), (held, count(RegistrationStatus::Waiting).await));
    assert_eq!(reg(&t, e.id, &b2).await.status, RegistrationStatus::Offered, "the freed place went on");

    // A draft cannot be cancelled into sight; a published event is, once.
    let mut d = form(&org.slug, "Luonnos", "");
    d.action = "draft".into();
    let draft = events::create(&t.app, &organiser, &d).await.unwrap();
    assert!(events::set_state(&t.app, &organiser, draft.id, events::StateChange::Cancel, "").await.is_err());
    assert_eq!(stored(&t, draft.id).await.status, EventStatus::Draft);
    events::set_state(&t.app, &organiser, e.id, events::StateChange::Cancel, "Siirtyy.").await.unwrap();
    assert!(events::set_state(&t.app, &organiser, e.id, events::StateChange::Cancel, "").await.is_err());
    let told = t.emails_to(&b2.email).await.into_iter().filter(|m| m.subject.starts_with("Peruttu")).count();
    assert_eq!(told, 1, "told once");
}

both_backends!(
    the_waiting_list_passes_freed_places_on,
    members_only_events_stay_with_members,
    calendars_carry_finnish_time,
    simultaneous_registrations_never_overfill,
    reminders_feedback_and_counts,
    event_pages_run_a_bounded_number_of_queries,
    one_to_one_meetings_are_never_double_booked,
    edits_keep_answers_and_counters_true,
);
