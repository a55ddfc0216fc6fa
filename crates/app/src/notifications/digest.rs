//! The daily digest: one email in the morning to each person who chose it,
//! listing the subjects of their notices not yet emailed that they still
//! see. A change-log row scheduled for 07:00 Finnish time runs it; the job
//! runner's lease makes one node run it, and the run schedules the next.

use super::{EmailMode, Subjects, modes_of, unsubscribe};
use crate::{App, AppError, changelog, jobs::JobError, policy::Principal};
use chrono::{DateTime, Duration, Utc};
use kimppa_domain::UserId;
use kimppa_store::entities::{change_log, notice};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait};
use std::collections::BTreeMap;

/// Change-log kind of the digest run.
pub const DIGEST: &str = "notifications.digest";
/// The digest goes out at this hour, Finnish time.
pub const DIGEST_HOUR: u32 = 7;

pub(super) fn register(jobs: &mut crate::jobs::Handlers) {
    jobs.on(DIGEST, |app, _: serde_json::Value| async move { run(&app).await });
}

/// The next digest time after `now`: 07:00 Finnish time.
pub fn next_digest_at(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = crate::finnish_time(now);
    let offset = *local.offset();
    let today = local.date_naive();
    for day in [today, today.succ_opt().unwrap_or(today)] {
        let at = day.and_hms_opt(DIGEST_HOUR, 0, 0).unwrap_or_default();
        let utc =
            DateTime::<Utc>::from_naive_utc_and_offset(at - Duration::seconds(offset.local_minus_utc() as i64), Utc);
        if utc > now {
            return utc;
        }
    }
    now + Duration::days(1)
}

/// Makes sure one digest is scheduled (at start-up). Two nodes starting at
/// once may both schedule one; the digest is idempotent, and the next run
/// schedules only when none is waiting.
pub async fn ensure_scheduled(app: &App) -> Result<(), AppError> {
    schedule_next(&app.db).await
}

async fn schedule_next<C: ConnectionTrait>(conn: &C) -> Result<(), AppError> {
    let waiting = change_log::Entity::find()
        .filter(change_log::Column::Kind.eq(DIGEST))
        .filter(change_log::Column::ProcessedAt.is_null())
        .filter(change_log::Column::FailedAt.is_null())
        .filter(change_log::Column::NextAttemptAt.gt(crate::now()))
        .count(conn)
        .await?;
    if waiting == 0 {
        changelog::record_at(conn, DIGEST, &serde_json::json!({}), next_digest_at(crate::now())).await?;
    }
    Ok(())
}

/// The morning round: every capability's daily work (registered when the
/// app starts), the digest, then the next round.
async fn run(app: &App) -> Result<(), JobError> {
    for daily in &app.hooks.daily {
        daily(app.clone()).await?;
    }
    send(app, crate::now()).await?;
    schedule_next(&app.db).await?;
    Ok(())
}

/// Sends one email per person who chose the digest, listing the subjects
/// of their notices not yet emailed (made before `cutoff`) that they still
/// see. Each person's email and the marking of their notices are one
/// transaction, so a rerun sends nothing twice. Returns the number of
/// emails.
pub async fn send(app: &App, cutoff: DateTime<Utc>) -> Result<usize, AppError> {
    let waiting: Vec<i32> = crate::batch::distinct(
        notice::Entity::find()
            .filter(notice::Column::EmailedAt.is_null())
            .filter(notice::Column::CreatedAt.lte(cutoff))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|n| n.user_id),
    );
    if waiting.is_empty() {
        return Ok(0);
    }
    let users = crate::people::users(&app.db, waiting.iter().copied()).await?;
    let modes = modes_of(&app.db, waiting).await?;
    let principals = Principal::offline(&app.db, users.clone()).await?;
    let key = unsubscribe::key(&app.db).await?;
    let mut sent = 0;
    for u in users {
        let mode = modes.get(&u.id).copied().unwrap_or(EmailMode::Digest);
        let principal = principals.get(&UserId(u.id)).cloned().unwrap_or_default();
        let items = notice::Entity::find()
            .filter(notice::Column::UserId.eq(u.id))
            .filter(notice::Column::EmailedAt.is_null())
            .filter(notice::Column::CreatedAt.lte(cutoff))
            .order_by_asc(notice::Column::Id)
            .all(&app.db)
            .await?;
        let seen: Vec<notice::Model> = notice::Entity::find()
            .filter(notice::Column::UserId.eq(u.id))
            .filter(notice::Column::EmailedAt.is_null())
            .filter(notice::Column::CreatedAt.lte(cutoff))
            .filter(app.hooks.subjects.condition(&principal))
            .order_by_asc(notice::Column::Id)
            .all(&app.db)
            .await?;
        let lang = crate::people::lang(&u);
        let lines = lines(app, lang, &seen);
        let tx = app.db.begin().await?;
        if mode == EmailMode::Digest && !lines.is_empty() {
            let stop = unsubscribe::link(app, &key, lang, u.id, unsubscribe::ALL_EMAIL);
            let settings = app.url(&format!("/{lang}/notifications/settings"));
            let list = app.url(&format!("/{lang}/notifications"));
            let kinds = kinds(&app.hooks.subjects, &seen);
            let (subject, body) = texts::digest(lang, &u.name, kinds, &lines, &list, &stop, &settings);
            crate::email::queue(&tx, &u.email, &subject, &body).await?;
            sent += 1;
        }
        // Everything looked at is done with: sent, not seen any more, or not wanted by email.
        super::mark_emailed(&tx, items.iter().map(|n| n.id).collect()).await?;
        tx.commit().await?;
    }
    app.jobs_wake.notify_one();
    Ok(sent)
}

/// One line per subject, in the order of its first notice.
fn lines(app: &App, lang: &str, seen: &[notice::Model]) -> Vec<texts::Line> {
    let mut order: Vec<(String, i32)> = vec![];
    let mut by: BTreeMap<(String, i32), texts::Line> = BTreeMap::new();
    for n in seen {
        let k = (n.subject.clone(), n.subject_id);
        let line = by.entry(k.clone()).or_insert_with(|| {
            order.push(k.clone());
            // The subject's own page: the link without a reply's anchor.
            let base = n.link.split("/replies/").next().unwrap_or(&n.link);
            texts::Line {
                title: n.title.clone(),
                replies: 0,
                opened: false,
                other: 0,
                link: app.url(&format!("/{lang}{base}")),
            }
        });
        match n.event.as_str() {
            "reply" => line.replies += 1,
            "thread" => line.opened = true,
            _ => line.other += 1,
        }
    }
    order.into_iter().filter_map(|k| by.remove(&k)).collect()
}

/// The words the digest counts its subjects with: the kind's own when all
/// are of one kind.
fn kinds(subjects: &Subjects, seen: &[notice::Model]) -> Option<(&'static str, &'static str)> {
    let first = seen.first()?;
    if seen.iter().any(|n| n.subject != first.subject) {
        return None;
    }
    subjects.get(&first.subject).map(|s| (s.digest_fi, s.digest_en))
}

/// Digest texts (Finnish or English by the recipient's language).
pub mod texts {
    /// One subject with its news.
    #[derive(Debug, Clone)]
    pub struct Line {
        pub title: String,
        pub replies: u32,
        /// The subject itself is new (a new discussion).
        pub opened: bool,
        /// Other notices of it.
        pub other: u32,
        pub link: String,
    }

    fn what_fi(l: &Line) -> String {
        let mut parts = vec![];
        if l.opened {
            parts.push("uusi keskustelu".to_string());
        }
        match (l.opened, l.replies) {
            (_, 0) => {}
            (true, n) => parts.push(format!("{n} {}", if n == 1 { "vastaus" } else { "vastausta" })),
            (false, n) => parts.push(format!("{n} {}", if n == 1 { "uusi vastaus" } else { "uutta vastausta" })),
        }
        if l.other > 0 {
            parts.push(format!("{} {}", l.other, if l.other == 1 { "ilmoitus" } else { "ilmoitusta" }));
        }
        parts.join(", ")
    }

    fn what_en(l: &Line) -> String {
        let mut parts = vec![];
        if l.opened {
            parts.push("new discussion".to_string());
        }
        match (l.opened, l.replies) {
            (_, 0) => {}
            (true, n) => parts.push(format!("{n} {}", if n == 1 { "reply" } else { "replies" })),
            (false, n) => parts.push(format!("{n} new {}", if n == 1 { "reply" } else { "replies" })),
        }
        if l.other > 0 {
            parts.push(format!("{} {}", l.other, if l.other == 1 { "notice" } else { "notices" }));
        }
        parts.join(", ")
    }

    /// The digest of `lines`; `kinds` names the subjects when all are of
    /// one kind (Finnish inessive plural, English plural).
    pub fn digest(
        lang: &str,
        name: &str,
        kinds: Option<(&str, &str)>,
        lines: &[Line],
        list: &str,
        stop: &str,
        settings: &str,
    ) -> (String, String) {
        let mut body = String::new();
        let n = lines.len();
        if lang == "en" {
            body.push_str(&format!("Hello {name},\n\nnews on Kimppa in what you follow:\n\n"));
            for l in lines {
                body.push_str(&format!("- {} ({})\n  {}\n", l.title, what_en(l), l.link));
            }
            body.push_str(&format!(
                "\nAll notifications: {list}\n\n--\nStop the daily digest and all notification email: {stop}\nNotification settings: {settings}\n"
            ));
            let what = kinds.map(|k| k.1).unwrap_or(if n == 1 { "subject" } else { "subjects" });
            (format!("Kimppa: news in {n} {what}"), body)
        } else {
            body.push_str(&format!("Hei {name},\n\nuutta Kimppassa asioissa, joita seuraat:\n\n"));
            for l in lines {
                body.push_str(&format!("- {} ({})\n  {}\n", l.title, what_fi(l), l.link));
            }
            body.push_str(&format!(
                "\nKaikki ilmoitukset: {list}\n\n--\nLopeta päivittäinen kooste ja kaikki ilmoitussähköpostit: {stop}\nIlmoitusasetukset: {settings}\n"
            ));
            let what = kinds.map(|k| k.0).unwrap_or("kohteessa");
            (format!("Kimppa: uutta {n} {what}"), body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_digest_goes_out_at_seven_finnish_time() {
        // Winter (UTC+2): 07:00 local is 05:00 UTC.
        let before = Utc.with_ymd_and_hms(2026, 11, 28, 4, 0, 0).unwrap();
        assert_eq!(next_digest_at(before), Utc.with_ymd_and_hms(2026, 11, 28, 5, 0, 0).unwrap());
        let after = Utc.with_ymd_and_hms(2026, 11, 28, 5, 0, 0).unwrap();
        assert_eq!(next_digest_at(after), Utc.with_ymd_and_hms(2026, 11, 29, 5, 0, 0).unwrap());
        // Summer (UTC+3): 04:00 UTC.
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(next_digest_at(summer), Utc.with_ymd_and_hms(2026, 7, 2, 4, 0, 0).unwrap());
    }

    #[test]
    fn digest_text_names_every_subject_with_its_link() {
        let line = |title: &str, replies, opened, other, link: &str| texts::Line {
            title: title.into(),
            replies,
            opened,
            other,
            link: link.into(),
        };
        let lines = vec![
            line("A", 2, false, 0, "http://x/1"),
            line("B", 0, true, 0, "http://x/2"),
            line("C", 1, true, 1, "http://x/3"),
        ];
        let words = Some(("keskustelussa", "discussions"));
        let (subject, body) = texts::digest("fi", "Anna", words, &lines, "http://x/n", "http://x/stop", "http://x/s");
        assert_eq!(subject, "Kimppa: uutta 3 keskustelussa");
        assert!(body.contains("- A (2 uutta vastausta)\n  http://x/1"));
        assert!(body.contains("- B (uusi keskustelu)\n  http://x/2"));
        assert!(body.contains("- C (uusi keskustelu, 1 vastaus, 1 ilmoitus)\n  http://x/3"));
        assert!(body.contains("http://x/stop"));
        let (subject, en) = texts::digest("en", "Anna", None, &lines, "http://x/n", "http://x/stop", "http://x/s");
        assert_eq!(subject, "Kimppa: news in 3 subjects");
        assert!(en.contains("- A (2 new replies)"));
    }
}
