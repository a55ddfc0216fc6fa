//! The foundation journey, as a person and an orchestrator would walk it:
//! register → verification mail from the outbox → login → create an
//! organisation (a wrong Business ID is refused and the form keeps the
//! input) → accept the agreement → orchestrator approves → listed publicly.

use crate::common::{TestApp, link_after};
use axum::http::StatusCode;
use kimppa_domain::MembershipStatus;
use kimppa_domain::PlatformRole;

async fn journey(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, orch_secret) = t.user("orkestroija@kimppa.test", PlatformRole::Orchestrator).await;
    t.agreement(&orch, "Teemme kiertotaloutta yhdessä.").await;

    // Register.
    let mut c = t.client();
    let r = c.get("/fi/register").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = c
        .post("/fi/register", &[("name", "Maija Meikäläinen"), ("email", "Maija@Example.FI"), ("password", "short")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("vähintään 12 merkkiä"), "password error shown");
    assert!(r.body.contains("value=\"Maija Meikäläinen\""), "name kept");
    assert!(r.body.contains("value=\"Maija@Example.FI\""), "email kept");
    let r = c
        .post(
            "/fi/register",
            &[("name", "Maija Meikäläinen"), ("email", "Maija@Example.FI"), ("password", "kiertotalous on kivaa")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/fi/register/done");

    // Not verified yet: login refused with a clear message.
    c.get("/fi/login").await;
    let r = c.post("/fi/login", &[("email", "maija@example.fi"), ("password", "kiertotalous on kivaa")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Vahvista ensin"), "{}", r.body);

    // The verification mail, read from the outbox (delivered by the job runner).
    t.run_jobs().await;
    let mail = t.last_email_to("maija@example.fi").await;
    assert_eq!(mail.status, "outbox");
    let link = link_after(&mail.body_text, "/verify?token=").expect("verification link");
    let r = c.get(&link).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A used link does not work twice.
    assert_eq!(c.get(&link).await.status, StatusCode::GONE);

    // The orchestrator can read the same mail at the admin outbox page.
    let mut oc = t.login(&orch, orch_secret.as_deref()).await;
    let r = oc.get("/fi/admin/outbox").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("maija@example.fi") && r.body.contains("/verify?token="));

    // Login.
    c.get("/fi/login").await;
    let r = c
        .post(
            "/fi/login",
            &[("email", "maija@example.fi"), ("password", "kiertotalous on kivaa"), ("next", "/fi/account")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/fi/account");
    let r = c.follow(&r).await;
    assert!(r.body.contains("Maija Meikäläinen"));

    // Create an organisation: a wrong Business ID is refused, input kept.
    c.get("/fi/organisations/new").await;
    let fields = |bid: &'static str| {
        vec![
            ("name", "Kierrätys Meikäläinen Oy"),
            ("country", "FI"),
            ("business_id", bid),
            ("org_type", "sme"),
            ("size_class", "micro"),
            ("municipality", "Kempele"),
            ("focus_areas", "plastics"),
            ("focus_areas", "reuse-materials"),
            ("description_fi", "Kierrätämme muovia."),
            ("description_en", "We recycle plastics."),
            ("website", "kierratys.example.fi"),
        ]
    };
    let r = c.post("/fi/organisations/new", &fields("0737546-3")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("class=\"error-summary\""));
    assert!(r.body.contains("tarkistusmerkki ei täsmää"), "check digit message");
    assert!(r.body.contains("href=\"#f-business_id\">Y-tunnus: Y-tunnuksen"), "summary names and links the field");
    assert!(r.body.contains("value=\"0737546-3\""), "wrong id kept for correction");
    assert!(r.body.contains("value=\"Kierrätys Meikäläinen Oy\""), "name kept");
    assert!(r.body.contains("value=\"Kempele\""), "municipality kept");
    assert!(r.body.contains("value=\"plastics\" checked"), "checkbox kept");
    assert!(r.body.contains("Kierrätämme muovia."), "description kept");
    let r = c.post("/fi/organisations/new", &fields("0737546-2")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/fi/organisations/kierratys-meikalainen-oy");
    let page = c.follow(&r).await;
    assert!(page.body.contains("0737546-2") && page.body.contains("https://kierratys.example.fi"));

    // Not public yet.
    let mut anon = t.client();
    assert_eq!(anon.get("/fi/organisations/kierratys-meikalainen-oy").await.status, StatusCode::NOT_FOUND);
    assert!(!anon.get("/fi/organisations").await.body.contains("Kierrätys Meikäläinen Oy"));

    // Accept the agreement: not ticking the box is refused.
    let r = c.get("/fi/organisations/kierratys-meikalainen-oy/join").await;
    assert!(r.body.contains("Teemme kiertotaloutta yhdessä."));
    let version_id = {
        let marker = "name=\"version_id\" value=\"";
        let s = r.body.find(marker).unwrap() + marker.len();
        r.body[s..s + r.body[s..].find('"').unwrap()].to_string()
    };
    let r = c.post("/fi/organisations/kierratys-meikalainen-oy/join", &[("version_id", &version_id)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post("/fi/organisations/kierratys-meikalainen-oy/join", &[("version_id", &version_id), ("accept", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.find_org("kierratys-meikalainen-oy").await.membership_status, MembershipStatus::Pending);

    // The orchestrator approves.
    let org = t.find_org("kierratys-meikalainen-oy").await;
    let r = oc.get("/fi/admin/memberships").await;
    assert!(r.body.contains("Kierrätys Meikäläinen Oy"));
    assert!(r.body.contains("Maija Meikäläinen"), "who accepted is shown");
    // Rejecting needs a reason.
    let r = oc.post(&format!("/fi/admin/memberships/{}", org.id), &[("decision", "reject"), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = oc.post(&format!("/fi/admin/memberships/{}", org.id), &[("decision", "approve"), ("tier", "member")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Listed publicly, in both languages and in the API.
    let list = anon.get("/fi/organisations").await;
    assert!(list.body.contains("Kierrätys Meikäläinen Oy"));
    let page = anon.get("/en/organisations/kierratys-meikalainen-oy").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("We recycle plastics."));
    let api = anon.get("/api/v1/organisations/kierratys-meikalainen-oy").await.json();
    assert_eq!(api["business_id"], "0737546-2");
    assert_eq!(api["membership_tier"], "member");

    // The organisation's admin got the decision by email; the audit log has it.
    t.run_jobs().await;
    assert!(t.last_email_to("maija@example.fi").await.subject.contains("jäsen"));
    let audit = oc.get("/fi/admin/audit").await;
    assert!(audit.body.contains("membership.approve") && audit.body.contains("kierratys-meikalainen-oy"));
    // History shows application and approval to the organisation's people.
    let page = c.get("/fi/organisations/kierratys-meikalainen-oy").await;
    assert!(page.body.contains("Hakemus jätetty") && page.body.contains("Hyväksytty"));
}

both_backends!(journey);
