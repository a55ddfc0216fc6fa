//! The partner, challenge and materials paths as people walk them: the
//! header's sections, the "my organisation" overview (only one's own
//! organisations, what waits for them, a fixed number of queries whatever
//! the data size), organisations chosen by name, a response for one's
//! organisation by default, the owner's own role in the kimppa, and the
//! in-app notices of responses and decisions.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_domain::{OrgRole, PlatformRole};
use kimppa_store::{
    entities::{challenge_invite, forum_participant, kimppa_member},
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};

async fn publish(c: &mut Client, org: &str, title: &str, visibility: &str, invited: &str) -> axum::http::Response<()> {
    c.get("/fi/challenges/new").await;
    let r = c
        .post(
            "/fi/challenges/new",
            &[
                ("org", org),
                ("title", title),
                ("description", "Purkukohteista vapautuu kipsilevyä, jolle etsitään kierrättäjää."),
                ("roles", "recycler"),
                ("focus_areas", "construction"),
                ("visibility", visibility),
                ("invited", invited),
                ("action", "publish"),
            ],
        )
        .await;
    let mut out = axum::http::Response::new(());
    *out.status_mut() = r.status;
    out.headers_mut().extend(r.headers.clone());
    if r.status != StatusCode::SEE_OTHER {
        eprintln!("{}", r.body);
    }
    out
}

fn id_of(r: &axum::http::Response<()>) -> i32 {
    let l = r.headers().get("location").unwrap().to_str().unwrap();
    l.rsplit('/').next().unwrap().parse().unwrap()
}

async fn organisations_are_chosen_by_name(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (owner, _) = t.user("omistaja@ankkuri.test", PlatformRole::Person).await;
    let (a1, _) = t.user("admin@lautalaari.test", PlatformRole::Person).await;
    let (a2, _) = t.user("admin@kierto.test", PlatformRole::Person).await;
    let (a3, _) = t.user("admin@kiertoneuvo.test", PlatformRole::Person).await;
    let anchor = t.org(&owner, "Ankkuri Oyj", "approved").await;
    let lauta = t.org(&a1, "Lautalaari Oy", "approved").await;
    let kierto = t.org(&a2, "Kierto Oy", "approved").await;
    let _neuvo = t.org(&a3, "Kiertoneuvo Consulting Oy", "approved").await;
    let mut oc = t.login(&owner, None).await;

    // The form suggests names as one types (a datalist, no script).
    let form = oc.get("/fi/challenges/new").await.body;
    assert!(form.contains("list=\"f-invited-choices\"") && form.contains("<option value=\"Lautalaari Oy\">"));
    // By name, any case, and by the directory's address, as before.
    let r = publish(&mut oc, &anchor.slug, "Kutsuttujen haaste", "invited", "lautalaari oy, kierto-oy").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a name and an address");
    let invited: Vec<i32> = challenge_invite::Entity::find()
        .filter(challenge_invite::Column::ChallengeId.eq(id_of(&r)))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.org_id)
        .collect();
    assert_eq!(invited.len(), 2);
    assert!(invited.contains(&lauta.id) && invited.contains(&kierto.id), "{invited:?} {}", kierto.slug);
    // A part of a name that fits one organisation is enough; one that fits several is refused with the typed text kept.
    let r = publish(&mut oc, &anchor.slug, "Toinen haaste", "invited", "Lautalaari").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    oc.get("/fi/challenges/new").await;
    let bad = oc
        .post(
            "/fi/challenges/new",
            &[
                ("org", anchor.slug.as_str()),
                ("title", "Kolmas haaste"),
                ("description", "Kuvaus."),
                ("roles", "recycler"),
                ("visibility", "invited"),
                ("invited", "Kierto"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Nimi sopii useaan organisaatioon") && bad.body.contains("value=\"Kierto\""));
    let bad = oc
        .post(
            "/fi/challenges/new",
            &[
                ("org", anchor.slug.as_str()),
                ("title", "Kolmas haaste"),
                ("description", "Kuvaus."),
                ("roles", "recycler"),
                ("visibility", "invited"),
                ("invited", "Ei Ole Oy"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Organisaatiota ei löytynyt tällä nimellä"));
    // Editing shows the invited by name.
    let edit = oc.get(&format!("/fi/challenges/{}/edit", id_of(&r))).await.body;
    assert!(edit.contains("value=\"Lautalaari Oy\""), "{edit}");

    // A closed forum thread: the whole organisation invited by its name.
    crate::forum::category_and_tag(&t).await;
    oc.get("/fi/forum/new").await;
    let thread = oc
        .post(
            "/fi/forum/new",
            &[("category", "materiaalit"), ("title", "Suljettu kysymys"), ("body", "Kysymys."), ("closed", "on")],
        )
        .await;
    assert_eq!(thread.status, StatusCode::SEE_OTHER, "{}", thread.body);
    let tid: i32 = thread.location().rsplit('/').next().unwrap().parse().unwrap();
    let page = oc.get(&format!("/fi/forum/threads/{tid}")).await.body;
    assert!(page.contains("<option value=\"Lautalaari Oy\">"), "the invite field suggests names");
    let r = oc.post(&format!("/fi/forum/threads/{tid}/invite"), &[("who", "Lautalaari Oy")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = oc.post(&format!("/fi/forum/threads/{tid}/invite"), &[("who", "Kierto")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "ambiguous");
    assert!(r.body.contains("Nimi sopii useaan organisaatioon"));
    let orgs: Vec<Option<i32>> = forum_participant::Entity::find()
        .filter(forum_participant::Column::ThreadId.eq(tid))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.org_id)
        .collect();
    assert_eq!(orgs, vec![Some(lauta.id)]);
}

async fn responses_kimppas_and_notices(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (owner, _) = t.user("omistaja@ankkuri.test", PlatformRole::Person).await;
    let (rec, _) = t.user("kierratys@kierto.test", PlatformRole::Person).await;
    let anchor = t.org(&owner, "Ankkuri Oyj", "approved").await;
    let kierto = t.org(&rec, "Kierto Oy", "approved").await;
    let mut oc = t.login(&owner, None).await;
    let r = publish(&mut oc, &anchor.slug, "Kipsin kierrätys", "public", "").await;
    let id = id_of(&r);

    // A fresh response form speaks for the person's organisation.
    let mut rc = t.login(&rec, None).await;
    let page = rc.get(&format!("/fi/challenges/{id}")).await.body;
    assert!(page.contains(&format!("<option value=\"{}\" selected>Kierto Oy</option>", kierto.slug)), "{page}");
    let r = rc
        .post(
            &format!("/fi/challenges/{id}/respond"),
            &[("as_org", kierto.slug.as_str()), ("role", "recycler"), ("proposal", "Kierrätämme kipsin.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A choice made stays when the form comes back with an error.
    let bad = rc.post(&format!("/fi/challenges/{id}/respond"), &[("as_org", ""), ("role", "recycler")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!bad.body.contains(" selected>Kierto Oy</option>"), "as oneself stays chosen");

    // The owner is told in the app too.
    let notices = oc.get("/fi/notifications").await.body;
    assert!(notices.contains("vastasi haasteeseenne") && notices.contains("Kipsin kierrätys"), "{notices}");
    let overview = oc.get("/fi/my").await.body;
    assert!(overview.contains("Kipsin kierrätys") && overview.contains("1 päättämättä"), "{overview}");
    assert!(overview.contains("Yksi asia odottaa teitä."));

    // The decision reaches the respondent in the app.
    let rid = kimppa_store::entities::challenge_response::Entity::find().one(&t.app.db).await.unwrap().unwrap().id;
    let r = oc
        .post(&format!("/fi/challenges/{id}/responses/{rid}/decision"), &[("decision", "accept"), ("message", "")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(rc.get("/fi/notifications").await.body.contains("päätti vastauksestanne"));

    // The owner picks its own role in the kimppa.
    let page = oc.get(&format!("/fi/challenges/{id}")).await.body;
    assert!(page.contains("Oma roolinne kimpassa"));
    let r = oc
        .post(
            &format!("/fi/challenges/{id}/kimppa"),
            &[("name", "Kipsikimppa"), ("value_proposition", "Yhdessä."), ("owner_role", "technology-provider")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let owner_member = kimppa_member::Entity::find()
        .filter(kimppa_member::Column::OrgId.eq(anchor.id))
        .one(&t.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner_member.role.key(), "technology-provider");
    // Its public page lists the challenge; the respondent's overview its kimppa.
    let anon = t.client().get(&format!("/fi/organisations/{}", anchor.slug)).await.body;
    assert!(anon.contains("Kipsin kierrätys"), "the organisation page links its challenges");
    assert!(rc.get("/fi/my").await.body.contains("Kipsikimppa"));
}

/// The overview shows only one's own organisations, and its queries do not
/// grow with the data.
async fn the_overview_is_ones_own_and_bounded(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@oma.test", PlatformRole::Person).await;
    let (member, _) = t.user("jasen@oma.test", PlatformRole::Person).await;
    let (other, _) = t.user("admin@muu.test", PlatformRole::Person).await;
    let (lonely, _) = t.user("yksin@kimppa.test", PlatformRole::Person).await;
    let own = t.org(&admin, "Oma Oy", "approved").await;
    t.add_to_org(&own, &admin, &member, OrgRole::Member).await;
    let muu = t.org(&other, "Muu Oy", "approved").await;
    let mut ac = t.login(&admin, None).await;
    let mut xc = t.login(&other, None).await;
    publish(&mut ac, &own.slug, "Oman haaste", "public", "").await;
    publish(&mut xc, &muu.slug, "Muun salainen haaste", "members", "").await;

    let page = ac.get("/fi/my").await.body;
    assert!(page.contains("Oma Oy") && page.contains("Oman haaste"));
    assert!(!page.contains("Muu Oy") && !page.contains("Muun salainen haaste"), "only one's own organisations");
    assert!(page.contains("Kumppanihaut"), "an admin sees the searches");
    let mc = t.login(&member, None).await.get("/fi/my").await.body;
    assert!(mc.contains("Oman haaste") && !mc.contains("Kumppanihaut"), "a member does not see what admins do");
    let none = t.login(&lonely, None).await.get("/fi/my").await.body;
    assert!(none.contains("Lisää organisaatio"), "a person without an organisation is shown the way");
    assert_ne!(t.client().get("/fi/my").await.status, StatusCode::OK, "not for visitors");

    // The header: sections, the current one marked, the section's own menu.
    let page = ac.get("/fi/challenges").await.body;
    assert!(page.contains("aria-current=\"true\">Haasteet ja kumppanit</a>"), "the section marked");
    assert!(page.contains("href=\"/fi/partner-searches\""), "partner searches reachable from the header");
    assert!(page.contains("aria-current=\"page\">Haasteet</a>"), "the page marked in the section's menu");

    let (router, n) = crate::common::counted(&t);
    let cookie = ac.cookie.clone();
    let measure = || {
        let router = router.clone();
        let n = n.clone();
        let cookie = cookie.clone();
        async move {
            let mut cl = Client { router, cookie, csrf: None };
            cl.get("/fi/my").await;
            let before = n.load(std::sync::atomic::Ordering::SeqCst);
            assert_eq!(cl.get("/fi/my").await.status, StatusCode::OK);
            n.load(std::sync::atomic::Ordering::SeqCst) - before
        }
    };
    let small = measure().await;
    for i in 0..12 {
        publish(&mut ac, &own.slug, &format!("Haaste {i}"), "public", "").await;
    }
    let large = measure().await;
    assert_eq!(small, large, "queries with one challenge and thirteen");
    let page = ac.get("/fi/my").await.body;
    assert!(page.contains("Haaste 11") && !page.contains("Oman haaste"), "the ten most recent shown");
}

both_backends!(organisations_are_chosen_by_name, responses_kimppas_and_notices, the_overview_is_ones_own_and_bounded);
