//! Organisation registry: logos, invitations, duplicate Business IDs,
//! editing by admins.

use crate::common::{Client, TestApp, link_after};
use axum::http::StatusCode;
use kimppa_domain::PlatformRole;

async fn upload(c: &mut Client, slug: &str, filename: &str, bytes: &[u8]) -> crate::common::Resp {
    c.post_multipart(&format!("/fi/organisations/{slug}/logo"), &[], "logo", filename, bytes).await
}

async fn logo_upload_checks_type_and_size(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("logo@kimppa.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Logo Oy", "approved").await;
    let mut c = t.login(&admin, None).await;
    c.get(&format!("/fi/organisations/{}/edit", org.slug)).await;
    let r = upload(&mut c, &org.slug, "evil.png", b"<svg onload=alert(1)></svg>").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("PNG-, JPEG- tai WebP-kuva"));
    let r = upload(&mut c, &org.slug, "big.png", &[b"\x89PNG\r\n\x1a\n".as_slice(), &vec![0u8; 1024 * 1024]].concat())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("liian suuri"));
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), b"not really pixels"].concat();
    let r = upload(&mut c, &org.slug, "logo.png", &png).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let key = t.find_org(&org.slug).await.logo_key.expect("logo stored");
    let mut anon = t.client();
    let img = anon.get(&format!("/media/{key}")).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.header("content-type"), "image/png");
    assert!(img.header("content-security-policy").contains("sandbox"), "{:?}", img.headers);
    let page = anon.get(&format!("/fi/organisations/{}", org.slug)).await;
    assert!(
        page.body.contains(&format!("src=\"/media/{key}\""))
            && page.body.contains("alt=\"Organisaation Logo Oy logo\"")
    );
    // Without the CSRF part, the upload is refused.
    c.csrf = Some("wrong".into());
    assert_eq!(upload(&mut c, &org.slug, "logo.png", &png).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn invitations_add_colleagues(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("kutsuja@kimppa.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Kutsu Oy", "approved").await;
    let mut c = t.login(&admin, None).await;
    c.get(&format!("/fi/organisations/{}/people", org.slug)).await;
    let r =
        c.post(&format!("/fi/organisations/{}/people", org.slug), &[("email", "ei osoite"), ("role", "member")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"ei osoite\""));
    let r = c
        .post(&format!("/fi/organisations/{}/people", org.slug), &[("email", "kollega@kimppa.test"), ("role", "admin")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.run_jobs().await;
    let mail = t.last_email_to("kollega@kimppa.test").await;
    assert!(mail.subject.contains("Kutsu Oy"));
    let link = link_after(&mail.body_text, "/invitations/").unwrap();
    // The invited person registers, then accepts.
    let (colleague, _) = t.user("kollega@kimppa.test", PlatformRole::Person).await;
    let mut anon = t.client();
    let r = anon.get(&link).await;
    assert!(r.body.contains("Kutsu Oy"));
    let mut cc = t.login(&colleague, None).await;
    cc.get(&link).await;
    let r = cc.post(&link, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Now an admin: may edit.
    assert_eq!(cc.get(&format!("/fi/organisations/{}/edit", org.slug)).await.status, StatusCode::OK);
    // The link works once.
    assert_eq!(cc.get(&link).await.status, StatusCode::GONE);
    let people = c.get(&format!("/fi/organisations/{}/people", org.slug)).await;
    assert!(people.body.contains("kollega@kimppa.test"));
}

async fn business_ids_are_unique(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("yksi@kimppa.test", PlatformRole::Person).await;
    let mut c = t.login(&admin, None).await;
    c.get("/en/organisations/new").await;
    let form = |name: &'static str| {
        vec![
            ("name", name),
            ("country", "FI"),
            ("business_id", "1572860-0"),
            ("org_type", "anchor"),
            ("size_class", "large"),
            ("municipality", "Raahe"),
        ]
    };
    assert_eq!(c.post("/en/organisations/new", &form("Eka Oyj")).await.status, StatusCode::SEE_OTHER);
    c.get("/en/organisations/new").await;
    let r = c.post("/en/organisations/new", &form("Toka Oyj")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("already in the registry"));
    // A Finnish organisation needs one; a foreign one does not.
    let r = c
        .post(
            "/en/organisations/new",
            &[
                ("name", "Toka Oyj"),
                ("country", "FI"),
                ("org_type", "anchor"),
                ("size_class", "large"),
                ("municipality", "Raahe"),
            ],
        )
        .await;
    assert!(r.body.contains("must have a Business ID"));
    let r = c
        .post(
            "/en/organisations/new",
            &[
                ("name", "Nordic AB"),
                ("country", "se"),
                ("org_type", "sme"),
                ("size_class", "small"),
                ("municipality", "Luleå"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

both_backends!(logo_upload_checks_type_and_size, invitations_add_colleagues, business_ids_are_unique);
