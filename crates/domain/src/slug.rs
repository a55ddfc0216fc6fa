use crate::DomainError;
use std::fmt;

/// A URL segment: lower-case ASCII letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Accepts an already well-formed slug.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let ok = !input.is_empty()
            && input.len() <= 80
            && input.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !input.starts_with('-')
            && !input.ends_with('-')
            && !input.contains("--");
        if ok { Ok(Slug(input.to_string())) } else { Err(DomainError::Slug) }
    }

    /// Makes a slug from a free-text name: Finnish letters are folded
    /// (ä→a, ö→o, å→a), everything else becomes a hyphen.
    pub fn from_name(name: &str) -> Result<Self, DomainError> {
        let mut out = String::new();
        for c in name.trim().to_lowercase().chars() {
            let c = match c {
                'ä' | 'å' | 'á' | 'à' | 'â' => 'a',
                'ö' | 'ø' | 'ó' | 'ô' => 'o',
                'é' | 'è' | 'ê' => 'e',
                'ü' | 'ú' => 'u',
                c => c,
            };
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(60).collect();
        Slug::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_name_folds_finnish_letters() {
        assert_eq!(Slug::from_name("Pohjolan Kierrätys Oy").unwrap().as_str(), "pohjolan-kierratys-oy");
        assert_eq!(Slug::from_name("  Öljy & Ässä  ").unwrap().as_str(), "oljy-assa");
        assert!(Slug::from_name("!!!").is_err());
    }

    #[test]
    fn parse_refuses_odd_slugs() {
        assert!(Slug::parse("ok-slug-1").is_ok());
        for bad in ["", "-a", "a-", "a--b", "A", "a/b", "ä"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }
}
