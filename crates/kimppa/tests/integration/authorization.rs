//! The authorization matrix: every method × path the router answers, read
//! from the router itself (a route missing from the table below fails the
//! test), × every role — including the roles bound to a record: a region's
//! coordinator, a kimppa's member organisation's admin and a person invited
//! to a closed thread. "Allowed" for a POST means the request passed the
//! policy and reached validation (422 for the deliberately incomplete form,
//! never the form-expired refusal of the CSRF check) or made its change
//! (303); every client holds its session's form token.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_domain::{ContentStatus, Email, KimppaStatus, OrgRole, PartnerRole, PlatformRole};
use kimppa_store::entities::{
    expert, forum_category, forum_tag, glossary_term, kimppa, kimppa_member, regional_coordinator,
};
use sea_orm::{ActiveModelTrait, Set};
use std::collections::{BTreeMap, BTreeSet};

/// The roles, in the order of the expectation strings.
const ROLES: [&str; 10] = [
    "anonymous",
    "person",
    "org-member",
    "org-admin",
    "orchestrator-no-2fa",
    "orchestrator",
    "operator",
    "coordinator",
    "kimppa-member",
    "invited",
];

/// What a role gets, one letter each:
/// `O` 200 for GET, 422 for POST (validation reached); `L` to the login;
/// `T` to the second factor; `F` 403; `N` 404; `C` 409; `D` 303 to a page of
/// the app (the change was made); `G` 410 (the link is not valid); `B` 400
/// (a request the handler cannot read); `U` 401 (wrong credentials); `R`
/// 429 (too many tries); `E` 500 (never expected); `X` the form-expired
/// refusal of the CSRF check (never expected).
fn outcome(method: &str, r: &crate::common::Resp) -> char {
    let loc = r.location();
    match r.status {
        StatusCode::OK if method == "GET" => 'O',
        StatusCode::UNPROCESSABLE_ENTITY if r.body.contains("Lomake on vanhentunut") => 'X',
        StatusCode::UNPROCESSABLE_ENTITY if method == "POST" => 'O',
        StatusCode::SEE_OTHER | StatusCode::FOUND if loc.starts_with("/fi/login?next=") => 'L',
        StatusCode::SEE_OTHER | StatusCode::FOUND if loc == "/fi/account/security" => 'T',
        StatusCode::FORBIDDEN => 'F',
        StatusCode::NOT_FOUND => 'N',
        StatusCode::CONFLICT => 'C',
        StatusCode::GONE => 'G',
        StatusCode::BAD_REQUEST => 'B',
        StatusCode::UNAUTHORIZED => 'U',
        StatusCode::TOO_MANY_REQUESTS => 'R',
        StatusCode::INTERNAL_SERVER_ERROR => 'E',
        StatusCode::SEE_OTHER | StatusCode::FOUND | StatusCode::TEMPORARY_REDIRECT if loc.starts_with('/') => 'D',
        s => panic!("{method}: unexpected {s} {loc}"),
    }
}

/// The records the paths name.
struct Fixtures {
    values: BTreeMap<&'static str, String>,
}

impl Fixtures {
    /// A concrete path for a route: each `{param}` filled with the fixture
    /// its place names.
    fn fill(&self, pattern: &str) -> String {
        let mut out = String::new();
        let mut prev = "";
        for seg in pattern.split('/') {
            if !out.is_empty() || pattern.starts_with('/') {
                out.push('/');
            }
            if seg.starts_with('{') {
                let name = seg.trim_matches(['{', '}', '*']);
                let key = format!("{prev}/{name}");
                let v = self
                    .values
                    .get(key.as_str())
                    .or_else(|| self.values.get(name))
                    .unwrap_or_else(|| panic!("no fixture for {key} in {pattern}"));
                out.push_str(v);
            } else {
                out.push_str(seg);
            }
            prev = if seg.starts_with('{') { prev } else { seg };
        }
        out.replacen("//", "/", 1)
    }
}

async fn matrix(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@matriisi.test", PlatformRole::Person).await;
    let (member, _) = t.user("member@matriisi.test", PlatformRole::Person).await;
    let (person, _) = t.user("person@kimppa.test", PlatformRole::Person).await;
    let (orch, orch_secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (op, op_secret) = t.user("op@kimppa.test", PlatformRole::Operator).await;
    let (coordinator, _) = t.user("koordinaattori@kimppa.test", PlatformRole::Person).await;
    let (partner_admin, _) = t.user("admin@kumppani.test", PlatformRole::Person).await;
    let (invited, _) = t.user("kutsuttu@kimppa.test", PlatformRole::Person).await;
    let hash = kimppa_app::accounts::hash_password(crate::common::PASSWORD).await.unwrap();
    let orch_no2fa = kimppa_app::accounts::create_verified_user(
        &t.app.db,
        &Email::parse("orch2@kimppa.test").unwrap(),
        "Orkestroija Ilman",
        &hash,
        PlatformRole::Orchestrator,
        None,
    )
    .await
    .unwrap();
    let listed = t.org(&admin, "Matriisi Oy", "approved").await;
    t.add_to_org(&listed, &admin, &member, OrgRole::Member).await;
    let (other_admin, _) = t.user("admin@piilo.test", PlatformRole::Person).await;
    let hidden = t.org(&other_admin, "Piilo Oy", "pending").await;
    let partner = t.org(&partner_admin, "Kumppani Oy", "approved").await;
    t.agreement(&orch, "Sitoumus").await;
    let admin_p = t.principal(&admin).await;
    let orch_p = t.elevated(&orch).await;
    let service_form = |title: &str, status: &str| kimppa_app::directory::services::ServiceForm {
        title_fi: title.into(),
        description_fi: "Kuvaus".into(),
        offering_type: "consulting".into(),
        regions: vec!["pohjois-pohjanmaa".into()],
        languages: vec!["fi".into()],
        price_kind: "quote".into(),
        status: status.into(),
        ..Default::default()
    };
    let svc = kimppa_app::directory::services::create(
        &t.app,
        &admin_p,
        &listed.slug,
        &service_form("Matriisipalvelu", "published"),
    )
    .await
    .unwrap();
    let lead = kimppa_app::directory::contact::send(
        &t.app,
        &t.principal(&person).await,
        &kimppa_app::directory::contact::Target::Service(svc.slug.clone()),
        &kimppa_app::directory::contact::ContactForm {
            message: "Tarvitsemme apua purkukartoitukseen ensi keväänä.".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let category = forum_category::ActiveModel {
        slug: Set("keskustelu".into()),
        name_fi: Set("Keskustelu".into()),
        name_en: Set("Discussion".into()),
        description_fi: Set(String::new()),
        description_en: Set(String::new()),
        position: Set(1),
        created_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let tag = forum_tag::ActiveModel {
        slug: Set("kipsi".into()),
        name_fi: Set("Kipsi".into()),
        name_en: Set("Gypsum".into()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let closed_thread = kimppa_app::forum::create(
        &t.app,
        &admin_p,
        &kimppa_app::forum::ThreadForm {
            category: category.slug.clone(),
            title: "Suljettu ketju".into(),
            body: "Vain kutsutuille.".into(),
            closed: Some("on".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ct = closed_thread.id;
    kimppa_app::forum::participants::invite(&t.app, &admin_p, ct, &invited.email).await.unwrap();
    let reply = kimppa_app::forum::reply(&t.app, &admin_p, ct, "Ensimmäinen vastaus.").await.unwrap();
    let draft_challenge = kimppa_app::challenges::create(
        &t.app,
        &admin_p,
        &kimppa_app::challenges::ChallengeForm {
            org: listed.slug.clone(),
            title: "Luonnoshaaste".into(),
            description: "Kuvaus".into(),
            roles: vec!["recycler".into()],
            visibility: "members".into(),
            action: "draft".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let search = kimppa_app::challenges::searches::create(
        &t.app,
        &admin_p,
        &kimppa_app::challenges::searches::SearchForm {
            org: listed.slug.clone(),
            title: "Kumppanihaku".into(),
            offer_role: "consultant".into(),
            offer: "Neuvontaa".into(),
            roles: vec!["recycler".into()],
            value_proposition: "Yhteinen asiakas".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let listing_form = |title: &str, action: &str| kimppa_app::materials::ListingForm {
        org: listed.slug.clone(),
        kind: "offer".into(),
        class_code: "17 01 01".into(),
        title: title.into(),
        description: "Betonijäte".into(),
        unit: "t".into(),
        frequency: "month".into(),
        municipality: "564".into(),
        available_from: "2026-11-01".into(),
        price_kind: "negotiable".into(),
        visibility: "members".into(),
        action: action.into(),
        ..Default::default()
    };
    let listing =
        kimppa_app::materials::create(&t.app, &admin_p, &listing_form("Betoni", "publish"), None).await.unwrap().id;
    // A deal recorded with the partner organisation, waiting for its confirmation.
    let sold =
        kimppa_app::materials::create(&t.app, &admin_p, &listing_form("Kipsi", "publish"), None).await.unwrap().id;
    kimppa_app::materials::outcomes::close(
        &t.app,
        &admin_p,
        sold,
        &kimppa_app::materials::outcomes::CloseForm {
            outcome: "deal".into(),
            deal_org: partner.slug.clone(),
            tonnes_per_year: "100".into(),
            deal_from: "2026-11-01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let deal = kimppa_app::materials::outcomes::symbiosis_of(&t.app, sold).await.unwrap().unwrap().id;
    regional_coordinator::ActiveModel {
        user_id: Set(coordinator.id),
        region: Set("pohjois-pohjanmaa".into()),
        created_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let k = kimppa::ActiveModel {
        slug: Set("matriisikimppa".into()),
        name: Set("Matriisikimppa".into()),
        problem: Set("Betonin kierto".into()),
        value_proposition: Set("Yhdessä".into()),
        status: Set(KimppaStatus::Forming),
        published: Set(false),
        challenge_id: Set(None),
        created_by: Set(admin.id),
        min_partners: Set(0),
        max_partners: Set(0),
        min_smes: Set(0),
        min_research: Set(0),
        min_municipalities: Set(0),
        required_roles: Set(String::new()),
        created_at: Set(kimppa_app::now()),
        updated_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    for (org, role) in [(listed.id, PartnerRole::Customer), (partner.id, PartnerRole::Recycler)] {
        kimppa_member::ActiveModel {
            kimppa_id: Set(k.id),
            org_id: Set(org),
            role: Set(role),
            created_at: Set(kimppa_app::now()),
            confirmed_at: Set(Some(kimppa_app::now())),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap();
    }
    let page = kimppa_app::website::pages::save(
        &t.app,
        &orch_p,
        None,
        &kimppa_app::website::pages::PageForm {
            slug: "tietoa".into(),
            title_fi: "Tietoa".into(),
            title_en: "About".into(),
            summary_fi: "Tiivistelmä".into(),
            summary_en: "Summary".into(),
            body_fi: "Teksti".into(),
            body_en: "Text".into(),
            status: "published".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let now = kimppa_app::now();
    let term = glossary_term::ActiveModel {
        slug: Set("kiertotalous".into()),
        term_fi: Set("Kiertotalous".into()),
        term_en: Set("Circular economy".into()),
        definition_fi: Set("Talous, jossa materiaalit kiertävät.".into()),
        definition_en: Set("An economy where materials circulate.".into()),
        related: Set(String::new()),
        source: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let news = kimppa_app::website::news::insert(
        &t.app.db,
        "uutinen",
        ContentStatus::Published,
        now,
        &[],
        ["Uutinen".into(), "News".into(), "Tiivis".into(), "Brief".into(), "Teksti".into(), "Text".into()],
        Some(orch.id),
    )
    .await
    .unwrap();
    let expert = expert::ActiveModel {
        user_id: Set(member.id),
        org_id: Set(listed.id),
        listed: Set(true),
        tags: Set("betoni".into()),
        languages: Set("fi".into()),
        focus_areas: Set("construction".into()),
        bio_fi: Set("Betonin asiantuntija".into()),
        bio_en: Set(String::new()),
        search_text: Set("betoni".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let in_a_month = kimppa_app::finnish_time(now + chrono::Duration::days(30)).format("%Y-%m-%d").to_string();
    let event = kimppa_app::events::create(
        &t.app,
        &admin_p,
        &kimppa_app::events::EventForm {
            org: listed.slug.clone(),
            kind: "workshop".into(),
            title_fi: "Jäsentyöpaja".into(),
            description_fi: "Kuvaus".into(),
            starts_at: format!("{in_a_month}T09:00"),
            ends_at: format!("{in_a_month}T12:00"),
            municipality: "564".into(),
            language: "fi".into(),
            visibility: "members".into(),
            capacity: "20".into(),
            action: "publish".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    kimppa_app::events::meetings::save_setup(
        &t.app,
        &admin_p,
        event.id,
        &kimppa_app::events::meetings::SetupForm {
            slot_minutes: "20".into(),
            sessions: "09:00-11:00".into(),
            tables: "5".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let group = kimppa_app::groups::create(
        &t.app,
        &orch_p,
        &kimppa_app::groups::GroupForm {
            slug: "matriisiryhma".into(),
            kind: "mini-cluster".into(),
            name_fi: "Matriisiryhmä".into(),
            description_fi: "Kuvaus".into(),
            joining: "request".into(),
            show_members: Some("on".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    kimppa_app::groups::invite(
        &t.app,
        &orch_p,
        &group.slug,
        &kimppa_app::groups::InviteForm { who: listed.slug.clone(), role: "lead".into(), ..Default::default() },
    )
    .await
    .unwrap();
    let lead_invitation = kimppa_app::groups::memberships(&t.app.db, group.id).await.unwrap().remove(0);
    kimppa_app::groups::answer_invitation(&t.app, &admin_p, &group.slug, lead_invitation.id, true).await.unwrap();
    // A pipeline record the admin's organisation takes part in (unpublished).
    let record = kimppa_app::pipeline::create(
        &t.app,
        &orch_p,
        &kimppa_app::pipeline::RecordForm {
            title: "Matriisihanke".into(),
            kind: "development-project".into(),
            stage: "preparation".into(),
            participant: vec![listed.name.clone()],
            participant_role: vec!["lead".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    t.run_jobs().await;

    let fixtures = Fixtures {
        values: BTreeMap::from([
            ("organisations/slug", listed.slug.clone()),
            ("services/slug", svc.slug.clone()),
            ("kimppas/slug", k.slug.clone()),
            ("pages/slug", page.slug.clone()),
            ("news/slug", news.slug.clone()),
            ("glossary/slug", term.slug.clone()),
            ("categories/slug", category.slug.clone()),
            ("tags/slug", tag.slug.clone()),
            ("threads/id", ct.to_string()),
            ("replies/post", reply.id.to_string()),
            ("experts/expert", "999999".into()),
            ("attachments/file", "999999".into()),
            ("attachments/name", "tiedosto.pdf".into()),
            ("experts/id", expert.id.to_string()),
            ("challenges/id", draft_challenge.to_string()),
            ("responses/rid", "999999".into()),
            ("partner-searches/id", search.to_string()),
            ("shortlist/eid", "999999".into()),
            ("materials/id", listing.to_string()),
            ("matches/mid", "999999".into()),
            ("workshops/id", "999999".into()),
            ("inbox/id", lead.id.to_string()),
            ("invitations/token", "not-a-token".into()),
            ("memberships/org_id", hidden.id.to_string()),
            ("users/user_id", person.id.to_string()),
            ("content/kind", "glossary".into()),
            ("content/key", term.slug.clone()),
            ("forum/kind", "areas".into()),
            ("forum/slug", category.slug.clone()),
            ("reports/id", "999999".into()),
            ("questions/id", "999999".into()),
            ("coordinators/id", "999999".into()),
            ("factors/id", "999999".into()),
            ("webhooks/id", "999999".into()),
            ("export/file", "organisations.csv".into()),
            ("restore/revision", "999999".into()),
            ("media/key", "logos/none.png".into()),
            ("listings/id", listing.to_string()),
            ("deals/id", deal.to_string()),
            ("events/id", event.id.to_string()),
            ("participants/rid", "999999".into()),
            ("checkin/rid", "999999".into()),
            ("personal/secret", "not-a-key".into()),
            ("requests/mid", "999999".into()),
            ("groups/slug", group.slug.clone()),
            ("pipeline/id", record.id.to_string()),
            ("innovations/id", "999999".into()),
            ("views/id", "999999".into()),
            ("stages/key", "idea".into()),
            ("fields/key", "no-such-field".into()),
            ("calls/id", "999999".into()),
            ("indicators/id", "events".into()),
            ("situation/year", "2026".into()),
            ("documents/id", "999999".into()),
            ("surveys/id", "999999".into()),
            ("survey/token", "no-such-token".into()),
            ("tasks/tid", "999999".into()),
            ("invitations/mid", "999999".into()),
            ("members/mid", "999999".into()),
            ("documents/did", "999999".into()),
            ("actions/aid", "999999".into()),
            ("kimppas/slug", k.slug.clone()),
            ("forum/slug", category.slug.clone()),
        ]),
    };

    let sign_in_all = || async {
        let mut clients: Vec<Client> = vec![
            t.client(),
            t.login(&person, None).await,
            t.login(&member, None).await,
            t.login(&admin, None).await,
            t.login(&orch_no2fa, None).await,
            t.login(&orch, orch_secret.as_deref()).await,
            t.login(&op, op_secret.as_deref()).await,
            t.login(&coordinator, None).await,
            t.login(&partner_admin, None).await,
            t.login(&invited, None).await,
        ];
        // Every client holds a form token, so POSTs test the policy, not CSRF.
        clients[0].get("/fi/login").await;
        clients
    };
    let mut clients = sign_in_all().await;

    // The router's routes: the Finnish site and the language-free ones (the
    // English site has the same handlers, checked to mirror the Finnish).
    let all = kimppa_web::route_table(&t.router);
    assert!(all.len() > 400, "the table reads the router: {} routes", all.len());
    let mirror = |lang: &str| -> BTreeSet<(String, String)> {
        all.iter()
            .filter_map(|(m, p)| p.strip_prefix(lang).map(|rest| (m.clone(), rest.to_string())))
            .filter(|(_, rest)| rest.is_empty() || rest.starts_with('/'))
            .collect()
    };
    assert_eq!(mirror("/en"), mirror("/fi"), "the English site answers the same routes as the Finnish");
    let routes: BTreeSet<(String, String)> =
        all.into_iter().filter(|(_, p)| !p.starts_with("/en/") && p != "/en").collect();

    let expected = cases();
    let listed_routes: BTreeSet<(String, String)> =
        expected.iter().map(|(m, p, _, _)| (m.to_string(), p.to_string())).collect();
    let missing: Vec<_> = routes.difference(&listed_routes).collect();
    let stale: Vec<_> = listed_routes.difference(&routes).collect();
    let discover = std::env::var("KIMPPA_MATRIX_DISCOVER").is_ok();
    if !discover {
        assert!(missing.is_empty(), "routes of the router missing from the matrix: {missing:?}");
        assert!(stale.is_empty(), "matrix rows naming no route of the router: {stale:?}");
    }

    let mut failures = vec![];
    let mut found = vec![];
    let fields_of = |m: &str, p: &str| -> Vec<(&'static str, &'static str)> {
        expected.iter().find(|(em, ep, _, _)| *em == m && *ep == p).map(|c| c.2.clone()).unwrap_or_default()
    };
    // Routes that end or change the session run last, each with clients
    // signed in afresh.
    let ends_session = |m: &str, p: &str| m == "POST" && ["/fi/login", "/fi/login/totp", "/fi/logout"].contains(&p);
    let ordered: Vec<&(String, String)> = routes
        .iter()
        .filter(|(m, p)| !ends_session(m, p))
        .chain(routes.iter().filter(|(m, p)| ends_session(m, p)))
        .collect();
    for (method, pattern) in ordered {
        let path = fixtures.fill(pattern);
        let fields = fields_of(method, pattern);
        if ends_session(method, pattern) {
            clients = sign_in_all().await;
        }
        let mut got = String::new();
        for c in clients.iter_mut() {
            let r = match (method.as_str(), fields.first()) {
                ("GET", _) => c.get(&path).await,
                (_, Some(("<multipart>", file_field))) => {
                    c.post_multipart(&path, &fields[1..], file_field, "tyhja.txt", b"").await
                }
                _ => c.post(&path, &fields).await,
            };
            got.push(outcome(method, &r));
        }
        if discover {
            found.push(format!("        (\"{method}\", \"{pattern}\", vec![], \"{got}\"),"));
            continue;
        }
        let want = expected.iter().find(|(m, p, _, _)| m == method && p == pattern).map(|c| c.3).unwrap_or("");
        let want: String = want.chars().filter(|c| !c.is_whitespace()).collect();
        if got != want {
            let roles: Vec<String> = got
                .chars()
                .zip(want.chars())
                .enumerate()
                .filter(|(_, (g, w))| g != w)
                .map(|(i, (g, w))| format!("{} got {g} want {w}", ROLES[i]))
                .collect();
            failures.push(format!("{method} {pattern} ({path}): {}", roles.join(", ")));
        }
    }
    if discover {
        std::fs::write("/tmp/matrix-discovered.txt", found.join("\n")).unwrap();
        return;
    }
    assert!(failures.is_empty(), "authorization matrix mismatches:\n{}", failures.join("\n"));
}

/// Method, route, form fields of a POST (a first field `("<multipart>",
/// name)` sends a multipart form with an empty file of that name), and the
/// outcome per role (see [`outcome`], in the order of [`ROLES`]).
type Case = (&'static str, &'static str, Vec<(&'static str, &'static str)>, &'static str);

fn cases() -> Vec<Case> {
    vec![
        ("GET", "/", vec![], "DDDDDDDDDD"),
        ("GET", "/api/v1/challenges", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/challenges/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/api/v1/clusters", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/experts", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/experts/{id}", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/faq", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/forum/threads", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/forum/threads/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/api/v1/glossary", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/glossary/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/kimppas", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/kimppas/{slug}", vec![], "NNNNNNNNNN"),
        ("GET", "/api/v1/listings", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/listings/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/api/v1/news", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/news/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/openapi.json", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/organisations", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/organisations/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/pages", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/pages/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/search", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/search/suggest", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/services", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/services/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/account", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/account/expert", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/account/security", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/admin", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/agreements", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/analytics", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/analytics.csv", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/audit", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/challenges", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/content/{kind}", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/content/{kind}/new", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/content/{kind}/{key}/edit", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/directory", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/directory/export/{file}", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/forum", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/forum/areas", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/forum/{kind}/new", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/forum/{kind}/{slug}", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/leads", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/materials", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/memberships", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/outbox", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/pages", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/pages/new", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/pages/{slug}/edit", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/pages/{slug}/history", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/partner-searches", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/questions", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/questions/{id}", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/admin/questions/{id}/answer", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/admin/questions/{id}/close", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/admin/questions/{id}/publish", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/admin/questions/{id}/take", vec![], "LFFFTNNFFF"),
        ("GET", "/fi/admin/users", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/webhooks", vec![], "LFFFFFOFFF"),
        ("GET", "/fi/challenges", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/challenges/new", vec![], "LFFOTOOFOF"),
        ("GET", "/fi/challenges/{id}", vec![], "NNOONOONNN"),
        ("GET", "/fi/challenges/{id}/edit", vec![], "NNFONOONNN"),
        ("GET", "/fi/challenges/{id}/responses/{rid}", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/challenges/{id}/responses/{rid}/attachment", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/clusters", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/experts", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/experts/{id}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/faq", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/forum", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/forum/categories/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/forum/categories/{slug}/rss.xml", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/forum/new", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/forum/tags/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/forum/threads/{id}", vec![], "NNNONOONNO"),
        ("GET", "/fi/forum/threads/{id}/attachments/{file}/{name}", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/forum/threads/{id}/edit", vec![], "NNNONOONNF"),
        ("GET", "/fi/forum/threads/{id}/history", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/forum/threads/{id}/replies/{post}", vec![], "NNNDNDDNND"),
        ("GET", "/fi/forum/threads/{id}/report", vec![], "LNNONOONNO"),
        ("GET", "/fi/glossary", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/glossary/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/inbox", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/inbox/{id}", vec![], "LONONOONNN"),
        ("GET", "/fi/inbox/{id}/attachment", vec![], "LNNNNNNNNN"),
        ("GET", "/fi/invitations/{token}", vec![], "GGGGGGGGGG"),
        ("GET", "/fi/kimppas", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/kimppas/{slug}", vec![], "NNOONOONON"),
        ("GET", "/fi/login", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/login/totp", vec![], "DDDDDDDDDD"),
        ("GET", "/fi/materials", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/materials/feed.xml", vec![], "OOOOOOOOOO"),
        // A deal: its two parties and staff; the other side (the partner) answers.
        ("GET", "/fi/materials/deals/{id}", vec![], "LNOONOONON"),
        ("GET", "/fi/materials/factors", vec![], "OOOOOOOOOO"),
        // Everyone signed in has an overview (of their own organisations only).
        ("GET", "/fi/my", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/materials/mine", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/materials/new", vec![], "LFOOTOOFOF"),
        ("GET", "/fi/materials/region", vec![], "LFFFTOOOFF"),
        ("GET", "/fi/materials/region/export.csv", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/materials/workshops", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/materials/workshops/new", vec![], "LFFFTOOOFF"),
        ("GET", "/fi/materials/workshops/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/materials/{id}", vec![], "NNOONOOOON"),
        ("GET", "/fi/materials/{id}/attachment", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/materials/{id}/close", vec![], "LNOONOONNN"),
        ("GET", "/fi/materials/{id}/edit", vec![], "LNOONOONNN"),
        ("GET", "/fi/news", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/news/atom.xml", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/news/rss.xml", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/news/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/notifications", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/notifications/settings", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/notifications/unsubscribe", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/organisations", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/organisations/new", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/organisations/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/organisations/{slug}/contact", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/organisations/{slug}/edit", vec![], "LFFOTOOFFF"),
        ("GET", "/fi/organisations/{slug}/join", vec![], "LFFCFFFFFF"),
        ("GET", "/fi/organisations/{slug}/leads", vec![], "LFFOTOOFFF"),
        ("GET", "/fi/organisations/{slug}/people", vec![], "LFOOTOOFFF"),
        ("GET", "/fi/organisations/{slug}/services", vec![], "LFFOTOOFFF"),
        ("GET", "/fi/organisations/{slug}/services/new", vec![], "LFFOTOOFFF"),
        ("GET", "/fi/pages/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/partner-searches", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/partner-searches/new", vec![], "LFFOTOOFOF"),
        ("GET", "/fi/partner-searches/{id}", vec![], "LNNONOONNN"),
        ("GET", "/fi/partner-searches/{id}/edit", vec![], "LNNONOONNN"),
        ("GET", "/fi/partner-searches/{id}/shortlist/{eid}/contact", vec![], "LNNNNNNNNN"),
        ("GET", "/fi/password/forgot", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/password/reset", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/register", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/register/done", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/search", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/services", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/services/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/services/{slug}/contact", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/services/{slug}/edit", vec![], "LFFOTOOFFF"),
        ("GET", "/fi/verify", vec![], "GGGGGGGGGG"),
        ("GET", "/healthz", vec![], "OOOOOOOOOO"),
        ("GET", "/media/{*key}", vec![], "NNNNNNNNNN"),
        ("GET", "/metrics", vec![], "OOOOOOOOOO"),
        ("GET", "/readyz", vec![], "OOOOOOOOOO"),
        ("GET", "/robots.txt", vec![], "OOOOOOOOOO"),
        ("GET", "/favicon.ico", vec![], "OOOOOOOOOO"),
        ("GET", "/static/favicon.svg", vec![], "OOOOOOOOOO"),
        ("GET", "/sitemap.xml", vec![], "OOOOOOOOOO"),
        ("GET", "/static/search.js", vec![], "OOOOOOOOOO"),
        ("GET", "/static/style.css", vec![], "OOOOOOOOOO"),
        ("POST", "/fi/account/expert", vec![("org", "")], "LOOOOOOOOO"),
        ("POST", "/fi/account/password", vec![("current_password", "x")], "LOOOOOOOOO"),
        ("POST", "/fi/account/profile", vec![("name", "")], "LOOOOOOOOO"),
        ("POST", "/fi/account/security/disable", vec![("password", "x")], "LOOOOOOOOO"),
        ("POST", "/fi/account/security/enable", vec![("code", "x")], "LOOOOTTOOO"),
        ("POST", "/fi/admin/agreements", vec![("title_fi", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/content/news/{slug}/image", vec![("<multipart>", "image")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/content/{kind}/new", vec![("slug", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/content/{kind}/{key}/edit", vec![("slug", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/directory", vec![("<multipart>", "file")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/forum/pending", vec![("thread", ""), ("decision", "")], "LFFFTNNFFF"),
        ("POST", "/fi/admin/forum/reports/{id}/resolve", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/admin/forum/{kind}/new", vec![("slug", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/forum/{kind}/{slug}", vec![("slug", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/materials/classes", vec![("<multipart>", "file")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/materials/coordinators", vec![("email", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/materials/coordinators/{id}/remove", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/admin/materials/factors", vec![("class_pattern", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/materials/factors/{id}/delete", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/admin/memberships/{org_id}", vec![("decision", "reject"), ("reason", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/pages/new", vec![("slug", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/pages/{slug}/edit", vec![("slug", "")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/pages/{slug}/restore/{revision}", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/admin/users/{user_id}/role", vec![("role", "nobody")], "LFFFTOOFFF"),
        ("POST", "/fi/admin/webhooks", vec![("url", "")], "LFFFFFOFFF"),
        ("POST", "/fi/admin/webhooks/{id}/active", vec![("active", "false")], "LFFFFFNFFF"),
        ("POST", "/fi/challenges/new", vec![("title", "")], "LFFOTOOFOF"),
        ("POST", "/fi/challenges/{id}/edit", vec![("title", "")], "LNFONOONNN"),
        ("POST", "/fi/challenges/{id}/kimppa", vec![("name", "")], "LNFONOONNN"),
        ("POST", "/fi/challenges/{id}/respond", vec![("proposal", "")], "LNOONOONNN"),
        ("POST", "/fi/challenges/{id}/responses/{rid}/decision", vec![("decision", "")], "NNNNNNNNNN"),
        ("POST", "/fi/challenges/{id}/responses/{rid}/messages", vec![("body", "")], "LNNNNNNNNN"),
        ("POST", "/fi/challenges/{id}/state", vec![("action", "feature")], "NNFFNDDNNN"),
        ("POST", "/fi/faq", vec![("question", "")], "OOOOOOOOOO"),
        ("POST", "/fi/forum/categories/{slug}/watch", vec![("on", "true")], "LDDDDDDDDD"),
        ("POST", "/fi/forum/new", vec![("title", "")], "LOOOOOOOOO"),
        ("POST", "/fi/forum/tags/{slug}/watch", vec![("on", "true")], "LDDDDDDDDD"),
        ("POST", "/fi/forum/threads/{id}/accept", vec![("post", "")], "NNNDNDDNNF"),
        ("POST", "/fi/forum/threads/{id}/closed", vec![("closed", "true")], "NNNDNDDNNF"),
        ("POST", "/fi/forum/threads/{id}/edit", vec![("body", "")], "LNNONOONNF"),
        ("POST", "/fi/forum/threads/{id}/experts", vec![("expert", "")], "NNNONOONNO"),
        ("POST", "/fi/forum/threads/{id}/experts/{expert}/remove", vec![], "NNNDNDDNNF"),
        ("POST", "/fi/forum/threads/{id}/invite", vec![("who", "")], "NNNONOONNF"),
        ("POST", "/fi/forum/threads/{id}/moderate", vec![("action", "")], "LFFFTOOFFF"),
        ("POST", "/fi/forum/threads/{id}/replies/{post}/hidden", vec![("hidden", "false")], "LFFFTDDFFF"),
        ("POST", "/fi/forum/threads/{id}/reply", vec![("body", "")], "LNNONOONNO"),
        ("POST", "/fi/forum/threads/{id}/report", vec![("reason", "")], "LNNONOONNO"),
        ("POST", "/fi/forum/threads/{id}/watch", vec![("on", "true")], "LNNDNDDNND"),
        ("POST", "/fi/inbox/{id}/reply", vec![("body", "")], "LONONFFNNN"),
        ("POST", "/fi/inbox/{id}/report", vec![("reason", "")], "LFNONFFNNN"),
        ("POST", "/fi/inbox/{id}/status", vec![("status", "")], "LFNONOONNN"),
        ("POST", "/fi/invitations/{token}", vec![], "LGGGGGGGGG"),
        ("POST", "/fi/kimppas/{slug}/membership", vec![("answer", "")], "OOOOOOOOOO"),
        ("POST", "/fi/kimppas/{slug}/settings", vec![("name", "")], "LNFONOONON"),
        ("POST", "/fi/materials/matches/{mid}/feedback", vec![("feedback", "relevant")], "LNNNNNNNNN"),
        ("POST", "/fi/materials/deals/{id}", vec![], "LNFFNOONON"),
        ("POST", "/fi/materials/new", vec![("title", "")], "LFOOTOOFOF"),
        ("POST", "/fi/materials/workshops/new", vec![("title", "")], "LFFFTOOOFF"),
        ("POST", "/fi/materials/{id}/close", vec![("outcome", "")], "LNOONOONNN"),
        ("POST", "/fi/materials/{id}/edit", vec![("title", "")], "LNOONOONNN"),
        ("POST", "/fi/materials/{id}/state", vec![("action", "")], "LNDDNDDNNN"),
        ("POST", "/fi/notifications/focus", vec![("focus_areas", "energy")], "LDDDDDDDDD"),
        ("POST", "/fi/notifications/read", vec![], "LDDDDDDDDD"),
        ("POST", "/fi/notifications/settings", vec![("email_mode", "")], "LOOOOOOOOO"),
        ("POST", "/fi/notifications/unsubscribe", vec![("u", "1"), ("s", "email"), ("sig", "x")], "NNNNNNNNNN"),
        ("POST", "/fi/notifications/unwatch", vec![("target", "thread:999999")], "LDDDDDDDDD"),
        ("POST", "/fi/organisations/new", vec![("name", "")], "LOOOOOOOOO"),
        (
            "POST",
            "/fi/organisations/{slug}/contact",
            vec![("<multipart>", "attachment"), ("message", "")],
            "LOOOOOOOOO",
        ),
        ("POST", "/fi/organisations/{slug}/edit", vec![("name", "")], "LFFOTOOFFF"),
        ("POST", "/fi/organisations/{slug}/join", vec![("version_id", "0")], "LFFCFFFFFF"),
        ("POST", "/fi/organisations/{slug}/logo", vec![("<multipart>", "logo")], "LFFOTOOFFF"),
        ("POST", "/fi/organisations/{slug}/people", vec![("email", "x"), ("role", "member")], "LFFOTOOFFF"),
        ("POST", "/fi/organisations/{slug}/services/new", vec![("title_fi", "")], "LFFOTOOFFF"),
        ("POST", "/fi/partner-searches/new", vec![("title", "")], "LFFOTOOFOF"),
        ("POST", "/fi/partner-searches/{id}/edit", vec![("title", "")], "LNNONOONNN"),
        ("POST", "/fi/partner-searches/{id}/help", vec![("help_message", "")], "LNNONOONNN"),
        ("POST", "/fi/partner-searches/{id}/help/answer", vec![("help_reply", "")], "LFFFTOOFFF"),
        ("POST", "/fi/partner-searches/{id}/kimppa", vec![("name", "")], "LNNONOONNN"),
        ("POST", "/fi/partner-searches/{id}/shortlist", vec![("target", ""), ("role", "")], "LNNONOONNN"),
        ("POST", "/fi/partner-searches/{id}/shortlist/{eid}/contact", vec![("message", "")], "LNNNNNNNNN"),
        ("POST", "/fi/partner-searches/{id}/shortlist/{eid}/remove", vec![], "LNNDNDDNNN"),
        ("POST", "/fi/partner-searches/{id}/state", vec![("action", "close")], "LNNDNCCNNN"),
        ("POST", "/fi/password/forgot", vec![("email", "")], "OOOOOOOOOO"),
        ("POST", "/fi/password/reset", vec![("token", ""), ("password", "")], "OOOOOOOOOO"),
        ("POST", "/fi/register", vec![("email", "")], "OOOOOOOOOO"),
        ("POST", "/fi/services/{slug}/co-provision", vec![("answer", "accept")], "LFFFFFFFFF"),
        ("POST", "/fi/services/{slug}/contact", vec![("<multipart>", "attachment"), ("message", "")], "LOOOOOOOOO"),
        ("POST", "/fi/services/{slug}/edit", vec![("title_fi", "")], "LFFOTOOFFF"),
        ("POST", "/fi/login", vec![("email", "ei-ketaan@kimppa.test"), ("password", "x")], "UUUUURRRRR"),
        ("POST", "/fi/login/totp", vec![("code", "x")], "DDDDDDDDDD"),
        ("POST", "/fi/logout", vec![], "DDDDDDDDDD"),
        ("GET", "/api/v1/events", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/events/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/api/v1/me/registrations", vec![], "UOOOOOOOOO"),
        ("GET", "/fi/admin/events", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/events", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/events/calendar.ics", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/events/feed.xml", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/events/mine", vec![], "LOOOOOOOOO"),
        ("GET", "/fi/events/new", vec![], "LFFOTOOFOF"),
        ("GET", "/fi/events/personal/{secret}", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/events/year", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/events/{id}", vec![], "NNOONOONON"),
        ("GET", "/fi/events/{id}/checkin", vec![], "NNFONOONFN"),
        ("GET", "/fi/events/{id}/edit", vec![], "NNFONOONFN"),
        ("GET", "/fi/events/{id}/email", vec![], "NNFONOONFN"),
        ("GET", "/fi/events/{id}/event.ics", vec![], "NNOONOONON"),
        ("GET", "/fi/events/{id}/feedback", vec![], "NNFFNFFNFN"),
        ("GET", "/fi/events/{id}/participants", vec![], "NNFONOONFN"),
        ("GET", "/fi/events/{id}/participants.csv", vec![], "NNFONOONFN"),
        ("POST", "/fi/events/mine/calendar-key", vec![], "LDDDDDDDDD"),
        ("POST", "/fi/events/new", vec![], "LFFOTOOFOF"),
        ("POST", "/fi/events/{id}/accept", vec![], "LNCCNCCNCN"),
        ("POST", "/fi/events/{id}/cancel-registration", vec![], "LNNNNNNNNN"),
        ("POST", "/fi/events/{id}/checkin/{rid}", vec![], "NNFNNNNNFN"),
        ("POST", "/fi/events/{id}/edit", vec![], "NNFONOONFN"),
        ("POST", "/fi/events/{id}/email", vec![], "NNFONOONFN"),
        ("POST", "/fi/events/{id}/feedback", vec![], "LNFFNFFNFN"),
        ("POST", "/fi/events/{id}/participants/{rid}", vec![], "NNFNNNNNFN"),
        ("POST", "/fi/events/{id}/register", vec![], "LNDDNDDNDN"),
        ("POST", "/fi/events/{id}/state", vec![], "NNFNNNNNFN"),
        ("GET", "/fi/events/{id}/meetings", vec![], "LNFONOONFN"),
        ("GET", "/fi/events/{id}/meetings/agenda", vec![], "LNFONOONFN"),
        ("GET", "/fi/events/{id}/meetings/grid", vec![], "NNFONOONFN"),
        ("GET", "/fi/events/{id}/meetings/setup", vec![], "NNFONOONFN"),
        ("POST", "/fi/events/{id}/meetings/profile", vec![], "LNFONOONFN"),
        ("POST", "/fi/events/{id}/meetings/request", vec![], "LNFNNNNNFN"),
        ("POST", "/fi/events/{id}/meetings/requests/{mid}", vec![], "NNNNNNNNNN"),
        ("POST", "/fi/events/{id}/meetings/schedule", vec![], "NNFDNDDNFN"),
        ("POST", "/fi/events/{id}/meetings/setup", vec![], "NNFONOONFN"),
        ("GET", "/api/v1/groups", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/groups/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/innovations", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/innovations/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/api/v1/calls", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/calls/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/api/v1/procurements", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/indicators", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/situation", vec![], "OOOOOOOOOO"),
        ("GET", "/api/v1/symbioses", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/impact", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/impact/export.csv", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/impact/indicators/{id}", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/impact/indicators/{id}/export.csv", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/impact/text", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/situation", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/situation/{year}/report", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/impact/official", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/impact/label", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/impact/surveys", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/impact/surveys/{id}", vec![], "LFFFTNNFFF"),
        ("GET", "/fi/survey/{token}", vec![], "NNNNNNNNNN"),
        ("POST", "/fi/impact/surveys", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/impact/surveys/{id}/send", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/survey/{token}", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/impact/label/documents/{id}", vec![], "LFFFTNNFFF"),
        ("GET", "/fi/impact/label/pack.zip", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/impact/label/documents", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/impact/official", vec![("<multipart>", "file")], "LFFFTOOFFF"),
        ("GET", "/fi/organisations/{slug}/figures", vec![], "LFFOTOOFFF"),
        ("POST", "/fi/organisations/{slug}/figures", vec![], "LFFOTOOFFF"),
        ("GET", "/fi/park", vec![], "OOOOOOOOOO"),
        ("POST", "/fi/impact/freeze", vec![], "LFFFTDDFFF"),
        ("POST", "/fi/impact/indicators/{id}/target", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/impact/rollup", vec![], "LFFFTDDFFF"),
        ("POST", "/fi/impact/text", vec![], "LFFFTDDFFF"),
        ("POST", "/fi/pipeline/funding", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/admin/groups", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/groups", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/groups/new", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/groups/{slug}", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/groups/{slug}/documents/{did}", vec![], "LFNNFNNFFF"),
        ("GET", "/fi/groups/{slug}/edit", vec![], "LFFOFOOFFF"),
        ("GET", "/fi/groups/{slug}/members", vec![], "LFFOFOOFFF"),
        ("POST", "/fi/groups/new", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/innovations", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/innovations/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/pipeline", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/export.csv", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/duplicates", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/import", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/fields", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/funding", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/{id}/funding", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/calls", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/calls/new", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/calls/new", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/calls/deadlines.ics", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/calls/{id}", vec![], "NNNNNNNNNN"),
        ("GET", "/fi/procurements", vec![], "OOOOOOOOOO"),
        ("GET", "/fi/procurements/new", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/procurements/new", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/procurements/feed.rss", vec![], "OOOOOOOOOO"),
        ("POST", "/fi/pipeline/fields", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/fields/{key}/delete", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/pipeline/import", vec![("<multipart>", "file")], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/merge", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/pipeline/merge", vec![], "LFFFTNNFFF"),
        ("GET", "/fi/pipeline/new", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/stages", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/table", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/tasks", vec![], "LFFFTOOFFF"),
        ("GET", "/fi/pipeline/{id}", vec![], "LNNOTOONNN"),
        ("GET", "/fi/pipeline/{id}/edit", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/join", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/pipeline/new", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/stages", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/stages/{key}", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/views", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/views/{id}/delete", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/pipeline/{id}/edit", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/{id}/link", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/pipeline/{id}/stage", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/{id}/tasks", vec![], "LFFFTOOFFF"),
        ("POST", "/fi/pipeline/{id}/tasks/{tid}", vec![], "LFFFTNNFFF"),
        ("POST", "/fi/groups/{slug}/actions", vec![], "LFFOFOOFFF"),
        ("POST", "/fi/groups/{slug}/actions/{aid}", vec![], "LFFNFNNFFF"),
        ("POST", "/fi/groups/{slug}/discussions", vec![], "LFOOFOOFFF"),
        ("POST", "/fi/groups/{slug}/documents", vec![], "LFOOFOOFFF"),
        ("POST", "/fi/groups/{slug}/edit", vec![], "LFFOFOOFFF"),
        ("POST", "/fi/groups/{slug}/invitations/{mid}", vec![], "LNNNNNNNNN"),
        ("POST", "/fi/groups/{slug}/invite", vec![], "LFFOFOOFFF"),
        ("POST", "/fi/groups/{slug}/join", vec![], "LDCCDDDDDD"),
        ("POST", "/fi/groups/{slug}/members/{mid}", vec![], "LFFNFNNFFF"),
        ("POST", "/fi/groups/{slug}/phases", vec![], "LFFOFOOFFF"),
    ]
}

both_backends!(matrix);
