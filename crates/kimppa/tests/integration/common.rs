//! Test harness: a fresh app on a fresh database (SQLite or PostgreSQL)
//! driven through the real router, with a cookie-keeping client that
//! acts like a browser (forms, CSRF tokens, redirects).

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use kimppa_app::{App, config::Config, policy::Principal};
use kimppa_domain::UserId;
use kimppa_domain::{Email, OrgRole, PlatformRole};
use kimppa_store::{
    entities::{email, organisation, user},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set},
    testing::{Backend, TestDatabase, fresh_database_url},
};
use tokio::sync::OnceCell;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery staple";

/// Runs an async test body on SQLite and on PostgreSQL. Without a
/// PostgreSQL server for the tests (`KIMPPA_TEST_POSTGRES_URL`) the
/// PostgreSQL variants are reported as ignored, with the reason.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(kimppa_store::testing::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(no_postgres, ignore = "KIMPPA_TEST_POSTGRES_URL is not set: PostgreSQL variant not run")]
            async fn postgres() {
                super::$name(kimppa_store::testing::Backend::Postgres).await;
            }
        }
    )+};
}

pub struct TestApp {
    pub app: App,
    pub router: Router,
    /// Held for its `Drop`, last: the database goes with the test.
    _database: TestDatabase,
}

static HASH: OnceCell<String> = OnceCell::const_new();

async fn password_hash() -> &'static str {
    HASH.get_or_init(|| async { kimppa_app::accounts::hash_password(PASSWORD).await.unwrap() }).await
}

pub fn test_config(database_url: String) -> Config {
    Config {
        database_url,
        base_url: "http://kimppa.test".into(),
        files: kimppa_app::config::FilesConfig::memory(),
        demo_on_empty: false,
        search_path: "memory".into(),
        // Look at the change log on every request: tests change data
        // directly and expect the next page to show it.
        page_cache: kimppa_app::config::PageCacheConfig { freshness_ms: 0, ..Default::default() },
        ..Config::default()
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        Self::with_config(backend, |_| {}).await
    }

    /// A test app whose settings `change` adjusts first.
    pub async fn with_config(backend: Backend, change: impl FnOnce(&mut Config)) -> TestApp {
        let database = fresh_database_url(backend).await.expect("database for the backend");
        let mut config = test_config(database.url.clone());
        change(&mut config);
        let app = App::start(config).await.expect("app starts");
        let router = kimppa_web::router(app.clone());
        TestApp { app, router, _database: database }
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookie: None, csrf: None }
    }

    /// Runs the job runner until the change log is drained.
    pub async fn run_jobs(&self) {
        while kimppa_app::jobs::process_batch(&self.app).await.unwrap() > 0 {}
    }

    /// A verified user with a platform role; TOTP secret for staff.
    pub async fn user(&self, email_addr: &str, role: PlatformRole) -> (user::Model, Option<String>) {
        let secret = (role != PlatformRole::Person).then(kimppa_app::accounts::totp::new_secret);
        let u = kimppa_app::accounts::create_verified_user(
            &self.app.db,
            &Email::parse(email_addr).unwrap(),
            "Testi Henkilö",
            password_hash().await,
            role,
            secret.as_deref(),
        )
        .await
        .unwrap();
        (u, secret)
    }

    /// An organisation created by `admin` (who becomes its admin).
    pub async fn org(&self, admin: &user::Model, name: &str, status: &str) -> organisation::Model {
        let actor = self.principal(admin).await;
        let form = kimppa_app::organisations::OrgForm {
            name: name.into(),
            country: "SE".into(),
            org_type: "sme".into(),
            size_class: "small".into(),
            municipality: "Oulu".into(),
            focus_areas: vec!["energy".into()],
            description_fi: "Kuvaus".into(),
            ..Default::default()
        };
        let org = kimppa_app::organisations::create(&self.app, &actor, &form).await.unwrap();
        let mut am = org.into_active_model();
        am.membership_status = Set(kimppa_domain::MembershipStatus::parse(status).expect("a membership status"));
        am.update(&self.app.db).await.unwrap()
    }

    /// Adds `u` to `org` with `role`, through an invitation.
    pub async fn add_to_org(&self, org: &organisation::Model, admin: &user::Model, u: &user::Model, role: OrgRole) {
        let admin_actor = self.principal(admin).await;
        kimppa_app::organisations::invite(&self.app, &admin_actor, &org.slug, &u.email, role.key(), "fi")
            .await
            .unwrap();
        let body = self.last_email_to(&u.email).await.body_text;
        let token = link_after(&body, "/invitations/").unwrap();
        let token = token.rsplit('/').next().unwrap().to_string();
        kimppa_app::organisations::accept_invitation(&self.app, &self.principal(u).await, &token).await.unwrap();
    }

    /// Publishes a commitment agreement version whose Finnish text is `body_fi`.
    pub async fn agreement(&self, orchestrator: &user::Model, body_fi: &str) {
        let form = kimppa_app::membership::AgreementForm {
            title_fi: "Sitoumus".into(),
            title_en: "Commitment".into(),
            body_fi: body_fi.into(),
            body_en: "We do circular business together.".into(),
        };
        kimppa_app::membership::publish_agreement(&self.app, &self.elevated(orchestrator).await, &form).await.unwrap();
    }

    pub async fn emails_to(&self, to: &str) -> Vec<email::Model> {
        email::Entity::find()
            .filter(email::Column::ToAddr.eq(to))
            .order_by_asc(email::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
    }

    pub async fn last_email_to(&self, to: &str) -> email::Model {
        self.emails_to(to).await.pop().unwrap_or_else(|| panic!("no email to {to}"))
    }

    pub async fn find_user(&self, email_addr: &str) -> Option<user::Model> {
        user::Entity::find().filter(user::Column::Email.eq(email_addr)).one(&self.app.db).await.unwrap()
    }

    pub async fn find_org(&self, slug: &str) -> organisation::Model {
        organisation::Entity::find()
            .filter(organisation::Column::Slug.eq(slug))
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
    }

    /// The principal of `u` as a request would resolve it (no second factor).
    pub async fn principal(&self, u: &user::Model) -> Principal {
        Principal::resolve(&self.app, UserId(u.id), false).await.unwrap()
    }

    /// The principal of `u` after passing the second factor.
    pub async fn elevated(&self, u: &user::Model) -> Principal {
        Principal::resolve(&self.app, UserId(u.id), true).await.unwrap()
    }

    /// A client logged in as `u` (with a TOTP code when it has a secret).
    /// A client logged in as `u` (with a TOTP code when it has a secret),
    /// having followed the login's redirect as a browser does.
    pub async fn login(&self, u: &user::Model, secret: Option<&str>) -> Client {
        let mut c = self.client();
        c.get("/fi/login").await;
        let mut r = c.post("/fi/login", &[("email", &u.email), ("password", PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {}: {}", u.email, r.body);
        if let Some(s) = secret {
            assert!(r.location().starts_with("/fi/login/totp"), "{}", r.location());
            c.get(&r.location()).await;
            let code = kimppa_app::accounts::totp::current_code(s).unwrap();
            r = c.post("/fi/login/totp", &[("code", &code)]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "totp of {}: {}", u.email, r.body);
        }
        let landed = c.follow(&r).await;
        assert!(landed.status.is_success() || landed.status.is_redirection(), "after the login: {}", landed.status);
        c
    }
}

/// The text of `body` from `marker` to the next whitespace, as a path
/// (the base URL removed).
pub fn link_after(body: &str, marker: &str) -> Option<String> {
    let start = body.find(marker)?;
    let begin = body[..start].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let end = body[start..].find(char::is_whitespace).map_or(body.len(), |i| start + i);
    Some(body[begin..end].trim_start_matches("http://kimppa.test").to_string())
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent (for files that are not text).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A browser-like client: keeps the session cookie and the last CSRF token.
#[derive(Clone)]
pub struct Client {
    pub router: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    pub async fn send(&mut self, req: Request<Body>) -> Resp {
        let mut req = req;
        if let Some(c) = &self.cookie {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for sc in headers.get_all(header::SET_COOKIE) {
            let s = sc.to_str().unwrap();
            let pair = s.split(';').next().unwrap().to_string();
            if s.contains("Max-Age=0") || s.contains("max-age=0") {
                self.cookie = None;
            } else {
                self.cookie = Some(pair);
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).to_string();
        if let Some(t) = csrf_in(&body) {
            self.csrf = Some(t);
        }
        Resp { status, headers, body, bytes: bytes.to_vec() }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn get_json(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).header(header::ACCEPT, "application/json").body(Body::empty()).unwrap()).await
    }

    /// Posts a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if let Some(t) = &self.csrf {
            s.append_pair("csrf", t);
        }
        for (k, v) in fields {
            s.append_pair(k, v);
        }
        self.post_raw(path, s.finish()).await
    }

    pub async fn post_raw(&mut self, path: &str, body: String) -> Resp {
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Posts a multipart form (CSRF token first, then text fields, then one file).
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        filename: &str,
        bytes: &[u8],
    ) -> Resp {
        let boundary = "XkimppaBoundary";
        let mut body = Vec::new();
        let token = self.csrf.clone().unwrap_or_default();
        for (k, v) in [("csrf", token.as_str())].iter().chain(fields.iter()) {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Follows a redirect.
    pub async fn follow(&mut self, r: &Resp) -> Resp {
        assert!(r.status.is_redirection(), "not a redirect: {} {}", r.status, r.body);
        self.get(&r.location()).await
    }
}

fn csrf_in(body: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    let t = &body[start..end];
    (!t.is_empty()).then(|| t.to_string())
}

/// A router over a copy of the app whose database connection counts the
/// statements it runs, and the counter.
pub fn counted(t: &TestApp) -> (Router, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let n = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut app = t.app.clone();
    let counter = n.clone();
    app.db.set_metric_callback(move |m| {
        if std::env::var("KIMPPA_SHOW_QUERIES").is_ok() {
            eprintln!("query: {}", m.statement.sql.chars().take(160).collect::<String>());
        }
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    (kimppa_web::router(app), n)
}
