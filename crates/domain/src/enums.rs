//! Closed sets of values. Each enum parses from and prints to a stable
//! key that is stored in the database and used as a translation key suffix.

use crate::DomainError;

macro_rules! keyed_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

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

impl FocusArea {
    /// Parses a comma-separated list, ignoring blanks and duplicates.
    pub fn parse_list<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Vec<FocusArea>, DomainError> {
        let mut out = Vec::new();
        for item in items {
            for part in item.split(',') {
                if part.trim().is_empty() {
                    continue;
                }
                let f = FocusArea::parse(part)?;
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
        Ok(out)
    }

    pub fn join(list: &[FocusArea]) -> String {
        list.iter().map(|f| f.key()).collect::<Vec<_>>().join(",")
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
}
