//! The contact flow: a logged-in person sends a need to a service or an
//! organisation; both sides get an email, the provider answers in the
//! inbox, and the request is a lead with a status for the cluster's CRM
//! (and the outgoing webhooks). Rate-limited, spam-checked, and the
//! receiver can report abuse.

use super::services;
use crate::{
    App, AppError, email,
    error::Checker,
    now,
    policy::{self, Action, Principal},
};
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_domain::{LeadStatus, MembershipStatus, ServiceStatus, required_text};
use kimppa_store::entities::{contact_reply, contact_request, organisation, service, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};
use std::collections::HashMap;

/// Requests one person may send per hour and per day.
pub const PER_HOUR: u64 = 5;
pub const PER_DAY: u64 = 20;
/// Links allowed in one message.
const MAX_LINKS: usize = 5;

/// What the request goes to.
#[derive(Debug, Clone)]
pub enum Target {
    Service(String),
    Organisation(String),
}

/// The contact form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ContactForm {
    pub message: String,
    /// Slug of the sender's organisation, when sending on its behalf.
    pub from_org: String,
    /// Left empty by people; filled by form-filling robots.
    pub homepage: String,
}

/// An uploaded attachment as received.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub bytes: Bytes,
}

/// Resolves the target to (organisation, service).
pub async fn resolve(
    app: &App,
    actor: &Principal,
    target: &Target,
) -> Result<(organisation::Model, Option<service::Model>), AppError> {
    match target {
        Target::Service(slug) => {
            let v = services::get_visible(app, actor, slug).await?;
            Ok((v.owner, Some(v.service)))
        }
        Target::Organisation(slug) => Ok((crate::organisations::get_visible(app, actor, slug).await?, None)),
    }
}

fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        base.chars().filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ')).take(100).collect();
    if cleaned.trim().is_empty() { "liite".into() } else { cleaned.trim().to_string() }
}

/// Sends a contact request; returns the stored lead.
pub async fn send(
    app: &App,
    actor: &Principal,
    target: &Target,
    form: &ContactForm,
    attachment: Option<Attachment>,
) -> Result<contact_request::Model, AppError> {
    policy::require(actor, Action::SendContactRequest)?;
    let uid = crate::policy::user_id(actor)?;
    let (org, svc) = resolve(app, actor, target).await?;
    if org.membership_status != MembershipStatus::Approved {
        return Err(AppError::field("message", "err-contact-not-member"));
    }
    if svc.as_ref().is_some_and(|s| s.status != ServiceStatus::Published) {
        return Err(AppError::field("message", "err-contact-service-closed"));
    }
    let mut c = Checker::default();
    if !form.homepage.trim().is_empty() {
        c.push("message", "err-spam");
    }
    let message = c.check("message", required_text(&form.message, 5000));
    if let Some(m) = &message {
        if m.chars().count() < 20 {
            c.push("message", "err-message-short");
        } else if m.matches("http").count() > MAX_LINKS || m.matches("www.").count() > MAX_LINKS {
            c.push("message", "err-too-many-links");
        }
    }
    let from_org_id = match form.from_org.trim() {
        "" => None,
        slug => match policy::acting_for(actor, slug) {
            Some(m) => Some(m.org_id),
            None => {
                c.push("from_org", "err-unknown-value");
                None
            }
        },
    };
    if policy::allowed(actor, Action::ActForOrganisation { org: OrgId(org.id) }) {
        c.push("message", "err-contact-own");
    }
    c.finish()?;
    let message = message.ok_or_else(crate::error::checked)?;
    // Limits: a double submit returns the first request; a flood is refused.
    let since_hour = now() - Duration::hours(1);
    let recent = contact_request::Entity::find()
        .filter(contact_request::Column::FromUserId.eq(uid))
        .filter(contact_request::Column::CreatedAt.gt(now() - Duration::days(1)))
        .order_by_desc(contact_request::Column::Id)
        .all(&app.db)
        .await?;
    if let Some(same) = recent.iter().find(|r| {
        r.to_org_id == org.id
            && r.service_id == svc.as_ref().map(|s| s.id)
            && r.message == message
            && r.created_at > now() - Duration::minutes(10)
    }) {
        return Ok(same.clone());
    }
    if recent.len() as u64 >= PER_DAY || recent.iter().filter(|r| r.created_at > since_hour).count() as u64 >= PER_HOUR
    {
        return Err(AppError::RateLimited);
    }
    let (attachment_key, attachment_name) = match attachment {
        Some(a) if !a.bytes.is_empty() => {
            (Some(app.files.put_attachment("attachment", a.bytes).await?), Some(clean_name(&a.name)))
        }
        _ => (None, None),
    };
    let sender = user::Entity::find_by_id(uid).one(&app.db).await?.ok_or(AppError::LoginRequired)?;
    let from_org = match from_org_id {
        Some(id) => organisation::Entity::find_by_id(id).one(&app.db).await?,
        None => None,
    };
    let tx = app.db.begin().await?;
    let lead = contact_request::ActiveModel {
        from_user_id: Set(uid.0),
        from_org_id: Set(from_org.as_ref().map(|o| o.id)),
        to_org_id: Set(org.id),
        service_id: Set(svc.as_ref().map(|s| s.id)),
        message: Set(message),
        attachment_key: Set(attachment_key),
        attachment_name: Set(attachment_name),
        status: Set(LeadStatus::New),
        answered_at: Set(None),
        abuse_reported_at: Set(None),
        abuse_reason: Set(None),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let about = svc.as_ref().map(|s| s.title_fi.clone()).unwrap_or_else(|| org.name.clone());
    let from_name = match &from_org {
        Some(o) => format!("{} ({})", sender.name, o.name),
        None => sender.name.clone(),
    };
    for (to, lang) in provider_recipients(&tx, &org, svc.as_ref()).await? {
        let link = app.url(&format!("/{lang}/inbox/{}", lead.id));
        let (subject, body) = texts::received(&lang, &from_name, &about, &lead.message, &link);
        email::queue(&tx, &to, &subject, &body).await?;
    }
    let link = app.url(&format!("/{}/inbox/{}", sender.locale, lead.id));
    let (subject, body) = texts::sent(&sender.locale, &org.name, &about, &lead.message, &link);
    email::queue(&tx, &sender.email, &subject, &body).await?;
    let payload = lead_payload(app, &lead, &org, svc.as_ref(), &sender, from_org.as_ref());
    super::webhooks::enqueue(&tx, "lead.created", &payload).await?;
    crate::changelog::record(&tx, "contact.created", &serde_json::json!({ "request_id": lead.id })).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(lead)
}

/// Who is told about a new request: the service's contact person, or the
/// organisation's admins when the service names nobody.
async fn provider_recipients<C: ConnectionTrait>(
    conn: &C,
    org: &organisation::Model,
    svc: Option<&service::Model>,
) -> Result<Vec<(String, String)>, AppError> {
    if let Some(uid) = svc.and_then(|s| s.contact_user_id)
        && let Some(u) = user::Entity::find_by_id(uid).one(conn).await?
    {
        return Ok(vec![(u.email, u.locale)]);
    }
    services::admin_emails(conn, org.id).await
}

/// The lead as sent to external CRMs.
fn lead_payload(
    app: &App,
    lead: &contact_request::Model,
    org: &organisation::Model,
    svc: Option<&service::Model>,
    sender: &user::Model,
    from_org: Option<&organisation::Model>,
) -> serde_json::Value {
    serde_json::json!({
        "event": "lead.created",
        "lead": {
            "id": lead.id,
            "status": lead.status,
            "created_at": lead.created_at.to_rfc3339(),
            "message": lead.message,
            "has_attachment": lead.attachment_key.is_some(),
            "url": app.url(&format!("/fi/inbox/{}", lead.id)),
        },
        "provider": {
            "slug": org.slug,
            "name": org.name,
            "business_id": org.business_id,
        },
        "service": svc.map(|s| serde_json::json!({ "slug": s.slug, "title_fi": s.title_fi, "title_en": s.title_en })),
        "sender": {
            "name": sender.name,
            "email": sender.email,
            "organisation": from_org.map(|o| serde_json::json!({ "slug": o.slug, "name": o.name, "business_id": o.business_id })),
        },
    })
}

/// A request in the inbox lists.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InboxRow {
    pub id: i32,
    pub about: String,
    pub counterpart: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub abuse: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Inbox {
    pub received: Vec<InboxRow>,
    pub sent: Vec<InboxRow>,
}

/// Organisations whose requests the person answers: where they are admin.
fn handled_org_ids(actor: &Principal) -> Vec<i32> {
    policy::own_orgs_where(actor, |org| Action::AnswerForOrganisation { org }).map(|m| m.org_id.0).collect()
}

/// The user's inbox: requests received (as an admin of the provider, or as
/// the service's contact person) and sent. A fixed number of queries.
pub async fn inbox(app: &App, actor: &Principal) -> Result<Inbox, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let orgs = handled_org_ids(actor);
    let contact_of: Vec<i32> = service::Entity::find()
        .select_only()
        .column(service::Column::Id)
        .filter(service::Column::ContactUserId.eq(uid))
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut cond = sea_orm::Condition::any().add(contact_request::Column::FromUserId.eq(uid));
    if !orgs.is_empty() {
        cond = cond.add(contact_request::Column::ToOrgId.is_in(orgs.clone()));
    }
    if !contact_of.is_empty() {
        cond = cond.add(contact_request::Column::ServiceId.is_in(contact_of.clone()));
    }
    let rows = contact_request::Entity::find()
        .filter(cond)
        .order_by_desc(contact_request::Column::Id)
        .limit(500)
        .all(&app.db)
        .await?;
    let names = Names::load(app, &rows).await?;
    let mut inbox = Inbox::default();
    for r in rows {
        let about = names.about(&r);
        let received = orgs.contains(&r.to_org_id) || r.service_id.is_some_and(|s| contact_of.contains(&s));
        let row = |counterpart: String| InboxRow {
            id: r.id,
            about: about.clone(),
            counterpart,
            status: r.status.to_string(),
            created_at: r.created_at,
            abuse: r.abuse_reported_at.is_some(),
        };
        if received {
            inbox.received.push(row(names.sender(&r)));
        }
        if UserId(r.from_user_id) == uid {
            inbox.sent.push(row(names.org(r.to_org_id)));
        }
    }
    Ok(inbox)
}

/// Names for a set of requests, loaded in three queries.
struct Names {
    users: HashMap<i32, user::Model>,
    orgs: HashMap<i32, organisation::Model>,
    services: HashMap<i32, service::Model>,
}

impl Names {
    async fn load(app: &App, rows: &[contact_request::Model]) -> Result<Names, AppError> {
        let mut user_ids: Vec<i32> = rows.iter().map(|r| r.from_user_id).collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let mut org_ids: Vec<i32> = rows.iter().flat_map(|r| [Some(r.to_org_id), r.from_org_id]).flatten().collect();
        org_ids.sort_unstable();
        org_ids.dedup();
        let mut service_ids: Vec<i32> = rows.iter().filter_map(|r| r.service_id).collect();
        service_ids.sort_unstable();
        service_ids.dedup();
        let users = if user_ids.is_empty() {
            vec![]
        } else {
            user::Entity::find().filter(user::Column::Id.is_in(user_ids)).all(&app.db).await?
        };
        let orgs = if org_ids.is_empty() {
            vec![]
        } else {
            organisation::Entity::find().filter(organisation::Column::Id.is_in(org_ids)).all(&app.db).await?
        };
        let services = if service_ids.is_empty() {
            vec![]
        } else {
            service::Entity::find().filter(service::Column::Id.is_in(service_ids)).all(&app.db).await?
        };
        Ok(Names {
            users: users.into_iter().map(|u| (u.id, u)).collect(),
            orgs: orgs.into_iter().map(|o| (o.id, o)).collect(),
            services: services.into_iter().map(|s| (s.id, s)).collect(),
        })
    }

    fn org(&self, id: i32) -> String {
        self.orgs.get(&id).map(|o| o.name.clone()).unwrap_or_default()
    }

    fn about(&self, r: &contact_request::Model) -> String {
        match r.service_id.and_then(|s| self.services.get(&s)) {
            Some(s) => s.title_fi.clone(),
            None => self.org(r.to_org_id),
        }
    }

    fn sender(&self, r: &contact_request::Model) -> String {
        let name = self.users.get(&r.from_user_id).map(|u| u.name.clone()).unwrap_or_default();
        match r.from_org_id {
            Some(o) => format!("{name} ({})", self.org(o)),
            None => name,
        }
    }
}

/// One request with its replies, as its page shows it.
#[derive(Debug, Clone)]
pub struct Thread {
    pub request: contact_request::Model,
    pub about: String,
    pub service_slug: Option<String>,
    pub to_org: organisation::Model,
    pub sender_name: String,
    pub sender_email: String,
    pub replies: Vec<(contact_reply::Model, String)>,
    /// The actor answers for the provider.
    pub is_provider: bool,
    pub is_sender: bool,
}

/// Loads a request for one of its parties (or staff); others get 404.
pub async fn thread(app: &App, actor: &Principal, id: i32) -> Result<Thread, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let r = contact_request::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let svc = match r.service_id {
        Some(s) => service::Entity::find_by_id(s).one(&app.db).await?,
        None => None,
    };
    let is_provider = policy::allowed(actor, Action::AnswerForOrganisation { org: OrgId(r.to_org_id) })
        || svc.as_ref().is_some_and(|s| s.contact_user_id == Some(uid.0));
    let is_sender = UserId(r.from_user_id) == uid;
    if !is_provider && !is_sender && !policy::allowed(actor, Action::ManageDirectory) {
        return Err(AppError::NotFound);
    }
    let names = Names::load(app, std::slice::from_ref(&r)).await?;
    let to_org = names.orgs.get(&r.to_org_id).cloned().ok_or(AppError::NotFound)?;
    let replies = contact_reply::Entity::find()
        .find_also_related(user::Entity)
        .filter(contact_reply::Column::RequestId.eq(r.id))
        .order_by_asc(contact_reply::Column::Id)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|(reply, u)| (reply, u.map(|u| u.name).unwrap_or_default()))
        .collect();
    let sender = names.users.get(&r.from_user_id);
    Ok(Thread {
        about: names.about(&r),
        service_slug: svc.map(|s| s.slug),
        sender_name: names.sender(&r),
        sender_email: sender.map(|u| u.email.clone()).unwrap_or_default(),
        to_org,
        replies,
        is_provider,
        is_sender,
        request: r,
    })
}

/// A party answers; the other party gets an email. The provider's first
/// answer marks a new lead answered.
pub async fn reply(app: &App, actor: &Principal, id: i32, body: &str) -> Result<(), AppError> {
    let t = thread(app, actor, id).await?;
    if !t.is_provider && !t.is_sender {
        return Err(AppError::Forbidden);
    }
    if t.is_sender && !t.is_provider && t.request.abuse_reported_at.is_some() {
        return Err(AppError::field("body", "err-contact-reported"));
    }
    let body = required_text(body, 5000).map_err(|e| AppError::field("body", e.code()))?;
    if body.matches("http").count() > MAX_LINKS {
        return Err(AppError::field("body", "err-too-many-links"));
    }
    let me = policy::signed_in(actor)?;
    let uid = me.id;
    let tx = app.db.begin().await?;
    contact_reply::ActiveModel {
        request_id: Set(t.request.id),
        user_id: Set(uid.0),
        body: Set(body.clone()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let recipients = if t.is_provider && !t.is_sender {
        let u = user::Entity::find_by_id(t.request.from_user_id).one(&tx).await?;
        u.map(|u| vec![(u.email, u.locale)]).unwrap_or_default()
    } else {
        let svc = match t.request.service_id {
            Some(s) => service::Entity::find_by_id(s).one(&tx).await?,
            None => None,
        };
        provider_recipients(&tx, &t.to_org, svc.as_ref()).await?
    };
    for (to, lang) in recipients {
        let link = app.url(&format!("/{lang}/inbox/{}", t.request.id));
        let (subject, text) = texts::replied(&lang, &me.name, &t.about, &body, &link);
        email::queue(&tx, &to, &subject, &text).await?;
    }
    let mut am = t.request.clone().into_active_model();
    if t.is_provider && t.request.status == LeadStatus::New {
        am.status = Set(LeadStatus::Answered);
        am.answered_at = Set(Some(now()));
    }
    am.updated_at = Set(now());
    am.update(&tx).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// The provider moves the lead along (new → answered → in negotiation → won / lost).
pub async fn set_status(app: &App, actor: &Principal, id: i32, status: &str) -> Result<(), AppError> {
    let t = thread(app, actor, id).await?;
    if !t.is_provider && !crate::policy::is_staff(actor) {
        return Err(AppError::Forbidden);
    }
    let status = LeadStatus::parse(status).map_err(|e| AppError::field("status", e.code()))?;
    let mut am = t.request.into_active_model();
    am.status = Set(status);
    am.updated_at = Set(now());
    am.update(&app.db).await?;
    Ok(())
}

/// The receiver reports a request as abuse: the sender can no longer write
/// in it, and orchestrators see it flagged.
pub async fn report_abuse(app: &App, actor: &Principal, id: i32, reason: &str) -> Result<(), AppError> {
    let t = thread(app, actor, id).await?;
    if !t.is_provider {
        return Err(AppError::Forbidden);
    }
    let reason = required_text(reason, 1000).map_err(|e| AppError::field("reason", e.code()))?;
    let tx = app.db.begin().await?;
    let mut am = t.request.clone().into_active_model();
    am.abuse_reported_at = Set(Some(now()));
    am.abuse_reason = Set(Some(reason.clone()));
    am.status = Set(LeadStatus::Lost);
    am.updated_at = Set(now());
    am.update(&tx).await?;
    crate::changelog::record(&tx, "contact.reported", &serde_json::json!({ "request_id": t.request.id })).await?;
    tx.commit().await?;
    Ok(())
}

/// An attachment for a party of the request (or staff): (bytes, name, content type).
pub async fn attachment(app: &App, actor: &Principal, id: i32) -> Result<(Bytes, String, &'static str), AppError> {
    let t = thread(app, actor, id).await?;
    let key = t.request.attachment_key.ok_or(AppError::NotFound)?;
    let bytes = app.files.get_attachment(&key).await?.ok_or(AppError::NotFound)?;
    Ok((bytes, t.request.attachment_name.unwrap_or_default(), crate::files::ImageKind::content_type_of(&key)))
}

/// Brokered contacts per month and service (or the organisation itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KpiRow {
    /// `YYYY-MM` in Finnish time.
    pub month: String,
    pub org_slug: String,
    pub org_name: String,
    /// `None` for requests to the organisation itself.
    pub service: Option<String>,
    pub count: u64,
    pub won: u64,
}

/// Counts of brokered contacts per month, organisation and service: one
/// organisation's (its admins) or all (orchestrators). Four queries.
pub async fn kpis(app: &App, actor: &Principal, org: Option<&organisation::Model>) -> Result<Vec<KpiRow>, AppError> {
    match org {
        Some(o) => policy::require(actor, Action::ViewOrganisationLeads { org: OrgId(o.id) })?,
        None => policy::require(actor, Action::ManageDirectory)?,
    }
    let mut q = contact_request::Entity::find().select_only().columns([
        contact_request::Column::ToOrgId,
        contact_request::Column::ServiceId,
        contact_request::Column::Status,
        contact_request::Column::CreatedAt,
    ]);
    if let Some(o) = org {
        q = q.filter(contact_request::Column::ToOrgId.eq(o.id));
    }
    let rows: Vec<(i32, Option<i32>, String, DateTime<Utc>)> = q.into_tuple().all(&app.db).await?;
    let mut counts: HashMap<(String, i32, Option<i32>), (u64, u64)> = HashMap::new();
    for (org_id, svc, status, at) in &rows {
        let month = crate::finnish_time(*at).format("%Y-%m").to_string();
        let e = counts.entry((month, *org_id, *svc)).or_default();
        e.0 += 1;
        if status == LeadStatus::Won.key() {
            e.1 += 1;
        }
    }
    let org_ids: Vec<i32> = counts.keys().map(|(_, o, _)| *o).collect();
    let svc_ids: Vec<i32> = counts.keys().filter_map(|(_, _, s)| *s).collect();
    let orgs: HashMap<i32, organisation::Model> = if org_ids.is_empty() {
        HashMap::new()
    } else {
        organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(org_ids))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect()
    };
    let svcs: HashMap<i32, String> = if svc_ids.is_empty() {
        HashMap::new()
    } else {
        service::Entity::find()
            .filter(service::Column::Id.is_in(svc_ids))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.title_fi))
            .collect()
    };
    let mut out: Vec<KpiRow> = counts
        .into_iter()
        .map(|((month, org_id, svc), (count, won))| {
            let o = orgs.get(&org_id);
            KpiRow {
                month,
                org_slug: o.map(|o| o.slug.clone()).unwrap_or_default(),
                org_name: o.map(|o| o.name.clone()).unwrap_or_default(),
                service: svc.and_then(|s| svcs.get(&s).cloned()),
                count,
                won,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.month
            .cmp(&a.month)
            .then_with(|| super::sort_key(&a.org_name).cmp(&super::sort_key(&b.org_name)))
            .then_with(|| a.service.cmp(&b.service))
    });
    Ok(out)
}

/// Every lead, newest first, for orchestrators (at most `limit`).
pub async fn all_leads(app: &App, actor: &Principal, limit: u64) -> Result<Vec<InboxRow>, AppError> {
    policy::require(actor, Action::ManageDirectory)?;
    let rows =
        contact_request::Entity::find().order_by_desc(contact_request::Column::Id).limit(limit).all(&app.db).await?;
    let names = Names::load(app, &rows).await?;
    Ok(rows
        .iter()
        .map(|r| InboxRow {
            id: r.id,
            about: names.about(r),
            counterpart: format!("{} → {}", names.sender(r), names.org(r.to_org_id)),
            status: r.status.to_string(),
            created_at: r.created_at,
            abuse: r.abuse_reported_at.is_some(),
        })
        .collect())
}

mod texts {
    pub fn received(lang: &str, from: &str, about: &str, message: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("New contact request: {about}"),
                format!(
                    "{from} sent a contact request about \"{about}\" on Kimppa:\n\n{message}\n\nRead and answer it in your inbox:\n{link}\n"
                ),
            )
        } else {
            (
                format!("Uusi yhteydenotto: {about}"),
                format!(
                    "{from} lähetti yhteydenoton aiheesta \"{about}\" Kimppassa:\n\n{message}\n\nLue ja vastaa saapuneissa viesteissäsi:\n{link}\n"
                ),
            )
        }
    }

    pub fn sent(lang: &str, org: &str, about: &str, message: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("Your contact request to {org} was sent"),
                format!(
                    "Your contact request about \"{about}\" was sent to {org}. You will get an email when they answer.\n\nYour message:\n{message}\n\nFollow it here:\n{link}\n"
                ),
            )
        } else {
            (
                format!("Yhteydenottosi organisaatiolle {org} on lähetetty"),
                format!(
                    "Yhteydenottosi aiheesta \"{about}\" lähetettiin organisaatiolle {org}. Saat sähköpostin, kun he vastaavat.\n\nViestisi:\n{message}\n\nSeuraa sitä täällä:\n{link}\n"
                ),
            )
        }
    }

    pub fn replied(lang: &str, from: &str, about: &str, body: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("New answer: {about}"),
                format!("{from} answered about \"{about}\":\n\n{body}\n\nAnswer here:\n{link}\n"),
            )
        } else {
            (
                format!("Uusi vastaus: {about}"),
                format!("{from} vastasi aiheesta \"{about}\":\n\n{body}\n\nVastaa täällä:\n{link}\n"),
            )
        }
    }
}
