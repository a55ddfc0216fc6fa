use crate::DomainError;
use std::fmt;

/// A syntactically plausible email address, trimmed and lower-cased.
/// Deliverability is proven by the verification link, not by parsing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let e = input.trim().to_lowercase();
        if e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(DomainError::Email);
        }
        let (local, domain) = e.rsplit_once('@').ok_or(DomainError::Email)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(DomainError::Email);
        }
        Ok(Email(e))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        assert_eq!(Email::parse(" Maija.Meikalainen@Example.FI ").unwrap().as_str(), "maija.meikalainen@example.fi");
        assert!(Email::parse("matti@sähkö.example.fi").is_ok());
    }

    #[test]
    fn refuses_bad_addresses() {
        for bad in ["", "a", "a@b", "@example.fi", "a b@example.fi", "a@@example.fi", "a@example..fi", "a@.example.fi"]
        {
            assert_eq!(Email::parse(bad), Err(DomainError::Email), "{bad}");
        }
    }
}
