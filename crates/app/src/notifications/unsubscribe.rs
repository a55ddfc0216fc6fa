//! Signed links in notification email that stop one kind of email without
//! a login, and undo it. A link names what it stops as `prefix:argument`
//! (`thread:5`, `focus:energy`) or `email` (all notification email); each
//! capability registers what its prefixes stop ([`Stops`]). The signature
//! is HMAC-SHA256 over the person and the key, under a key kept in
//! `signing_keys`.

use super::{EmailMode, set_email_mode};
use crate::{App, AppError, tokens};
use futures::future::BoxFuture;

/// The name of the signing key of these links.
pub const SIGNING_KEY: &str = "unsubscribe";
/// The key of "all notification email".
pub const ALL_EMAIL: &str = "email";

/// What was stopped, for the page that says so: a translation key and the
/// name it takes (Finnish, English), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    pub key: &'static str,
    pub name: Option<(String, String)>,
    /// The name is itself a translation key.
    pub name_is_key: bool,
}

impl Stopped {
    pub fn plain(key: &'static str) -> Stopped {
        Stopped { key, name: None, name_is_key: false }
    }

    pub fn named(key: &'static str, fi: String, en: String) -> Stopped {
        Stopped { key, name: Some((fi, en)), name_is_key: false }
    }

    /// Named by a translation key (`focus-energy`).
    pub fn keyed(key: &'static str, name_key: String) -> Stopped {
        Stopped { key, name: Some((name_key.clone(), name_key)), name_is_key: true }
    }
}

/// Stops or resumes what a link names (the whole key, `thread:5`) for
/// person `uid`.
pub type Action = fn(App, i32, String) -> BoxFuture<'static, Result<Stopped, AppError>>;

/// What one prefix stops and how it is undone.
#[derive(Clone, Copy)]
pub struct Stop {
    pub prefix: &'static str,
    pub stop: Action,
    pub undo: Action,
}

/// Every capability's prefixes, registered when the app starts.
#[derive(Default)]
pub struct Stops(Vec<Stop>);

impl Stops {
    pub fn add(&mut self, s: Stop) {
        self.0.push(s);
    }

    fn find(&self, what: &str) -> Option<Stop> {
        let (prefix, _) = what.split_once(':')?;
        self.0.iter().find(|s| s.prefix == prefix).copied()
    }
}

fn message(uid: i32, what: &str) -> String {
    format!("unsubscribe:{uid}:{what}")
}

/// The absolute link that stops `what` for person `uid`.
pub fn link(app: &App, key: &[u8], lang: &str, uid: i32, what: &str) -> String {
    // Keys are `[a-z0-9:-]` and signatures URL-safe base64: nothing to escape.
    let sig = tokens::sign(key, &message(uid, what));
    app.url(&format!("/{lang}/notifications/unsubscribe?u={uid}&s={what}&sig={sig}"))
}

/// The signing key of the links (made by the first node that needs it).
pub async fn key<C: sea_orm::ConnectionTrait>(conn: &C) -> Result<Vec<u8>, AppError> {
    Ok(tokens::signing_key(conn, SIGNING_KEY).await?)
}

async fn checked(app: &App, uid: i32, what: &str, sig: &str) -> Result<(), AppError> {
    let key = key(&app.db).await?;
    if tokens::verify(&key, &message(uid, what), sig) { Ok(()) } else { Err(AppError::NotFound) }
}

/// Checks a signed link and carries it out; idempotent. A wrong signature
/// or an unknown key is refused as not found.
pub async fn stop(app: &App, uid: i32, what: &str, sig: &str) -> Result<Stopped, AppError> {
    checked(app, uid, what, sig).await?;
    if what == ALL_EMAIL {
        set_email_mode(app, uid, EmailMode::Off).await?;
        return Ok(Stopped::plain("unsubscribed-email"));
    }
    let s = app.hooks.stops.find(what).ok_or(AppError::NotFound)?;
    (s.stop)(app.clone(), uid, what.to_string()).await
}

/// Undoes a signed link (the page offers it next to the notice); "all
/// email" returns to `previous` (immediate or the digest; the digest when
/// unknown).
pub async fn undo(
    app: &App,
    uid: i32,
    what: &str,
    sig: &str,
    previous: Option<EmailMode>,
) -> Result<Stopped, AppError> {
    checked(app, uid, what, sig).await?;
    if what == ALL_EMAIL {
        let back = previous.filter(|m| *m != EmailMode::Off).unwrap_or(EmailMode::Digest);
        set_email_mode(app, uid, back).await?;
        return Ok(Stopped::plain("unsubscribed-email"));
    }
    let s = app.hooks.stops.find(what).ok_or(AppError::NotFound)?;
    (s.undo)(app.clone(), uid, what.to_string()).await
}
