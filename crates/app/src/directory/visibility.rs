//! Who sees a service — the one place that decides it, for its page, the
//! organisation's list of services and the JSON API:
//! - staff who passed the second factor: every service;
//! - a published or archived service: everyone, when its organisation is an
//!   approved member; the organisation's own people otherwise;
//! - a draft: those who manage the owner's services (its admins) and the
//!   admins of a co-provider asked to confirm and not yet answering.
//!
//! And who sees an expert's card: everyone when the expert is listed and
//! their organisation is an approved member; otherwise the expert and staff.

use crate::policy::{self, Action, Principal};
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_domain::{MembershipStatus, ServiceStatus};
use kimppa_store::entities::{expert, organisation, service, service_provider};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};

/// The organisations whose services `p` manages (their admins).
fn managed(p: &Principal) -> Vec<i32> {
    policy::own_orgs_where(p, |org| Action::ManageServices { org }).map(|m| m.org_id.0).collect()
}

fn shown(status: ServiceStatus) -> bool {
    matches!(status, ServiceStatus::Published | ServiceStatus::Archived)
}

/// The services `p` may see, as a query condition on `services`.
pub fn condition(p: &Principal) -> Condition {
    if policy::is_staff(p) {
        return Condition::all();
    }
    let shown = Condition::any()
        .add(service::Column::Status.eq(ServiceStatus::Published))
        .add(service::Column::Status.eq(ServiceStatus::Archived));
    let mut owners = Condition::any().add(
        service::Column::OwnerOrgId.in_subquery(
            Query::select()
                .column(organisation::Column::Id)
                .from(organisation::Entity)
                .and_where(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
                .to_owned(),
        ),
    );
    let orgs = p.org_ids();
    if !orgs.is_empty() {
        owners = owners.add(service::Column::OwnerOrgId.is_in(orgs));
    }
    let mut any = Condition::any().add(Condition::all().add(shown).add(owners));
    let managed = managed(p);
    if !managed.is_empty() {
        any = any.add(service::Column::OwnerOrgId.is_in(managed.clone())).add(
            service::Column::Id.in_subquery(
                Query::select()
                    .column(service_provider::Column::ServiceId)
                    .from(service_provider::Entity)
                    .and_where(service_provider::Column::OrgId.is_in(managed))
                    .and_where(service_provider::Column::ConfirmedAt.is_null())
                    .to_owned(),
            ),
        );
    }
    any
}

/// The in-memory twin of [`condition`]: `owner` is the owning organisation's
/// membership status, `asked` the co-providers that have not confirmed yet.
pub fn sees(p: &Principal, s: &service::Model, owner: MembershipStatus, asked: &[i32]) -> bool {
    if policy::is_staff(p) {
        return true;
    }
    if shown(s.status) && (owner == MembershipStatus::Approved || p.in_org(OrgId(s.owner_org_id))) {
        return true;
    }
    policy::allowed(p, Action::ManageServices { org: OrgId(s.owner_org_id) })
        || asked.iter().any(|&org| policy::allowed(p, Action::ManageServices { org: OrgId(org) }))
}

/// Whether `p` sees expert `e`, whose organisation has membership status `org`.
pub fn sees_expert(p: &Principal, e: &expert::Model, org: MembershipStatus) -> bool {
    (e.listed && org == MembershipStatus::Approved) || p.user_id() == Some(UserId(e.user_id)) || policy::is_staff(p)
}
