//! The one place that decides every permission. Handlers and use cases
//! ask [`decide`] (or [`require`]) with the request's [`Principal`];
//! nothing else checks platform roles or organisation roles. Who sees a
//! record is decided by each capability's visibility module, which reads
//! the principal through the helpers here.

pub use crate::principal::{Membership, Person, Principal};
use kimppa_domain::{OrgId, OrgRole, PlatformRole, UserId};

/// What is asked for. Actions on an organisation name it; the principal's
/// role there is read here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    ViewPublic,
    ManageOwnAccount,
    CreateOrganisation,
    /// See an organisation that is not (yet) a public member.
    ViewUnlistedOrganisation {
        org: OrgId,
    },
    EditOrganisation {
        org: OrgId,
    },
    ViewOrganisationMembers {
        org: OrgId,
    },
    InviteToOrganisation {
        org: OrgId,
    },
    /// Invite with the admin role, or change another person's role.
    GrantOrganisationAdmin {
        org: OrgId,
    },
    ApplyForMembership {
        org: OrgId,
    },
    /// Answer for an organisation an invitation made to it (to take part in
    /// a kimppa): its admins only; staff do not answer for others.
    AnswerForOrganisation {
        org: OrgId,
    },
    /// Speak as one of one's own organisations (contact requests, challenge
    /// responses, an expert profile): any of its people. Being on an
    /// organisation's own side also means not contacting it or answering
    /// its challenges as an outsider.
    ActForOrganisation {
        org: OrgId,
    },
    /// The admin area and its read-only pages (outbox, audit log).
    AdminArea,
    ReviewMemberships,
    ManageAgreements,
    ManageUsers,
    /// Grant or remove the operator role.
    GrantOperator,
    /// Change a person's platform role from `from` to `to`: staff with
    /// `ManageUsers`; to or from operator, operators only.
    SetPlatformRole {
        from: PlatformRole,
        to: PlatformRole,
    },
    /// Edit pages, news, glossary, FAQ and the clusters directory; see drafts.
    ManageContent,
    /// See the visitor analytics.
    ViewAnalytics,
    /// Create, edit, publish and archive the organisation's services, and
    /// confirm co-provided services.
    ManageServices {
        org: OrgId,
    },
    /// See the contact requests (leads) an organisation received and the
    /// counts of brokered contacts.
    ViewOrganisationLeads {
        org: OrgId,
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
        author: UserId,
    },
    /// Edit a thread's opening or a reply: its writer, or staff.
    EditForumText {
        author: UserId,
    },
    /// Lock, pin, move and hide; read and resolve reports; see edit history.
    ModerateForum,
    /// Publish posts without the first-post approval.
    SkipForumApproval,
    /// Write, publish and close an organisation's challenges, decide on their
    /// responses and form kimppas from them; start and manage its partner
    /// searches and answer kimppa invitations for it: its admins, or staff on
    /// its behalf.
    ManageChallenges {
        org: OrgId,
    },
    /// Start a challenge: the admins of some organisation, and staff.
    StartChallenge,
    /// Start a partner search: the admins of an approved member, and staff.
    StartPartnerSearch,
    /// Feature a challenge on the list; answer partner-search help requests.
    FeatureChallenges,
    /// Respond to a challenge.
    RespondToChallenge,
    /// Write, publish and close an organisation's material listings and
    /// give feedback on their matches: any of its people, or staff.
    ManageListings {
        org: OrgId,
    },
    /// Start a material listing: the people of an approved member, and staff.
    StartListing,
    /// Keep the emission factors, the material classes and the regional
    /// coordinators; read the matching-quality report of every region.
    ManageMaterials,
    /// Confirm or dispute a deal another organisation recorded with this
    /// one: its admins (and elevated staff).
    ConfirmDeal {
        org: OrgId,
    },
    /// Search and export a region's listings (closed ones too) and record
    /// its workshops: the region's coordinators, or staff.
    CoordinateRegion {
        region: &'a str,
    },
    /// Coordinate some region (the coordinators' pages): any coordinator,
    /// or staff.
    CoordinateAnyRegion,
    /// Organise an event in an organisation's name (edit, publish, cancel,
    /// the participants, check-in, export and email): its admins, or staff.
    ManageEvents {
        org: OrgId,
    },
    /// Organise events in the cluster's own name, and see the cluster's
    /// event counts: staff.
    ManageClusterEvents,
    /// Start an event: the admins of an approved member, and staff.
    StartEvent,
    /// Register for an event (the event's visibility decides which).
    RegisterForEvent,
    /// Found groups (working groups, mini-clusters, the steering and
    /// advisory groups), and manage any of them: staff. A group's own
    /// leads manage it through `groups::visibility`.
    ManageGroups,
    /// Ask to join a group, or accept an invitation: any person.
    JoinGroup,
    /// Keep the development pipeline: its records, stages, tasks, links
    /// and publishing: staff. The admins of a participating organisation
    /// read its records through `pipeline::visibility`.
    ManagePipeline,
    /// Record funding, publish funding calls and procurements, and see the
    /// cluster's funding figures: staff.
    ManageFunding,
    /// See every indicator's staff figures and the records counted, set
    /// targets, freeze a year, write the situational picture's text and
    /// import official figures: staff.
    ManageImpact,
    /// See an organisation's own funding figures beside those of similar
    /// organisations: its admins, and staff.
    ViewOrganisationFunding {
        org: OrgId,
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

/// Decides whether `p` may do `action`.
pub fn decide(p: &Principal, action: Action<'_>) -> Decision {
    use Action::*;
    if action == ViewPublic {
        return Decision::Allow;
    }
    let Principal::Person(u) = p else {
        return Decision::LoginRequired;
    };
    let elevated = || -> Decision {
        match u.role {
            PlatformRole::Person => Decision::Forbidden,
            _ if !(u.totp_enabled && u.second_factor_passed) => Decision::SecondFactorRequired,
            _ => Decision::Allow,
        }
    };
    let admin_or_elevated =
        |org: OrgId| -> Decision { if p.role_in(org) == Some(OrgRole::Admin) { Decision::Allow } else { elevated() } };
    let member_or_elevated = |org: OrgId| -> Decision { if p.in_org(org) { Decision::Allow } else { elevated() } };
    let mine_or_elevated = |mine: bool| -> Decision { if mine { Decision::Allow } else { elevated() } };
    match action {
        ViewPublic | ManageOwnAccount | CreateOrganisation => Decision::Allow,
        ViewUnlistedOrganisation { org } | ViewOrganisationMembers { org } | ManageListings { org } => {
            member_or_elevated(org)
        }
        CoordinateRegion { region } => mine_or_elevated(p.coordinates(region)),
        CoordinateAnyRegion => mine_or_elevated(!u.regions.is_empty()),
        StartChallenge => mine_or_elevated(u.memberships.iter().any(|m| m.role == OrgRole::Admin)),
        StartPartnerSearch => mine_or_elevated(u.memberships.iter().any(|m| m.role == OrgRole::Admin && m.approved())),
        StartListing => mine_or_elevated(u.memberships.iter().any(Membership::approved)),
        EditOrganisation { org }
        | InviteToOrganisation { org }
        | GrantOrganisationAdmin { org }
        | ManageServices { org }
        | ViewOrganisationLeads { org }
        | ManageChallenges { org }
        | ManageEvents { org }
        | ConfirmDeal { org }
        | ViewOrganisationFunding { org } => admin_or_elevated(org),
        StartEvent => mine_or_elevated(u.memberships.iter().any(|m| m.role == OrgRole::Admin && m.approved())),
        SendContactRequest | PostInForum | RespondToChallenge | RegisterForEvent | JoinGroup => Decision::Allow,
        ManageForumThread { author } | EditForumText { author } => mine_or_elevated(author == u.id),
        ActForOrganisation { org } => {
            if p.in_org(org) {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        SetPlatformRole { from, to } => {
            if from == PlatformRole::Operator || to == PlatformRole::Operator {
                decide(p, GrantOperator)
            } else {
                elevated()
            }
        }
        ApplyForMembership { org } | AnswerForOrganisation { org } => {
            if p.role_in(org) == Some(OrgRole::Admin) {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        AdminArea | ReviewMemberships | ManageAgreements | ManageUsers | ManageContent | ViewAnalytics
        | ManageDirectory | ModerateForum | SkipForumApproval | FeatureChallenges | ManageMaterials
        | ManageClusterEvents | ManageGroups | ManagePipeline | ManageFunding | ManageImpact => elevated(),
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
pub fn require(p: &Principal, action: Action<'_>) -> Result<(), crate::AppError> {
    decide(p, action).into_result()
}

/// May `p` do `action`?
pub fn allowed(p: &Principal, action: Action<'_>) -> bool {
    decide(p, action).allowed()
}

/// The signed-in person, or "log in first".
pub fn signed_in(p: &Principal) -> Result<&Person, crate::AppError> {
    p.person().ok_or(crate::AppError::LoginRequired)
}

/// The signed-in person's id, or "log in first".
pub fn user_id(p: &Principal) -> Result<UserId, crate::AppError> {
    signed_in(p).map(|u| u.id)
}

/// An orchestrator or operator who passed the second factor: staff see
/// every record of every capability.
pub fn is_staff(p: &Principal) -> bool {
    allowed(p, Action::AdminArea)
}

/// Holds a staff role (orchestrator or operator), whose powers need the
/// second factor: whether or not it has been passed.
pub fn has_staff_role(p: &Principal) -> bool {
    p.person().is_some_and(|u| u.role != PlatformRole::Person)
}

/// Allowed only through staff powers: the principal would not be allowed
/// as a person (such actions are written to the audit log).
pub fn by_staff_power(p: &Principal, action: Action<'_>) -> bool {
    allowed(p, action)
        && !match p {
            Principal::Person(u) => {
                allowed(&Principal::Person(Person { role: PlatformRole::Person, ..u.clone() }), action)
            }
            Principal::Anonymous => false,
        }
}

/// Organisations whose `action` the principal may take, of its own
/// memberships (staff act for others through [`decide`] with the id).
pub fn own_orgs_where<'p>(
    p: &'p Principal,
    action: impl Fn(OrgId) -> Action<'static> + 'p,
) -> impl Iterator<Item = &'p Membership> + 'p {
    p.memberships().iter().filter(move |m| allowed(p, action(m.org_id)))
}

/// The organisations the person may speak as.
pub fn acting_choices(p: &Principal) -> impl Iterator<Item = &Membership> {
    own_orgs_where(p, |org| Action::ActForOrganisation { org })
}

/// The person's organisation with this address, when they may act for it.
pub fn acting_for<'p>(p: &'p Principal, slug: &str) -> Option<&'p Membership> {
    acting_choices(p).find(|m| m.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: PlatformRole, totp: bool, passed: bool) -> Principal {
        in_orgs(role, totp, passed, &[])
    }

    fn in_orgs(role: PlatformRole, totp: bool, passed: bool, orgs: &[(i32, OrgRole)]) -> Principal {
        Principal::Person(Person {
            id: UserId(1),
            name: "Testi".into(),
            email: "testi@kimppa.test".into(),
            role,
            totp_enabled: totp,
            second_factor_passed: passed,
            memberships: orgs
                .iter()
                .map(|&(org_id, role)| Membership {
                    org_id: OrgId(org_id),
                    slug: format!("org-{org_id}"),
                    name: format!("Org {org_id}"),
                    role,
                    status: kimppa_domain::MembershipStatus::Approved,
                })
                .collect(),
            regions: vec!["uusimaa".into()],
        })
    }

    #[test]
    fn anonymous_only_views_public() {
        let a = Principal::Anonymous;
        assert_eq!(decide(&a, Action::ViewPublic), Decision::Allow);
        assert_eq!(decide(&a, Action::CreateOrganisation), Decision::LoginRequired);
        assert_eq!(decide(&a, Action::AdminArea), Decision::LoginRequired);
        assert!(matches!(signed_in(&a), Err(crate::AppError::LoginRequired)));
        assert!(!is_staff(&a));
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
        assert!(is_staff(&user(PlatformRole::Operator, true, true)));
        assert!(!is_staff(&user(PlatformRole::Operator, true, false)));
    }

    #[test]
    fn organisation_roles_are_read_from_the_principal() {
        let p = in_orgs(PlatformRole::Person, false, false, &[(7, OrgRole::Admin), (8, OrgRole::Member)]);
        assert_eq!(decide(&p, Action::EditOrganisation { org: OrgId(7) }), Decision::Allow);
        assert_eq!(decide(&p, Action::EditOrganisation { org: OrgId(8) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::EditOrganisation { org: OrgId(9) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::ViewOrganisationMembers { org: OrgId(8) }), Decision::Allow);
        assert_eq!(decide(&p, Action::ApplyForMembership { org: OrgId(8) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::ApplyForMembership { org: OrgId(7) }), Decision::Allow);
        let o = user(PlatformRole::Orchestrator, true, true);
        assert_eq!(decide(&o, Action::EditOrganisation { org: OrgId(7) }), Decision::Allow);
        assert_eq!(decide(&o, Action::ApplyForMembership { org: OrgId(7) }), Decision::Forbidden);
        let managed: Vec<OrgId> =
            own_orgs_where(&p, |org| Action::ManageChallenges { org }).map(|m| m.org_id).collect();
        assert_eq!(managed, vec![OrgId(7)]);
        assert!(!by_staff_power(&p, Action::EditOrganisation { org: OrgId(7) }));
        assert_eq!(decide(&p, Action::StartChallenge), Decision::Allow);
        assert_eq!(decide(&user(PlatformRole::Person, false, false), Action::StartChallenge), Decision::Forbidden);
        assert_eq!(
            decide(&user(PlatformRole::Orchestrator, false, false), Action::StartListing),
            Decision::SecondFactorRequired
        );
        assert!(by_staff_power(&o, Action::EditOrganisation { org: OrgId(7) }));
        let admin_orch = in_orgs(PlatformRole::Orchestrator, true, true, &[(7, OrgRole::Admin)]);
        assert!(!by_staff_power(&admin_orch, Action::EditOrganisation { org: OrgId(7) }));
    }

    #[test]
    fn directory_powers() {
        let p = in_orgs(PlatformRole::Person, false, false, &[(7, OrgRole::Admin), (8, OrgRole::Member)]);
        assert_eq!(decide(&p, Action::ManageServices { org: OrgId(7) }), Decision::Allow);
        assert_eq!(decide(&p, Action::ManageServices { org: OrgId(8) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::ViewOrganisationLeads { org: OrgId(9) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::SendContactRequest), Decision::Allow);
        assert_eq!(decide(&Principal::Anonymous, Action::SendContactRequest), Decision::LoginRequired);
        assert_eq!(decide(&p, Action::ManageDirectory), Decision::Forbidden);
        let o = user(PlatformRole::Orchestrator, true, true);
        assert_eq!(decide(&o, Action::ManageDirectory), Decision::Allow);
        assert_eq!(decide(&o, Action::ViewOrganisationLeads { org: OrgId(9) }), Decision::Allow);
        assert_eq!(decide(&o, Action::ManageWebhooks), Decision::Forbidden);
        assert_eq!(decide(&user(PlatformRole::Operator, true, true), Action::ManageWebhooks), Decision::Allow);
        assert_eq!(
            decide(&user(PlatformRole::Operator, true, false), Action::ManageWebhooks),
            Decision::SecondFactorRequired
        );
    }

    #[test]
    fn forum_authors_and_staff() {
        let p = user(PlatformRole::Person, false, false);
        assert_eq!(decide(&p, Action::ManageForumThread { author: UserId(1) }), Decision::Allow);
        assert_eq!(decide(&p, Action::ManageForumThread { author: UserId(2) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::EditForumText { author: UserId(2) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::SkipForumApproval), Decision::Forbidden);
        let o = user(PlatformRole::Orchestrator, true, true);
        assert_eq!(decide(&o, Action::EditForumText { author: UserId(2) }), Decision::Allow);
        assert_eq!(decide(&o, Action::SkipForumApproval), Decision::Allow);
    }

    #[test]
    fn materials_powers() {
        let p = in_orgs(PlatformRole::Person, false, false, &[(8, OrgRole::Member)]);
        assert_eq!(decide(&p, Action::ManageListings { org: OrgId(8) }), Decision::Allow);
        assert_eq!(decide(&p, Action::ManageListings { org: OrgId(9) }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::CoordinateRegion { region: "uusimaa" }), Decision::Allow);
        assert_eq!(decide(&p, Action::CoordinateRegion { region: "lappi" }), Decision::Forbidden);
        assert_eq!(decide(&p, Action::CoordinateAnyRegion), Decision::Allow);
        assert_eq!(decide(&p, Action::ManageMaterials), Decision::Forbidden);
        let o = user(PlatformRole::Orchestrator, true, true);
        assert_eq!(decide(&o, Action::CoordinateRegion { region: "lappi" }), Decision::Allow);
        assert_eq!(decide(&o, Action::ManageMaterials), Decision::Allow);
        assert_eq!(decide(&Principal::Anonymous, Action::ManageListings { org: OrgId(8) }), Decision::LoginRequired);
    }

    #[test]
    fn event_organisers() {
        let admin = in_orgs(PlatformRole::Person, false, false, &[(8, OrgRole::Admin)]);
        let member = in_orgs(PlatformRole::Person, false, false, &[(8, OrgRole::Member)]);
        assert_eq!(decide(&admin, Action::StartEvent), Decision::Allow);
        assert_eq!(decide(&member, Action::StartEvent), Decision::Forbidden);
        assert_eq!(decide(&admin, Action::ManageEvents { org: OrgId(8) }), Decision::Allow);
        assert_eq!(decide(&admin, Action::ManageEvents { org: OrgId(9) }), Decision::Forbidden);
        assert_eq!(decide(&member, Action::ManageEvents { org: OrgId(8) }), Decision::Forbidden);
        assert_eq!(decide(&admin, Action::ManageClusterEvents), Decision::Forbidden);
        assert_eq!(decide(&member, Action::RegisterForEvent), Decision::Allow);
        assert_eq!(decide(&Principal::Anonymous, Action::RegisterForEvent), Decision::LoginRequired);
        let o = user(PlatformRole::Orchestrator, true, true);
        assert_eq!(decide(&o, Action::ManageClusterEvents), Decision::Allow);
        assert_eq!(decide(&o, Action::ManageEvents { org: OrgId(9) }), Decision::Allow);
        assert_eq!(
            decide(&user(PlatformRole::Orchestrator, true, false), Action::ManageClusterEvents),
            Decision::SecondFactorRequired
        );
    }
}
