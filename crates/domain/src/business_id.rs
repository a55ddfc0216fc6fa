use crate::DomainError;
use std::fmt;

/// Finnish Business ID (Y-tunnus): seven digits, a hyphen and a check digit.
///
/// The check digit is computed with weights 7, 9, 10, 5, 8, 4, 2; a
/// remainder of 1 is never valid. Old six-digit IDs are accepted with a
/// leading zero added, as the registry itself does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct BusinessId(String);

const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];

impl BusinessId {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let cleaned: String = input.trim().chars().filter(|c| !c.is_whitespace()).collect();
        let (body, check) = cleaned.split_once('-').ok_or(DomainError::BusinessIdFormat)?;
        let body = match body.len() {
            6 => format!("0{body}"),
            7 => body.to_string(),
            _ => return Err(DomainError::BusinessIdFormat),
        };
        if !body.chars().all(|c| c.is_ascii_digit()) || check.len() != 1 || !check.chars().all(|c| c.is_ascii_digit()) {
            return Err(DomainError::BusinessIdFormat);
        }
        let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
        let expected = match sum % 11 {
            0 => 0,
            1 => return Err(DomainError::BusinessIdCheckDigit),
            r => 11 - r,
        };
        if check.parse::<u32>().ok() != Some(expected) {
            return Err(DomainError::BusinessIdCheckDigit);
        }
        Ok(BusinessId(format!("{body}-{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BusinessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_ids() {
        // 0737546-2 and 1572860-0 are well-known examples with valid check digits.
        assert_eq!(BusinessId::parse("0737546-2").unwrap().as_str(), "0737546-2");
        assert_eq!(BusinessId::parse(" 1572860-0 ").unwrap().as_str(), "1572860-0");
        assert_eq!(BusinessId::parse("737546-2").unwrap().as_str(), "0737546-2");
    }

    #[test]
    fn refuses_wrong_check_digit_and_format() {
        assert_eq!(BusinessId::parse("0737546-3"), Err(DomainError::BusinessIdCheckDigit));
        assert_eq!(BusinessId::parse("07375462"), Err(DomainError::BusinessIdFormat));
        assert_eq!(BusinessId::parse("abc"), Err(DomainError::BusinessIdFormat));
        assert_eq!(BusinessId::parse("0737546-X"), Err(DomainError::BusinessIdFormat));
        assert_eq!(BusinessId::parse("12345678-9"), Err(DomainError::BusinessIdFormat));
        assert_eq!(BusinessId::parse(""), Err(DomainError::BusinessIdFormat));
    }

    #[test]
    fn remainder_one_is_never_valid() {
        // 0000010: 1*4 = 4 -> no; find a body whose weighted sum % 11 == 1.
        let body = "0000001"; // 1*2 = 2
        let _ = body;
        for n in 0..10_000u32 {
            let body = format!("{n:07}");
            let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
            if sum % 11 == 1 {
                for d in 0..10 {
                    assert!(BusinessId::parse(&format!("{body}-{d}")).is_err());
                }
                return;
            }
        }
        panic!("no body with remainder 1 found");
    }
}
