//! iCalendar (RFC 5545): an event's `.ics`, the public feed of upcoming
//! public events, the year view's feed and each person's personal feed
//! behind a secret address. Times are written in Europe/Helsinki with the
//! zone's rules included, so every calendar shows the Finnish time the
//! organiser typed.

use crate::{App, AppError, policy::Principal};
use chrono::{DateTime, Utc};
use kimppa_domain::{EventStatus, UserId};
use kimppa_store::entities::{calendar_key, event};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

/// One event as a calendar entry.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i32,
    pub title: String,
    pub description: String,
    pub location: String,
    pub url: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub cancelled: bool,
}

impl Item {
    /// An event in a language; `with_link` adds its online link (for those
    /// registered only).
    pub fn of(app: &App, e: &event::Model, lang: &str, with_link: bool) -> Item {
        let url = app.url(&format!("/{lang}/events/{}", e.id));
        let mut description = crate::search::documents::plain(super::description(e, lang));
        if with_link && e.online && !e.online_url.is_empty() {
            description =
                format!("{}\n\n{}: {}", description, if lang == "en" { "Online" } else { "Etäyhteys" }, e.online_url);
        }
        let mut location = e.address.clone();
        if e.online {
            let online = if lang == "en" { "Online" } else { "Etänä" };
            location = if location.is_empty() { online.to_string() } else { format!("{location} / {online}") };
        }
        Item {
            id: e.id,
            title: super::title(e, lang).to_string(),
            description,
            location,
            url,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            updated_at: e.updated_at,
            cancelled: e.status == EventStatus::Cancelled,
        }
    }
}

/// Seconds before this (2025-01-01 UTC) do not count in an entry's SEQUENCE.
const SEQUENCE_EPOCH: i64 = 1_735_689_600;

/// The zone's rules: EET in winter, EEST from the last Sunday of March to
/// the last Sunday of October (changes at 01:00 UTC).
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Helsinki\r\nBEGIN:STANDARD\r\nDTSTART:19701025T040000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\nTZNAME:EET\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nTZNAME:EEST\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

/// A calendar of `items` named `name`; `base_url` makes the entries' UIDs.
pub fn ics(base_url: &str, name: &str, items: &[Item]) -> String {
    let host =
        base_url.trim_end_matches('/').rsplit("//").next().unwrap_or("kimppa").split('/').next().unwrap_or("kimppa");
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kimppa//Events//FI\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n",
    );
    out.push_str(&line("X-WR-CALNAME", &escape(name)));
    out.push_str("X-WR-TIMEZONE:Europe/Helsinki\r\n");
    out.push_str(VTIMEZONE);
    let now = utc(crate::now());
    for i in items {
        out.push_str("BEGIN:VEVENT\r\n");
        out.push_str(&line("UID", &format!("event-{}@{}", i.id, host)));
        out.push_str(&line("DTSTAMP", &now));
        out.push_str(&line("LAST-MODIFIED", &utc(i.updated_at)));
        // Grows with every change, so calendars replace the entry they hold.
        out.push_str(&line("SEQUENCE", &(i.updated_at.timestamp() - SEQUENCE_EPOCH).max(0).to_string()));
        out.push_str(&line("DTSTART;TZID=Europe/Helsinki", &local(i.starts_at)));
        out.push_str(&line("DTEND;TZID=Europe/Helsinki", &local(i.ends_at)));
        out.push_str(&line("SUMMARY", &escape(&i.title)));
        if !i.description.is_empty() {
            out.push_str(&line("DESCRIPTION", &escape(&format!("{}\n\n{}", i.description, i.url))));
        }
        if !i.location.is_empty() {
            out.push_str(&line("LOCATION", &escape(&i.location)));
        }
        out.push_str(&line("URL", &i.url));
        out.push_str(&line("STATUS", if i.cancelled { "CANCELLED" } else { "CONFIRMED" }));
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local(t: DateTime<Utc>) -> String {
    crate::finnish_time(t).format("%Y%m%dT%H%M%S").to_string()
}

/// TEXT escaping of RFC 5545 §3.3.11.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line, folded at 75 octets (never inside a character).
pub(crate) fn line(name: &str, value: &str) -> String {
    let whole = format!("{name}:{value}");
    let mut out = String::new();
    let mut used = 0;
    for c in whole.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// The secret of the actor's personal calendar address (made when first
/// asked for).
pub async fn key(app: &App, actor: &Principal) -> Result<String, AppError> {
    let uid = crate::policy::user_id(actor)?;
    if let Some(k) = calendar_key::Entity::find().filter(calendar_key::Column::UserId.eq(uid.0)).one(&app.db).await? {
        return Ok(k.secret);
    }
    new_key(app, uid).await
}

/// Replaces the actor's calendar address: the old one stops working.
pub async fn reset_key(app: &App, actor: &Principal) -> Result<String, AppError> {
    let uid = crate::policy::user_id(actor)?;
    calendar_key::Entity::delete_many().filter(calendar_key::Column::UserId.eq(uid.0)).exec(&app.db).await?;
    new_key(app, uid).await
}

async fn new_key(app: &App, uid: UserId) -> Result<String, AppError> {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let saved = calendar_key::ActiveModel {
        user_id: Set(uid.0),
        secret: Set(secret.clone()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await;
    match saved {
        Ok(_) => Ok(secret),
        // Asked for twice at once: the other request's key stands.
        Err(_) => calendar_key::Entity::find()
            .filter(calendar_key::Column::UserId.eq(uid.0))
            .one(&app.db)
            .await?
            .map(|k| k.secret)
            .ok_or_else(|| AppError::fail("no calendar key after making one")),
    }
}

/// The person whose calendar address holds this secret.
pub async fn holder(app: &App, secret: &str) -> Result<Option<UserId>, AppError> {
    if secret.len() != 48 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(calendar_key::Entity::find()
        .filter(calendar_key::Column::Secret.eq(secret))
        .one(&app.db)
        .await?
        .map(|k| UserId(k.user_id)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let l = super::line("SUMMARY", &"ä".repeat(100));
        for part in l.trim_end().split("\r\n") {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        assert_eq!(l.replace("\r\n ", "").trim_end(), format!("SUMMARY:{}", "ä".repeat(100)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(super::escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
