//! Invitations of colleagues by email.

use crate::{
    App, AppError, email, now,
    policy::{self, Action, Principal},
    tokens,
};
use chrono::Duration;
use kimppa_domain::OrgId;
use kimppa_domain::{Email, OrgRole};
use kimppa_store::entities::{invitation, organisation};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TransactionTrait};

const VALID_DAYS: i64 = 14;

/// Invites a person by email to an organisation.
pub async fn invite(
    app: &App,
    actor: &Principal,
    slug: &str,
    email_input: &str,
    role_input: &str,
    lang: &str,
) -> Result<(), AppError> {
    let org = super::get_visible(app, actor, slug).await?;
    policy::require(actor, Action::InviteToOrganisation { org: OrgId(org.id) })?;
    let mut c = crate::error::Checker::default();
    let email = c.check("email", Email::parse(email_input));
    let role = c.check("role", OrgRole::parse(role_input));
    c.finish()?;
    let (email, role) = (email.ok_or_else(crate::error::checked)?, role.ok_or_else(crate::error::checked)?);
    let inviter = policy::signed_in(actor)?;
    let inviter_id = inviter.id;
    let token = tokens::new_token();
    let tx = app.db.begin().await?;
    invitation::ActiveModel {
        org_id: Set(org.id),
        email: Set(email.as_str().into()),
        role: Set(role),
        token_hash: Set(tokens::hash(&token)),
        invited_by: Set(inviter_id.0),
        created_at: Set(now()),
        expires_at: Set(now() + Duration::days(VALID_DAYS)),
        accepted_at: Set(None),
        accepted_by: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let (subject, body) =
        email::texts::invitation(lang, &org.name, &inviter.name, &app.url(&format!("/{lang}/invitations/{token}")));
    email::queue(&tx, email.as_str(), &subject, &body).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Looks up an open invitation by its token.
pub async fn find_open(app: &App, token: &str) -> Result<(invitation::Model, organisation::Model), AppError> {
    let inv = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(tokens::hash(token)))
        .one(&app.db)
        .await?
        .ok_or(AppError::TokenInvalid)?;
    if inv.accepted_at.is_some() || inv.expires_at < now() {
        return Err(AppError::TokenInvalid);
    }
    let org = organisation::Entity::find_by_id(inv.org_id).one(&app.db).await?.ok_or(AppError::TokenInvalid)?;
    Ok((inv, org))
}

/// Accepts an invitation for the logged-in user; the link is the proof.
pub async fn accept_invitation(app: &App, actor: &Principal, token: &str) -> Result<organisation::Model, AppError> {
    let user_id = crate::policy::user_id(actor)?;
    let (inv, org) = find_open(app, token).await?;
    let role = OrgRole::parse(inv.role.key()).unwrap_or(OrgRole::Member);
    let tx = app.db.begin().await?;
    let mut am = inv.into_active_model();
    am.accepted_at = Set(Some(now()));
    am.accepted_by = Set(Some(user_id.0));
    am.update(&tx).await?;
    super::add_member(&tx, org.id, user_id.0, role).await?;
    tx.commit().await?;
    Ok(org)
}
