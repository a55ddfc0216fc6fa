//! Matchmaking, pure: who could fill the partner roles a challenge or a
//! partner search is missing — with the parts of the score shown as the
//! reason — and which sets of organisations satisfy a funding call's
//! composition rules (at least N partners, an SME, a research
//! organisation, two municipalities, the roles the call needs).
//!
//! Nothing here knows the database: the app turns organisations and
//! experts into [`Candidate`]s (their services' offering types become role
//! fits, the search index gives the text similarity) and shows the
//! [`Reason`]s it gets back.

use std::collections::{BTreeMap, BTreeSet};

/// How a candidate can fill a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fit {
    /// It offers a published service of the role's offering type.
    Offering,
    /// Its organisation type implies the role (a research organisation as
    /// a research partner, a funder as a funder).
    OrgType,
    /// Only its profile declares an offering type of the role (no
    /// published service shows it).
    Declared,
}

impl Fit {
    /// How much of the role weight the fit earns.
    pub fn strength(self) -> f64 {
        match self {
            Fit::Offering => 1.0,
            Fit::OrgType => 0.9,
            Fit::Declared => 0.5,
        }
    }
}

/// An organisation or an expert that could be suggested.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    /// `sme`, `anchor`, `research`, `municipality`, `funder`, … (organisations).
    pub org_type: String,
    pub municipality: Option<String>,
    pub region: Option<String>,
    /// Roles it can fill (role key, how).
    pub roles: Vec<(String, Fit)>,
    /// Focus areas (keys).
    pub focus: Vec<String>,
    /// Similarity of its texts to the problem, 0 to 1 (from the search index).
    pub text: f64,
    /// Earlier joint work with the asker (kimppas, answered contacts).
    pub cooperations: u32,
}

impl Candidate {
    /// The best fit the candidate has for `role`.
    pub fn fit_for(&self, role: &str) -> Option<Fit> {
        self.roles.iter().filter(|(r, _)| r == role).map(|(_, f)| *f).min()
    }
}

/// What is looked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Need {
    /// Roles still missing (keys).
    pub roles: Vec<String>,
    pub focus: Vec<String>,
    /// The asker's region, for nearness.
    pub region: Option<String>,
}

/// Points each part can give; a perfect candidate scores their sum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub role: f64,
    pub focus: f64,
    pub text: f64,
    pub region: f64,
    pub cooperation: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { role: 40.0, focus: 20.0, text: 20.0, region: 10.0, cooperation: 10.0 }
    }
}

/// Earlier cooperations count up to this many.
pub const MAX_COOPERATIONS: u32 = 3;

/// One part of a score, as the reason shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Fills a missing role.
    Role { role: String, fit: Fit },
    /// Shares focus areas.
    Focus { shared: Vec<String> },
    /// Its texts resemble the problem.
    Text { similarity: f64 },
    /// Works in the same region.
    Region { region: String },
    /// Has worked with the asker before.
    Cooperation { times: u32 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub part: Part,
    pub points: f64,
}

/// A score and the reasons it is made of: `total` is the sum of the
/// reasons' points, and every reason gives points.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub total: f64,
    pub reasons: Vec<Reason>,
}

/// Scores a candidate against a need.
pub fn score(need: &Need, c: &Candidate, w: &Weights) -> Score {
    let mut reasons = Vec::new();
    // The role: the best fit among the missing roles.
    let best = need
        .roles
        .iter()
        .filter_map(|r| c.fit_for(r).map(|f| (f, r)))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    if let Some((fit, role)) = best {
        reasons.push(Reason { part: Part::Role { role: role.clone(), fit }, points: w.role * fit.strength() });
    }
    if !need.focus.is_empty() {
        let shared: Vec<String> = need.focus.iter().filter(|f| c.focus.contains(f)).cloned().collect();
        if !shared.is_empty() {
            let points = w.focus * shared.len() as f64 / need.focus.len() as f64;
            reasons.push(Reason { part: Part::Focus { shared }, points });
        }
    }
    let similarity = if c.text.is_finite() { c.text.clamp(0.0, 1.0) } else { 0.0 };
    if similarity > 0.0 {
        reasons.push(Reason { part: Part::Text { similarity }, points: w.text * similarity });
    }
    if let (Some(a), Some(b)) = (&need.region, &c.region)
        && a == b
    {
        reasons.push(Reason { part: Part::Region { region: b.clone() }, points: w.region });
    }
    if c.cooperations > 0 {
        let times = c.cooperations.min(MAX_COOPERATIONS);
        reasons.push(Reason {
            part: Part::Cooperation { times: c.cooperations },
            points: w.cooperation * times as f64 / MAX_COOPERATIONS as f64,
        });
    }
    reasons.retain(|r| r.points > 0.0);
    let total = reasons.iter().map(|r| r.points).sum();
    Score { total, reasons }
}

/// The best candidates for a need, highest score first (ties by id). When
/// roles are missing, only candidates that fill one of them are suggested.
pub fn rank<'a>(need: &Need, pool: &'a [Candidate], w: &Weights, limit: usize) -> Vec<(&'a Candidate, Score)> {
    let mut out: Vec<(&Candidate, Score)> = pool
        .iter()
        .map(|c| (c, score(need, c, w)))
        .filter(|(c, s)| s.total > 0.0 && (need.roles.is_empty() || need.roles.iter().any(|r| c.fit_for(r).is_some())))
        .collect();
    out.sort_by(|a, b| b.1.total.total_cmp(&a.1.total).then(a.0.id.cmp(&b.0.id)));
    out.truncate(limit);
    out
}

/// Word stems of a text for [`distinguishing`]: lower-case words of four
/// letters or more, cut to their first five letters (Finnish inflects the
/// ending: "investointi", "investointeihin" → "inves"; "laina", "lainalla" → "laina").
fn stems(text: &str) -> BTreeSet<String> {
    words(text).map(|w| w.chars().take(STEM).collect()).collect()
}

/// Letters of a stem.
const STEM: usize = 5;

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 4).map(str::to_lowercase)
}

/// Every run of [`STEM`] letters inside the words of a text (and the
/// four-letter words whole): a stem found among them appears in the text,
/// also inside a compound ("lajittelulinjainvestointiin" has "inves").
fn pieces(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for w in words(text) {
        let chars: Vec<char> = w.chars().collect();
        if chars.len() < STEM {
            out.insert(w);
            continue;
        }
        for window in chars.windows(STEM) {
            out.insert(window.iter().collect());
        }
    }
    out
}

/// How well each document fits `need` in what sets it apart from the other
/// documents of the same pool (the candidates of one role): the stems the
/// need and the document share — a stem of either found in the other, also
/// inside a compound word — each weighted by how few of the pool's
/// documents have it (inverse document frequency, so words every candidate
/// of the role uses count for nothing), against the best document of the
/// pool: 0 to 1.
pub fn distinguishing(need: &str, docs: &[(i64, String)]) -> BTreeMap<i64, f64> {
    distinguishing_weighted(&[(need, 1.0)], docs)
}

/// [`distinguishing`] for a need in parts of different weight (a role's
/// own words and the context): a shared stem counts with the largest
/// weight of the parts it is found in.
pub fn distinguishing_weighted(need: &[(&str, f64)], docs: &[(i64, String)]) -> BTreeMap<i64, f64> {
    let doc_pieces: Vec<(i64, BTreeSet<String>, BTreeSet<String>)> =
        docs.iter().map(|(id, t)| (*id, stems(t), pieces(t))).collect();
    // The stems of the need, and those of the documents found in the need, with their weight.
    let mut shared: BTreeMap<String, f64> = BTreeMap::new();
    for (part, weight) in need {
        let need_pieces = pieces(part);
        let mut found = stems(part);
        for (_, st, _) in &doc_pieces {
            found.extend(st.iter().filter(|s| need_pieces.contains(*s)).cloned());
        }
        for s in found {
            let w = shared.entry(s).or_insert(0.0);
            *w = w.max(*weight);
        }
    }
    let n = doc_pieces.len() as f64;
    let has = |p: &BTreeSet<String>, s: &str| p.contains(s);
    let mut df: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, p) in &doc_pieces {
        for s in shared.keys().filter(|s| has(p, s)) {
            *df.entry(s.as_str()).or_default() += 1;
        }
    }
    let idf = |s: &str| df.get(s).map(|d| (n / *d as f64).ln()).unwrap_or(0.0);
    let raw: Vec<(i64, f64)> = doc_pieces
        .iter()
        .map(|(id, _, p)| (*id, shared.iter().filter(|(s, _)| has(p, s)).map(|(s, w)| idf(s) * w).sum::<f64>()))
        .collect();
    let best = raw.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    raw.into_iter().map(|(id, v)| (id, if best > 0.0 { v / best } else { 0.0 })).collect()
}

/// What a funding call (or the kimppa itself) asks of its partners.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    pub min_partners: usize,
    /// 0: no upper limit.
    pub max_partners: usize,
    pub min_smes: usize,
    pub min_research: usize,
    pub min_municipalities: usize,
    /// Roles some partner must be able to fill.
    pub required_roles: Vec<String>,
}

/// A rule a set of partners breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    TooFew { need: usize, have: usize },
    TooMany { max: usize, have: usize },
    Smes { need: usize, have: usize },
    Research { need: usize, have: usize },
    Municipalities { need: usize, have: usize },
    MissingRole(String),
}

/// The rules a set of partners breaks (none: it satisfies them).
pub fn check(rules: &Rules, members: &[&Candidate]) -> Vec<Violation> {
    let mut v = Vec::new();
    let ids: BTreeSet<i64> = members.iter().map(|c| c.id).collect();
    let have = ids.len();
    if have < rules.min_partners {
        v.push(Violation::TooFew { need: rules.min_partners, have });
    }
    if rules.max_partners > 0 && have > rules.max_partners {
        v.push(Violation::TooMany { max: rules.max_partners, have });
    }
    let (smes, research, places) = tally(members);
    if smes < rules.min_smes {
        v.push(Violation::Smes { need: rules.min_smes, have: smes });
    }
    if research < rules.min_research {
        v.push(Violation::Research { need: rules.min_research, have: research });
    }
    if places < rules.min_municipalities {
        v.push(Violation::Municipalities { need: rules.min_municipalities, have: places });
    }
    for r in &rules.required_roles {
        if !members.iter().any(|c| c.fit_for(r).is_some()) {
            v.push(Violation::MissingRole(r.clone()));
        }
    }
    v
}

fn tally(members: &[&Candidate]) -> (usize, usize, usize) {
    let mut seen = BTreeSet::new();
    let (mut smes, mut research) = (0, 0);
    let mut places = BTreeSet::new();
    for c in members {
        if !seen.insert(c.id) {
            continue;
        }
        smes += usize::from(c.org_type == "sme");
        research += usize::from(c.org_type == "research");
        if let Some(m) = &c.municipality {
            places.insert(m.as_str());
        }
    }
    (smes, research, places.len())
}

/// How far a set is from satisfying the rules (0: it does, apart from the
/// upper limit, which adding never helps).
fn deficit(rules: &Rules, members: &[&Candidate]) -> usize {
    let (smes, research, places) = tally(members);
    let have: BTreeSet<i64> = members.iter().map(|c| c.id).collect();
    rules.min_partners.saturating_sub(have.len())
        + rules.min_smes.saturating_sub(smes)
        + rules.min_research.saturating_sub(research)
        + rules.min_municipalities.saturating_sub(places)
        + rules.required_roles.iter().filter(|r| !members.iter().any(|c| c.fit_for(r).is_some())).count()
}

/// A suggested set of partners.
#[derive(Debug, Clone, PartialEq)]
pub struct SetSuggestion {
    /// Everyone in the set, the fixed members first.
    pub members: Vec<i64>,
    /// Those the suggestion adds.
    pub added: Vec<i64>,
    /// The sum of the added candidates' scores.
    pub score: f64,
    /// Who fills each required role.
    pub roles: Vec<(String, i64)>,
}

/// At most this many of the best candidates are searched exhaustively when
/// the greedy search finds no set.
pub const EXHAUSTIVE_POOL: usize = 18;

/// Up to `k` different sets of partners that satisfy the rules: the
/// `fixed` members (already in the kimppa) plus candidates from `pool`.
/// Every returned set satisfies [`check`]; when none can, the answer is
/// empty. Greedy: add the candidate that removes most of the deficit (then
/// the best scored); each next set leaves out the first pick of the
/// previous ones, for variety. When the greedy search finds nothing, the
/// best [`EXHAUSTIVE_POOL`] candidates are searched exhaustively.
pub fn suggest_sets(
    rules: &Rules,
    fixed: &[Candidate],
    pool: &[Candidate],
    need: &Need,
    w: &Weights,
    k: usize,
) -> Vec<SetSuggestion> {
    let fixed_ids: BTreeSet<i64> = fixed.iter().map(|c| c.id).collect();
    let mut scored: Vec<(&Candidate, f64)> =
        pool.iter().filter(|c| !fixed_ids.contains(&c.id)).map(|c| (c, score(need, c, w).total)).collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    scored.dedup_by_key(|(c, _)| c.id);
    let base: Vec<&Candidate> = fixed.iter().collect();
    // When even everyone together falls short, no set can do it.
    let mut everyone = base.clone();
    everyone.extend(scored.iter().map(|(c, _)| *c));
    if deficit(rules, &everyone) > 0 {
        return vec![];
    }
    let mut out: Vec<SetSuggestion> = Vec::new();
    let mut seen: BTreeSet<Vec<i64>> = BTreeSet::new();
    let mut banned: BTreeSet<i64> = BTreeSet::new();
    for _ in 0..k.saturating_mul(2).max(1) {
        if out.len() >= k {
            break;
        }
        let Some(added) = greedy(rules, &base, &scored, &banned) else { break };
        let Some(&first) = added.first() else {
            // The fixed members satisfy the rules already.
            push(&mut out, &mut seen, rules, &base, &scored, vec![]);
            break;
        };
        banned.insert(first);
        push(&mut out, &mut seen, rules, &base, &scored, added);
    }
    if out.is_empty() && k > 0 {
        let top: Vec<(&Candidate, f64)> = scored.iter().take(EXHAUSTIVE_POOL).copied().collect();
        if let Some(added) = exhaustive(rules, &base, &top) {
            push(&mut out, &mut seen, rules, &base, &scored, added);
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.members.cmp(&b.members)));
    out
}

fn push(
    out: &mut Vec<SetSuggestion>,
    seen: &mut BTreeSet<Vec<i64>>,
    rules: &Rules,
    base: &[&Candidate],
    scored: &[(&Candidate, f64)],
    added: Vec<i64>,
) {
    let by_id: BTreeMap<i64, (&Candidate, f64)> = scored.iter().map(|(c, s)| (c.id, (*c, *s))).collect();
    let mut members: Vec<&Candidate> = base.to_vec();
    members.extend(added.iter().filter_map(|id| by_id.get(id).map(|(c, _)| *c)));
    // Only sets that satisfy the rules leave this function.
    if !check(rules, &members).is_empty() {
        return;
    }
    let mut key: Vec<i64> = members.iter().map(|c| c.id).collect();
    key.sort_unstable();
    if !seen.insert(key) {
        return;
    }
    let roles = rules
        .required_roles
        .iter()
        .filter_map(|r| {
            members.iter().filter_map(|c| c.fit_for(r).map(|f| (f, c.id))).min().map(|(_, id)| (r.clone(), id))
        })
        .collect();
    let score = added.iter().filter_map(|id| by_id.get(id).map(|(_, s)| *s)).sum();
    out.push(SetSuggestion { members: members.iter().map(|c| c.id).collect(), added, score, roles });
}

fn greedy(
    rules: &Rules,
    base: &[&Candidate],
    scored: &[(&Candidate, f64)],
    banned: &BTreeSet<i64>,
) -> Option<Vec<i64>> {
    let mut set: Vec<&Candidate> = base.to_vec();
    let mut added = Vec::new();
    loop {
        let d = deficit(rules, &set);
        if d == 0 {
            return check(rules, &set).is_empty().then_some(added);
        }
        if rules.max_partners > 0 && set.len() >= rules.max_partners {
            return None;
        }
        let mut best: Option<(usize, f64, &Candidate)> = None;
        for (c, s) in scored {
            if banned.contains(&c.id) || set.iter().any(|m| m.id == c.id) {
                continue;
            }
            set.push(c);
            let gain = d - deficit(rules, &set);
            set.pop();
            if gain == 0 {
                continue;
            }
            if best.is_none_or(|(g, bs, _)| gain > g || (gain == g && *s > bs)) {
                best = Some((gain, *s, c));
            }
        }
        let (_, _, c) = best?;
        set.push(c);
        added.push(c.id);
    }
}

/// The best-scored satisfying set among `top`, smallest sets first.
fn exhaustive(rules: &Rules, base: &[&Candidate], top: &[(&Candidate, f64)]) -> Option<Vec<i64>> {
    let room = if rules.max_partners > 0 { rules.max_partners.saturating_sub(base.len()) } else { top.len() };
    for size in 0..=room.min(top.len()) {
        let mut best: Option<(f64, Vec<usize>)> = None;
        combinations(top.len(), size, 0, &mut Vec::with_capacity(size), &mut |idx| {
            let mut set: Vec<&Candidate> = base.to_vec();
            set.extend(idx.iter().map(|&i| top[i].0));
            if check(rules, &set).is_empty() {
                let s: f64 = idx.iter().map(|&i| top[i].1).sum();
                if best.as_ref().is_none_or(|(b, _)| s > *b) {
                    best = Some((s, idx.to_vec()));
                }
            }
        });
        if let Some((_, idx)) = best {
            return Some(idx.into_iter().map(|i| top[i].0.id).collect());
        }
    }
    None
}

/// Calls `f` with every `size`-combination of `0..n` (in order).
fn combinations(n: usize, size: usize, start: usize, pick: &mut Vec<usize>, f: &mut impl FnMut(&[usize])) {
    if pick.len() == size {
        f(pick);
        return;
    }
    for i in start..n {
        if n - i < size - pick.len() {
            break;
        }
        pick.push(i);
        combinations(n, size, i + 1, pick, f);
        pick.pop();
    }
}

#[cfg(test)]
mod tests;

pub mod duplicates;
pub mod need;
