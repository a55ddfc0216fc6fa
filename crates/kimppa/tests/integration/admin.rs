//! The admin area: agreement versions, roles and the audit log.

use crate::common::TestApp;
use axum::http::StatusCode;
use kimppa_domain::PlatformRole;

async fn agreement_versions_and_roles(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (op, secret) = t.user("op@kimppa.test", PlatformRole::Operator).await;
    let (person, _) = t.user("henkilo@kimppa.test", PlatformRole::Person).await;
    t.agreement(&op, "Ensimmäinen versio.").await;
    let mut c = t.login(&op, secret.as_deref()).await;
    let page = c.get("/fi/admin/agreements").await;
    assert!(page.body.contains("Ensimmäinen versio."), "the form starts from the current text");
    let same = [
        ("title_fi", "Sitoumus"),
        ("title_en", "Commitment"),
        ("body_fi", "Ensimmäinen versio."),
        ("body_en", "We do circular business together."),
    ];
    let r = c.post("/fi/admin/agreements", &same).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an unchanged text is not a new version");
    assert!(r.body.contains("sama kuin voimassa olevassa"));
    let changed = [
        ("title_fi", "Sitoumus"),
        ("title_en", "Commitment"),
        ("body_fi", "Toinen versio."),
        ("body_en", "Second version."),
    ];
    assert_eq!(c.post("/fi/admin/agreements", &changed).await.status, StatusCode::SEE_OTHER);
    assert_eq!(kimppa_app::membership::current_agreement(&t.app).await.unwrap().unwrap().version, 2);

    // Role change, then the audit log shows both actions.
    c.get("/fi/admin/users").await;
    let r = c.post(&format!("/fi/admin/users/{}/role", person.id), &[("role", "orchestrator")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(t.find_user("henkilo@kimppa.test").await.unwrap().platform_role, PlatformRole::Orchestrator);
    // Nobody changes their own role.
    assert_eq!(
        c.post(&format!("/fi/admin/users/{}/role", op.id), &[("role", "person")]).await.status,
        StatusCode::CONFLICT
    );
    t.run_jobs().await;
    let audit = c.get("/fi/admin/audit").await;
    assert!(audit.body.contains("agreement.publish") && audit.body.contains("v2"));
    assert!(audit.body.contains("user.role") && audit.body.contains("person -&#62; orchestrator"), "{}", audit.body);
    let users = c.get("/fi/admin/users?q=henkilo").await;
    assert!(users.body.contains("henkilo@kimppa.test") && !users.body.contains(">op@kimppa.test<"));
}

both_backends!(agreement_versions_and_roles);
