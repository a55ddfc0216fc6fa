//! Ids of the records every capability refers to. A number of the wrong
//! kind (an organisation's id where a person's is meant) does not compile.
//! The principal, `policy` and the kernel's lookups speak these types; the
//! entities keep `i32` columns and convert where a row meets the kernel
//! (decision record 0003). With the `sea-orm` feature they can also be
//! column types.

macro_rules! id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType))]
        pub struct $name(pub i32);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }

        impl From<$name> for i32 {
            fn from(id: $name) -> i32 {
                id.0
            }
        }
    };
}

id!(
    /// An organisation of the shared registry.
    OrgId
);
id!(
    /// A person (an account).
    UserId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_print_as_numbers() {
        assert_eq!("42".parse::<OrgId>(), Ok(OrgId(42)));
        assert!("x".parse::<UserId>().is_err());
        assert_eq!(UserId(7).to_string(), "7");
        assert_eq!(i32::from(OrgId(3)), 3);
    }
}
