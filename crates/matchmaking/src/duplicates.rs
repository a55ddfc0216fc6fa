//! Likely duplicates among records (the orchestrators' pipeline): pairs
//! whose titles share most of their word stems — also when inflected
//! ("purkupuusta" and "purkupuun") — with the organisations they share as
//! a further reason. Pairs are found through the stems they share, so the
//! work grows with the records that share a word, not with every pair; a
//! stem found in very many records (a word everyone uses) is not followed.

use std::collections::{BTreeSet, HashMap};

/// Letters of a title stem.
const STEM: usize = 5;
/// A stem in more records than this is not used to find pairs.
const COMMON: usize = 400;

/// A record as the finder sees it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub title: String,
    /// The organisations taking part.
    pub orgs: Vec<i64>,
}

/// A likely duplicate pair, with its reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: i64,
    pub b: i64,
    /// How much of the titles' stems they share: 0 to 1.
    pub title: f64,
    /// The organisations both have.
    pub shared_orgs: Vec<i64>,
    pub score: f64,
}

/// The stems of a title: its words of three letters or more, lower-cased,
/// cut to [`STEM`] letters.
pub fn title_stems(title: &str) -> BTreeSet<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(|w| w.to_lowercase().chars().take(STEM).collect())
        .collect()
}

/// The likely duplicates among `entries`, most likely first, at most
/// `limit`: titles sharing at least half of their stems, or a third when
/// the records also share an organisation.
pub fn find(entries: &[Entry], limit: usize) -> Vec<Pair> {
    let stems: Vec<BTreeSet<String>> = entries.iter().map(|e| title_stems(&e.title)).collect();
    let mut by_stem: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in stems.iter().enumerate() {
        for st in s {
            by_stem.entry(st.as_str()).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    let mut shared: HashMap<usize, usize> = HashMap::new();
    for (i, s) in stems.iter().enumerate() {
        shared.clear();
        for st in s {
            let Some(list) = by_stem.get(st.as_str()) else { continue };
            if list.len() > COMMON {
                continue;
            }
            for &j in list.iter().filter(|&&j| j > i) {
                *shared.entry(j).or_default() += 1;
            }
        }
        for (&j, &n) in &shared {
            let union = s.len() + stems[j].len() - n;
            let title = if union == 0 { 0.0 } else { n as f64 / union as f64 };
            let orgs: Vec<i64> = entries[i].orgs.iter().filter(|o| entries[j].orgs.contains(o)).copied().collect();
            if title >= 0.5 || (!orgs.is_empty() && title >= 0.3) {
                let most = entries[i].orgs.len().max(entries[j].orgs.len()).max(1) as f64;
                let score = title + 0.25 * orgs.len() as f64 / most;
                out.push(Pair { a: entries[i].id, b: entries[j].id, title, shared_orgs: orgs, score });
            }
        }
    }
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b)));
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(id: i64, title: &str, orgs: &[i64]) -> Entry {
        Entry { id, title: title.into(), orgs: orgs.to_vec() }
    }

    #[test]
    fn inflected_titles_and_shared_organisations_pair() {
        let all = [
            e(1, "Purkupuusta liimapuuta", &[10, 11]),
            e(2, "Purkupuun liimapuukonsepti", &[10]),
            e(3, "Biokaasu meijerin herasta", &[12]),
            e(4, "Tuhkarakentamisen pilottitie", &[13]),
            e(5, "Tuhkarakentaminen pilottikohteessa Iissä", &[14]),
            e(6, "Kuitueriste kierrätystekstiilistä", &[10]),
        ];
        let pairs = find(&all, 10);
        assert_eq!(pairs[0].a, 1);
        assert_eq!(pairs[0].b, 2);
        assert_eq!(pairs[0].title, 1.0);
        assert_eq!(pairs[0].shared_orgs, vec![10]);
        assert!(pairs.iter().any(|p| (p.a, p.b) == (4, 5)), "{pairs:?}");
        assert!(!pairs.iter().any(|p| p.a == 3 || p.b == 3 || p.a == 6 || p.b == 6), "unrelated titles do not pair");
        assert!(find(&all, 1).len() == 1, "the limit holds");
    }

    #[test]
    fn a_shared_organisation_alone_is_no_duplicate() {
        let all = [e(1, "Purkupuun liimapuu", &[10]), e(2, "Biokaasun jakelu", &[10])];
        assert!(find(&all, 10).is_empty());
    }
}
