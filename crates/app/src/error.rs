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
    /// A form came without the session's token (an old page, or another site).
    #[error("the form has expired")]
    FormExpired,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    /// Something that should not fail did; the cause is kept for the log.
    #[error("{message}")]
    Internal {
        message: String,
        #[source]
        source: Option<BoxError>,
    },
}

/// Any error, as a cause.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl AppError {
    pub fn field(field: &'static str, code: &'static str) -> AppError {
        AppError::Invalid(vec![FieldError { field, code }])
    }

    /// An internal error caused by `source`.
    pub fn internal(source: impl Into<BoxError>) -> AppError {
        AppError::Internal { message: "internal error".into(), source: Some(source.into()) }
    }

    /// An internal error with what was being done, caused by `source`.
    pub fn context(message: impl Into<String>, source: impl Into<BoxError>) -> AppError {
        AppError::Internal { message: message.into(), source: Some(source.into()) }
    }

    /// An internal error without a further cause.
    pub fn fail(message: impl Into<String>) -> AppError {
        AppError::Internal { message: message.into(), source: None }
    }

    /// The error and its causes, for logs.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// An error and every cause under it: `a: b: c`.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

/// For a value a [`Checker`] has already accepted: never expected to run,
/// but an error rather than a panic if it ever does.
pub(crate) fn checked() -> AppError {
    AppError::fail("a checked field was missing")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_keep_their_causes() {
        let io = std::io::Error::other("disk full");
        let e = AppError::context("could not write the backup", io);
        assert_eq!(e.chain(), "could not write the backup: disk full");
        let db = AppError::from(sea_orm::DbErr::Custom("connection reset".into()));
        assert_eq!(db.chain(), "database error: Custom Error: connection reset");
        assert_eq!(AppError::fail("no such demo person").chain(), "no such demo person");
    }
}
