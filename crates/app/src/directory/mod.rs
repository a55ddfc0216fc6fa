//! The directory and services marketplace (SPEC C3): the catalogues of
//! organisations, services and experts with their filters, services with
//! co-providers, expert profiles, the contact flow that records leads,
//! outgoing webhooks, and CSV import/export.

pub mod catalogue;
pub mod contact;
pub mod csv_io;
pub mod documents;
pub mod experts;
pub mod services;
pub mod visibility;
pub mod webhooks;

/// The directory's job: webhook deliveries.
pub fn register(h: &mut crate::hooks::Hooks) {
    webhooks::register(&mut h.jobs);
    documents::register(h);
}

/// Lowercased text the catalogue text filter matches, joined from parts.
pub fn search_text(parts: &[&str]) -> String {
    parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The words of a text filter, lowercased; at most eight are used.
pub fn words(q: &str) -> Vec<String> {
    q.split_whitespace().take(8).map(|w| w.to_lowercase()).filter(|w| !w.is_empty()).collect()
}

/// Splits a stored comma list.
pub fn list(stored: &str) -> Vec<&str> {
    stored.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// "1 234,5" or "1234.5" tonnes → kilograms. Negative or absurd values are refused.
pub fn parse_tonnes(input: &str) -> Option<i64> {
    let cleaned: String = input.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    let cleaned = cleaned.replace(',', ".");
    let t: f64 = cleaned.parse().ok()?;
    if !t.is_finite() || !(0.0..=100_000_000.0).contains(&t) {
        return None;
    }
    Some((t * 1000.0).round() as i64)
}

/// Kilograms → tonnes with at most one decimal, Finnish style ("1234,5").
pub fn format_tonnes(kg: i64) -> String {
    let tenths = (kg + 50) / 100;
    if tenths % 10 == 0 { format!("{}", tenths / 10) } else { format!("{},{}", tenths / 10, tenths % 10) }
}

/// A sort key that puts Finnish letters where Finns expect them (å, ä, ö after z).
pub fn sort_key(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' => '\u{7b}',
            'ä' => '\u{7c}',
            'ö' => '\u{7d}',
            'é' => 'e',
            'ü' => 'y',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tonnes_round_trip_in_finnish_style() {
        assert_eq!(parse_tonnes("1 234,5"), Some(1_234_500));
        assert_eq!(parse_tonnes("12.25"), Some(12_250));
        assert_eq!(parse_tonnes("-1"), None);
        assert_eq!(parse_tonnes("abc"), None);
        assert_eq!(format_tonnes(1_234_500), "1234,5");
        assert_eq!(format_tonnes(12_000), "12");
    }

    #[test]
    fn finnish_letters_sort_after_z() {
        let mut v = vec!["Öljy", "Ahola", "Zeta", "Äijä", "Åland"];
        v.sort_by_key(|s| sort_key(s));
        assert_eq!(v, vec!["Ahola", "Zeta", "Åland", "Äijä", "Öljy"]);
    }
}
