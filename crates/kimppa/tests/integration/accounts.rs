//! Accounts: enumeration-safe registration and reset, single-use reset
//! links, throttling, password change, TOTP, logout.

use crate::common::{PASSWORD, TestApp, link_after};
use axum::http::StatusCode;
use kimppa_domain::PlatformRole;
use kimppa_store::{
    entities::email_token,
    sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set},
};

async fn registration_reveals_no_accounts(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (u, _) = t.user("olemassa@kimppa.test", PlatformRole::Person).await;
    let mut c = t.client();
    c.get("/en/register").await;
    let r = c
        .post(
            "/en/register",
            &[("name", "Someone"), ("email", "olemassa@kimppa.test"), ("password", "another long password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "same answer as for a new address");
    assert_eq!(r.location(), "/en/register/done");
    let mail = t.last_email_to(&u.email).await;
    assert!(mail.subject.contains("already have an account"), "{}", mail.subject);
    // The password of the existing account did not change.
    t.login(&u, None).await;
}

async fn password_reset_is_single_use_and_expires(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (u, _) = t.user("unohtaja@kimppa.test", PlatformRole::Person).await;
    let mut c = t.client();
    c.get("/fi/password/forgot").await;
    // Unknown address: the same answer, no mail.
    let r = c.post("/fi/password/forgot", &[("email", "ei-ole@kimppa.test")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(t.emails_to("ei-ole@kimppa.test").await.is_empty());
    let same = r.body.clone();
    let r = c.post("/fi/password/forgot", &[("email", &u.email)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(strip_csrf(&same), strip_csrf(&r.body), "known and unknown addresses get the same page");
    let link = link_after(&t.last_email_to(&u.email).await.body_text, "/password/reset?token=").unwrap();
    let token = link.split("token=").nth(1).unwrap().to_string();
    c.get(&link).await;
    let r = c.post("/fi/password/reset", &[("token", &token), ("password", "lyhyt")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "short password refused");
    let r = c.post("/fi/password/reset", &[("token", &token), ("password", "uusi pitkä salasana")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c.post("/fi/password/reset", &[("token", &token), ("password", "toinen pitkä salasana")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a used link does not work again");
    // The new password works, the old one does not.
    c.get("/fi/login").await;
    assert_eq!(
        c.post("/fi/login", &[("email", &u.email), ("password", PASSWORD)]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.post("/fi/login", &[("email", &u.email), ("password", "uusi pitkä salasana")]).await.status,
        StatusCode::SEE_OTHER
    );

    // An expired link is refused.
    let mut c2 = t.client();
    c2.get("/fi/password/forgot").await;
    c2.post("/fi/password/forgot", &[("email", &u.email)]).await;
    let link = link_after(&t.last_email_to(&u.email).await.body_text, "/password/reset?token=").unwrap();
    let token = link.split("token=").nth(1).unwrap().to_string();
    for row in email_token::Entity::find().all(&t.app.db).await.unwrap() {
        let mut am = row.into_active_model();
        am.expires_at = Set(kimppa_app::now() - chrono::Duration::minutes(1));
        am.update(&t.app.db).await.unwrap();
    }
    c2.get(&link).await;
    let r = c2.post("/fi/password/reset", &[("token", &token), ("password", "kolmas pitkä salasana")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("vanhentunut"));
}

fn strip_csrf(body: &str) -> String {
    body.lines().filter(|l| !l.contains("csrf")).collect::<Vec<_>>().join("\n")
}

async fn login_is_throttled_per_account_without_enumeration(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (u, _) = t.user("kohde@kimppa.test", PlatformRole::Person).await;
    let mut c = t.client();
    c.get("/fi/login").await;
    let unknown = c.post("/fi/login", &[("email", "tuntematon@kimppa.test"), ("password", "wrong password!")]).await;
    let wrong = c.post("/fi/login", &[("email", &u.email), ("password", "wrong password!")]).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.body.contains("Sähköpostiosoite tai salasana on väärin."));
    assert!(wrong.body.contains("Sähköpostiosoite tai salasana on väärin."));
    assert!(wrong.body.contains("value=\"kohde@kimppa.test\""), "email kept in the form");
    for _ in 0..4 {
        c.post("/fi/login", &[("email", &u.email), ("password", "wrong password!")]).await;
    }
    // Now even the right password is refused for a while, with a clear message.
    let r = c.post("/fi/login", &[("email", &u.email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("15 minuutin"));
    // Another account from the same address still works.
    let (other, _) = t.user("toinen@kimppa.test", PlatformRole::Person).await;
    assert_eq!(
        c.post("/fi/login", &[("email", &other.email), ("password", PASSWORD)]).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn password_change_totp_and_logout(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (u, _) = t.user("vaihtaja@kimppa.test", PlatformRole::Person).await;
    let mut c = t.login(&u, None).await;
    c.get("/en/account").await;
    // Profile: a blank name is refused and the typed title kept.
    let r = c.post("/en/account/profile", &[("name", " "), ("title", "Circularity lead")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Name: This is required.") && r.body.contains("value=\"Circularity lead\""));
    assert_eq!(
        c.post("/en/account/profile", &[("name", "Vilja Vaihtaja"), ("title", "Circularity lead")]).await.status,
        StatusCode::SEE_OTHER
    );
    let page = c.get("/en/account").await;
    assert!(page.body.contains("Details saved.") && page.body.contains("value=\"Vilja Vaihtaja\""));
    assert_eq!(t.find_user(&u.email).await.unwrap().title.as_deref(), Some("Circularity lead"));
    let r = c.post("/en/account/password", &[("current_password", "wrong one entirely"), ("new_password", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("The password is wrong.") && r.body.contains("at least 12 characters"),
        "both errors at once"
    );
    let r = c
        .post("/en/account/password", &[("current_password", PASSWORD), ("new_password", "a brand new password")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Turn on TOTP: the page shows the secret; a wrong code is refused.
    let page = c.get("/en/account/security").await;
    let marker = "id=\"totp-secret\">";
    let s = page.body.find(marker).unwrap() + marker.len();
    let secret = page.body[s..s + page.body[s..].find('<').unwrap()].to_string();
    let r = c.post("/en/account/security/enable", &[("code", "000000x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = kimppa_app::accounts::totp::current_code(&secret).unwrap();
    let r = c.post("/en/account/security/enable", &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Logout ends the session.
    c.get("/en/account").await;
    let r = c.post("/en/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/en/account").await.status, StatusCode::SEE_OTHER);

    // Next login asks for the code.
    c.get("/en/login").await;
    let r = c.post("/en/login", &[("email", &u.email), ("password", "a brand new password")]).await;
    assert!(r.location().starts_with("/en/login/totp"), "{}", r.location());
    c.get(&r.location()).await;
    assert_eq!(c.post("/en/login/totp", &[("code", "123456")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = kimppa_app::accounts::totp::current_code(&secret).unwrap();
    assert_eq!(c.post("/en/login/totp", &[("code", &code)]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/en/account").await.status, StatusCode::OK);
}

async fn orchestrator_must_enable_totp_before_using_powers(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let u = kimppa_app::accounts::create_admin(
        &t.app,
        "uusi.orkestroija@kimppa.test",
        "Uusi Orkestroija",
        "orchestrator",
        PASSWORD,
    )
    .await
    .unwrap();
    let mut c = t.login(&u, None).await;
    let r = c.get("/fi/admin/memberships").await;
    assert_eq!(r.location(), "/fi/account/security", "sent to set up TOTP");
    let page = c.get("/fi/account/security").await;
    assert!(page.body.contains("Orkestroijan ja operaattorin oikeudet"));
    let marker = "id=\"totp-secret\">";
    let s = page.body.find(marker).unwrap() + marker.len();
    let secret = page.body[s..s + page.body[s..].find('<').unwrap()].to_string();
    let code = kimppa_app::accounts::totp::current_code(&secret).unwrap();
    assert_eq!(c.post("/fi/account/security/enable", &[("code", &code)]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/fi/admin/memberships").await.status, StatusCode::OK, "powers after TOTP");
}

both_backends!(
    registration_reveals_no_accounts,
    password_reset_is_single_use_and_expires,
    login_is_throttled_per_account_without_enumeration,
    password_change_totp_and_logout,
    orchestrator_must_enable_totp_before_using_powers,
);
