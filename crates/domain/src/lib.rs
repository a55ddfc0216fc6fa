//! Domain types of Kimppa. Each type's constructor is its only validation:
//! once a value exists it is valid, and bad input becomes a [`DomainError`]
//! whose [`DomainError::code`] is a stable translation key for the UI.

mod business_id;
mod email;
mod enums;
mod ids;
mod slug;

pub use business_id::BusinessId;
pub use email::Email;
pub use enums::{
    ActionStatus, ChallengeStatus, ChallengeVisibility, ClusterPhase, ContentStatus, EuroClass, EventKind, EventStatus,
    EventVisibility, FieldKind, FocusArea, FundingStatus, GroupKind, GroupMemberStatus, GroupRole, KimppaStatus,
    Language, LeadStatus, ListingKind, ListingStatus, ListingVisibility, MeetingOutcome, MeetingStatus,
    MembershipStatus, MembershipTier, OfferingType, OrgRole, OrgType, PartnerRole, PipelineKind, PipelineRole,
    PlatformRole, PriceKind, Programme, QuestionKind, QuestionStatus, Region, RegistrationStatus, ResponseStatus,
    SearchStatus, ServiceStatus, SizeClass, WatchKind,
};
pub use ids::{OrgId, UserId};
pub use slug::Slug;

/// Why a value was refused. `code()` is a translation key (`err-…`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("the Business ID must look like 1234567-8")]
    BusinessIdFormat,
    #[error("the Business ID check digit does not match")]
    BusinessIdCheckDigit,
    #[error("the email address is not valid")]
    Email,
    #[error("the value may contain only a-z, 0-9 and hyphens")]
    Slug,
    #[error("unknown value `{0}`")]
    UnknownValue(String),
    #[error("the value is required")]
    Required,
    #[error("the value is too long (at most {0} characters)")]
    TooLong(usize),
}

impl DomainError {
    /// Stable key of the message in the translation files.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::BusinessIdFormat => "err-business-id-format",
            DomainError::BusinessIdCheckDigit => "err-business-id-check",
            DomainError::Email => "err-email",
            DomainError::Slug => "err-slug",
            DomainError::UnknownValue(_) => "err-unknown-value",
            DomainError::Required => "err-required",
            DomainError::TooLong(_) => "err-too-long",
        }
    }
}

/// Trims `input` and refuses it when empty or longer than `max` characters.
pub fn required_text(input: &str, max: usize) -> Result<String, DomainError> {
    let t = input.trim();
    if t.is_empty() {
        return Err(DomainError::Required);
    }
    optional_text(t, max).map(|v| v.unwrap_or_default())
}

/// Trims `input`; empty becomes `None`; longer than `max` characters is refused.
pub fn optional_text(input: &str, max: usize) -> Result<Option<String>, DomainError> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(DomainError::TooLong(max));
    }
    Ok(Some(t.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits() {
        assert_eq!(required_text("  a ", 5).unwrap(), "a");
        assert_eq!(required_text("   ", 5), Err(DomainError::Required));
        assert_eq!(required_text("abcdef", 5), Err(DomainError::TooLong(5)));
        assert_eq!(optional_text("", 5), Ok(None));
        assert_eq!(optional_text("ääää", 4), Ok(Some("ääää".into())));
    }
}
