//! Email: queued into the `emails` table (with a change-log row) in the
//! caller's transaction; delivered by the job runner over SMTP when
//! configured, otherwise kept in the database outbox that operators read
//! at the admin outbox page.

use crate::{changelog, config::EmailConfig};
use kimppa_store::entities::email;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor, message::Mailbox};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::{Deserialize, Serialize};

pub const STATUS_QUEUED: &str = "queued";
/// Delivered to the database outbox (no SMTP configured).
pub const STATUS_OUTBOX: &str = "outbox";
pub const STATUS_SENT: &str = "sent";

#[derive(Clone)]
pub enum Mailer {
    Outbox { from: Mailbox },
    Smtp { from: Mailbox, transport: AsyncSmtpTransport<Tokio1Executor> },
}

#[derive(Debug, Serialize, Deserialize)]
pub struct EmailQueued {
    pub email_id: i32,
}

impl Mailer {
    pub fn from_config(c: &EmailConfig) -> anyhow::Result<Mailer> {
        let from: Mailbox = c.from.parse()?;
        Ok(match c.smtp_url.as_deref().filter(|s| !s.is_empty()) {
            None => Mailer::Outbox { from },
            Some(url) => Mailer::Smtp {
                from,
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            },
        })
    }

    pub fn is_smtp(&self) -> bool {
        matches!(self, Mailer::Smtp { .. })
    }

    /// Delivers one email and returns the status it ends in.
    pub async fn deliver(&self, e: &email::Model) -> Result<&'static str, String> {
        match self {
            Mailer::Outbox { .. } => Ok(STATUS_OUTBOX),
            Mailer::Smtp { from, transport } => {
                let to: Mailbox = e.to_addr.parse().map_err(|err| format!("bad recipient: {err}"))?;
                let builder = Message::builder().from(from.clone()).to(to).subject(e.subject.clone());
                let msg = if e.attachment_name.is_empty() {
                    builder
                        .header(lettre::message::header::ContentType::TEXT_PLAIN)
                        .body(e.body_text.clone())
                        .map_err(|err| err.to_string())?
                } else {
                    use lettre::message::{Attachment, MultiPart, SinglePart, header::ContentType};
                    let kind = ContentType::parse(&e.attachment_type).map_err(|err| err.to_string())?;
                    builder
                        .multipart(MultiPart::mixed().singlepart(SinglePart::plain(e.body_text.clone())).singlepart(
                            Attachment::new(e.attachment_name.clone()).body(e.attachment.clone().into_bytes(), kind),
                        ))
                        .map_err(|err| err.to_string())?
                };
                transport.send(msg).await.map_err(|err| err.to_string())?;
                Ok(STATUS_SENT)
            }
        }
    }
}

/// Queues an email on `conn` (pass the open transaction).
pub async fn queue<C: ConnectionTrait>(conn: &C, to: &str, subject: &str, body: &str) -> Result<(), DbErr> {
    queue_with(conn, to, subject, body, None).await
}

/// A text file sent with an email: (name, content type, content).
pub type TextAttachment<'a> = (&'a str, &'a str, &'a str);

/// Queues an email with an optional text attachment (a calendar file).
pub async fn queue_with<C: ConnectionTrait>(
    conn: &C,
    to: &str,
    subject: &str,
    body: &str,
    attachment: Option<TextAttachment<'_>>,
) -> Result<(), DbErr> {
    let (name, kind, content) = attachment.unwrap_or_default();
    let row = email::ActiveModel {
        attachment_name: Set(name.to_string()),
        attachment_type: Set(kind.to_string()),
        attachment: Set(content.to_string()),
        to_addr: Set(to.to_string()),
        subject: Set(subject.to_string()),
        body_text: Set(body.to_string()),
        status: Set(STATUS_QUEUED.into()),
        created_at: Set(crate::now()),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    changelog::record(conn, changelog::EMAIL_QUEUED, &EmailQueued { email_id: row.id }).await?;
    Ok(())
}

/// The email job: delivers one queued email. Idempotent: an email that is
/// no longer queued is not sent again.
pub fn register(jobs: &mut crate::jobs::Handlers) {
    jobs.on(changelog::EMAIL_QUEUED, |app, p: EmailQueued| async move { send(&app, p.email_id).await });
}

async fn send(app: &crate::App, id: i32) -> Result<(), crate::jobs::JobError> {
    use sea_orm::{EntityTrait, IntoActiveModel};
    let Some(e) = email::Entity::find_by_id(id).one(&app.db).await? else {
        return Ok(());
    };
    if e.status != STATUS_QUEUED {
        return Ok(());
    }
    let outcome = app.mailer.deliver(&e).await;
    let mut am = e.into_active_model();
    match outcome {
        Ok(status) => {
            am.status = Set(status.into());
            am.sent_at = Set(Some(crate::now()));
            am.last_error = Set(None);
            am.update(&app.db).await?;
            Ok(())
        }
        Err(err) => {
            am.last_error = Set(Some(err.clone()));
            am.update(&app.db).await?;
            Err(crate::jobs::JobError::Delivery(err))
        }
    }
}

/// Texts of the platform's emails in Finnish and English.
pub mod texts {
    pub fn verify(lang: &str, name: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                "Confirm your email address for Kimppa".into(),
                format!(
                    "Hello {name},\n\nconfirm your email address by opening this link:\n{link}\n\nThe link is valid for 48 hours. If you did not register, ignore this message.\n"
                ),
            )
        } else {
            (
                "Vahvista sähköpostiosoitteesi Kimppaan".into(),
                format!(
                    "Hei {name},\n\nvahvista sähköpostiosoitteesi avaamalla tämä linkki:\n{link}\n\nLinkki on voimassa 48 tuntia. Jos et rekisteröitynyt, voit jättää viestin huomiotta.\n"
                ),
            )
        }
    }

    pub fn already_registered(lang: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                "Kimppa: you already have an account".into(),
                format!(
                    "Someone tried to register with this email address, which already has an account.\nIf it was you, log in or reset your password here:\n{link}\n"
                ),
            )
        } else {
            (
                "Kimppa: sinulla on jo tili".into(),
                format!(
                    "Joku yritti rekisteröityä tällä sähköpostiosoitteella, jolla on jo tili.\nJos se olit sinä, kirjaudu sisään tai vaihda salasanasi täällä:\n{link}\n"
                ),
            )
        }
    }

    pub fn reset(lang: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                "Reset your Kimppa password".into(),
                format!(
                    "Open this link to choose a new password:\n{link}\n\nThe link works once and is valid for one hour. If you did not ask for this, ignore this message.\n"
                ),
            )
        } else {
            (
                "Kimppa-salasanan vaihto".into(),
                format!(
                    "Avaa tämä linkki valitaksesi uuden salasanan:\n{link}\n\nLinkki toimii kerran ja on voimassa tunnin. Jos et pyytänyt vaihtoa, voit jättää viestin huomiotta.\n"
                ),
            )
        }
    }

    pub fn invitation(lang: &str, org: &str, inviter: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("Invitation to join {org} on Kimppa"),
                format!(
                    "{inviter} invited you to join {org} on Kimppa, the circular economy cluster platform.\nAccept the invitation here:\n{link}\n\nThe invitation is valid for 14 days.\n"
                ),
            )
        } else {
            (
                format!("Kutsu organisaatioon {org} Kimppassa"),
                format!(
                    "{inviter} kutsui sinut organisaatioon {org} Kimppassa, kiertotalousklusterin alustalla.\nHyväksy kutsu täällä:\n{link}\n\nKutsu on voimassa 14 päivää.\n"
                ),
            )
        }
    }

    pub fn membership_decision(lang: &str, org: &str, approved: bool, reason: &str) -> (String, String) {
        match (lang == "en", approved) {
            (true, true) => (
                format!("{org} is now a member of the cluster"),
                format!("The cluster has approved {org} as a member. Welcome!\n"),
            ),
            (true, false) => (
                format!("Membership application of {org}"),
                format!("The membership application of {org} was not approved.\nReason: {reason}\n"),
            ),
            (false, true) => (
                format!("{org} on nyt klusterin jäsen"),
                format!("Klusteri on hyväksynyt organisaation {org} jäseneksi. Tervetuloa!\n"),
            ),
            (false, false) => (
                format!("Organisaation {org} jäsenhakemus"),
                format!("Organisaation {org} jäsenhakemusta ei hyväksytty.\nPerustelu: {reason}\n"),
            ),
        }
    }
}
