//! Pure: the matching engine of the side-stream materials marketplace
//! (SPEC C7). A listing offers a material, wants one, or offers a service
//! for materials (treatment, transport, analysis). Two listings of
//! counterpart kinds are scored by the parts of [`Part`]: class
//! compatibility (same EWC code > same sub-chapter > same chapter > a class
//! the other side declared acceptable), quantity fit (overlap of monthly
//! volumes), distance (haversine between municipality centres, within the
//! maximum both sides set), overlap of the availability windows and text
//! similarity. Hazardous waste never pairs with a listing that does not
//! accept it. The total is the sum of the parts, so the reasons shown add
//! up to the score.
//!
//! [`Index`] finds the counter-listings of a listing without the full cross
//! product: candidates come from class buckets (the chapter of a code, a
//! project class, the classes declared acceptable), each sorted by latitude
//! so only a band within the maximum distance is read.

mod class;
#[cfg(test)]
mod tests;

pub use class::{Class, Code, ParseError, Pattern};
use std::collections::{HashMap, HashSet};

/// What a listing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Offer,
    Want,
    /// A service for materials (treatment, transport, analysis).
    Service,
}

impl Kind {
    /// Whether listings of kinds `self` and `other` are counterparts: an offer
    /// and a want, or a service and either.
    pub fn pairs_with(self, other: Kind) -> bool {
        matches!(
            (self, other),
            (Kind::Offer, Kind::Want)
                | (Kind::Want, Kind::Offer)
                | (Kind::Service, Kind::Offer)
                | (Kind::Service, Kind::Want)
                | (Kind::Offer, Kind::Service)
                | (Kind::Want, Kind::Service)
        )
    }
}

/// A point on the map (a municipality centre), degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

/// Great-circle distance in kilometres.
pub fn haversine_km(a: Point, b: Point) -> f64 {
    const R: f64 = 6371.0;
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// A listing as the engine sees it.
#[derive(Debug, Clone)]
pub struct Listing {
    pub id: u64,
    pub kind: Kind,
    pub class: Class,
    /// Hazardous waste (an EWC code with an asterisk).
    pub hazardous: bool,
    /// Other classes this listing would take (wants and services).
    pub accepts: Vec<Pattern>,
    /// May take hazardous waste (a want or service with the permit).
    pub accepts_hazardous: bool,
    /// Tonnes a month (quantities in other units and frequencies are
    /// converted by the caller); `None` when not known.
    pub monthly_tonnes: Option<f64>,
    pub at: Point,
    /// The farthest this listing's owner will deal, kilometres.
    pub max_km: f64,
    /// Availability window in days (any epoch); `to` `None` is open-ended.
    pub from_day: i32,
    pub to_day: Option<i32>,
    /// Ids of the normalised words of the title and description, sorted
    /// and without repeats (see [`word_ids`]).
    pub words: Vec<u32>,
}

/// How well two classes fit, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClassFit {
    SameCode,
    SameSubChapter,
    SameChapter,
    /// One side declared the other's class acceptable.
    Declared,
}

/// One part of a score (the reason shown).
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Class(ClassFit),
    /// Overlap of the monthly volumes, 0 to 1.
    Quantity {
        overlap: f64,
    },
    Distance {
        km: f64,
    },
    /// Share of the shorter window that overlaps, 0 to 1.
    Window {
        overlap: f64,
    },
    /// Jaccard similarity of the words, 0 to 1.
    Text {
        similarity: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub part: Part,
    pub points: f64,
}

/// A pair's score: the total is the sum of the reasons' points.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub total: f64,
    pub reasons: Vec<Reason>,
}

/// Points of each part at its best.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub same_code: f64,
    pub same_sub_chapter: f64,
    pub same_chapter: f64,
    pub declared: f64,
    pub quantity: f64,
    pub distance: f64,
    pub window: f64,
    pub text: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            same_code: 40.0,
            same_sub_chapter: 30.0,
            same_chapter: 20.0,
            declared: 15.0,
            quantity: 20.0,
            distance: 20.0,
            window: 10.0,
            text: 10.0,
        }
    }
}

/// The best way the two classes fit, if any (symmetric).
pub fn class_fit(a: &Listing, b: &Listing) -> Option<ClassFit> {
    let direct = a.class.fit(&b.class);
    let declared = (a.accepts.iter().any(|p| p.matches(&b.class)) || b.accepts.iter().any(|p| p.matches(&a.class)))
        .then_some(ClassFit::Declared);
    match (direct, declared) {
        (Some(d), _) => Some(d),
        (None, d) => d,
    }
}

/// Whether the hazardous-waste rule lets the two meet: hazardous waste only
/// with a side that accepts it.
pub fn hazard_ok(a: &Listing, b: &Listing) -> bool {
    (!a.hazardous || b.accepts_hazardous) && (!b.hazardous || a.accepts_hazardous)
}

/// The overlapping share of the shorter availability window, 0 to 1; `None`
/// when the windows do not meet.
pub fn window_overlap(a: &Listing, b: &Listing) -> Option<f64> {
    let end = |l: &Listing| l.to_day.unwrap_or(i32::MAX);
    let from = a.from_day.max(b.from_day);
    let to = end(a).min(end(b));
    if to < from {
        return None;
    }
    let len = |l: &Listing| (end(l) as f64 - l.from_day as f64 + 1.0).max(1.0);
    let shorter = len(a).min(len(b));
    Some(((to as f64 - from as f64 + 1.0) / shorter).clamp(0.0, 1.0))
}

/// Word ids for [`Listing::words`]: each word's FNV-1a hash, sorted, no
/// repeats (a collision only ever adds a little text similarity).
pub fn word_ids<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<u32> {
    let mut ids: Vec<u32> = words
        .into_iter()
        .map(|w| w.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193)))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Jaccard similarity of two sorted id lists.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

/// Points for a class fit.
fn class_points(fit: ClassFit, w: &Weights) -> f64 {
    match fit {
        ClassFit::SameCode => w.same_code,
        ClassFit::SameSubChapter => w.same_sub_chapter,
        ClassFit::SameChapter => w.same_chapter,
        ClassFit::Declared => w.declared,
    }
}

/// The parts of a pair that can meet, as numbers: (fit, quantity overlap,
/// km, nearness, window overlap, text similarity).
struct Parts {
    fit: ClassFit,
    quantity: Option<f64>,
    km: f64,
    near: f64,
    window: f64,
    text: f64,
}

fn parts(a: &Listing, b: &Listing) -> Option<Parts> {
    if !a.kind.pairs_with(b.kind) || !hazard_ok(a, b) {
        return None;
    }
    let fit = class_fit(a, b)?;
    let max = a.max_km.min(b.max_km);
    let km = haversine_km(a.at, b.at);
    if km > max {
        return None;
    }
    let window = window_overlap(a, b)?;
    let quantity = match (a.monthly_tonnes, b.monthly_tonnes) {
        (Some(x), Some(y)) if x > 0.0 && y > 0.0 => Some(x.min(y) / x.max(y)),
        _ => None,
    };
    let near = if max > 0.0 { (1.0 - km / max).clamp(0.0, 1.0) } else { 1.0 };
    Some(Parts { fit, quantity, km, near, window, text: jaccard(&a.words, &b.words) })
}

/// The total of [`score`] without its reasons (no allocation), for ranking.
/// The same sum in the same order, so the two agree exactly.
pub fn total(a: &Listing, b: &Listing, w: &Weights) -> Option<f64> {
    let p = parts(a, b)?;
    let mut t = class_points(p.fit, w);
    if let Some(q) = p.quantity {
        t += w.quantity * q;
    }
    t += w.distance * p.near;
    t += w.window * p.window;
    if p.text > 0.0 {
        t += w.text * p.text;
    }
    Some(t)
}

/// Scores a pair, or `None` when they cannot match: not counterparts, no
/// class fit, the hazardous-waste rule, farther than either side's maximum,
/// or windows that do not meet. Symmetric in its arguments.
pub fn score(a: &Listing, b: &Listing, w: &Weights) -> Option<Score> {
    let p = parts(a, b)?;
    let mut reasons = vec![Reason { points: class_points(p.fit, w), part: Part::Class(p.fit) }];
    if let Some(q) = p.quantity {
        reasons.push(Reason { part: Part::Quantity { overlap: q }, points: w.quantity * q });
    }
    reasons.push(Reason { part: Part::Distance { km: p.km }, points: w.distance * p.near });
    reasons.push(Reason { part: Part::Window { overlap: p.window }, points: w.window * p.window });
    if p.text > 0.0 {
        reasons.push(Reason { part: Part::Text { similarity: p.text }, points: w.text * p.text });
    }
    let total = reasons.iter().map(|r| r.points).sum();
    Some(Score { total, reasons })
}

/// Orders scored pairs: best first, then the lower id (a stable order).
fn order(a: &(u64, Score), b: &(u64, Score)) -> std::cmp::Ordering {
    b.1.total.total_cmp(&a.1.total).then(a.0.cmp(&b.0))
}

/// The `limit` best counter-listings of `l` among `pool` by scoring every
/// one: the baseline the index is measured and tested against.
pub fn rank_naive(l: &Listing, pool: &[Listing], w: &Weights, limit: usize) -> Vec<(u64, Score)> {
    let mut out: Vec<(u64, Score)> =
        pool.iter().filter(|o| o.id != l.id).filter_map(|o| score(l, o, w).map(|s| (o.id, s))).collect();
    out.sort_by(order);
    out.truncate(limit);
    out
}

/// Kilometres per degree of latitude, rounded down (a degree is 111.19 km
/// on the sphere the distances use), so the band read is never too narrow.
const KM_PER_DEGREE: f64 = 111.0;

/// A bucket's entries: (latitude, position in the index), by latitude.
type Band = Vec<(f64, u32)>;

/// Counter-listings filed by class at three levels (code, sub-chapter,
/// chapter; a project class at the first) and by the classes they accept,
/// each bucket sorted by latitude.
#[derive(Debug, Default)]
pub struct Index {
    listings: Vec<Listing>,
    by_class: HashMap<class::Bucket, Band>,
    by_accepted: HashMap<Pattern, Band>,
    /// The largest maximum distance of any listing (bounds the band read).
    widest_km: f64,
}

/// Appends the entries of `band` within `reach` km of latitude `lat`.
fn within<'a>(band: &'a Band, lat: f64, reach: f64) -> impl Iterator<Item = u32> + 'a {
    let d = reach / KM_PER_DEGREE;
    let start = band.partition_point(|(l, _)| *l < lat - d);
    band[start..].iter().take_while(move |(l, _)| *l <= lat + d).map(|(_, i)| *i)
}

impl Index {
    pub fn new(listings: Vec<Listing>) -> Index {
        let mut by_class: HashMap<class::Bucket, Band> = HashMap::new();
        let mut by_accepted: HashMap<Pattern, Band> = HashMap::new();
        let mut widest_km: f64 = 0.0;
        for (i, l) in listings.iter().enumerate() {
            widest_km = widest_km.max(l.max_km);
            for b in l.class.levels() {
                by_class.entry(b).or_default().push((l.at.lat, i as u32));
            }
            for p in &l.accepts {
                by_accepted.entry(p.clone()).or_default().push((l.at.lat, i as u32));
            }
        }
        for v in by_class.values_mut().chain(by_accepted.values_mut()) {
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        Index { listings, by_class, by_accepted, widest_km }
    }

    pub fn len(&self) -> usize {
        self.listings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.listings.is_empty()
    }

    pub fn listings(&self) -> &[Listing] {
        &self.listings
    }

    /// The `limit` best counter-listings of `l`, exactly as [`rank_naive`]
    /// over the whole index would give them. Candidates come tier by tier —
    /// the same code, then the same sub-chapter, the same chapter, then the
    /// declared classes — each read only in the latitude band within reach;
    /// a tier is skipped when the results so far already beat the best it
    /// could give.
    pub fn matches(&self, l: &Listing, w: &Weights, limit: usize) -> Vec<(u64, Score)> {
        if limit == 0 {
            return vec![];
        }
        let reach = l.max_km.min(self.widest_km);
        let rest = w.quantity + w.distance + w.window + w.text;
        let mut best: Vec<(u64, f64, u32)> = Vec::new();
        let mut seen: HashSet<u32> = HashSet::new();
        let mut consider = |i: u32, best: &mut Vec<(u64, f64, u32)>| {
            if !seen.insert(i) {
                return;
            }
            let o = &self.listings[i as usize];
            if o.id == l.id {
                return;
            }
            if let Some(t) = total(l, o, w) {
                best.push((o.id, t, i));
            }
        };
        let settled = |best: &mut Vec<(u64, f64, u32)>, ceiling: f64| {
            best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            best.truncate(limit);
            best.len() == limit && best[limit - 1].1 > ceiling
        };
        let levels = l.class.levels();
        let ceilings = [w.same_sub_chapter + rest, w.same_chapter + rest, w.declared + rest];
        let mut done = false;
        for (tier, b) in levels.iter().enumerate() {
            if let Some(band) = self.by_class.get(b) {
                for i in within(band, l.at.lat, reach) {
                    consider(i, &mut best);
                }
            }
            if settled(&mut best, ceilings[tier.min(2)]) {
                done = true;
                break;
            }
        }
        if !done {
            // Declared: the classes this listing accepts, and those accepting its class.
            for p in &l.accepts {
                if let Some(band) = self.by_class.get(&p.level()) {
                    for i in within(band, l.at.lat, reach) {
                        consider(i, &mut best);
                    }
                }
            }
            for p in l.class.patterns() {
                if let Some(band) = self.by_accepted.get(&p) {
                    for i in within(band, l.at.lat, reach) {
                        consider(i, &mut best);
                    }
                }
            }
            settled(&mut best, f64::INFINITY);
        }
        best.into_iter().filter_map(|(id, _, i)| score(l, &self.listings[i as usize], w).map(|s| (id, s))).collect()
    }
}
