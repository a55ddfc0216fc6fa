//! The authorization matrix: every route × every role, allow or deny
//! asserted. "Allowed" for a POST means the request passed the policy and
//! reached validation (422 for the deliberately incomplete form).

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_domain::{Email, OrgRole, PlatformRole};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// 200 for GET, 422 (validation reached) for POST.
    Ok,
    Login,
    TwoFactor,
    Forbidden,
    NotFound,
    Conflict,
    /// 303 to a page of the app: the change was made.
    Done,
    /// 410: the link is not valid.
    Gone,
}
use Expect::*;

/// Method, path, form fields, expected outcome per role.
type Route = (&'static str, String, Vec<(&'static str, &'static str)>, [Expect; 7]);

const ROLES: [&str; 7] =
    ["anonymous", "person", "org-member", "org-admin", "orchestrator-no-2fa", "orchestrator", "operator"];

async fn matrix(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@matriisi.test", PlatformRole::Person).await;
    let (member, _) = t.user("member@matriisi.test", PlatformRole::Person).await;
    let (person, _) = t.user("person@kimppa.test", PlatformRole::Person).await;
    let (orch, orch_secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (op, op_secret) = t.user("op@kimppa.test", PlatformRole::Operator).await;
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
    t.agreement(&orch, "Sitoumus").await;
    let admin_actor = t.principal(&admin).await;
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
        &admin_actor,
        &listed.slug,
        &service_form("Matriisipalvelu", "published"),
    )
    .await
    .unwrap();
    let draft = kimppa_app::directory::services::create(
        &t.app,
        &admin_actor,
        &listed.slug,
        &service_form("Luonnospalvelu", "draft"),
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

    use kimppa_store::sea_orm::{ActiveModelTrait, Set};
    kimppa_store::entities::forum_category::ActiveModel {
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
    let closed_thread = kimppa_app::forum::create(
        &t.app,
        &admin_actor,
        &kimppa_app::forum::ThreadForm {
            category: "keskustelu".into(),
            title: "Suljettu ketju".into(),
            body: "Vain kutsutuille.".into(),
            closed: Some("on".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ct = closed_thread.id;
    let draft_challenge = kimppa_app::challenges::create(
        &t.app,
        &admin_actor,
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
        &admin_actor,
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
    let draft_listing = kimppa_app::materials::create(
        &t.app,
        &admin_actor,
        &kimppa_app::materials::ListingForm {
            org: listed.slug.clone(),
            kind: "offer".into(),
            class_code: "17 01 01".into(),
            title: "Betoni".into(),
            description: "Betonijäte".into(),
            unit: "t".into(),
            frequency: "month".into(),
            municipality: "564".into(),
            available_from: "2026-11-01".into(),
            price_kind: "negotiable".into(),
            visibility: "public".into(),
            action: "draft".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
    .id;

    let mut clients: Vec<Client> = vec![
        t.client(),
        t.login(&person, None).await,
        t.login(&member, None).await,
        t.login(&admin, None).await,
        t.login(&orch_no2fa, None).await,
        t.login(&orch, orch_secret.as_deref()).await,
        t.login(&op, op_secret.as_deref()).await,
    ];
    // Every client holds a CSRF token, so POSTs test the policy, not CSRF.
    clients[0].get("/fi/login").await;

    let l = &listed.slug;
    let admin_pages = [Login, Forbidden, Forbidden, Forbidden, TwoFactor, Ok, Ok];
    let logged_in = [Login, Ok, Ok, Ok, Ok, Ok, Ok];
    let everyone = [Ok; 7];
    let routes: Vec<Route> = vec![
        ("GET", "/fi/".into(), vec![], everyone),
        ("GET", "/fi/register".into(), vec![], everyone),
        ("GET", "/fi/login".into(), vec![], everyone),
        ("GET", "/en/password/forgot".into(), vec![], everyone),
        ("GET", "/fi/invitations/not-a-token".into(), vec![], [Gone; 7]),
        ("GET", "/fi/verify?token=not-a-token".into(), vec![], [Gone; 7]),
        ("GET", "/healthz".into(), vec![], everyone),
        ("GET", "/readyz".into(), vec![], everyone),
        ("GET", "/api/v1/openapi.json".into(), vec![], everyone),
        ("GET", "/en/organisations".into(), vec![], everyone),
        ("GET", format!("/fi/organisations/{l}"), vec![], everyone),
        (
            "GET",
            format!("/fi/organisations/{}", hidden.slug),
            vec![],
            [NotFound, NotFound, NotFound, NotFound, NotFound, Ok, Ok],
        ),
        ("GET", format!("/fi/organisations/{l}/edit"), vec![], [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok]),
        (
            "POST",
            format!("/fi/organisations/{l}/edit"),
            vec![("name", "")],
            [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok],
        ),
        ("GET", format!("/fi/organisations/{l}/people"), vec![], [Login, Forbidden, Ok, Ok, TwoFactor, Ok, Ok]),
        (
            "POST",
            format!("/fi/organisations/{l}/people"),
            vec![("email", "x"), ("role", "member")],
            [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok],
        ),
        (
            "GET",
            format!("/fi/organisations/{l}/join"),
            vec![],
            [Login, Forbidden, Forbidden, Conflict, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            format!("/fi/organisations/{l}/join"),
            vec![("version_id", "0")],
            [Login, Forbidden, Forbidden, Conflict, Forbidden, Forbidden, Forbidden],
        ),
        ("GET", "/fi/organisations/new".into(), vec![], logged_in),
        ("POST", "/fi/organisations/new".into(), vec![("name", "")], logged_in),
        ("GET", "/fi/account".into(), vec![], logged_in),
        ("POST", "/fi/account/password".into(), vec![("current_password", "x")], logged_in),
        ("GET", "/fi/account/security".into(), vec![], logged_in),
        ("POST", "/fi/account/profile".into(), vec![("name", "")], logged_in),
        ("GET", "/fi/admin".into(), vec![], admin_pages),
        ("GET", "/fi/admin/memberships".into(), vec![], admin_pages),
        (
            "POST",
            format!("/fi/admin/memberships/{}", hidden.id),
            vec![("decision", "reject"), ("reason", "")],
            admin_pages,
        ),
        ("GET", "/fi/admin/users".into(), vec![], admin_pages),
        ("POST", format!("/fi/admin/users/{}/role", person.id), vec![("role", "nobody")], admin_pages),
        // Only an operator may grant the operator role.
        (
            "POST",
            format!("/fi/admin/users/{}/role", other_admin.id),
            vec![("role", "operator")],
            [Login, Forbidden, Forbidden, Forbidden, TwoFactor, Forbidden, Done],
        ),
        ("GET", "/fi/admin/agreements".into(), vec![], admin_pages),
        ("POST", "/fi/admin/agreements".into(), vec![("title_fi", "")], admin_pages),
        ("GET", "/fi/admin/outbox".into(), vec![], admin_pages),
        ("GET", "/fi/admin/audit".into(), vec![], admin_pages),
        ("GET", "/fi/admin/pages".into(), vec![], admin_pages),
        ("POST", "/fi/admin/pages/new".into(), vec![("slug", "")], admin_pages),
        ("GET", "/fi/admin/content/news".into(), vec![], admin_pages),
        ("POST", "/fi/admin/content/glossary/new".into(), vec![("slug", "")], admin_pages),
        ("GET", "/fi/admin/questions".into(), vec![], admin_pages),
        ("GET", "/fi/admin/analytics".into(), vec![], admin_pages),
        ("GET", "/fi/news".into(), vec![], everyone),
        ("GET", "/fi/glossary".into(), vec![], everyone),
        ("GET", "/fi/faq".into(), vec![], everyone),
        ("POST", "/fi/faq".into(), vec![("question", "")], everyone),
        ("GET", "/fi/clusters".into(), vec![], everyone),
        ("GET", "/sitemap.xml".into(), vec![], everyone),
        ("GET", "/api/v1/organisations".into(), vec![], everyone),
        ("GET", format!("/api/v1/organisations/{l}"), vec![], everyone),
        ("GET", format!("/api/v1/organisations/{}", hidden.slug), vec![], [NotFound; 7]),
        ("GET", "/fi/search?q=kierr%C3%A4tys&kind=service".into(), vec![], everyone),
        ("GET", "/api/v1/search?q=kierr%C3%A4tys".into(), vec![], everyone),
        ("GET", "/api/v1/search/suggest?q=ki".into(), vec![], everyone),
        // The directory and services marketplace.
        ("GET", "/fi/services".into(), vec![], everyone),
        ("GET", "/en/experts".into(), vec![], everyone),
        ("GET", "/api/v1/services".into(), vec![], everyone),
        ("GET", "/api/v1/experts".into(), vec![], everyone),
        ("GET", format!("/fi/services/{}", svc.slug), vec![], everyone),
        ("GET", format!("/api/v1/services/{}", svc.slug), vec![], everyone),
        ("GET", format!("/fi/services/{}", draft.slug), vec![], [NotFound, NotFound, NotFound, Ok, NotFound, Ok, Ok]),
        ("GET", format!("/api/v1/services/{}", draft.slug), vec![], [NotFound; 7]),
        (
            "GET",
            format!("/fi/services/{}/edit", svc.slug),
            vec![],
            [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/services/{}/edit", svc.slug),
            vec![("title_fi", "")],
            [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/services/{}/co-provision", svc.slug),
            vec![("answer", "accept")],
            [Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        ("GET", format!("/fi/services/{}/contact", svc.slug), vec![], logged_in),
        ("GET", format!("/fi/organisations/{l}/contact"), vec![], logged_in),
        (
            "GET",
            format!("/fi/organisations/{l}/services"),
            vec![],
            [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok],
        ),
        (
            "GET",
            format!("/fi/organisations/{l}/services/new"),
            vec![],
            [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/organisations/{l}/services/new"),
            vec![("title_fi", "")],
            [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok],
        ),
        ("GET", format!("/fi/organisations/{l}/leads"), vec![], [Login, Forbidden, Forbidden, Ok, TwoFactor, Ok, Ok]),
        ("GET", "/fi/experts/999999".into(), vec![], [NotFound; 7]),
        ("GET", "/fi/account/expert".into(), vec![], logged_in),
        ("POST", "/fi/account/expert".into(), vec![("org", "")], logged_in),
        ("GET", "/fi/forum".into(), vec![], everyone),
        ("GET", "/fi/forum/categories/keskustelu".into(), vec![], everyone),
        ("GET", "/fi/forum/categories/keskustelu/rss.xml".into(), vec![], everyone),
        ("GET", "/fi/forum/categories/ei-ole".into(), vec![], [NotFound; 7]),
        ("GET", "/fi/forum/new".into(), vec![], logged_in),
        ("POST", "/fi/forum/new".into(), vec![("title", "")], logged_in),
        ("GET", format!("/fi/forum/threads/{ct}"), vec![], [NotFound, NotFound, NotFound, Ok, NotFound, Ok, Ok]),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/reply"),
            vec![("body", "")],
            [Login, NotFound, NotFound, Ok, NotFound, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/invite"),
            vec![("who", "")],
            [NotFound, NotFound, NotFound, Ok, NotFound, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/moderate"),
            vec![("action", "")],
            [Login, Forbidden, Forbidden, Forbidden, TwoFactor, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/replies/999999/hidden"),
            vec![("hidden", "true")],
            [Login, Forbidden, Forbidden, Forbidden, TwoFactor, NotFound, NotFound],
        ),
        ("GET", format!("/fi/forum/threads/{ct}/history"), vec![], admin_pages),
        ("GET", "/fi/admin/forum".into(), vec![], admin_pages),
        ("GET", "/fi/admin/forum/areas".into(), vec![], admin_pages),
        ("GET", "/fi/admin/forum/topics/new".into(), vec![], admin_pages),
        ("POST", "/fi/admin/forum/areas/new".into(), vec![("slug", "")], admin_pages),
        (
            "POST",
            "/fi/admin/forum/reports/999999/resolve".into(),
            vec![],
            [Login, Forbidden, Forbidden, Forbidden, TwoFactor, NotFound, NotFound],
        ),
        ("GET", format!("/fi/forum/threads/{ct}/report"), vec![], [Login, NotFound, NotFound, Ok, NotFound, Ok, Ok]),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/report"),
            vec![("reason", "")],
            [Login, NotFound, NotFound, Ok, NotFound, Ok, Ok],
        ),
        ("GET", format!("/fi/forum/threads/{ct}/edit"), vec![], [NotFound, NotFound, NotFound, Ok, NotFound, Ok, Ok]),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/edit"),
            vec![("body", "")],
            [Login, NotFound, NotFound, Ok, NotFound, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/accept"),
            vec![],
            [NotFound, NotFound, NotFound, Done, NotFound, Done, Done],
        ),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/experts"),
            vec![("expert", "")],
            [NotFound, NotFound, NotFound, Ok, NotFound, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/forum/threads/{ct}/experts/999999/remove"),
            vec![],
            [NotFound, NotFound, NotFound, Done, NotFound, Done, Done],
        ),
        ("GET", "/api/v1/forum/threads".into(), vec![], everyone),
        ("GET", format!("/api/v1/forum/threads/{ct}"), vec![], [NotFound; 7]),
        ("GET", "/fi/inbox".into(), vec![], logged_in),
        ("GET", format!("/fi/inbox/{}", lead.id), vec![], [Login, Ok, NotFound, Ok, NotFound, Ok, Ok]),
        (
            "POST",
            format!("/fi/inbox/{}/reply", lead.id),
            vec![("body", "")],
            [Login, Ok, NotFound, Ok, NotFound, Forbidden, Forbidden],
        ),
        (
            "POST",
            format!("/fi/inbox/{}/status", lead.id),
            vec![("status", "")],
            [Login, Forbidden, NotFound, Ok, NotFound, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/inbox/{}/report", lead.id),
            vec![("reason", "")],
            [Login, Forbidden, NotFound, Ok, NotFound, Forbidden, Forbidden],
        ),
        (
            "GET",
            format!("/fi/inbox/{}/attachment", lead.id),
            vec![],
            [Login, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound],
        ),
        ("GET", "/fi/challenges".into(), vec![], everyone),
        ("GET", "/fi/challenges/new".into(), vec![], [Login, Forbidden, Forbidden, Ok, Forbidden, Ok, Ok]),
        ("GET", format!("/fi/challenges/{draft_challenge}"), vec![], [NotFound, NotFound, Ok, Ok, NotFound, Ok, Ok]),
        (
            "POST",
            format!("/fi/challenges/{draft_challenge}/state"),
            vec![("action", "feature")],
            [NotFound, NotFound, Forbidden, Forbidden, NotFound, Done, Done],
        ),
        ("GET", "/fi/kimppas".into(), vec![], everyone),
        ("GET", "/fi/partner-searches".into(), vec![], logged_in),
        ("GET", "/fi/partner-searches/new".into(), vec![], [Login, Forbidden, Forbidden, Ok, Forbidden, Ok, Ok]),
        ("GET", format!("/fi/partner-searches/{search}"), vec![], [Login, NotFound, NotFound, Ok, NotFound, Ok, Ok]),
        (
            "POST",
            format!("/fi/partner-searches/{search}/help"),
            vec![("help_message", "")],
            [Login, NotFound, NotFound, Ok, NotFound, Ok, Ok],
        ),
        (
            "POST",
            format!("/fi/partner-searches/{search}/help/answer"),
            vec![("help_reply", "")],
            [Login, Forbidden, Forbidden, Forbidden, TwoFactor, Ok, Ok],
        ),
        ("GET", "/fi/admin/partner-searches".into(), vec![], admin_pages),
        ("GET", "/fi/materials".into(), vec![], everyone),
        ("GET", "/fi/materials/workshops".into(), vec![], everyone),
        ("GET", "/fi/materials/mine".into(), vec![], logged_in),
        ("GET", "/fi/materials/new".into(), vec![], [Login, Forbidden, Ok, Ok, Forbidden, Ok, Ok]),
        ("GET", format!("/fi/materials/{draft_listing}"), vec![], [NotFound, NotFound, Ok, Ok, NotFound, Ok, Ok]),
        ("GET", format!("/fi/materials/{draft_listing}/edit"), vec![], [Login, NotFound, Ok, Ok, NotFound, Ok, Ok]),
        (
            "POST",
            format!("/fi/materials/{draft_listing}/close"),
            vec![("outcome", "")],
            [Login, NotFound, Ok, Ok, NotFound, Ok, Ok],
        ),
        ("GET", "/fi/materials/region".into(), vec![], [Login, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok]),
        (
            "GET",
            "/fi/materials/region/export.csv?region=uusimaa".into(),
            vec![],
            [Login, Forbidden, Forbidden, Forbidden, TwoFactor, Ok, Ok],
        ),
        (
            "GET",
            "/fi/materials/workshops/new".into(),
            vec![],
            [Login, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok],
        ),
        ("GET", "/fi/admin/materials".into(), vec![], admin_pages),
        (
            "POST",
            "/fi/admin/materials/factors".into(),
            vec![("class_pattern", "")],
            [Login, Forbidden, Forbidden, Forbidden, TwoFactor, Ok, Ok],
        ),
        (
            "POST",
            "/fi/admin/materials/coordinators".into(),
            vec![("email", "")],
            [Login, Forbidden, Forbidden, Forbidden, TwoFactor, Ok, Ok],
        ),
        ("GET", "/api/v1/listings".into(), vec![], everyone),
        ("GET", format!("/api/v1/listings/{draft_listing}"), vec![], [NotFound; 7]),
        ("GET", "/api/v1/challenges".into(), vec![], everyone),
        ("GET", format!("/api/v1/challenges/{draft_challenge}"), vec![], [NotFound; 7]),
        ("GET", "/fi/admin/challenges".into(), vec![], admin_pages),
        ("GET", "/fi/admin/leads".into(), vec![], admin_pages),
        ("GET", "/fi/admin/directory".into(), vec![], admin_pages),
        ("GET", "/fi/admin/directory/export/organisations.csv".into(), vec![], admin_pages),
        (
            "GET",
            "/fi/admin/webhooks".into(),
            vec![],
            [Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ),
        (
            "POST",
            "/fi/admin/webhooks".into(),
            vec![("url", "")],
            [Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ),
    ];
    let mut failures = vec![];
    for (method, path, fields, expected) in &routes {
        for (i, c) in clients.iter_mut().enumerate() {
            let r = if *method == "GET" { c.get(path).await } else { c.post(path, fields).await };
            let got = match (r.status, r.location()) {
                (StatusCode::OK, _) if *method == "GET" => Ok,
                (StatusCode::UNPROCESSABLE_ENTITY, _) if *method == "POST" => Ok,
                (StatusCode::SEE_OTHER, loc) if loc.starts_with("/fi/login?next=") => Login,
                (StatusCode::SEE_OTHER, loc) if loc == "/fi/account/security" => TwoFactor,
                (StatusCode::FORBIDDEN, _) => Forbidden,
                (StatusCode::NOT_FOUND, _) => NotFound,
                (StatusCode::CONFLICT, _) => Conflict,
                (StatusCode::GONE, _) => Gone,
                (StatusCode::SEE_OTHER, loc) if loc.starts_with("/fi/") => Done,
                (s, loc) => panic!("{method} {path} as {}: unexpected {s} {loc}", ROLES[i]),
            };
            if got != expected[i] {
                failures.push(format!("{method} {path} as {}: expected {:?}, got {got:?}", ROLES[i], expected[i]));
            }
        }
    }
    assert!(failures.is_empty(), "authorization matrix mismatches:\n{}", failures.join("\n"));
}

both_backends!(matrix);
