//! Joining the cluster: versioned commitment agreement, acceptance by an
//! organisation admin, approval or rejection by an orchestrator, tiers
//! and history.

use crate::{
    App, AppError, changelog, email,
    error::Checker,
    now,
    policy::{self, Action, Principal},
};
use kimppa_domain::OrgId;
use kimppa_domain::{MembershipStatus, MembershipTier, required_text};
use kimppa_store::entities::{agreement_acceptance, agreement_version, membership_event, organisation, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait,
};

/// The agreement version in force (the highest number).
pub async fn current_agreement(app: &App) -> Result<Option<agreement_version::Model>, AppError> {
    Ok(agreement_version::Entity::find().order_by_desc(agreement_version::Column::Version).one(&app.db).await?)
}

pub async fn list_agreements(app: &App, actor: &Principal) -> Result<Vec<agreement_version::Model>, AppError> {
    policy::require(actor, Action::ManageAgreements)?;
    Ok(agreement_version::Entity::find().order_by_desc(agreement_version::Column::Version).all(&app.db).await?)
}

#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub struct AgreementForm {
    #[serde(default)]
    pub title_fi: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub body_fi: String,
    #[serde(default)]
    pub body_en: String,
}

/// Publishes a new agreement version. Earlier acceptances keep pointing
/// at the version they accepted.
pub async fn publish_agreement(
    app: &App,
    actor: &Principal,
    f: &AgreementForm,
) -> Result<agreement_version::Model, AppError> {
    policy::require(actor, Action::ManageAgreements)?;
    let mut c = Checker::default();
    let title_fi = c.check("title_fi", required_text(&f.title_fi, 200));
    let title_en = c.check("title_en", required_text(&f.title_en, 200));
    let body_fi = c.check("body_fi", required_text(&f.body_fi, 50_000));
    let body_en = c.check("body_en", required_text(&f.body_en, 50_000));
    c.finish()?;
    let texts = [
        title_fi.unwrap_or_default(),
        title_en.unwrap_or_default(),
        body_fi.unwrap_or_default(),
        body_en.unwrap_or_default(),
    ];
    if let Some(cur) = current_agreement(app).await?
        && [&cur.title_fi, &cur.title_en, &cur.body_fi, &cur.body_en] == [&texts[0], &texts[1], &texts[2], &texts[3]]
    {
        return Err(AppError::field("body_fi", "err-agreement-unchanged"));
    }
    let tx = app.db.begin().await?;
    let next = agreement_version::Entity::find()
        .order_by_desc(agreement_version::Column::Version)
        .one(&tx)
        .await?
        .map_or(1, |v| v.version + 1);
    let v = insert_agreement(&tx, next, texts, actor.user_id().map(i32::from)).await?;
    changelog::admin_action(&tx, actor.user_id().unwrap_or_default(), "agreement.publish", format!("v{next}"), "")
        .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(v)
}

pub(crate) async fn insert_agreement<C: sea_orm::ConnectionTrait>(
    conn: &C,
    version: i32,
    [title_fi, title_en, body_fi, body_en]: [String; 4],
    by: Option<i32>,
) -> Result<agreement_version::Model, AppError> {
    Ok(agreement_version::ActiveModel {
        version: Set(version),
        title_fi: Set(title_fi),
        title_en: Set(title_en),
        body_fi: Set(body_fi),
        body_en: Set(body_en),
        created_by: Set(by),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// An organisation admin accepts the agreement version `version_id` (which
/// must be the current one) and applies for membership.
pub async fn apply(app: &App, actor: &Principal, slug: &str, version_id: i32, accepted: bool) -> Result<(), AppError> {
    let org = crate::organisations::get_visible(app, actor, slug).await?;
    policy::require(actor, Action::ApplyForMembership { org: OrgId(org.id) })?;
    if org.membership_status == MembershipStatus::Pending || org.membership_status == MembershipStatus::Approved {
        return Err(AppError::Conflict("already-applied"));
    }
    let current = current_agreement(app).await?.ok_or(AppError::Conflict("no-agreement"))?;
    if current.id != version_id {
        return Err(AppError::field("accept", "err-agreement-outdated"));
    }
    if !accepted {
        return Err(AppError::field("accept", "err-agreement-accept"));
    }
    let user_id = crate::policy::user_id(actor)?;
    let tx = app.db.begin().await?;
    record_acceptance(&tx, org.id, user_id.0, current.id).await?;
    record_event(&tx, org.id, "applied", None, None, Some(user_id.0)).await?;
    let org_id = org.id;
    let mut am = org.into_active_model();
    am.membership_status = Set(MembershipStatus::Pending);
    am.updated_at = Set(now());
    am.update(&tx).await?;
    changelog::record(&tx, "membership.applied", &serde_json::json!({ "org_id": org_id })).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

pub(crate) async fn record_acceptance<C: sea_orm::ConnectionTrait>(
    conn: &C,
    org_id: i32,
    user_id: i32,
    version_id: i32,
) -> Result<(), AppError> {
    agreement_acceptance::ActiveModel {
        org_id: Set(org_id),
        user_id: Set(user_id),
        agreement_version_id: Set(version_id),
        accepted_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

pub(crate) async fn record_event<C: sea_orm::ConnectionTrait>(
    conn: &C,
    org_id: i32,
    kind: &str,
    tier: Option<&str>,
    reason: Option<&str>,
    actor_id: Option<i32>,
) -> Result<(), AppError> {
    membership_event::ActiveModel {
        org_id: Set(org_id),
        kind: Set(kind.into()),
        tier: Set(tier.map(str::to_string)),
        reason: Set(reason.map(str::to_string)),
        actor_id: Set(actor_id),
        at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// A pending application for the orchestrators' queue.
#[derive(Debug, Clone)]
pub struct PendingApplication {
    pub org: organisation::Model,
    pub accepted_version: Option<i32>,
    pub accepted_by: Option<String>,
    pub accepted_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The membership queue, oldest first. A fixed number of queries.
pub async fn queue(app: &App, actor: &Principal) -> Result<Vec<PendingApplication>, AppError> {
    policy::require(actor, Action::ReviewMemberships)?;
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Pending))
        .order_by_asc(organisation::Column::UpdatedAt)
        .all(&app.db)
        .await?;
    let ids: Vec<i32> = orgs.iter().map(|o| o.id).collect();
    let accs = agreement_acceptance::Entity::find()
        .filter(agreement_acceptance::Column::OrgId.is_in(ids))
        .order_by_desc(agreement_acceptance::Column::AcceptedAt)
        .all(&app.db)
        .await?;
    let versions = agreement_version::Entity::find().all(&app.db).await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(accs.iter().map(|a| a.user_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?;
    Ok(orgs
        .into_iter()
        .map(|org| {
            let acc = accs.iter().find(|a| a.org_id == org.id);
            PendingApplication {
                accepted_version: acc
                    .and_then(|a| versions.iter().find(|v| v.id == a.agreement_version_id))
                    .map(|v| v.version),
                accepted_by: acc.and_then(|a| users.iter().find(|u| u.id == a.user_id)).map(|u| u.name.clone()),
                accepted_at: acc.map(|a| a.accepted_at),
                org,
            }
        })
        .collect())
}

/// Approves (with a tier) or rejects (with a reason) an application.
pub async fn decide(
    app: &App,
    actor: &Principal,
    org_id: i32,
    approve: bool,
    tier_input: &str,
    reason_input: &str,
) -> Result<organisation::Model, AppError> {
    policy::require(actor, Action::ReviewMemberships)?;
    let org = organisation::Entity::find_by_id(org_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let mut c = Checker::default();
    let tier = if approve { c.check("tier", MembershipTier::parse(tier_input)) } else { None };
    let reason = kimppa_domain::optional_text(reason_input, 2000).ok().flatten();
    if !approve && reason.is_none() {
        c.push("reason", "err-reason-required");
    }
    c.finish()?;
    if org.membership_status != MembershipStatus::Pending {
        return Err(AppError::Conflict("not-pending"));
    }
    let actor_id = actor.user_id().unwrap_or_default();
    let tx = app.db.begin().await?;
    let (status, kind) =
        if approve { (MembershipStatus::Approved, "approved") } else { (MembershipStatus::Rejected, "rejected") };
    record_event(&tx, org.id, kind, tier.map(|t| t.key()), reason.as_deref(), Some(actor_id.0)).await?;
    let mut am = org.clone().into_active_model();
    am.membership_status = Set(status);
    am.membership_tier = Set(tier);
    am.updated_at = Set(now());
    let updated = am.update(&tx).await?;
    // Tell the organisation's admins.
    for admin in crate::people::org_admins(&tx, org.id).await? {
        let (subject, body) =
            email::texts::membership_decision(&admin.locale, &org.name, approve, reason.as_deref().unwrap_or(""));
        email::queue(&tx, &admin.email, &subject, &body).await?;
    }
    changelog::admin_action(
        &tx,
        actor_id,
        if approve { "membership.approve" } else { "membership.reject" },
        &org.slug,
        tier.map(|t| t.key().to_string()).or(reason).unwrap_or_default(),
    )
    .await?;
    crate::search::touch(&tx, "organisation", &[org.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(updated)
}

/// A row of an organisation's membership history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub kind: String,
    pub tier: Option<String>,
    pub reason: Option<String>,
    pub actor: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

pub async fn history(app: &App, org_id: i32) -> Result<Vec<HistoryRow>, AppError> {
    let events = membership_event::Entity::find()
        .filter(membership_event::Column::OrgId.eq(org_id))
        .order_by_desc(membership_event::Column::At)
        .order_by_desc(membership_event::Column::Id)
        .all(&app.db)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(events.iter().filter_map(|e| e.actor_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?;
    Ok(events
        .into_iter()
        .map(|e| HistoryRow {
            actor: e.actor_id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.name.clone()),
            kind: e.kind,
            tier: e.tier,
            reason: e.reason,
            at: e.at,
        })
        .collect())
}
