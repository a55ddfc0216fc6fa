//! Who sees a listing — the one place that decides it, for lists, pages,
//! matches, feeds, the JSON API and search:
//! - its organisation's people and staff: always;
//! - a published public listing: everyone; a published members-only one:
//!   people of approved member organisations;
//! - the coordinators of the listing's region: every listing there except
//!   drafts, closed and expired ones included.

use crate::policy::{self, Principal};
use kimppa_domain::OrgId;
use kimppa_domain::Region;
use kimppa_domain::{ListingStatus, ListingVisibility};
use kimppa_store::entities::listing;
use sea_orm::{ColumnTrait, Condition};

/// The listings `p` may see, as a query condition.
pub fn condition(p: &Principal) -> Condition {
    if policy::is_staff(p) {
        return Condition::all();
    }
    let mut any = Condition::any().add(
        Condition::all()
            .add(listing::Column::Status.eq(ListingStatus::Published))
            .add(listing::Column::Visibility.eq(ListingVisibility::Public)),
    );
    if p.in_approved_org() {
        any = any.add(
            Condition::all()
                .add(listing::Column::Status.eq(ListingStatus::Published))
                .add(listing::Column::Visibility.eq(ListingVisibility::Members)),
        );
    }
    let orgs = p.org_ids();
    if !orgs.is_empty() {
        any = any.add(listing::Column::OrgId.is_in(orgs));
    }
    if !p.regions().is_empty() {
        any = any.add(
            Condition::all()
                .add(listing::Column::Status.ne(ListingStatus::Draft))
                .add(listing::Column::Region.is_in(p.regions().to_vec())),
        );
    }
    any
}

/// The in-memory twin of [`condition`].
pub fn sees(p: &Principal, l: &listing::Model) -> bool {
    if policy::is_staff(p) || p.in_org(OrgId(l.org_id)) {
        return true;
    }
    if l.status == ListingStatus::Published && counterpart_sees(p, l.org_id, l.visibility) {
        return true;
    }
    l.status != ListingStatus::Draft && p.coordinates(&l.region)
}

/// [`sees`] of a published listing from its owner and visibility alone (the
/// matching pool keeps no more of it).
pub fn counterpart_sees(p: &Principal, org_id: i32, visibility: ListingVisibility) -> bool {
    policy::is_staff(p)
        || p.in_org(OrgId(org_id))
        || visibility == ListingVisibility::Public
        || (visibility == ListingVisibility::Members && p.in_approved_org())
}

/// The regions whose listings `p` may coordinate (staff: every region).
pub fn coordinated(p: &Principal) -> Vec<String> {
    if policy::is_staff(p) {
        return Region::ALL.iter().map(|r| r.key().to_string()).collect();
    }
    p.regions().to_vec()
}
