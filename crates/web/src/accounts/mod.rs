//! Pages for registering, verifying, logging in and out, passwords and
//! the TOTP second factor.

mod login;
mod password;
mod register;
mod security;

use crate::AppState;
use axum::{
    Router,
    routing::{get, post},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/register", get(register::form).post(register::submit))
        .route("/register/done", get(register::done))
        .route("/verify", get(register::verify))
        .route("/login", get(login::form).post(login::submit))
        .route("/login/totp", get(login::totp_form).post(login::totp_submit))
        .route("/logout", post(login::logout))
        .route("/password/forgot", get(password::forgot_form).post(password::forgot_submit))
        .route("/password/reset", get(password::reset_form).post(password::reset_submit))
        .route("/account", get(password::account))
        .route("/account/password", post(password::change))
        .route("/account/profile", post(password::profile))
        .route("/account/security", get(security::page))
        .route("/account/security/enable", post(security::enable))
        .route("/account/security/disable", post(security::disable))
}

/// A safe local redirect target from a `next` parameter.
pub fn safe_next(next: Option<&str>, lang: crate::i18n::Lang) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.contains("://") => {
            n.to_string()
        }
        _ => format!("/{}/", lang.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/fi/account"), Lang::Fi), "/fi/account");
        assert_eq!(safe_next(Some("//evil.example"), Lang::Fi), "/fi/");
        assert_eq!(safe_next(Some("https://evil.example"), Lang::En), "/en/");
        assert_eq!(safe_next(None, Lang::En), "/en/");
    }
}
