//! Who may see which challenge and which response — the one place.
//!
//! A published (or closed) challenge is seen by everyone when public, by
//! people of approved member organisations when members-only, and by
//! people of invited organisations when invited-only. Drafts are seen by
//! the owner organisation's people. Staff who passed the second factor see
//! everything. A response and its conversation are private to the
//! challenge's organisation, the respondent (and their organisation) and
//! staff. A kimppa formed from a challenge is seen by everyone once
//! published; before that, and its unanswered invitations always, by the
//! people of its member and invited organisations and staff.

use crate::policy::{self, Principal};
use kimppa_domain::ChallengeStatus;
use kimppa_domain::ChallengeVisibility;
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_store::entities::{challenge, challenge_invite, challenge_response};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};
use std::collections::HashSet;

/// The SQL condition on `challenges` for what `p` may see.
pub fn condition(p: &Principal) -> Condition {
    if policy::is_staff(p) {
        return Condition::all();
    }
    let mut open = Condition::any().add(challenge::Column::Visibility.eq(ChallengeVisibility::Public));
    if p.in_approved_org() {
        open = open.add(challenge::Column::Visibility.eq(ChallengeVisibility::Members));
    }
    let orgs = p.org_ids();
    if !orgs.is_empty() {
        open = open.add(
            Condition::all().add(challenge::Column::Visibility.eq(ChallengeVisibility::Invited)).add(
                challenge::Column::Id.in_subquery(
                    Query::select()
                        .column(challenge_invite::Column::ChallengeId)
                        .from(challenge_invite::Entity)
                        .and_where(challenge_invite::Column::OrgId.is_in(orgs.clone()))
                        .to_owned(),
                ),
            ),
        );
    }
    let mut any =
        Condition::any().add(Condition::all().add(challenge::Column::Status.ne(ChallengeStatus::Draft)).add(open));
    if !orgs.is_empty() {
        any = any.add(challenge::Column::OrgId.is_in(orgs));
    }
    any
}

/// Whether `p` may see challenge `c` whose invited organisations are
/// `invited`: the in-memory twin of [`condition`].
pub fn sees(p: &Principal, c: &challenge::Model, invited: &HashSet<i32>) -> bool {
    if policy::is_staff(p) || p.in_org(OrgId(c.org_id)) {
        return true;
    }
    c.status != ChallengeStatus::Draft
        && match c.visibility {
            ChallengeVisibility::Public => true,
            ChallengeVisibility::Members => p.in_approved_org(),
            ChallengeVisibility::Invited => p.memberships().iter().any(|m| invited.contains(&m.org_id.0)),
        }
}

/// Whether `p` may read a response of challenge `c` (and its conversation):
/// the in-memory twin of [`responses_condition`].
pub fn sees_response(p: &Principal, c: &challenge::Model, r: &challenge_response::Model) -> bool {
    policy::is_staff(p)
        || p.in_org(OrgId(c.org_id))
        || p.user_id() == Some(UserId(r.user_id))
        || r.org_id.is_some_and(|o| p.in_org(OrgId(o)))
}

/// The SQL condition on `challenge_responses` of one challenge for what `p` may read.
pub fn responses_condition(p: &Principal, c: &challenge::Model) -> Condition {
    if policy::is_staff(p) || p.in_org(OrgId(c.org_id)) {
        return Condition::all();
    }
    let mut any = Condition::any();
    if let Some(uid) = p.user_id() {
        any = any.add(challenge_response::Column::UserId.eq(uid));
    } else {
        // Nobody: an anonymous reader sees no response.
        any = any.add(challenge_response::Column::Id.eq(-1));
    }
    let orgs = p.org_ids();
    if !orgs.is_empty() {
        any = any.add(challenge_response::Column::OrgId.is_in(orgs));
    }
    any
}

/// Whether `p` sees a kimppa whose member and invited organisations are `orgs`.
pub fn sees_kimppa(p: &Principal, published: bool, orgs: &[i32]) -> bool {
    published || sees_kimppa_invitations(p, orgs)
}

/// Whether `p` sees a kimppa's unanswered invitations: its own people and staff.
pub fn sees_kimppa_invitations(p: &Principal, orgs: &[i32]) -> bool {
    policy::is_staff(p) || orgs.iter().any(|&o| p.in_org(OrgId(o)))
}
