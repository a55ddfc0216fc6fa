//! The orchestrators' and operators' admin area: users and roles, the
//! email outbox, the audit log and dashboard counts.

use crate::{
    App, AppError, changelog,
    policy::{self, Action, Principal},
};
use kimppa_domain::UserId;
use kimppa_domain::{MembershipStatus, PlatformRole};
use kimppa_store::entities::{audit_entry, change_log, email, organisation, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

const PAGE: u64 = 200;

/// The audit job: an administrative action becomes an audit-log entry
/// (once per change-log row).
pub fn register(jobs: &mut crate::jobs::Handlers) {
    jobs.on_row(changelog::ADMIN_ACTION, |app, row, _| async move { write_audit(&app, row).await });
}

async fn write_audit(app: &App, row: change_log::Model) -> Result<(), crate::jobs::JobError> {
    let p: changelog::AdminAction = serde_json::from_str(&row.payload)?;
    let entry = audit_entry::ActiveModel {
        change_id: Set(row.id),
        actor_id: Set(Some(p.actor_id)),
        action: Set(p.action),
        target: Set(p.target),
        details: Set(p.details),
        at: Set(row.created_at),
        ..Default::default()
    };
    audit_entry::Entity::insert(entry)
        .on_conflict_do_nothing_on([audit_entry::Column::ChangeId])
        .exec_without_returning(&app.db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub users: u64,
    pub organisations: u64,
    pub members: u64,
    pub pending: u64,
    pub queued_emails: u64,
    pub failed_jobs: u64,
}

pub async fn dashboard(app: &App, actor: &Principal) -> Result<Dashboard, AppError> {
    policy::require(actor, Action::AdminArea)?;
    let by_status = |s: MembershipStatus| {
        organisation::Entity::find().filter(organisation::Column::MembershipStatus.eq(s.key())).count(&app.db)
    };
    Ok(Dashboard {
        users: user::Entity::find().count(&app.db).await?,
        organisations: organisation::Entity::find().count(&app.db).await?,
        members: by_status(MembershipStatus::Approved).await?,
        pending: by_status(MembershipStatus::Pending).await?,
        queued_emails: email::Entity::find()
            .filter(email::Column::Status.eq(crate::email::STATUS_QUEUED))
            .count(&app.db)
            .await?,
        failed_jobs: change_log::Entity::find()
            .filter(change_log::Column::FailedAt.is_not_null())
            .count(&app.db)
            .await?,
    })
}

/// Users, newest first, optionally filtered by name or email.
pub async fn users(app: &App, actor: &Principal, q: &str) -> Result<Vec<user::Model>, AppError> {
    policy::require(actor, Action::ManageUsers)?;
    let mut s = user::Entity::find().order_by_desc(user::Column::Id).limit(PAGE);
    let q = q.trim().to_lowercase();
    if !q.is_empty() {
        s = s.filter(Condition::any().add(user::Column::Email.contains(&q)).add(user::Column::Name.contains(&q)));
    }
    Ok(s.all(&app.db).await?)
}

/// Sets a user's platform role. Only operators grant or remove the
/// operator role; nobody changes their own role.
pub async fn set_role(app: &App, actor: &Principal, user_id: i32, role_input: &str) -> Result<(), AppError> {
    policy::require(actor, Action::ManageUsers)?;
    let role = PlatformRole::parse(role_input).map_err(|e| AppError::field("role", e.code()))?;
    let target = user::Entity::find_by_id(user_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    if Some(UserId(target.id)) == actor.user_id() {
        return Err(AppError::Conflict("own-role"));
    }
    policy::require(actor, Action::SetPlatformRole { from: target.platform_role, to: role })?;
    let from = target.platform_role;
    let tx = app.db.begin().await?;
    let email = target.email.clone();
    let mut am = target.into_active_model();
    am.platform_role = Set(role);
    am.update(&tx).await?;
    changelog::admin_action(
        &tx,
        actor.user_id().unwrap_or_default(),
        "user.role",
        email,
        format!("{from} -> {}", role.key()),
    )
    .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// The newest emails in the outbox.
pub async fn outbox(app: &App, actor: &Principal) -> Result<Vec<email::Model>, AppError> {
    policy::require(actor, Action::AdminArea)?;
    Ok(email::Entity::find().order_by_desc(email::Column::Id).limit(PAGE).all(&app.db).await?)
}

/// An audit-log row with the actor's name.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub entry: audit_entry::Model,
    pub actor: Option<String>,
}

/// The newest audit-log entries. Two queries.
pub async fn audit_log(app: &App, actor: &Principal) -> Result<Vec<AuditRow>, AppError> {
    policy::require(actor, Action::AdminArea)?;
    let entries = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id).limit(PAGE).all(&app.db).await?;
    let names = crate::people::user_names(app, entries.iter().filter_map(|e| e.actor_id)).await?;
    Ok(entries
        .into_iter()
        .map(|entry| AuditRow { actor: entry.actor_id.and_then(|id| names.get(&id).cloned()), entry })
        .collect())
}
