//! The JSON API: organisations, problem+json errors, the OpenAPI document.

use crate::common::TestApp;
use axum::http::StatusCode;
use kimppa_domain::PlatformRole;

async fn organisations_api(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("api@kimppa.test", PlatformRole::Person).await;
    t.org(&admin, "Avoin Data Oy", "approved").await;
    t.org(&admin, "Salainen Oy", "pending").await;
    let mut c = t.client();
    let list = c.get("/api/v1/organisations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.header("content-type").starts_with("application/json"));
    let v = list.json();
    assert_eq!(v["total"], 1, "only approved members are public: {v}");
    assert_eq!(v["items"][0]["slug"], "avoin-data-oy");
    assert_eq!(v["items"][0]["focus_areas"][0], "energy");
    let filtered = c.get("/api/v1/organisations?org_type=municipality").await.json();
    assert_eq!(filtered["total"], 0);
    let one = c.get("/api/v1/organisations/avoin-data-oy").await.json();
    assert_eq!(one["name"], "Avoin Data Oy");

    let missing = c.get("/api/v1/organisations/salainen-oy").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("content-type"), "application/problem+json");
    let p = missing.json();
    assert_eq!(p["status"], 404);
    assert_eq!(p["title"], "Page not found");
    assert!(p["type"].as_str().unwrap().ends_with("/not-found"));
    let nothing = c.get("/api/v1/nothing-here").await;
    assert_eq!(nothing.header("content-type"), "application/problem+json");
    // HTML errors become problem+json when JSON is asked for.
    let r = c.get_json("/fi/admin").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["status"], 401);
}

async fn operations_endpoints(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let mut c = t.client();
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.body, "ready");
    c.get("/fi/").await;
    let m = c.get("/metrics").await;
    assert!(m.body.contains("kimppa_http_requests_total"), "{}", m.body);
    let r = c.get("/").await;
    assert_eq!(r.location(), "/fi/");
    let r = c
        .send(
            axum::http::Request::get("/")
                .header("accept-language", "en-GB,en;q=0.9,fi;q=0.5")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.location(), "/en/");
}

both_backends!(organisations_api, operations_endpoints);

#[test]
fn openapi_document_is_stable() {
    use utoipa::OpenApi;
    let doc = kimppa_web::api::ApiDoc::openapi().to_pretty_json().unwrap();
    insta::assert_snapshot!("openapi", doc);
}
