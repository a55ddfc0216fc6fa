//! The materials marketplace end to end: a side stream is listed (bad input
//! re-shown with its errors), published and matched with its counter-listing
//! (the reasons shown, both parties emailed, hazardous waste never paired
//! with a side that does not accept it), feedback is stored, the listing is
//! closed with a deal that becomes a realised symbiosis whose CO2e comes from
//! the orchestrators' emission factor, and the impact and quality figures
//! count it; visibility, the coordinator's region list and CSV export, a
//! workshop report, the feed, the JSON API, expiry reminders; and a bounded
//! number of queries on a listing page with few and many matches.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_domain::ListingStatus;
use kimppa_domain::{OrgRole, PlatformRole};
use kimppa_store::{
    entities::{listing, listing_match, symbiosis},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set},
};

async fn list(c: &mut Client, fields: &[(&str, &str)]) -> i32 {
    c.get("/fi/materials/new").await;
    let r = c.post("/fi/materials/new", fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The browser shows the new listing (and its message).
    assert_eq!(c.follow(&r).await.status, StatusCode::OK);
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

fn fields<'a>(
    org: &'a str,
    kind: &'a str,
    class: &'a str,
    title: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("org", org),
        ("kind", kind),
        ("class_code", class),
        ("title", title),
        ("description", "Tasainen virta, analyysit saatavilla."),
        ("unit", "t"),
        ("frequency", "month"),
        ("price_kind", "negotiable"),
        ("visibility", "public"),
        ("available_from", "2026-01-01"),
        ("action", "publish"),
    ];
    f.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    f.extend_from_slice(extra);
    f
}

async fn a_side_stream_becomes_a_symbiosis(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (energy, _) = t.user("energia@voimala.test", PlatformRole::Person).await;
    let (staff_member, _) = t.user("tyontekija@voimala.test", PlatformRole::Person).await;
    let (builder, _) = t.user("rakentaja@tie.test", PlatformRole::Person).await;
    let (stranger, _) = t.user("muu@eijasen.test", PlatformRole::Person).await;
    let (coord, _) = t.user("koordinaattori@klusteri.test", PlatformRole::Person).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let voimala = t.org(&energy, "Voimala Oy", "approved").await;
    t.add_to_org(&voimala, &energy, &staff_member, OrgRole::Member).await;
    let tie = t.org(&builder, "Tuhkatie Oy", "approved").await;
    let _other = t.org(&stranger, "Ei Jäsen Oy", "none").await;

    // Bad input is re-shown with the errors beside the fields.
    let mut e = t.login(&staff_member, None).await;
    e.get("/fi/materials/new").await;
    let bad = e
        .post(
            "/fi/materials/new",
            &fields(&voimala.slug, "offer", "10", "", &[("quantity", "paljon"), ("municipality", "564")]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("paljon"), "typed value kept");
    assert!(bad.body.contains("Anna positiivinen luku."), "{}", bad.body);
    assert!(bad.body.contains("Valitse jäteluettelon koodi"), "a chapter is not a listing's class");
    assert_eq!(listing::Entity::find().count(&t.app.db).await.unwrap(), 0, "nothing saved");

    // A member (not an admin) lists the fly ash; the road builder wants ash.
    let ash = list(
        &mut e,
        &fields(
            &voimala.slug,
            "offer",
            "10 01 03",
            "Lentotuhka voimalaitokselta",
            &[("quantity", "100"), ("municipality", "564"), ("max_km", "200"), ("notify_threshold", "50")],
        ),
    )
    .await;
    let oil = list(
        &mut e,
        &fields(
            &voimala.slug,
            "offer",
            "13 02 08",
            "Käytetyt voiteluöljyt",
            &[("quantity", "5"), ("municipality", "564")],
        ),
    )
    .await;
    let mut r = t.login(&builder, None).await;
    let want = list(
        &mut r,
        &fields(
            &tie.slug,
            "want",
            "10 01 01",
            "Tuhkaa tierakenteisiin",
            &[("quantity", "80"), ("municipality", "889"), ("accepts", "10 01 03"), ("notify_threshold", "40")],
        ),
    )
    .await;
    // Wants used oil but has no permit for hazardous waste: never paired.
    let oil_want =
        list(&mut r, &fields(&tie.slug, "want", "13 02 08", "Öljyä polttoaineeksi", &[("municipality", "889")])).await;
    // A members-only want with an analysis report; a file that is not a PDF or an image is refused.
    let hidden_fields = fields(
        &tie.slug,
        "want",
        "10 01 03",
        "Vain jäsenille: tuhka",
        &[("municipality", "889"), ("visibility", "members")],
    );
    r.get("/fi/materials/new").await;
    let bad = r.post_multipart("/fi/materials/new", &hidden_fields, "attachment", "raportti.exe", b"MZ\x90\x00").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Vain jäsenille: tuhka"), "typed title kept");
    let ok =
        r.post_multipart("/fi/materials/new", &hidden_fields, "attachment", "analyysi.pdf", b"%PDF-1.4\n%test\n").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let hidden: i32 = ok.location().rsplit('/').next().unwrap().parse().unwrap();
    let draft = list(
        &mut r,
        &fields(&tie.slug, "want", "10 01 03", "Luonnos: tuhka", &[("municipality", "889"), ("action", "draft")]),
    )
    .await;
    assert!(listing::Entity::find_by_id(oil).one(&t.app.db).await.unwrap().unwrap().hazardous, "the asterisk");
    t.run_jobs().await;

    let pair = |a: i32, b: i32| {
        listing_match::Entity::find()
            .filter(listing_match::Column::ListingId.eq(a))
            .filter(listing_match::Column::OtherId.eq(b))
            .one(&t.app.db)
    };
    let m = pair(ash, want).await.unwrap().expect("the ash offer matches the want");
    assert!(pair(want, ash).await.unwrap().is_some(), "both sides have the match");
    assert!(pair(oil, oil_want).await.unwrap().is_none(), "hazardous waste only to a side that accepts it");
    assert!(pair(ash, draft).await.unwrap().is_none(), "drafts are not matched");
    let reasons = kimppa_app::materials::matching::reasons_of(&m);
    let sum: f64 = reasons.iter().map(|r| r.points).sum();
    assert!((sum - m.score).abs() < 1e-9, "the reasons add up to the score");
    // Both parties are told (their thresholds are met).
    assert!(t.last_email_to(&staff_member.email).await.subject.contains("Lentotuhka voimalaitokselta"));
    assert!(t.emails_to(&builder.email).await.iter().any(|m| m.body_text.contains("Lentotuhka voimalaitokselta")));

    // The owner sees the match and why.
    let page = e.get(&format!("/fi/materials/{ash}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Tuhkaa tierakenteisiin"), "{}", page.body);
    assert!(page.body.contains("Luokka on ilmoitettu kelpaavaksi"), "the want declared the class: its owner's word");
    assert!(page.body.contains("Ottaa vastaan 80 % tarjotusta"), "the want of 80 t takes 80 % of the 100 t offered");
    let want_page = t.login(&builder, None).await.get(&format!("/fi/materials/{want}")).await.body;
    assert!(want_page.contains("Kattaa tarpeesta 100 %"), "seen from the want, the offer covers the need");
    assert!(page.body.contains("Etäisyys"), "distance reason");

    // Contacting the organisation about a listing starts the message with it.
    let mut b = t.login(&builder, None).await;
    let contact = b.get(&format!("/fi/organisations/{}/contact?listing={ash}", voimala.slug)).await;
    assert!(contact.body.contains("ilmoituksestanne &#34;Lentotuhka voimalaitokselta&#34;"), "{}", contact.body);
    assert!(contact.body.contains(&format!("/fi/materials/{ash}\n")), "the listing's address");

    // Who sees what.
    let mut anon = t.client();
    assert_eq!(anon.get(&format!("/fi/materials/{ash}")).await.status, StatusCode::OK);
    assert!(anon.cookie.is_none(), "reading a listing starts no session");
    assert!(
        !anon.get(&format!("/fi/materials/{ash}")).await.body.contains("Tuhkaa tierakenteisiin"),
        "matches are the owner's"
    );
    let mut s = t.login(&stranger, None).await;
    assert_eq!(s.get(&format!("/fi/materials/{hidden}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&format!("/fi/materials/{draft}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(e.get(&format!("/fi/materials/{hidden}")).await.status, StatusCode::OK, "members see members-only");
    assert_eq!(e.get(&format!("/fi/materials/{draft}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&format!("/fi/materials/{ash}/edit")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&format!("/fi/materials/{hidden}/attachment")).await.status, StatusCode::NOT_FOUND);
    let report = e.get(&format!("/fi/materials/{hidden}/attachment")).await;
    assert_eq!(report.status, StatusCode::OK, "members read a members-only listing's report");
    assert!(report.body.starts_with("%PDF"));
    // Search keeps visibility too.
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let found = anon.get("/fi/search?q=tierakenteisiin").await;
    assert!(found.body.contains("Tuhkaa tierakenteisiin"), "published listings are searched");
    assert!(!anon.get("/fi/search?q=j%C3%A4senille").await.body.contains("Vain jäsenille: tuhka"));
    assert!(e.get("/fi/search?q=j%C3%A4senille").await.body.contains("Vain jäsenille: tuhka"), "members find it");

    // Feedback: the owner's only.
    s.get("/fi/materials").await;
    let r2 = s.post(&format!("/fi/materials/matches/{}/feedback", m.id), &[("feedback", "relevant")]).await;
    assert_eq!(r2.status, StatusCode::NOT_FOUND);
    let r2 = e.post(&format!("/fi/materials/matches/{}/feedback", m.id), &[("feedback", "contacted")]).await;
    assert_eq!(r2.status, StatusCode::SEE_OTHER);
    assert_eq!(pair(ash, want).await.unwrap().unwrap().feedback, "contacted");

    // The orchestrators keep the emission factors.
    let mut o = t.login(&orch, secret.as_deref()).await;
    o.get("/fi/admin/materials").await;
    let f = o
        .post(
            "/fi/admin/materials/factors",
            &[("class_pattern", "10 01"), ("kg_co2e_per_tonne", "20"), ("source", "Testilähde"), ("year", "2026")],
        )
        .await;
    assert_eq!(f.status, StatusCode::SEE_OTHER, "{}", f.body);
    let f = o.post("/fi/admin/materials/factors", &[("class_pattern", "99"), ("kg_co2e_per_tonne", "x")]).await;
    assert_eq!(f.status, StatusCode::UNPROCESSABLE_ENTITY);
    e.get("/fi/admin/materials").await;
    let f = e.post("/fi/admin/materials/factors", &[("class_pattern", "10"), ("kg_co2e_per_tonne", "1")]).await;
    assert_eq!(f.status, StatusCode::FORBIDDEN);

    // … and complete the List of Waste from CSV: the whole file or nothing; a code given twice, the last wins.
    use kimppa_store::entities::material_class;
    let title_of = |code: &'static str| {
        let db = t.app.db.clone();
        async move {
            material_class::Entity::find()
                .filter(material_class::Column::Code.eq(code))
                .one(&db)
                .await
                .unwrap()
                .map(|c| c.title_fi)
        }
    };
    let before = material_class::Entity::find().count(&t.app.db).await.unwrap();
    o.get("/fi/admin/materials").await;
    let bad_csv = "code,hazardous,title_en,title_fi\n17 09 04,0,renamed,uusi nimi\n99 01 01,0,x,y\n";
    let r = o.post_multipart("/fi/admin/materials/classes", &[], "attachment", "ewc.csv", bad_csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_ne!(title_of("17 09 04").await.as_deref(), Some("uusi nimi"), "nothing imported");
    let csv = "code,hazardous,title_en,title_fi\n17 09 04,0,first,ensin\n170904,0,mixed (again),sekalainen (toistamiseen)\n17 09 98*,,test entry,testinimike\n";
    let r = o.post_multipart("/fi/admin/materials/classes", &[], "attachment", "ewc.csv", csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(title_of("17 09 04").await.as_deref(), Some("sekalainen (toistamiseen)"));
    assert_eq!(material_class::Entity::find().count(&t.app.db).await.unwrap(), before + 1);
    let added = material_class::Entity::find()
        .filter(material_class::Column::Code.eq("17 09 98"))
        .one(&t.app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(added.hazardous && added.level == "entry", "the asterisk marks it hazardous");

    // Closing asks what happened; a deal is a realised symbiosis.
    e.get(&format!("/fi/materials/{ash}/close")).await;
    let bad = e.post(&format!("/fi/materials/{ash}/close"), &[("outcome", "deal"), ("tonnes_per_year", "-1")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = e
        .post(
            &format!("/fi/materials/{ash}/close"),
            &[("outcome", "deal"), ("deal_org", &tie.slug), ("tonnes_per_year", "1200"), ("deal_from", "2026-11-01")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let sym = symbiosis::Entity::find().one(&t.app.db).await.unwrap().expect("a symbiosis");
    assert_eq!((sym.provider_org_id, sym.receiver_org_id), (voimala.id, tie.id));
    assert!((sym.co2e_tonnes - 24.0).abs() < 1e-9, "1,200 t at 20 kg CO2e/t");
    let l = e.post(&format!("/fi/materials/{oil}/close"), &[("outcome", "no-deal"), ("reason", "regulation")]).await;
    assert_eq!(l.status, StatusCode::SEE_OTHER);
    t.run_jobs().await;
    assert!(pair(ash, want).await.unwrap().is_some(), "a match with feedback is kept after closing");
    // The deal waits for Tuhkatie's confirmation: absent from every public figure, page, feed and API.
    assert_eq!(sym.confirmation, "pending");
    let listpage = anon.get("/fi/materials").await;
    assert!(!listpage.body.contains("1\u{a0}200 t") && !listpage.body.contains("24 t CO2e"), "not counted yet");
    assert!(listpage.body.contains("<dd>0</dd>"), "no confirmed symbiosis yet");
    for path in [format!("/fi/organisations/{}", tie.slug), format!("/fi/organisations/{}", voimala.slug)] {
        let page = anon.get(&path).await.body;
        assert!(!page.contains("1200 t/"), "{path} counts no unconfirmed deal");
    }
    let own = e.get(&format!("/fi/materials/{ash}")).await.body;
    assert!(
        own.contains("symbiosis-title") && own.contains("Odottaa toisen osapuolen vahvistusta"),
        "its parties see it"
    );
    for path in ["/fi/materials/feed.xml", "/api/v1/listings"] {
        let body = anon.get(path).await.body;
        assert!(!body.contains("1200") && !body.contains("1\u{a0}200"), "{path}");
    }
    let staff_page = t.login(&orch, secret.as_deref()).await.get("/fi/admin/materials").await.body;
    assert!(staff_page.contains("Yksi kauppa odottaa toisen osapuolen vahvistusta"), "staff see the waiting deal");
    // Tuhkatie's admin is told (email and notice); others cannot answer for it.
    let told = t.last_email_to(&builder.email).await;
    assert!(told.subject.starts_with("Vahvistakaa kauppa"), "{}", told.subject);
    let deal_url = format!("/fi/materials/deals/{}", sym.id);
    assert!(told.body_text.contains(&deal_url), "{}", told.body_text);
    let mut bc = t.login(&builder, None).await;
    assert!(bc.get("/fi/notifications").await.body.contains("kirjasi kanssanne kaupan"), "an in-app notice");
    let mut sc = t.login(&stranger, None).await;
    assert_eq!(sc.get(&deal_url).await.status, StatusCode::NOT_FOUND, "not a party");
    let recorder_view = e.get(&deal_url).await;
    assert_eq!(recorder_view.status, StatusCode::OK);
    assert!(!recorder_view.body.contains("Vahvista kauppa"), "the recorder does not confirm its own deal");
    let r = e.post(&deal_url, &[("decision", "confirm")]).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER, "the recorder cannot confirm");
    // A dispute needs a reason; the form keeps what was typed.
    let page = bc.get(&deal_url).await;
    assert!(page.body.contains("Odottaa toisen osapuolen vahvistusta") && page.body.contains("Vahvista kauppa"));
    let r = bc.post(&deal_url, &[("decision", "dispute"), ("dispute_note", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("f-dispute_note-error"), "{}", r.body);
    let r = bc.post(&deal_url, &[("decision", "dispute"), ("dispute_note", "Määrä on 800 t, ei 1 200 t.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!anon.get("/fi/materials").await.body.contains("24 t CO2e"), "a disputed deal does not count");
    assert!(e.get(&deal_url).await.body.contains("Määrä on 800 t"), "the recorder sees why");
    // Settled and confirmed: now it counts, with the illustrative share of its CO2e said.
    let r = bc.post(&deal_url, &[("decision", "confirm")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let listpage = anon.get("/fi/materials").await;
    assert!(listpage.body.contains("1\u{a0}200 t") && listpage.body.contains("24 t CO2e"), "impact figures");
    assert!(listpage.body.contains("Luvuissa ovat mukana vain kaupat, jotka molemmat osapuolet ovat vahvistaneet"));
    assert!(!e.get(&format!("/fi/materials/{ash}")).await.body.contains("Odottaa toisen osapuolen"), "confirmed");
    assert!(anon.get(&format!("/fi/organisations/{}", tie.slug)).await.body.contains("1200 t/"));
    let factors = anon.get("/fi/materials/factors").await;
    assert_eq!(factors.status, StatusCode::OK);
    assert!(factors.body.contains("Päästökertoimet"));
    assert!(!listpage.body.contains("Lentotuhka voimalaitokselta"), "closed listings leave the public list");
    let (months, reasons) =
        kimppa_app::materials::outcomes::quality(&t.app, &t.elevated(&orch).await, None).await.unwrap();
    let now = &months[0];
    assert!(now.matches >= 2 && now.contacted == 1 && now.deals == 1 && now.no_deals == 1, "{now:?}");
    assert_eq!(now.precision(), Some(100));
    assert_eq!(reasons.get("regulation"), Some(&1));

    // A coordinator finds and exports the region's listings, closed ones too.
    let add =
        o.post("/fi/admin/materials/coordinators", &[("email", &coord.email), ("region", "pohjois-pohjanmaa")]).await;
    assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
    let mut k = t.login(&coord, None).await;
    let region = k.get("/fi/materials/region?region=pohjois-pohjanmaa").await;
    assert_eq!(region.status, StatusCode::OK);
    assert!(region.body.contains("Lentotuhka voimalaitokselta") && region.body.contains("Kauppa syntyi"));
    assert!(!region.body.contains("Luonnos: tuhka"), "drafts stay private");
    let csv = k.get("/fi/materials/region/export.csv?region=pohjois-pohjanmaa&status=closed").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.body.starts_with("\u{feff}id;status;kind;"), "a byte-order mark and semicolons for spreadsheets");
    let rows: Vec<&str> = csv.body.lines().collect();
    assert_eq!(rows.len(), 3, "header and the two closed listings: {}", csv.body);
    assert!(
        rows.iter().any(|r| r.contains("Lentotuhka voimalaitokselta") && r.contains(";deal;") && r.ends_with(";24"))
    );
    let commas = k.get("/fi/materials/region/export.csv?region=pohjois-pohjanmaa&status=closed&sep=comma").await;
    assert!(commas.body.starts_with("\u{feff}id,status,kind,"));
    assert_eq!(s.get("/fi/materials/region?region=pohjois-pohjanmaa").await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get("/fi/materials/region/export.csv?region=pohjois-pohjanmaa").await.status, StatusCode::FORBIDDEN);
    assert_eq!(k.get("/fi/materials/region/export.csv?region=uusimaa").await.status, StatusCode::FORBIDDEN);
    // … and records a workshop; listings made there show on its report.
    k.get("/fi/materials/workshops/new").await;
    let w = k
        .post(
            "/fi/materials/workshops/new",
            &[
                ("title", "Tuhkatyöpaja"),
                ("held_on", "2026-11-20"),
                ("municipality", "678"),
                ("participants", "Voimala Oy\nTuhkatie Oy"),
            ],
        )
        .await;
    assert_eq!(w.status, StatusCode::SEE_OTHER, "{}", w.body);
    let wid = w.location().rsplit('/').next().unwrap().to_string();
    let mut hidden_row = listing::Entity::find_by_id(want).one(&t.app.db).await.unwrap().unwrap().into_active_model();
    hidden_row.workshop_id = Set(Some(wid.parse().unwrap()));
    hidden_row.update(&t.app.db).await.unwrap();
    let report = anon.get(&format!("/fi/materials/workshops/{wid}")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("Tuhkaa tierakenteisiin") && report.body.contains("Tuhkatie Oy"));

    // The feed and the JSON API take the list's filters and keep visibility.
    let near = anon.get("/fi/materials?kind=want&near=564&km=150").await;
    assert!(near.body.contains("Tuhkaa tierakenteisiin") && near.body.contains("km päässä"), "distance shown");
    assert!(!anon.get("/fi/materials?kind=want&near=091&km=50").await.body.contains("Tuhkaa tierakenteisiin"));
    let feed = anon.get("/fi/materials/feed.xml?kind=want").await;
    assert!(feed.body.contains("Tuhkaa tierakenteisiin") && !feed.body.contains("Vain jäsenille"));
    assert!(!anon.get("/fi/materials/feed.xml?kind=offer").await.body.contains("Tuhkaa tierakenteisiin"));
    let api = anon.get_json("/api/v1/listings?kind=want&region=pohjois-pohjanmaa").await;
    assert_eq!(api.status, StatusCode::OK);
    let items = api.json()["items"].as_array().cloned().unwrap_or_default();
    let titles: Vec<&str> = items.iter().filter_map(|i| i["title"].as_str()).collect();
    assert!(titles.contains(&"Tuhkaa tierakenteisiin") && !titles.contains(&"Vain jäsenille: tuhka"), "{titles:?}");
    assert_eq!(anon.get_json(&format!("/api/v1/listings/{hidden}")).await.status, StatusCode::NOT_FOUND);

    // Expiry: a reminder a week before, then expired.
    let set_expiry = |id: i32, days: i64| {
        let db = t.app.db.clone();
        async move {
            let mut a = listing::Entity::find_by_id(id).one(&db).await.unwrap().unwrap().into_active_model();
            a.expires_on =
                Set((kimppa_app::materials::today() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string());
            a.update(&db).await.unwrap();
        }
    };
    set_expiry(want, 3).await;
    set_expiry(oil_want, -1).await;
    assert_eq!(kimppa_app::materials::daily(&t.app).await.unwrap(), (1, 1));
    assert_eq!(kimppa_app::materials::daily(&t.app).await.unwrap(), (0, 0), "reminded once");
    assert!(t.last_email_to(&builder.email).await.subject.contains("vanhenee"));
    assert_eq!(
        listing::Entity::find_by_id(oil_want).one(&t.app.db).await.unwrap().unwrap().status,
        ListingStatus::Expired
    );
}

async fn a_listing_page_does_a_bounded_number_of_queries(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (owner, _) = t.user("omistaja@voimala.test", PlatformRole::Person).await;
    let org = t.org(&owner, "Voimala Oy", "approved").await;
    let mut c = t.login(&owner, None).await;
    let ash = list(
        &mut c,
        &fields(&org.slug, "offer", "10 01 03", "Lentotuhka", &[("quantity", "100"), ("municipality", "564")]),
    )
    .await;
    let wanters = |from: usize, to: usize| {
        let t = &t;
        async move {
            for i in from..to {
                let (u, _) = t.user(&format!("ostaja{i}@tie.test"), PlatformRole::Person).await;
                let o = t.org(&u, &format!("Tie {i} Oy"), "approved").await;
                let mut c = t.login(&u, None).await;
                list(
                    &mut c,
                    &fields(
                        &o.slug,
                        "want",
                        "10 01 01",
                        &format!("Tuhkaa {i}"),
                        &[("quantity", "50"), ("municipality", "889"), ("accepts", "10 01 03")],
                    ),
                )
                .await;
            }
            t.run_jobs().await;
        }
    };
    let (router, n) = crate::common::counted(&t);
    let measure = || {
        let router = router.clone();
        let n = n.clone();
        let cookie = c.cookie.clone();
        async move {
            let mut counts = vec![];
            for p in [format!("/fi/materials/{ash}"), "/fi/materials".to_string(), "/fi/materials/mine".to_string()] {
                let mut cl = Client { router: router.clone(), cookie: cookie.clone(), csrf: None };
                // Once to fill this node's memory of reference data, then counted.
                cl.get(&p).await;
                let before = n.load(std::sync::atomic::Ordering::SeqCst);
                let r = cl.get(&p).await;
                assert_eq!(r.status, StatusCode::OK, "{p}");
                counts.push(n.load(std::sync::atomic::Ordering::SeqCst) - before);
            }
            counts
        }
    };
    wanters(0, 2).await;
    let small = measure().await;
    wanters(2, 20).await;
    assert_eq!(
        listing_match::Entity::find().filter(listing_match::Column::ListingId.eq(ash)).count(&t.app.db).await.unwrap(),
        20
    );
    let large = measure().await;
    eprintln!("queries per page: {small:?}");
    assert_eq!(small, large, "queries with 2 and 20 matches");
}

/// Each node keeps its open listings for matching and follows the change
/// log: a listing published, changed or taken down through one node is
/// matched accordingly by a job run on another.
async fn the_matching_pool_follows_changes_made_on_another_node(b: kimppa_store::testing::Backend) {
    use kimppa_app::materials::{self, matching};
    let t = TestApp::new(b).await;
    let node2 = kimppa_app::App::start(crate::common::test_config(t.app.config.database_url.clone())).await.unwrap();
    let (a, _) = t.user("tuhka@voimala.test", PlatformRole::Person).await;
    let (c, _) = t.user("tie@rakentaja.test", PlatformRole::Person).await;
    let voimala = t.org(&a, "Voimala Oy", "approved").await;
    let tie = t.org(&c, "Tierakentaja Oy", "approved").await;
    let form = |org: &str, kind: &str, title: &str| {
        let mut f = materials::ListingForm::new_default();
        f.org = org.into();
        f.kind = kind.into();
        f.class_code = "10 01 01".into();
        f.title = title.into();
        f.description = "Pohjatuhkaa.".into();
        f.quantity = "100".into();
        f.municipality = "564".into();
        f.price_kind = "negotiable".into();
        f.visibility = "public".into();
        f.action = "publish".into();
        f
    };
    let want = materials::create(&t.app, &t.principal(&c).await, &form(&tie.slug, "want", "Tuhkaa tiehen"), None)
        .await
        .unwrap();
    // Node 2 builds its pool: nothing to match yet.
    assert_eq!(matching::run_quietly(&node2, want.id).await.unwrap(), 0);
    // Published through node 1: node 2's next job finds it.
    let ap = t.principal(&a).await;
    let offer = materials::create(&t.app, &ap, &form(&voimala.slug, "offer", "Pohjatuhka"), None).await.unwrap();
    assert_eq!(matching::run_quietly(&node2, want.id).await.unwrap(), 1, "a new listing reaches the other node");
    // Changed to another chapter through node 1: no longer a match on node 2.
    let mut changed = form(&voimala.slug, "offer", "Pohjatuhka");
    changed.class_code = "17 01 01".into();
    materials::update(&t.app, &ap, offer.id, &changed, None).await.unwrap();
    assert_eq!(matching::run_quietly(&node2, want.id).await.unwrap(), 0, "a change reaches the other node");
    // Back, then taken down: gone again.
    materials::update(&t.app, &ap, offer.id, &form(&voimala.slug, "offer", "Pohjatuhka"), None).await.unwrap();
    assert_eq!(matching::run_quietly(&node2, want.id).await.unwrap(), 1);
    materials::set_published(&t.app, &ap, offer.id, false).await.unwrap();
    assert_eq!(matching::run_quietly(&node2, want.id).await.unwrap(), 0, "taken down on the other node");
}

both_backends!(
    a_side_stream_becomes_a_symbiosis,
    a_listing_page_does_a_bounded_number_of_queries,
    the_matching_pool_follows_changes_made_on_another_node
);
