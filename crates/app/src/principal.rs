//! Who is asking. The web layer resolves the principal once per request
//! ([`Principal::resolve`]: the person, their platform role and
//! second-factor state, their organisations with role and the
//! organisations' approval, and the regions they coordinate) and every use
//! case takes it. What the principal may do is decided by
//! [`crate::policy`] and the capabilities' visibility modules, never by
//! looking at these fields elsewhere.

use crate::{App, AppError, batch};
use kimppa_domain::{MembershipStatus, OrgId, OrgRole, PlatformRole, UserId};
use kimppa_store::entities::{org_member, organisation, regional_coordinator, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Principal {
    #[default]
    Anonymous,
    Person(Person),
}

/// A signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: PlatformRole,
    /// The person has a TOTP second factor enabled.
    pub totp_enabled: bool,
    /// The current session passed the second factor (or enabled it).
    pub second_factor_passed: bool,
    /// The person's organisations, by name.
    pub memberships: Vec<Membership>,
    /// Regions (`Region` keys) the person coordinates.
    pub regions: Vec<String>,
}

/// One organisation of the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub org_id: OrgId,
    pub slug: String,
    pub name: String,
    pub role: OrgRole,
    /// The organisation's membership of the cluster.
    pub status: MembershipStatus,
}

impl Membership {
    /// The organisation is an approved member of the cluster.
    pub fn approved(&self) -> bool {
        self.status == MembershipStatus::Approved
    }
}

impl Principal {
    /// The principal of a signed-in person, from this node's memory when
    /// nothing changed since it was resolved (see [`crate::pagecache`]);
    /// otherwise resolved and remembered.
    pub async fn remembered(app: &App, user_id: UserId, second_factor: bool) -> Result<Principal, AppError> {
        let memory = &app.pages;
        let generation = if memory.enabled() { memory.refresh(app).await } else { None };
        let Some(generation) = generation else {
            return Self::resolve(app, user_id, second_factor).await;
        };
        if let Some(p) = memory.principal(user_id.0, second_factor) {
            return Ok(p);
        }
        let p = Self::resolve(app, user_id, second_factor).await?;
        memory.remember_principal(generation, user_id.0, second_factor, p.clone());
        Ok(p)
    }

    /// Reads the person, their organisations and their regions: three
    /// queries. A person who no longer exists is anonymous.
    pub async fn resolve(app: &App, user_id: UserId, second_factor_passed: bool) -> Result<Principal, AppError> {
        let Some(u) = user::Entity::find_by_id(user_id.0).one(&app.db).await? else {
            return Ok(Principal::Anonymous);
        };
        let mut people = assemble(&app.db, vec![u]).await?;
        Ok(match people.pop() {
            Some(mut p) => {
                p.second_factor_passed = second_factor_passed;
                Principal::Person(p)
            }
            None => Principal::Anonymous,
        })
    }

    /// The principals of people away from the screen, for the jobs that
    /// tell them of something: their organisations and regions, and staff
    /// powers when they hold a staff role with a second factor enabled.
    /// Three queries per [`batch::CHUNK`] people.
    pub async fn offline<C: ConnectionTrait>(
        conn: &C,
        users: Vec<user::Model>,
    ) -> Result<HashMap<UserId, Principal>, AppError> {
        Ok(assemble(conn, users)
            .await?
            .into_iter()
            .map(|mut p| {
                p.second_factor_passed = p.totp_enabled;
                (p.id, Principal::Person(p))
            })
            .collect())
    }

    /// The view every person of one organisation shares by being in it
    /// (no personal invitations, no staff powers, no regions): what the
    /// matching job may tell an organisation's people.
    pub fn member_of(org_id: OrgId, approved: bool) -> Principal {
        Principal::Person(Person {
            id: UserId(0),
            name: String::new(),
            email: String::new(),
            role: PlatformRole::Person,
            totp_enabled: false,
            second_factor_passed: false,
            memberships: vec![Membership {
                org_id,
                slug: String::new(),
                name: String::new(),
                role: OrgRole::Member,
                status: if approved { MembershipStatus::Approved } else { MembershipStatus::Pending },
            }],
            regions: vec![],
        })
    }

    pub fn person(&self) -> Option<&Person> {
        match self {
            Principal::Person(p) => Some(p),
            Principal::Anonymous => None,
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        self.person().map(|p| p.id)
    }

    pub fn is_anonymous(&self) -> bool {
        matches!(self, Principal::Anonymous)
    }

    /// The person's organisations (none for a visitor).
    pub fn memberships(&self) -> &[Membership] {
        self.person().map(|p| p.memberships.as_slice()).unwrap_or_default()
    }

    pub fn membership(&self, org_id: OrgId) -> Option<&Membership> {
        self.memberships().iter().find(|m| m.org_id == org_id)
    }

    /// The person's role in an organisation.
    pub fn role_in(&self, org_id: OrgId) -> Option<OrgRole> {
        self.membership(org_id).map(|m| m.role)
    }

    pub fn in_org(&self, org_id: OrgId) -> bool {
        self.membership(org_id).is_some()
    }

    pub fn org_ids(&self) -> Vec<OrgId> {
        self.memberships().iter().map(|m| m.org_id).collect()
    }

    /// One of the person's organisations is an approved member.
    pub fn in_approved_org(&self) -> bool {
        self.memberships().iter().any(Membership::approved)
    }

    /// Regions the person coordinates.
    pub fn regions(&self) -> &[String] {
        self.person().map(|p| p.regions.as_slice()).unwrap_or_default()
    }

    pub fn coordinates(&self, region: &str) -> bool {
        self.regions().iter().any(|r| r == region)
    }
}

/// The people of `users` with their organisations and regions (second
/// factor not passed).
async fn assemble<C: ConnectionTrait>(conn: &C, users: Vec<user::Model>) -> Result<Vec<Person>, AppError> {
    let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
    let rows: Vec<(i32, i32, String, String, String, String)> = batch::chunked(ids.iter().copied(), |chunk| {
        org_member::Entity::find()
            .select_only()
            .column(org_member::Column::UserId)
            .column(org_member::Column::OrgId)
            .column(organisation::Column::Slug)
            .column(organisation::Column::Name)
            .column(org_member::Column::Role)
            .column(organisation::Column::MembershipStatus)
            .join(JoinType::InnerJoin, org_member::Relation::Organisation.def())
            .filter(org_member::Column::UserId.is_in(chunk))
            .order_by_asc(organisation::Column::Name)
            .order_by_asc(org_member::Column::OrgId)
            .into_tuple()
            .all(conn)
    })
    .await?;
    let mut memberships: HashMap<i32, Vec<Membership>> = HashMap::new();
    for (user_id, org_id, slug, name, role, status) in rows {
        let (Ok(role), Ok(status)) = (OrgRole::parse(&role), MembershipStatus::parse(&status)) else { continue };
        memberships.entry(user_id).or_default().push(Membership { org_id: OrgId(org_id), slug, name, role, status });
    }
    let rows: Vec<(i32, String)> = batch::chunked(ids, |chunk| {
        regional_coordinator::Entity::find()
            .select_only()
            .column(regional_coordinator::Column::UserId)
            .column(regional_coordinator::Column::Region)
            .filter(regional_coordinator::Column::UserId.is_in(chunk))
            .order_by_asc(regional_coordinator::Column::Region)
            .into_tuple()
            .all(conn)
    })
    .await?;
    let mut regions: HashMap<i32, Vec<String>> = HashMap::new();
    for (user_id, region) in rows {
        regions.entry(user_id).or_default().push(region);
    }
    Ok(users
        .into_iter()
        .map(|u| Person {
            id: UserId(u.id),
            role: PlatformRole::parse(u.platform_role.key()).unwrap_or(PlatformRole::Person),
            totp_enabled: u.totp_enabled_at.is_some(),
            second_factor_passed: false,
            memberships: memberships.remove(&u.id).unwrap_or_default(),
            regions: regions.remove(&u.id).unwrap_or_default(),
            name: u.name,
            email: u.email,
        })
        .collect())
}
