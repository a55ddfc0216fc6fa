//! Who sees a listing — the one place that decides it, for lists, pages,
//! matches, feeds, the JSON API and search:
//! - its organisation's people and staff: always;
//! - a published public listing: everyone; a published members-only one:
//!   people of approved member organisations;
//! - the coordinators of the listing's region: every listing there except
//!   drafts, closed and expired ones included.

use crate::{App, AppError, challenges::Viewer, policy::Actor};
use kimppa_store::entities::{listing, regional_coordinator};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};

/// A viewer of listings: who they are and the regions they coordinate.
#[derive(Debug, Clone, Default)]
pub struct Seer {
    pub v: Viewer,
    pub regions: Vec<String>,
}

impl Seer {
    pub fn anonymous() -> Seer {
        Seer::default()
    }

    /// Two queries for a signed-in actor (memberships, coordinated regions).
    pub async fn of(app: &App, actor: &Actor) -> Result<Seer, AppError> {
        let v = Viewer::of(app, actor).await?;
        let regions = match v.user_id {
            Some(uid) => regions_of(app, uid).await?,
            None => vec![],
        };
        Ok(Seer { v, regions })
    }

    /// The view of an organisation's people (for matches and their emails).
    pub fn of_org(org_id: i32, approved: bool) -> Seer {
        Seer { v: Viewer { user_id: None, org_ids: vec![org_id], member: approved, staff: false }, regions: vec![] }
    }

    pub fn coordinates(&self, region: &str) -> bool {
        self.regions.iter().any(|r| r == region)
    }
}

/// The regions a person coordinates.
pub async fn regions_of(app: &App, uid: i32) -> Result<Vec<String>, AppError> {
    Ok(regional_coordinator::Entity::find()
        .filter(regional_coordinator::Column::UserId.eq(uid))
        .select_only()
        .column(regional_coordinator::Column::Region)
        .into_tuple()
        .all(&app.db)
        .await?)
}

/// The listings `s` may see, as a query condition.
pub fn condition(s: &Seer) -> Condition {
    if s.v.staff {
        return Condition::all();
    }
    let mut any = Condition::any().add(
        Condition::all().add(listing::Column::Status.eq("published")).add(listing::Column::Visibility.eq("public")),
    );
    if s.v.member {
        any = any.add(
            Condition::all()
                .add(listing::Column::Status.eq("published"))
                .add(listing::Column::Visibility.eq("members")),
        );
    }
    if !s.v.org_ids.is_empty() {
        any = any.add(listing::Column::OrgId.is_in(s.v.org_ids.clone()));
    }
    if !s.regions.is_empty() {
        any = any.add(
            Condition::all()
                .add(listing::Column::Status.ne("draft"))
                .add(listing::Column::Region.is_in(s.regions.clone())),
        );
    }
    any
}

/// The in-memory twin of [`condition`].
pub fn sees(s: &Seer, l: &listing::Model) -> bool {
    if s.v.staff || s.v.in_org(l.org_id) {
        return true;
    }
    if l.status == "published" && (l.visibility == "public" || (l.visibility == "members" && s.v.member)) {
        return true;
    }
    l.status != "draft" && s.coordinates(&l.region)
}
