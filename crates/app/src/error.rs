//! Domain errors of the use cases. The web layer maps them to pages or
//! `application/problem+json`.

use kimppa_domain::DomainError;

/// One refused form field: the field name and a translation key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("login required")]
    LoginRequired,
    #[error("second factor required")]
    SecondFactorRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many attempts")]
    RateLimited,
    #[error("invalid credentials")]
    BadCredentials,
    #[error("email not verified")]
    EmailNotVerified,
    #[error("link expired or already used")]
    TokenInvalid,
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &'static str, code: &'static str) -> AppError {
        AppError::Invalid(vec![FieldError { field, code }])
    }

    pub fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(e.to_string())
    }
}

/// For a value a [`Checker`] has already accepted: never expected to run,
/// but an error rather than a panic if it ever does.
pub(crate) fn checked() -> AppError {
    AppError::Internal("a checked field was missing".into())
}

/// Collects field errors while parsing a form, so every bad field is
/// reported at once.
#[derive(Default, Debug)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    /// Records the error of `r` against `field` and returns the value.
    pub fn check<T>(&mut self, field: &'static str, r: Result<T, DomainError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError { field, code: e.code() });
                None
            }
        }
    }

    pub fn push(&mut self, field: &'static str, code: &'static str) {
        self.errors.push(FieldError { field, code });
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() { Ok(()) } else { Err(AppError::Invalid(self.errors)) }
    }
}
