//! Industries of the Finnish Standard Industrial Classification TOL 2008
//! (the same as NACE Rev. 2): its 21 sections (A–U) and 88 divisions
//! (01–99), with Finnish and English names, shipped as data.

use std::sync::OnceLock;

const DATA: &str = include_str!("../../../store/data/tol2008.tsv");

/// A section or division of TOL 2008.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Industry {
    /// `C` for a section, `22` for a division.
    pub code: &'static str,
    /// The section a division belongs to (a section's own code for a section).
    pub section: &'static str,
    pub name_fi: &'static str,
    pub name_en: &'static str,
}

impl Industry {
    pub fn is_section(&self) -> bool {
        self.code.chars().all(|c| c.is_ascii_uppercase())
    }

    pub fn name(&self, lang: &str) -> &'static str {
        if lang == "en" { self.name_en } else { self.name_fi }
    }
}

/// Every section and division, each division after its section.
pub fn all() -> &'static [Industry] {
    static ALL: OnceLock<Vec<Industry>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = Vec::new();
        let mut section = "";
        for line in DATA.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let mut parts = line.split('\t');
            let (Some(code), Some(fi), Some(en)) = (parts.next(), parts.next(), parts.next()) else { continue };
            if code.chars().all(|c| c.is_ascii_uppercase()) {
                section = code;
            }
            out.push(Industry { code, section, name_fi: fi, name_en: en });
        }
        out
    })
}

/// A section or division by its code (`c`, ` 22 ` and `C` are all read).
pub fn get(code: &str) -> Option<&'static Industry> {
    let c = code.trim().to_uppercase();
    let c = if c.len() == 1 && c.chars().all(|ch| ch.is_ascii_digit()) { format!("0{c}") } else { c };
    all().iter().find(|i| i.code == c)
}

/// `C — Teollisuus` / `22 — Kumi- ja muovituotteiden valmistus`, or the
/// code itself when unknown (empty stays empty).
pub fn label(code: &str, lang: &str) -> String {
    match get(code) {
        Some(i) => format!("{} — {}", i.code, i.name(lang)),
        None => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_divisions_are_all_there() {
        let secs = all().iter().filter(|i| i.is_section()).count();
        assert_eq!(secs, 21);
        assert_eq!(all().len() - secs, 88);
        assert_eq!(get("22").unwrap().section, "C");
        assert_eq!(get("c").unwrap().name_en, "Manufacturing");
        assert_eq!(get("1").unwrap().code, "01");
        assert_eq!(get("38").unwrap().section, "E");
        assert!(get("04").is_none());
        assert_eq!(label("72", "fi"), "72 — Tieteellinen tutkimus ja kehittäminen");
    }
}
