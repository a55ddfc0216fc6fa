//! The request context every handler takes: language, session, the
//! logged-in user and their policy actor; and [`Page`], what every
//! template receives.

use crate::{AppState, i18n::Lang};
use axum::{extract::FromRequestParts, http::request::Parts};
use kimppa_app::policy::{self, Principal};
use kimppa_domain::UserId;
use tower_sessions::Session;

pub const SESSION_USER: &str = "user_id";
pub const SESSION_2FA: &str = "second_factor";
pub const SESSION_PENDING_2FA: &str = "pending_user_id";
pub const SESSION_CSRF: &str = "csrf";
pub const SESSION_FLASH: &str = "flash";
/// When the session's expiry was last pushed (Unix seconds).
pub const SESSION_REFRESHED: &str = "refreshed";

/// A session's expiry (and its cookie's lifetime) is pushed at most this
/// often: a page view between two refreshes writes nothing.
pub const REFRESH_SECONDS: i64 = 300;

pub struct Ctx {
    pub lang: Lang,
    pub session: Session,
    /// Who is asking, resolved once for the request.
    pub principal: Principal,
    /// Path and query of the request, for the language switch and `next`.
    pub path: String,
    /// The client address, for throttling.
    pub client: String,
    pub state: AppState,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = crate::errors::WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| kimppa_app::AppError::internal("session layer missing"))?;
        let uri = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        let path = uri.path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into());
        let lang = Lang::from_path(uri.path()).unwrap_or_default();
        let user_id: Option<i32> = session.get(SESSION_USER).await.map_err(session_error)?;
        slide(&session).await?;
        let principal = match user_id {
            Some(id) => {
                let second_factor: bool = session.get(SESSION_2FA).await.map_err(session_error)?.unwrap_or(false);
                Principal::remembered(&state.app, UserId(id), second_factor).await?
            }
            None => Principal::Anonymous,
        };
        let client = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "local".into());
        Ok(Ctx { lang, session, principal, path, client, state: state.clone() })
    }
}

/// An existing session slides: its expiry and cookie are renewed when the
/// last renewal is older than [`REFRESH_SECONDS`] (saving marks it); a
/// page view between two renewals writes nothing.
pub async fn slide(session: &Session) -> Result<(), kimppa_app::AppError> {
    if session.id().is_some() {
        let now = kimppa_app::now().timestamp();
        let refreshed: Option<i64> = session.get(SESSION_REFRESHED).await.map_err(session_error)?;
        if refreshed.is_none_or(|t| now - t >= REFRESH_SECONDS || t > now) {
            session.insert(SESSION_REFRESHED, now).await.map_err(session_error)?;
        }
    }
    Ok(())
}

/// A session that cannot be read or written is an internal error.
fn session_error(e: tower_sessions::session::Error) -> kimppa_app::AppError {
    kimppa_app::AppError::context("session store", e)
}

impl Ctx {
    pub fn app(&self) -> &kimppa_app::App {
        &self.state.app
    }

    /// A link inside the current language: `href("/login")` → `/fi/login`.
    pub fn href(&self, path: &str) -> String {
        format!("/{}{}", self.lang.code(), path)
    }

    /// Sets a one-time message shown on the next page.
    pub async fn flash(&self, key: &str) {
        if let Err(e) = self.session.insert(SESSION_FLASH, key).await {
            tracing::warn!(error = %e, "the message for the next page was not kept");
        }
    }

    /// The page frame for a page without forms for anonymous visitors (no
    /// session is started for them).
    pub async fn page(&self, title_key: &str) -> Page {
        self.frame(title_key, !self.principal.is_anonymous()).await
    }

    /// The page frame for a page with a form: ensures the CSRF token.
    pub async fn form_page(&self, title_key: &str) -> Page {
        self.frame(title_key, true).await
    }

    async fn frame(&self, title_key: &str, ensure_csrf: bool) -> Page {
        let csrf = match self.session.get::<String>(SESSION_CSRF).await {
            Ok(Some(t)) => t,
            Ok(None) if !ensure_csrf => String::new(),
            Ok(None) => {
                let t = kimppa_app::tokens::new_token();
                match self.session.insert(SESSION_CSRF, &t).await {
                    Ok(_) => t,
                    Err(e) => {
                        tracing::warn!(error = %e, "no form token: the session could not be written");
                        String::new()
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "the session could not be read");
                String::new()
            }
        };
        // Read before removing: a removal marks the session changed, and a
        // page view without a message writes nothing.
        let flash: Option<String> = match self.session.get::<String>(SESSION_FLASH).await {
            Ok(Some(f)) => {
                if let Err(e) = self.session.remove::<String>(SESSION_FLASH).await {
                    tracing::warn!(error = %e, "a shown message could not be cleared");
                }
                Some(f)
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "the session could not be read");
                None
            }
        };
        let nav = match kimppa_app::website::pages::menu(self.app()).await {
            Ok(pages) => pages
                .iter()
                .map(|(slug, fi, en)| {
                    (self.href(&format!("/pages/{slug}")), if self.lang == Lang::En { en.clone() } else { fi.clone() })
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "navigation unavailable");
                vec![]
            }
        };
        let mut p = Page::bare(self.lang, self.lang.t(title_key), &self.app().config.base_url, &self.path);
        if let Some(u) = self.principal.person() {
            p.user_name = Some(u.name.clone());
            p.unread = match kimppa_app::notifications::unread(self.app(), &self.principal).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e.chain(), "unread count unavailable");
                    0
                }
            };
        }
        p.elevated = policy::is_staff(&self.principal);
        p.csrf = csrf;
        p.flash = flash.map(|k| self.lang.t(&k));
        p.nav = nav;
        p
    }
}

pub use crate::page::Page;
