//! Closed sets of values. Each enum parses from and prints to a stable
//! key that is stored in the database and used as a translation key suffix.

use crate::DomainError;

macro_rules! keyed_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$m])*
        ///
        /// Stored as its key: with the `sea-orm` feature it is a column type,
        /// converted once where a row is read or written.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
        #[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
        pub enum $name { $(#[cfg_attr(feature = "sea-orm", sea_orm(string_value = $key))] $variant),+ }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let key = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&key).map_err(serde::de::Error::custom)
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn parse(input: &str) -> Result<Self, DomainError> {
                match input.trim() {
                    $($key => Ok($name::$variant),)+
                    other => Err(DomainError::UnknownValue(other.chars().take(40).collect())),
                }
            }

            /// Parses items that may each be a comma-separated list,
            /// ignoring blanks and duplicates.
            pub fn parse_list<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Vec<Self>, DomainError> {
                let mut out = Vec::new();
                for item in items {
                    for part in item.split(',') {
                        if part.trim().is_empty() {
                            continue;
                        }
                        let v = Self::parse(part)?;
                        if !out.contains(&v) {
                            out.push(v);
                        }
                    }
                }
                Ok(out)
            }

            /// The stored form of a list: keys joined by commas.
            pub fn join(list: &[Self]) -> String {
                list.iter().map(|v| v.key()).collect::<Vec<_>>().join(",")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

keyed_enum!(
    /// Kind of member organisation (SPEC §1).
    OrgType {
        Sme => "sme",
        Anchor => "anchor",
        Customer => "customer",
        Municipality => "municipality",
        Research => "research",
        Funder => "funder",
        Network => "network",
    }
);

keyed_enum!(
    /// Size class by personnel (EU SME definition).
    SizeClass {
        Micro => "micro",
        Small => "small",
        Medium => "medium",
        Large => "large",
    }
);

keyed_enum!(
    /// Focus areas of the cluster's working groups and members.
    FocusArea {
        Construction => "construction",
        FoodBio => "food-bio",
        ReuseMaterials => "reuse-materials",
        Digital => "digital",
        Energy => "energy",
        Water => "water",
        Textiles => "textiles",
        Plastics => "plastics",
        MetalsMining => "metals-mining",
        ForestBio => "forest-bio",
    }
);

keyed_enum!(
    /// Role of a person inside an organisation.
    OrgRole {
        Admin => "admin",
        Member => "member",
    }
);

keyed_enum!(
    /// Platform-wide role of a person.
    PlatformRole {
        Person => "person",
        Orchestrator => "orchestrator",
        Operator => "operator",
    }
);

keyed_enum!(
    /// Where an organisation stands in joining the cluster.
    MembershipStatus {
        None => "none",
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
);

keyed_enum!(
    /// Membership tier once approved.
    MembershipTier {
        Member => "member",
        Partner => "partner",
    }
);

keyed_enum!(
    /// What a service offers: the five circular business models, then the
    /// enabling services (SPEC C3).
    OfferingType {
        CircularSupplies => "circular-supplies",
        ResourceRecovery => "resource-recovery",
        LifeExtension => "life-extension",
        ProductAsService => "product-as-service",
        SharingPlatform => "sharing-platform",
        Consulting => "consulting",
        TestingPiloting => "testing-piloting",
        Logistics => "logistics",
        Digital => "digital",
        Financing => "financing",
        ResearchEducation => "research-education",
    }
);

keyed_enum!(
    /// Where a service is offered: Finland's regions, or wider.
    Region {
        WholeFinland => "whole-finland",
        International => "international",
        Lappi => "lappi",
        PohjoisPohjanmaa => "pohjois-pohjanmaa",
        Kainuu => "kainuu",
        PohjoisSavo => "pohjois-savo",
        PohjoisKarjala => "pohjois-karjala",
        KeskiPohjanmaa => "keski-pohjanmaa",
        Pohjanmaa => "pohjanmaa",
        EtelaPohjanmaa => "etela-pohjanmaa",
        KeskiSuomi => "keski-suomi",
        EtelaSavo => "etela-savo",
        Satakunta => "satakunta",
        Pirkanmaa => "pirkanmaa",
        KantaHame => "kanta-hame",
        PaijatHame => "paijat-hame",
        Kymenlaakso => "kymenlaakso",
        EtelaKarjala => "etela-karjala",
        VarsinaisSuomi => "varsinais-suomi",
        Uusimaa => "uusimaa",
        Ahvenanmaa => "ahvenanmaa",
    }
);

impl Region {
    /// Does a service serving `served` serve `wanted`? A service for the
    /// whole of Finland serves every Finnish region.
    pub fn covers(served: &[Region], wanted: Region) -> bool {
        served.contains(&wanted) || (wanted != Region::International && served.contains(&Region::WholeFinland))
    }
}

keyed_enum!(
    /// Languages services are offered and experts speak in.
    Language {
        Fi => "fi",
        Sv => "sv",
        En => "en",
        Se => "se",
        De => "de",
        Et => "et",
        Ru => "ru",
    }
);

keyed_enum!(
    /// The indicative price model of a service.
    PriceKind {
        Free => "free",
        Fixed => "fixed",
        Hourly => "hourly",
        Subscription => "subscription",
        Quote => "quote",
    }
);

keyed_enum!(
    /// Life of a service in the catalogue.
    ServiceStatus {
        Draft => "draft",
        Published => "published",
        Archived => "archived",
    }
);

keyed_enum!(
    /// Where a lead (a brokered contact) stands.
    LeadStatus {
        New => "new",
        Answered => "answered",
        Negotiation => "negotiation",
        Won => "won",
        Lost => "lost",
    }
);

keyed_enum!(
    /// A role a partner fills in a challenge or a kimppa (SPEC C6).
    PartnerRole {
        MaterialSupplier => "material-supplier",
        Recycler => "recycler",
        Logistics => "logistics",
        ResearchPartner => "research-partner",
        Funder => "funder",
        TechnologyProvider => "technology-provider",
        Consultant => "consultant",
        Customer => "customer",
    }
);

impl PartnerRole {
    /// The offering types whose services fill this role.
    pub fn offerings(self) -> &'static [OfferingType] {
        use OfferingType::*;
        match self {
            PartnerRole::MaterialSupplier => &[CircularSupplies],
            PartnerRole::Recycler => &[ResourceRecovery],
            PartnerRole::Logistics => &[Logistics],
            PartnerRole::ResearchPartner => &[ResearchEducation, TestingPiloting],
            PartnerRole::Funder => &[Financing],
            PartnerRole::TechnologyProvider => &[Digital, LifeExtension, ProductAsService, SharingPlatform],
            PartnerRole::Consultant => &[Consulting],
            PartnerRole::Customer => &[],
        }
    }

    /// The organisation types that fill this role by what they are.
    pub fn org_types(self) -> &'static [OrgType] {
        match self {
            PartnerRole::ResearchPartner => &[OrgType::Research],
            PartnerRole::Funder => &[OrgType::Funder],
            PartnerRole::Customer => &[OrgType::Anchor, OrgType::Customer, OrgType::Municipality],
            _ => &[],
        }
    }
}

keyed_enum!(
    /// Who sees a challenge.
    ChallengeVisibility {
        Public => "public",
        Members => "members",
        Invited => "invited",
    }
);

keyed_enum!(
    /// Life of a challenge.
    ChallengeStatus {
        Draft => "draft",
        Published => "published",
        Closed => "closed",
    }
);

keyed_enum!(
    /// Where a response to a challenge stands.
    ResponseStatus {
        Submitted => "submitted",
        Shortlisted => "shortlisted",
        Accepted => "accepted",
        Declined => "declined",
    }
);

keyed_enum!(
    /// Life of a kimppa.
    KimppaStatus {
        Forming => "forming",
        Active => "active",
        Delivered => "delivered",
        Dissolved => "dissolved",
    }
);

keyed_enum!(
    /// What a material listing is: a side stream offered, one wanted, or a
    /// service for materials.
    ListingKind {
        Offer => "offer",
        Want => "want",
        Service => "service",
    }
);

keyed_enum!(
    /// Life of a material listing.
    ListingStatus {
        Draft => "draft",
        Published => "published",
        Closed => "closed",
        Expired => "expired",
    }
);

keyed_enum!(
    /// Who sees a published material listing.
    ListingVisibility {
        Public => "public",
        Members => "members",
    }
);

keyed_enum!(
    /// Where a partner search stands.
    SearchStatus {
        Open => "open",
        Formed => "formed",
        Closed => "closed",
    }
);

keyed_enum!(
    /// Life of a page, news item or answer of the website.
    ContentStatus {
        Draft => "draft",
        Published => "published",
    }
);

keyed_enum!(
    /// Where a question asked on the FAQ page is in the orchestrators' queue.
    QuestionStatus {
        New => "new",
        Answering => "answering",
        Answered => "answered",
        Published => "published",
        Closed => "closed",
    }
);

keyed_enum!(
    /// What a person watches in the forum.
    WatchKind {
        Thread => "thread",
        Area => "area",
        Topic => "topic",
    }
);

keyed_enum!(
    /// What kind of activity an event is.
    EventKind {
        Matchmaking => "matchmaking",
        Pitching => "pitching",
        Workshop => "workshop",
        BestPractice => "best-practice",
        Training => "training",
        InfoSession => "info-session",
        CoordinatorsDay => "coordinators-day",
        Arena => "arena",
        GroupMeeting => "group-meeting",
        Other => "other",
    }
);

keyed_enum!(
    /// Life of an event: a draft is seen by its organisers only; a published
    /// event takes registrations; a cancelled one stays visible as cancelled;
    /// a held one collects feedback and counts.
    EventStatus {
        Draft => "draft",
        Published => "published",
        Cancelled => "cancelled",
        Held => "held",
    }
);

keyed_enum!(
    /// Who sees a published event.
    EventVisibility {
        Public => "public",
        Members => "members",
    }
);

keyed_enum!(
    /// Where one person's registration to an event stands. A place is held by
    /// `registered` and `offered` (a freed place offered from the waiting list
    /// until a time limit).
    RegistrationStatus {
        Registered => "registered",
        Waiting => "waiting",
        Offered => "offered",
        Cancelled => "cancelled",
        Expired => "expired",
    }
);

keyed_enum!(
    /// A registration question's kind.
    QuestionKind {
        Text => "text",
        Choice => "choice",
        YesNo => "yes-no",
    }
);

keyed_enum!(
    /// Where a one-to-one meeting request at a matchmaking event stands.
    MeetingStatus {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
);

keyed_enum!(
    /// What came of a meeting, as each side rates it after the event.
    MeetingOutcome {
        NoInterest => "no-interest",
        FollowUp => "follow-up",
        Cooperation => "cooperation",
        Deal => "deal",
    }
);

keyed_enum!(
    /// What a group of the cluster is.
    GroupKind {
        WorkingGroup => "working-group",
        MiniCluster => "mini-cluster",
        Steering => "steering",
        Advisory => "advisory",
    }
);

keyed_enum!(
    /// A member's role in a group.
    GroupRole {
        Lead => "lead",
        Member => "member",
        Expert => "expert",
        Facilitator => "facilitator",
    }
);

keyed_enum!(
    /// Where a group membership stands: asked for (waiting for the leads),
    /// invited (waiting for the invitee), or in force.
    GroupMemberStatus {
        Requested => "requested",
        Invited => "invited",
        Active => "active",
    }
);

keyed_enum!(
    /// The development cycle of a mini-cluster.
    ClusterPhase {
        Initiate => "initiate",
        Analyse => "analyse",
        Targets => "targets",
        Pilot => "pilot",
        Export => "export",
    }
);

keyed_enum!(
    /// Where a group's action ("quick win") stands.
    ActionStatus {
        Planned => "planned",
        Doing => "doing",
        Done => "done",
    }
);

keyed_enum!(
    /// What a pipeline record follows (SPEC C9).
    PipelineKind {
        Idea => "idea",
        Innovation => "innovation",
        DevelopmentProject => "development-project",
        FundingApplication => "funding-application",
        Investment => "investment",
    }
);

keyed_enum!(
    /// An organisation's part in a pipeline record.
    PipelineRole {
        Lead => "lead",
        Partner => "partner",
        Customer => "customer",
        Research => "research",
        Funder => "funder",
    }
);

keyed_enum!(
    /// A funding programme.
    Programme {
        Erdf => "erdf",
        Jtf => "jtf",
        BusinessFinland => "business-finland",
        HorizonEurope => "horizon-europe",
        Life => "life",
        Interreg => "interreg",
        Ely => "ely",
        Other => "other",
    }
);

keyed_enum!(
    /// Where a funding stands.
    FundingStatus {
        Planned => "planned",
        Applied => "applied",
        Granted => "granted",
        Rejected => "rejected",
        Ended => "ended",
    }
);

keyed_enum!(
    /// The kind of an orchestrators' own pipeline field.
    FieldKind {
        Text => "text",
        Number => "number",
        Euros => "euros",
        Date => "date",
        Choice => "choice",
        Multi => "multi",
        Organisation => "organisation",
    }
);

keyed_enum!(
    /// The size class of a pipeline record, from its euros: under 50,000,
    /// under 250,000, under 1,000,000, and more.
    EuroClass {
        Small => "small",
        Medium => "medium",
        Large => "large",
        Major => "major",
    }
);

impl EuroClass {
    /// The class of a sum in euros.
    pub fn of(euros: i64) -> EuroClass {
        match euros {
            ..50_000 => EuroClass::Small,
            50_000..250_000 => EuroClass::Medium,
            250_000..1_000_000 => EuroClass::Large,
            _ => EuroClass::Major,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for t in OrgType::ALL {
            assert_eq!(OrgType::parse(t.key()).unwrap(), *t);
        }
        assert!(OrgType::parse("bank").is_err());
    }

    #[test]
    fn focus_list_parses_and_dedups() {
        let l = FocusArea::parse_list(["energy, digital", "energy"]).unwrap();
        assert_eq!(l, vec![FocusArea::Energy, FocusArea::Digital]);
        assert_eq!(FocusArea::join(&l), "energy,digital");
        assert!(FocusArea::parse_list(["nope"]).is_err());
    }

    #[test]
    fn whole_finland_covers_every_finnish_region_but_not_abroad() {
        assert!(Region::covers(&[Region::WholeFinland], Region::Kainuu));
        assert!(!Region::covers(&[Region::WholeFinland], Region::International));
        assert!(Region::covers(&[Region::Lappi, Region::International], Region::International));
        assert!(!Region::covers(&[Region::Lappi], Region::Kainuu));
    }
}
