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
use std::collections::HashMap;

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
    let window = window_overlap(a, b)?;
    let max = a.max_km.min(b.max_km);
    // A degree of latitude is at least 111 km: most pairs out of reach are
    // known without the trigonometry.
    if (a.at.lat - b.at.lat).abs() * KM_PER_DEGREE > max {
        return None;
    }
    let km = haversine_km(a.at, b.at);
    if km > max {
        return None;
    }
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

/// A bucket's entries: (latitude, longitude, position in the index), by
/// latitude. The coordinates are kept inline so an entry out of reach or
/// too far to place is passed over without reading its listing.
type Band = Vec<(f64, f64, u32)>;

/// Counter-listings filed by class at three levels (code, sub-chapter,
/// chapter; a project class at the first) and by the classes they accept,
/// each bucket sorted by latitude.
#[derive(Debug, Default)]
pub struct Index {
    listings: Vec<Listing>,
    /// Class bucket → its entries split by monthly volume (bins a tenth of a
    /// decade wide, and one for unknown volumes).
    by_class: HashMap<class::Bucket, Vec<Bin>>,
    by_accepted: HashMap<Pattern, Band>,
    /// The largest maximum distance of any listing (bounds the band read).
    widest_km: f64,
}

/// The entries of `band` within `reach` km of latitude `lat`, nearest
/// latitude first, each with its latitude gap in degrees.
fn outward(band: &Band, lat: f64, reach: f64) -> impl Iterator<Item = (f64, &(f64, f64, u32))> + '_ {
    let d = reach / KM_PER_DEGREE;
    let mid = band.partition_point(|(l, _, _)| *l < lat);
    let (mut down, mut up) = (mid, mid);
    std::iter::from_fn(move || {
        let below = (down > 0).then(|| lat - band[down - 1].0);
        let above = (up < band.len()).then(|| band[up].0 - lat);
        let (gap, i) = match (below, above) {
            (Some(b), Some(a)) if b <= a => {
                down -= 1;
                (b, &band[down])
            }
            (_, Some(a)) => {
                up += 1;
                (a, &band[up - 1])
            }
            (Some(b), None) => {
                down -= 1;
                (b, &band[down])
            }
            (None, None) => return None,
        };
        (gap <= d).then_some((gap, i))
    })
}

/// Entries of a class bucket whose monthly volumes (log10 tonnes) lie in
/// `lo..=hi` as observed, or unknown (`known` false).
#[derive(Debug, Default)]
struct Bin {
    known: bool,
    lo: f64,
    hi: f64,
    band: Band,
}

impl Bin {
    /// The most quantity overlap an entry of this bin can have with a
    /// listing of `volume` tonnes a month (0 when either is unknown).
    fn overlap_bound(&self, volume: Option<f64>) -> f64 {
        match volume {
            Some(v) if self.known && v > 0.0 => {
                let x = v.log10();
                let d = if x < self.lo {
                    self.lo - x
                } else if x > self.hi {
                    x - self.hi
                } else {
                    0.0
                };
                // Rounding: never promise less than the entries can give.
                (10f64.powf(-d) * (1.0 + 1e-9)).min(1.0)
            }
            _ => 0.0,
        }
    }
}

/// A listing's volume bin key: tenths of a decade, or none when unknown.
fn bin_key(l: &Listing) -> Option<i32> {
    l.monthly_tonnes.filter(|v| *v > 0.0).map(|v| (v.log10() * 10.0).floor() as i32)
}

/// The best results so far: (id, total, position), best first, at most `limit`.
struct Best {
    limit: usize,
    items: Vec<(u64, f64, u32)>,
}

impl Best {
    fn push(&mut self, id: u64, total: f64, i: u32) {
        let at = self.items.partition_point(|(oid, t, _)| *t > total || (*t == total && *oid < id));
        if at < self.limit {
            self.items.insert(at, (id, total, i));
            self.items.truncate(self.limit);
        }
    }

    /// The total a newcomer must beat (or tie with a lower id) to enter;
    /// none while there is room.
    fn threshold(&self) -> Option<f64> {
        (self.items.len() == self.limit).then(|| self.items[self.limit - 1].1)
    }
}

impl Index {
    pub fn new(listings: Vec<Listing>) -> Index {
        let mut bins: HashMap<(class::Bucket, Option<i32>), Bin> = HashMap::new();
        let mut by_accepted: HashMap<Pattern, Band> = HashMap::new();
        let mut widest_km: f64 = 0.0;
        for (i, l) in listings.iter().enumerate() {
            widest_km = widest_km.max(l.max_km);
            let key = bin_key(l);
            for b in l.class.levels() {
                let bin = bins.entry((b, key)).or_insert_with(|| Bin {
                    known: key.is_some(),
                    lo: f64::INFINITY,
                    hi: f64::NEG_INFINITY,
                    band: Vec::new(),
                });
                if let Some(v) = l.monthly_tonnes.filter(|_| key.is_some()) {
                    bin.lo = bin.lo.min(v.log10());
                    bin.hi = bin.hi.max(v.log10());
                }
                bin.band.push((l.at.lat, l.at.lon, i as u32));
            }
            for p in &l.accepts {
                by_accepted.entry(p.clone()).or_default().push((l.at.lat, l.at.lon, i as u32));
            }
        }
        let mut by_class: HashMap<class::Bucket, Vec<Bin>> = HashMap::new();
        for ((b, _), mut bin) in bins {
            bin.band.sort_by(|x, y| x.0.total_cmp(&y.0));
            by_class.entry(b).or_default().push(bin);
        }
        for v in by_accepted.values_mut() {
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
    /// declared classes — each read outward from the listing's latitude
    /// within reach. A tier is skipped, and a band left, once the results
    /// already beat the most any remaining candidate could score (its class
    /// points, full quantity, window and text points, and the distance
    /// points its latitude gap still allows).
    pub fn matches(&self, l: &Listing, w: &Weights, limit: usize) -> Vec<(u64, Score)> {
        if limit == 0 {
            return vec![];
        }
        let reach = l.max_km.min(self.widest_km);
        let fixed = w.window + w.text;
        let mut best = Best { limit, items: Vec::with_capacity(limit + 1) };
        let mut seen = vec![0u64; self.listings.len().div_ceil(64)];
        // Reads one band outward; `cap` is the most an entry can score apart
        // from the distance points.
        // The most distance points at `km`: a pair's maximum is at most this
        // listing's, so its nearness is at most this.
        let nearness = |km: f64| if l.max_km > 0.0 { (1.0 - km / l.max_km).clamp(0.0, 1.0) } else { 1.0 };
        let mut read = |band: &Band, cap: f64, best: &mut Best| {
            for (gap, &(lat, lon, i)) in outward(band, l.at.lat, reach) {
                if let Some(t) = best.threshold()
                    && cap + w.distance * nearness(gap * KM_PER_DEGREE) + 1e-9 < t
                {
                    break;
                }
                let (word, bit) = (i as usize / 64, 1u64 << (i % 64));
                if seen[word] & bit != 0 {
                    continue;
                }
                // The exact distance from the inline coordinates (the same
                // computation the score makes) before the listing is read.
                let km = haversine_km(l.at, Point { lat, lon });
                if km > l.max_km {
                    // Out of this listing's reach: never a match.
                    seen[word] |= bit;
                    continue;
                }
                if let Some(t) = best.threshold()
                    && cap + w.distance * nearness(km) + 1e-9 < t
                {
                    // Not marked: a bucket read later may allow more points.
                    continue;
                }
                seen[word] |= bit;
                let o = &self.listings[i as usize];
                if o.id == l.id {
                    continue;
                }
                if let Some(t) = total(l, o, w) {
                    best.push(o.id, t, i);
                }
            }
        };
        let beaten = |best: &Best, cap: f64| best.threshold().is_some_and(|t| t > cap + w.distance + 1e-9);
        let tiers = [w.same_code, w.same_sub_chapter, w.same_chapter];
        for (tier, b) in l.class.levels().iter().enumerate() {
            let class = match b {
                class::Bucket::Project(_) => w.same_code,
                _ => tiers[tier.min(2)],
            };
            if beaten(&best, class + w.quantity + fixed) {
                break;
            }
            let Some(bins) = self.by_class.get(b) else { continue };
            // The volume bins whose entries could give the most first.
            let mut order: Vec<(f64, &Bin)> = bins
                .iter()
                .map(|bin| (class + w.quantity * bin.overlap_bound(l.monthly_tonnes) + fixed, bin))
                .collect();
            order.sort_by(|x, y| y.0.total_cmp(&x.0));
            for (cap, bin) in order {
                if beaten(&best, cap) {
                    break;
                }
                read(&bin.band, cap, &mut best);
            }
        }
        // Declared: the classes this listing accepts, and those accepting its class.
        let cap = w.same_code.max(w.declared) + w.quantity + fixed;
        if !beaten(&best, w.declared + w.quantity + fixed) {
            for p in &l.accepts {
                for bin in self.by_class.get(&p.level()).into_iter().flatten() {
                    read(&bin.band, cap, &mut best);
                }
            }
            for p in l.class.patterns() {
                if let Some(band) = self.by_accepted.get(&p) {
                    read(band, cap, &mut best);
                }
            }
        }
        best.items
            .into_iter()
            .filter_map(|(id, _, i)| score(l, &self.listings[i as usize], w).map(|s| (id, s)))
            .collect()
    }
}
