//! Responses to a challenge: a proposal naming the role the respondent
//! fills; the owner shortlists, scores by the criteria, asks questions in a
//! private conversation, and accepts or declines with a message. Every
//! respondent is told the outcome by email. A response may carry one file
//! (a PDF or an image, checked like the forum's), read only by those who
//! may read the response.

use super::{get, may_manage, open_for_responses, split_lines, visibility};
use crate::{
    App, AppError,
    error::Checker,
    forum::attachments::Upload,
    policy::{self, Action, Principal},
};
use bytes::Bytes;
use kimppa_domain::OrgId;
use kimppa_domain::{PartnerRole, ResponseStatus};
use kimppa_store::entities::{challenge, challenge_message, challenge_response, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

const MAX_TEXT: usize = 10_000;

/// The response form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ResponseForm {
    /// The organisation the response speaks for (slug); empty: as oneself.
    pub as_org: String,
    pub role: String,
    pub proposal: String,
}

/// Sends a response. One per organisation (or person) and challenge; not to
/// one's own organisation's challenge.
pub async fn respond(
    app: &App,
    actor: &Principal,
    challenge_id: i32,
    f: &ResponseForm,
    file: Option<Upload>,
) -> Result<challenge_response::Model, AppError> {
    policy::require(actor, Action::RespondToChallenge)?;
    let uid = crate::policy::user_id(actor)?;
    let c = get(app, actor, challenge_id).await?;
    if !open_for_responses(&c) {
        return Err(AppError::field("proposal", "err-challenge-closed"));
    }
    let mut k = Checker::default();
    let org = if f.as_org.trim().is_empty() {
        None
    } else {
        let found = crate::policy::acting_for(actor, f.as_org.trim());
        if found.is_none() {
            k.push("as_org", "err-unknown-value");
        }
        found
    };
    // Not to one's own organisation's challenge, as the organisation or as oneself.
    let own_side = crate::policy::allowed(actor, crate::policy::Action::ActForOrganisation { org: OrgId(c.org_id) });
    if org.is_some_and(|o| o.org_id == OrgId(c.org_id)) || (org.is_none() && own_side) {
        k.push("as_org", "err-challenge-own");
    }
    let role = k.check("role", PartnerRole::parse(&f.role));
    if f.proposal.trim().is_empty() {
        k.push("proposal", "err-required");
    } else if f.proposal.chars().count() > MAX_TEXT {
        k.push("proposal", "err-too-long");
    }
    k.finish()?;
    let role = role.ok_or_else(crate::error::checked)?;
    let existing = challenge_response::Entity::find()
        .filter(challenge_response::Column::ChallengeId.eq(c.id))
        .filter(match &org {
            Some(o) => sea_orm::Condition::all().add(challenge_response::Column::OrgId.eq(o.org_id)),
            None => sea_orm::Condition::all()
                .add(challenge_response::Column::UserId.eq(uid))
                .add(challenge_response::Column::OrgId.is_null()),
        })
        .one(&app.db)
        .await?;
    if existing.is_some() {
        return Err(AppError::field("proposal", "err-challenge-responded"));
    }
    let file = crate::forum::attachments::store(app, "attachment", file).await?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    let r = challenge_response::ActiveModel {
        challenge_id: Set(c.id),
        user_id: Set(uid.0),
        org_id: Set(org.map(|o| o.org_id.0)),
        role: Set(role),
        proposal: Set(f.proposal.trim().into()),
        status: Set(ResponseStatus::Submitted),
        decision_message: Set(String::new()),
        scores: Set("[]".into()),
        created_at: Set(now),
        decided_at: Set(None),
        attachment_key: Set(file.as_ref().map(|f| f.key.clone())),
        attachment_name: Set(file.as_ref().map(|f| f.name.clone())),
        attachment_type: Set(file.as_ref().map(|f| f.content_type.to_string())),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let from = match org {
        Some(o) => o.name.clone(),
        None => crate::people::user_names(app, vec![uid.0]).await?.remove(&uid.0).unwrap_or_default(),
    };
    let link = app.url(&format!("/fi/challenges/{}/responses/{}", c.id, r.id));
    let subject = format!("Vastaus haasteeseen / A response to: {}", c.title);
    let body = format!(
        "{from} vastasi haasteeseenne \"{title}\":\n{link}\n\n{from} responded to your challenge \"{title}\":\n{link}\n",
        title = c.title
    );
    let admins = crate::people::org_admins(&tx, c.org_id).await?;
    for to in admins.iter().map(|u| u.email.clone()) {
        crate::email::queue(&tx, &to, &subject, &body).await?;
    }
    // And in the app: the challenge's admins see it in their notifications.
    let notices =
        admins.iter().map(|u| notice(u.id, "response", format!("response:{}", r.id), &c, r.id, uid.0)).collect();
    crate::notifications::tell(&tx, notices).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(r)
}

/// A response as the pages show it.
#[derive(Debug, Clone)]
pub struct ResponseView {
    pub r: challenge_response::Model,
    /// The organisation's name, or the person's when they answered as themselves.
    pub from: String,
    pub org_slug: Option<String>,
    pub author: String,
    pub scores: Vec<Option<u8>>,
}

/// The responses of a challenge the viewer may read (the owner: all;
/// a respondent: their own). Three queries.
pub async fn list(app: &App, actor: &Principal, c: &challenge::Model) -> Result<Vec<ResponseView>, AppError> {
    let rows = challenge_response::Entity::find()
        .filter(challenge_response::Column::ChallengeId.eq(c.id))
        .filter(visibility::responses_condition(actor, c))
        .order_by_asc(challenge_response::Column::Id)
        .all(&app.db)
        .await?;
    views(app, c, rows).await
}

async fn views(
    app: &App,
    c: &challenge::Model,
    rows: Vec<challenge_response::Model>,
) -> Result<Vec<ResponseView>, AppError> {
    let orgs = crate::people::org_names(app, rows.iter().filter_map(|r| r.org_id)).await?;
    let people = crate::people::user_names(app, rows.iter().map(|r| r.user_id)).await?;
    let criteria = split_lines(&c.criteria).len();
    Ok(rows
        .into_iter()
        .map(|r| {
            let author = people.get(&r.user_id).cloned().unwrap_or_default();
            let org = r.org_id.and_then(|o| orgs.get(&o).cloned());
            let mut scores: Vec<Option<u8>> = serde_json::from_str(&r.scores).unwrap_or_default();
            scores.resize(criteria, None);
            ResponseView {
                from: org.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| author.clone()),
                org_slug: org.map(|o| o.slug),
                author,
                scores,
                r,
            }
        })
        .collect())
}

/// One response the viewer may read, with its challenge.
pub async fn get_one(
    app: &App,
    actor: &Principal,
    challenge_id: i32,
    response_id: i32,
) -> Result<(challenge::Model, ResponseView), AppError> {
    let c = get(app, actor, challenge_id).await?;
    let r = challenge_response::Entity::find_by_id(response_id)
        .filter(challenge_response::Column::ChallengeId.eq(c.id))
        .one(&app.db)
        .await?
        .filter(|r| visibility::sees_response(actor, &c, r))
        .ok_or(AppError::NotFound)?;
    let view = views(app, &c, vec![r]).await?.pop().ok_or(AppError::NotFound)?;
    Ok((c, view))
}

/// What the owner decides.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    /// `shortlist`, `accept`, `decline` or `score` (scores only).
    pub decision: String,
    pub message: String,
    /// One score (0–5, or empty) per criterion, in order.
    pub scores: Vec<String>,
}

/// Shortlists, scores, accepts or declines a response; an accepted or
/// declined respondent is emailed the outcome with the message.
/// A notice of a response (or its decision), emailed already by the caller.
fn notice(
    user_id: i32,
    event: &'static str,
    event_key: String,
    c: &challenge::Model,
    response_id: i32,
    actor: i32,
) -> crate::notifications::Notice {
    crate::notifications::Notice {
        user_id,
        event,
        event_key,
        subject: super::SUBJECT,
        subject_id: c.id,
        detail_id: Some(response_id),
        actor_id: Some(actor),
        reason: if event == "response" { "org-admin" } else { "respondent" },
        title: c.title.clone(),
        link: format!("/challenges/{}/responses/{response_id}", c.id),
        emailed: true,
    }
}

pub async fn decide(
    app: &App,
    actor: &Principal,
    challenge_id: i32,
    response_id: i32,
    f: &DecisionForm,
) -> Result<(), AppError> {
    let (c, view) = get_one(app, actor, challenge_id, response_id).await?;
    if !may_manage(actor, c.org_id) {
        return Err(AppError::Forbidden);
    }
    let uid = crate::policy::user_id(actor)?;
    let criteria = split_lines(&c.criteria);
    let mut k = Checker::default();
    let mut scores: Vec<Option<u8>> = Vec::new();
    for (i, _) in criteria.iter().enumerate() {
        let raw = f.scores.get(i).map(|s| s.trim()).unwrap_or("");
        if raw.is_empty() {
            scores.push(None);
            continue;
        }
        match raw.parse::<u8>() {
            Ok(n) if n <= 5 => scores.push(Some(n)),
            _ => {
                k.push("scores", "err-score");
                scores.push(None);
            }
        }
    }
    let status = match f.decision.as_str() {
        "shortlist" => Some(ResponseStatus::Shortlisted),
        "accept" => Some(ResponseStatus::Accepted),
        "decline" => Some(ResponseStatus::Declined),
        "score" => None,
        _ => {
            k.push("decision", "err-unknown-value");
            None
        }
    };
    // A decision once told to the respondent stays; scores may still change.
    if status.is_some() && view.r.decided_at.is_some() {
        k.push("decision", "err-already-decided");
    }
    let message = f.message.trim();
    if matches!(status, Some(ResponseStatus::Declined)) && message.is_empty() {
        k.push("message", "err-decline-message");
    }
    if message.chars().count() > MAX_TEXT {
        k.push("message", "err-too-long");
    }
    k.finish()?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    let mut am = challenge_response::ActiveModel {
        id: Set(view.r.id),
        scores: Set(serde_json::to_string(&scores).map_err(AppError::internal)?),
        ..Default::default()
    };
    if let Some(s) = status {
        am.status = Set(s);
        if matches!(s, ResponseStatus::Accepted | ResponseStatus::Declined) {
            am.decided_at = Set(Some(now));
            am.decision_message = Set(message.into());
        }
    }
    am.update(&tx).await?;
    if let Some(s @ (ResponseStatus::Accepted | ResponseStatus::Declined)) = status {
        let to = user::Entity::find_by_id(view.r.user_id).one(&tx).await?.map(|u| u.email);
        let link = app.url(&format!("/fi/challenges/{}/responses/{}", c.id, view.r.id));
        let (fi, en) = if s == ResponseStatus::Accepted {
            ("Vastauksenne hyväksyttiin", "Your response was accepted")
        } else {
            ("Vastauksenne ei tällä kertaa edennyt", "Your response was not taken forward this time")
        };
        let subject = format!("{fi} / {en}: {}", c.title);
        let body = format!("{fi}: \"{title}\".\n\n{message}\n\n{link}\n\n{en}: \"{title}\".\n", title = c.title);
        if let Some(to) = to {
            crate::email::queue(&tx, &to, &subject, &body).await?;
        }
        let told = notice(view.r.user_id, "response-decision", format!("decision:{}", view.r.id), &c, view.r.id, uid.0);
        crate::notifications::tell(&tx, vec![told]).await?;
        crate::changelog::admin_action(
            &tx,
            uid,
            &format!("challenge.response.{}", s.key()),
            format!("response:{}", view.r.id),
            format!("challenge:{}", c.id),
        )
        .await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// A message in a response's private conversation.
#[derive(Debug, Clone)]
pub struct Message {
    pub m: challenge_message::Model,
    pub author: String,
}

pub async fn messages(app: &App, response_id: i32) -> Result<Vec<Message>, AppError> {
    let rows = challenge_message::Entity::find()
        .filter(challenge_message::Column::ResponseId.eq(response_id))
        .order_by_asc(challenge_message::Column::Id)
        .all(&app.db)
        .await?;
    let names = crate::people::user_names(app, rows.iter().map(|m| m.author_id)).await?;
    Ok(rows.into_iter().map(|m| Message { author: names.get(&m.author_id).cloned().unwrap_or_default(), m }).collect())
}

/// Writes in a response's conversation (the owner's people, the respondent,
/// staff); the other side is emailed.
pub async fn post_message(
    app: &App,
    actor: &Principal,
    challenge_id: i32,
    response_id: i32,
    body: &str,
) -> Result<(), AppError> {
    let uid = crate::policy::user_id(actor)?;
    let (c, view) = get_one(app, actor, challenge_id, response_id).await?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "err-required"));
    }
    if body.chars().count() > MAX_TEXT {
        return Err(AppError::field("body", "err-too-long"));
    }
    let owner_side = crate::policy::allowed(actor, crate::policy::Action::ActForOrganisation { org: OrgId(c.org_id) })
        || crate::policy::is_staff(actor);
    let tx = app.db.begin().await?;
    challenge_message::ActiveModel {
        response_id: Set(view.r.id),
        author_id: Set(uid.0),
        body: Set(body.into()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let link = app.url(&format!("/fi/challenges/{}/responses/{}", c.id, view.r.id));
    let subject = format!("Uusi viesti / New message: {}", c.title);
    let text = format!(
        "Uusi viesti haasteen \"{t}\" vastauksessa:\n{link}\n\nA new message on a response to \"{t}\":\n{link}\n",
        t = c.title
    );
    let recipients = if owner_side {
        user::Entity::find_by_id(view.r.user_id).one(&tx).await?.map(|u| vec![u.email]).unwrap_or_default()
    } else {
        crate::people::org_admins(&tx, c.org_id).await?.into_iter().map(|u| u.email).collect()
    };
    for to in recipients {
        crate::email::queue(&tx, &to, &subject, &text).await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// The sum of a response's scores (unscored criteria count as none).
pub fn total(scores: &[Option<u8>]) -> u32 {
    scores.iter().flatten().map(|s| *s as u32).sum()
}

/// A response's attachment and its bytes, for those who may read the
/// response (its challenge's organisation, the respondent, staff); anyone
/// else: not found.
pub async fn attachment(
    app: &App,
    actor: &Principal,
    challenge_id: i32,
    response_id: i32,
) -> Result<(String, String, Bytes), AppError> {
    let c = get(app, actor, challenge_id).await?;
    let r = challenge_response::Entity::find_by_id(response_id)
        .filter(challenge_response::Column::ChallengeId.eq(c.id))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !visibility::sees_response(actor, &c, &r) {
        return Err(AppError::NotFound);
    }
    let (Some(key), Some(name), Some(kind)) = (r.attachment_key, r.attachment_name, r.attachment_type) else {
        return Err(AppError::NotFound);
    };
    let bytes = app.files.get_attachment(&key).await?.ok_or(AppError::NotFound)?;
    Ok((name, kind, bytes))
}
