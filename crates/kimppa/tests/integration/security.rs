//! CSRF, origin checks, security headers, and bad input that must get a
//! clear answer rather than a panic.

use crate::common::TestApp;
use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use kimppa_domain::PlatformRole;

async fn forms_need_the_session_token_and_same_origin(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (u, _) = t.user("csrf@kimppa.test", PlatformRole::Person).await;
    let mut c = t.login(&u, None).await;
    c.get("/fi/organisations/new").await;
    // A form that is valid in every other way.
    let valid = "name=Hyokkaaja+Oy&country=SE&org_type=sme&size_class=small&municipality=Oulu\
                 &focus_areas=energy&description_fi=Kuvaus";
    // No token.
    let r = c.post_raw("/fi/organisations/new", valid.into()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Lomake on vanhentunut"), "{}", r.body);
    // A wrong token.
    let r = c.post_raw("/fi/organisations/new", format!("csrf=guess&{valid}")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Lomake on vanhentunut"), "{}", r.body);
    // The right token from another site.
    let token = c.csrf.clone().unwrap();
    let r = c
        .send(
            Request::post("/fi/organisations/new")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ORIGIN, "https://evil.example")
                .header(header::HOST, "kimppa.test")
                .body(Body::from(format!("csrf={token}&{valid}")))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nothing was created.
    assert!(t.principal(&u).await.memberships().is_empty());
    // The same form with the session's token from this site creates the organisation.
    let r = c.post_raw("/fi/organisations/new", format!("csrf={token}&{valid}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.principal(&u).await.memberships().len(), 1);
}

async fn security_headers_and_cookie_flags(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let mut c = t.client();
    let r = c.get("/fi/login").await;
    let csp = r.header("content-security-policy");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline")
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("referrer-policy"), "same-origin");
    let cookie = r.header("set-cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    // Public pages start no session for anonymous visitors.
    let mut anon = t.client();
    assert!(anon.get("/fi/organisations").await.header("set-cookie").is_empty());
    let api = anon.get("/api/v1/organisations").await;
    assert_eq!(api.header("x-content-type-options"), "nosniff");
}

async fn bad_input_gets_clear_errors(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (u, _) = t.user("paha@kimppa.test", PlatformRole::Person).await;
    let mut c = t.login(&u, None).await;
    c.get("/fi/organisations/new").await;
    let token = c.csrf.clone().unwrap();
    // Invalid UTF-8 and broken encodings.
    let r = c
        .send(
            Request::post("/fi/organisations/new")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from([format!("csrf={token}&name=").into_bytes(), vec![0xff, 0xfe, b'%', b'z']].concat()))
                .unwrap(),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    // Every field wrong at once: all reported, nothing lost.
    let long = "x".repeat(6000);
    let r = c
        .post(
            "/fi/organisations/new",
            &[
                ("name", ""),
                ("country", "Suomi"),
                ("business_id", "abc"),
                ("org_type", "pankki"),
                ("size_class", ""),
                ("municipality", ""),
                ("focus_areas", "kuu"),
                ("description_fi", &long),
                ("website", "ftp://x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in
        ["name", "country", "org_type", "size_class", "municipality", "focus_areas", "description_fi", "website"]
    {
        assert!(r.body.contains(&format!("href=\"#f-{field}\"")), "error for {field} in summary");
    }
    assert!(r.body.contains(&long), "long text kept for editing");
    // Malformed query strings and ids.
    assert_eq!(c.get("/fi/admin/memberships/abc").await.status, StatusCode::METHOD_NOT_ALLOWED);
    let r = c.get("/api/v1/organisations?org_type=pankki").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "org_type");
    assert_eq!(c.get("/fi/verify?token=").await.status, StatusCode::GONE);
    assert_eq!(c.get("/fi/verify").await.status, StatusCode::GONE);
    assert_eq!(c.get("/media/logos/../../etc/passwd").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/xx/organisations").await.status, StatusCode::NOT_FOUND);
    // A body over the limit is refused without reading it all.
    let huge = "a".repeat(5 * 1024 * 1024);
    let r = c.post("/fi/organisations/new", &[("name", &huge)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

both_backends!(
    forms_need_the_session_token_and_same_origin,
    security_headers_and_cookie_flags,
    bad_input_gets_clear_errors
);
