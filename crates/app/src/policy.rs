//! The one place that decides every permission. Handlers and use cases
//! ask [`decide`]; nothing else checks roles.

use kimppa_domain::{OrgRole, PlatformRole};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    User(UserCtx),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCtx {
    pub id: i32,
    pub role: PlatformRole,
    /// The user has a TOTP second factor enabled.
    pub totp_enabled: bool,
    /// The current session passed the second factor (or enabled it).
    pub second_factor_passed: bool,
}

/// What is asked for. Organisation actions carry the actor's role in that
/// organisation, looked up by the use case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ViewPublic,
    ManageOwnAccount,
    CreateOrganisation,
    /// See an organisation that is not (yet) a public member.
    ViewUnlistedOrganisation {
        my_role: Option<OrgRole>,
    },
    EditOrganisation {
        my_role: Option<OrgRole>,
    },
    ViewOrganisationMembers {
        my_role: Option<OrgRole>,
    },
    InviteToOrganisation {
        my_role: Option<OrgRole>,
    },
    ApplyForMembership {
        my_role: Option<OrgRole>,
    },
    /// The admin area and its read-only pages (outbox, audit log).
    AdminArea,
    ReviewMemberships,
    ManageAgreements,
    ManageUsers,
    /// Grant or remove the operator role.
    GrantOperator,
    /// Edit pages, news, glossary, FAQ and the clusters directory; see drafts.
    ManageContent,
    /// See the visitor analytics.
    ViewAnalytics,
    /// Create, edit, publish and archive the organisation's services, and
    /// confirm co-provided services.
    ManageServices {
        my_role: Option<OrgRole>,
    },
    /// See the contact requests (leads) an organisation received and the
    /// counts of brokered contacts.
    ViewOrganisationLeads {
        my_role: Option<OrgRole>,
    },
    /// Send a contact request to a service or organisation.
    SendContactRequest,
    /// Directory-wide work: CSV import and export, every lead and its counts.
    ManageDirectory,
    /// Configure outgoing webhooks and read their delivery log.
    ManageWebhooks,
    /// Start threads and reply in the forum.
    PostInForum,
    /// Close or open a thread, invite participants and mark the accepted
    /// answer: its author, or staff.
    ManageForumThread {
        owner: bool,
    },
    /// Edit a thread's opening or a reply: its writer, or staff.
    EditForumText {
        author: bool,
    },
    /// Lock, pin, move and hide; read and resolve reports; see edit history.
    ModerateForum,
    /// Write, publish and close an organisation's challenges, decide on their
    /// responses and form kimppas from them: its admins, or staff on its behalf.
    ManageChallenges {
        my_role: Option<OrgRole>,
    },
    /// Feature a challenge on the list.
    FeatureChallenges,
    /// Respond to a challenge.
    RespondToChallenge,
    /// Write, publish and close an organisation's material listings and
    /// give feedback on their matches: any of its people, or staff.
    ManageListings {
        my_role: Option<OrgRole>,
    },
    /// Keep the emission factors, the material classes and the regional
    /// coordinators; read the matching-quality report of every region.
    ManageMaterials,
    /// Search and export a region's listings (closed ones too) and record
    /// its workshops: the region's coordinators, or staff.
    CoordinateRegion {
        coordinator: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not logged in: log in first.
    LoginRequired,
    /// An orchestrator or operator must enable and pass TOTP first.
    SecondFactorRequired,
    Forbidden,
}

impl Decision {
    pub fn allowed(self) -> bool {
        self == Decision::Allow
    }

    pub fn into_result(self) -> Result<(), crate::AppError> {
        match self {
            Decision::Allow => Ok(()),
            Decision::LoginRequired => Err(crate::AppError::LoginRequired),
            Decision::SecondFactorRequired => Err(crate::AppError::SecondFactorRequired),
            Decision::Forbidden => Err(crate::AppError::Forbidden),
        }
    }
}

/// Decides whether `actor` may do `action`.
pub fn decide(actor: &Actor, action: Action) -> Decision {
    use Action::*;
    if action == ViewPublic {
        return Decision::Allow;
    }
    let Actor::User(u) = actor else {
        return Decision::LoginRequired;
    };
    let elevated = || -> Decision {
        match u.role {
            PlatformRole::Person => Decision::Forbidden,
            _ if !(u.totp_enabled && u.second_factor_passed) => Decision::SecondFactorRequired,
            _ => Decision::Allow,
        }
    };
    let org_admin_or_elevated = |my_role: Option<OrgRole>| -> Decision {
        if my_role == Some(OrgRole::Admin) { Decision::Allow } else { elevated() }
    };
    let org_member_or_elevated =
        |my_role: Option<OrgRole>| -> Decision { if my_role.is_some() { Decision::Allow } else { elevated() } };
    match action {
        ViewPublic | ManageOwnAccount | CreateOrganisation => Decision::Allow,
        ViewUnlistedOrganisation { my_role } | ViewOrganisationMembers { my_role } | ManageListings { my_role } => {
            org_member_or_elevated(my_role)
        }
        CoordinateRegion { coordinator } => {
            if coordinator {
                Decision::Allow
            } else {
                elevated()
            }
        }
        EditOrganisation { my_role }
        | InviteToOrganisation { my_role }
        | ManageServices { my_role }
        | ViewOrganisationLeads { my_role }
        | ManageChallenges { my_role } => org_admin_or_elevated(my_role),
        SendContactRequest | PostInForum | RespondToChallenge => Decision::Allow,
        ManageForumThread { owner: mine } | EditForumText { author: mine } => {
            if mine {
                Decision::Allow
            } else {
                elevated()
            }
        }
        ApplyForMembership { my_role } => {
            if my_role == Some(OrgRole::Admin) {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        AdminArea | ReviewMemberships | ManageAgreements | ManageUsers | ManageContent | ViewAnalytics
        | ManageDirectory | ModerateForum | FeatureChallenges | ManageMaterials => elevated(),
        GrantOperator | ManageWebhooks => {
            if u.role == PlatformRole::Operator {
                elevated()
            } else {
                Decision::Forbidden
            }
        }
    }
}

/// Convenience: `decide(..).into_result()`.
pub fn require(actor: &Actor, action: Action) -> Result<(), crate::AppError> {
    decide(actor, action).into_result()
}

impl Actor {
    pub fn user_id(&self) -> Option<i32> {
        match self {
            Actor::User(u) => Some(u.id),
            Actor::Anonymous => None,
        }
    }

    /// True for an orchestrator or operator who passed the second factor.
    pub fn is_elevated(&self) -> bool {
        decide(self, Action::AdminArea).allowed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: PlatformRole, totp: bool, passed: bool) -> Actor {
        Actor::User(UserCtx { id: 1, role, totp_enabled: totp, second_factor_passed: passed })
    }

    #[test]
    fn anonymous_only_views_public() {
        assert_eq!(decide(&Actor::Anonymous, Action::ViewPublic), Decision::Allow);
        assert_eq!(decide(&Actor::Anonymous, Action::CreateOrganisation), Decision::LoginRequired);
        assert_eq!(decide(&Actor::Anonymous, Action::AdminArea), Decision::LoginRequired);
    }

    #[test]
    fn orchestrator_powers_need_the_second_factor() {
        assert_eq!(
            decide(&user(PlatformRole::Orchestrator, false, false), Action::AdminArea),
            Decision::SecondFactorRequired
        );
        assert_eq!(
            decide(&user(PlatformRole::Orchestrator, true, false), Action::ReviewMemberships),
            Decision::SecondFactorRequired
        );
        assert_eq!(decide(&user(PlatformRole::Orchestrator, true, true), Action::ReviewMemberships), Decision::Allow);
        assert_eq!(decide(&user(PlatformRole::Orchestrator, true, true), Action::GrantOperator), Decision::Forbidden);
        assert_eq!(decide(&user(PlatformRole::Operator, true, true), Action::GrantOperator), Decision::Allow);
    }

    #[test]
    fn organisation_roles() {
        let p = user(PlatformRole::Person, false, false);
        assert_eq!(decide(&p, Action::EditOrganisation { my_role: Some(OrgRole::Admin) }), Decision::Allow);
        assert_eq!(decide(&p, Action::EditOrganisation { my_role: Some(OrgRole::Member) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::EditOrganisation { my_role: None }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::ViewOrganisationMembers { my_role: Some(OrgRole::Member) }), Decision::Allow);
        assert_eq!(decide(&p, Action::ApplyForMembership { my_role: Some(OrgRole::Member) }), Decision::Forbidden);
        let o = user(PlatformRole::Orchestrator, true, true);
        assert_eq!(decide(&o, Action::EditOrganisation { my_role: None }), Decision::Allow);
        assert_eq!(decide(&o, Action::ApplyForMembership { my_role: None }), Decision::Forbidden);
    }

    #[test]
    fn directory_powers() {
        let p = user(PlatformRole::Person, false, false);
        assert_eq!(decide(&p, Action::ManageServices { my_role: Some(OrgRole::Admin) }), Decision::Allow);
        assert_eq!(decide(&p, Action::ManageServices { my_role: Some(OrgRole::Member) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::ViewOrganisationLeads { my_role: None }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::SendContactRequest), Decision::Allow);
        assert_eq!(decide(&Actor::Anonymous, Action::SendContactRequest), Decision::LoginRequired);
        assert_eq!(decide(&p, Action::ManageDirectory), Decision::Forbidden);
        let o = user(PlatformRole::Orchestrator, true, true);
        assert_eq!(decide(&o, Action::ManageDirectory), Decision::Allow);
        assert_eq!(decide(&o, Action::ViewOrganisationLeads { my_role: None }), Decision::Allow);
        assert_eq!(decide(&o, Action::ManageWebhooks), Decision::Forbidden);
        assert_eq!(decide(&user(PlatformRole::Operator, true, true), Action::ManageWebhooks), Decision::Allow);
        assert_eq!(
            decide(&user(PlatformRole::Operator, true, false), Action::ManageWebhooks),
            Decision::SecondFactorRequired
        );
    }

    #[test]
    fn materials_powers() {
        let p = user(PlatformRole::Person, false, false);
        assert_eq!(decide(&p, Action::ManageListings { my_role: Some(OrgRole::Member) }), Decision::Allow);
        assert_eq!(decide(&p, Action::ManageListings { my_role: None }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::CoordinateRegion { coordinator: true }), Decision::Allow);
        assert_eq!(decide(&p, Action::CoordinateRegion { coordinator: false }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::ManageMaterials), Decision::Forbidden);
        let o = user(PlatformRole::Orchestrator, true, true);
        assert_eq!(decide(&o, Action::CoordinateRegion { coordinator: false }), Decision::Allow);
        assert_eq!(decide(&o, Action::ManageMaterials), Decision::Allow);
        assert_eq!(decide(&Actor::Anonymous, Action::ManageListings { my_role: None }), Decision::LoginRequired);
    }
}
