//! Who is in a group and who leads it — the one place that decides it:
//! - a group's public page (name, description, kind, phase, and its
//!   member organisations when the group shows them) is seen by everyone;
//! - its private space (discussion, documents, actions, the members with
//!   their people, requests and invitations) by its active members — a
//!   person named, or any person of a member organisation — and staff;
//! - it is managed (requests accepted, invitations, phases, actions) by its
//!   active leads and facilitators — a person named, or the admins of a
//!   lead organisation — and staff.

use crate::policy::{self, Principal};
use kimppa_domain::{GroupMemberStatus, GroupRole, OrgId, OrgRole};
use kimppa_store::entities::group_member;
use sea_orm::{ColumnTrait, Condition};

/// Does an active membership row include `p`?
fn includes(p: &Principal, m: &group_member::Model) -> bool {
    m.status == GroupMemberStatus::Active
        && (m.user_id.is_some_and(|u| p.user_id().is_some_and(|me| me.0 == u))
            || m.org_id.is_some_and(|o| p.in_org(OrgId(o))))
}

/// Is `p` an active member of the group whose memberships are `members`?
pub fn is_member(p: &Principal, members: &[group_member::Model]) -> bool {
    members.iter().any(|m| includes(p, m))
}

/// Does `p` see the group's private space?
pub fn sees_space(p: &Principal, members: &[group_member::Model]) -> bool {
    policy::is_staff(p) || is_member(p, members)
}

/// Does `p` manage the group?
pub fn manages(p: &Principal, members: &[group_member::Model]) -> bool {
    policy::is_staff(p)
        || members.iter().any(|m| {
            m.status == GroupMemberStatus::Active
                && matches!(m.role, GroupRole::Lead | GroupRole::Facilitator)
                && (m.user_id.is_some_and(|u| p.user_id().is_some_and(|me| me.0 == u))
                    || m.org_id.is_some_and(|o| p.role_in(OrgId(o)) == Some(OrgRole::Admin)))
        })
}

/// The membership rows that include `p` (for "my groups"), as a condition
/// on `group_members`.
pub fn mine(p: &Principal) -> Condition {
    let mut any = Condition::any();
    if let Some(u) = p.user_id() {
        any = any.add(group_member::Column::UserId.eq(u.0));
    }
    let orgs = p.org_ids();
    if !orgs.is_empty() {
        any = any.add(group_member::Column::OrgId.is_in(orgs));
    }
    if p.user_id().is_none() {
        // A visitor is in no group.
        return Condition::all().add(group_member::Column::Id.eq(-1));
    }
    Condition::all().add(group_member::Column::Status.eq(GroupMemberStatus::Active)).add(any)
}
