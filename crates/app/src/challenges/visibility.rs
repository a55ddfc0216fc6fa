//! Who may see which challenge and which response — the one place.
//!
//! A published (or closed) challenge is seen by everyone when public, by
//! people of approved member organisations when members-only, and by
//! people of invited organisations when invited-only. Drafts are seen by
//! the owner organisation's people. Staff who passed the second factor see
//! everything. A response and its conversation are private to the
//! challenge's organisation, the respondent (and their organisation) and
//! staff.

use crate::{App, AppError, policy::Actor};
use kimppa_store::entities::{challenge, challenge_invite, challenge_response};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};

/// The asker, as far as challenges are concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<i32>,
    /// The asker's organisations.
    pub org_ids: Vec<i32>,
    /// One of them is an approved member of the cluster.
    pub member: bool,
    pub staff: bool,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer::default()
    }

    /// One query (the asker's memberships) for a signed-in actor.
    pub async fn of(app: &App, actor: &Actor) -> Result<Viewer, AppError> {
        let Some(uid) = actor.user_id() else { return Ok(Viewer::anonymous()) };
        let orgs = crate::organisations::memberships_of(app, uid).await?;
        Ok(Viewer {
            user_id: Some(uid),
            member: orgs.iter().any(|(o, _)| o.membership_status == "approved"),
            org_ids: orgs.into_iter().map(|(o, _)| o.id).collect(),
            staff: actor.is_elevated(),
        })
    }

    pub fn in_org(&self, org_id: i32) -> bool {
        self.org_ids.contains(&org_id)
    }
}

/// The SQL condition on `challenges` for what `v` may see.
pub fn condition(v: &Viewer) -> Condition {
    if v.staff {
        return Condition::all();
    }
    let mut open = Condition::any().add(challenge::Column::Visibility.eq("public"));
    if v.member {
        open = open.add(challenge::Column::Visibility.eq("members"));
    }
    if !v.org_ids.is_empty() {
        open = open.add(
            Condition::all().add(challenge::Column::Visibility.eq("invited")).add(
                challenge::Column::Id.in_subquery(
                    Query::select()
                        .column(challenge_invite::Column::ChallengeId)
                        .from(challenge_invite::Entity)
                        .and_where(challenge_invite::Column::OrgId.is_in(v.org_ids.clone()))
                        .to_owned(),
                ),
            ),
        );
    }
    let mut any = Condition::any().add(Condition::all().add(challenge::Column::Status.ne("draft")).add(open));
    if !v.org_ids.is_empty() {
        any = any.add(challenge::Column::OrgId.is_in(v.org_ids.clone()));
    }
    any
}

/// Whether `v` may read a response of challenge `c` (and its conversation).
pub fn sees_response(v: &Viewer, c: &challenge::Model, r: &challenge_response::Model) -> bool {
    v.staff || v.in_org(c.org_id) || v.user_id == Some(r.user_id) || r.org_id.is_some_and(|o| v.in_org(o))
}

/// The SQL condition on `challenge_responses` of one challenge for what `v` may read.
pub fn responses_condition(v: &Viewer, c: &challenge::Model) -> Condition {
    if v.staff || v.in_org(c.org_id) {
        return Condition::all();
    }
    let mut any = Condition::any();
    if let Some(uid) = v.user_id {
        any = any.add(challenge_response::Column::UserId.eq(uid));
    } else {
        // Nobody: an anonymous reader sees no response.
        any = any.add(challenge_response::Column::Id.eq(-1));
    }
    if !v.org_ids.is_empty() {
        any = any.add(challenge_response::Column::OrgId.is_in(v.org_ids.clone()));
    }
    any
}
