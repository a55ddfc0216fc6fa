//! Pure: the matching engine of the side-stream materials marketplace
//! (SPEC C7). A listing offers a material, wants one, or offers a service
//! for materials (treatment, transport, analysis). Two listings of
//! counterpart kinds are scored by the parts of [`Part`]: class
//! compatibility (same EWC code > a class one side declared acceptable >
//! same sub-chapter > same chapter; a service, which handles the material
//! rather than being its other side, earns a share of these), quantity fit
//! (how much of the listing's own monthly volume the counterpart can take
//! or give: a score is seen from the listing being matched), distance
//! (haversine between municipality centres, within the maximum the
//! listing's own owner set), overlap of the availability windows and text similarity. Hazardous
//! waste pairs only with a receiving side (a want or a service) that holds
//! the permit; the producer offering it needs none. The total is the sum of
//! the parts, so the reasons shown add up to the score.
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
    haversine_with(a, cos_lat(a), b, cos_lat(b))
}

/// The cosine of a point's latitude, as [`haversine_km`] computes it.
fn cos_lat(p: Point) -> f64 {
    p.lat.to_radians().cos()
}

/// [`haversine_km`] with the cosines of the latitudes given (the index
/// keeps them): the same operations, so the same result to the bit.
fn haversine_with(a: Point, cos_a: f64, b: Point, cos_b: f64) -> f64 {
    const R: f64 = 6371.0;
    let dlat = b.lat.to_radians() - a.lat.to_radians();
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + cos_a * cos_b * (dlon / 2.0).sin().powi(2);
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
    /// May receive hazardous waste (a want or service with the permit; an
    /// offer's flag is not needed to offer it).
    pub accepts_hazardous: bool,
    /// Tonnes a month (quantities in other units and frequencies are
    /// converted by the caller); `None` when not known.
    pub monthly_tonnes: Option<f64>,
    pub at: Point,
    /// The farthest this listing's owner will deal, kilometres: its owner
    /// is suggested counter-listings within it (each side by its own).
    pub max_km: f64,
    /// Availability window in days (any epoch); `to` `None` is open-ended.
    pub from_day: i32,
    pub to_day: Option<i32>,
    /// Ids of the normalised words of the title and description, sorted
    /// and without repeats (see [`word_ids`]).
    pub words: Vec<u32>,
}

/// How well two classes fit, best first: a class a side declared
/// acceptable is its owner's own word, closer than a shared sub-chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClassFit {
    SameCode,
    /// One side declared the other's class acceptable.
    Declared,
    SameSubChapter,
    SameChapter,
}

/// One part of a score (the reason shown).
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Class(ClassFit),
    /// The share of the other side's monthly volume the covering side (an
    /// offer against a want, a service's capacity) covers, 0 to 1.
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
    /// The share of the class points a pair with a service earns (a service
    /// handles the material; the material's own other side fits it better).
    pub via_service: f64,
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
            declared: 35.0,
            via_service: 0.6,
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
        (Some(d), Some(e)) => Some(d.min(e)),
        (d, e) => d.or(e),
    }
}

/// Whether the hazardous-waste rule lets the two meet: when either side's
/// class is hazardous, every side that receives or handles it (a want, a
/// service) must hold the permit; the producer offering it needs none.
pub fn hazard_ok(a: &Listing, b: &Listing) -> bool {
    hazard_rule((a.kind, a.hazardous, a.accepts_hazardous), (b.kind, b.hazardous, b.accepts_hazardous))
}

/// [`hazard_ok`] of (kind, hazardous, accepts hazardous) pairs.
fn hazard_rule(a: (Kind, bool, bool), b: (Kind, bool, bool)) -> bool {
    !(a.1 || b.1) || ((a.0 == Kind::Offer || a.2) && (b.0 == Kind::Offer || b.2))
}

/// The overlapping share of the shorter availability window, 0 to 1; `None`
/// when the windows do not meet.
pub fn window_overlap(a: &Listing, b: &Listing) -> Option<f64> {
    days_overlap((a.from_day, a.to_day.unwrap_or(i32::MAX)), (b.from_day, b.to_day.unwrap_or(i32::MAX)))
}

/// [`window_overlap`] of two windows (first day, last day; open-ended:
/// `i32::MAX`).
fn days_overlap(a: (i32, i32), b: (i32, i32)) -> Option<f64> {
    let from = a.0.max(b.0);
    let to = a.1.min(b.1);
    if to < from {
        return None;
    }
    let len = |w: (i32, i32)| (w.1 as f64 - w.0 as f64 + 1.0).max(1.0);
    let shorter = len(a).min(len(b));
    Some(((to as f64 - from as f64 + 1.0) / shorter).clamp(0.0, 1.0))
}

/// How much of the listing's own monthly volume `mine` the counterpart's
/// `theirs` can take or give, 0 to 1, when both are known: for a want of
/// 20,000 t an offer of 100,000 t covers it all (1) and one of 5,000 t a
/// quarter; for an offer of 8 t a buyer of 400 t takes it all.
fn share(mine: Option<f64>, theirs: Option<f64>) -> Option<f64> {
    match (mine, theirs) {
        (Some(m), Some(t)) if m > 0.0 && t > 0.0 => Some((t / m).min(1.0)),
        _ => None,
    }
}

/// The most word similarity two lists of `a` and `b` words can have: all
/// of the shorter shared.
fn text_bound(a: u32, b: u32) -> f64 {
    if a == 0 || b == 0 { 0.0 } else { a.min(b) as f64 / a.max(b) as f64 * (1.0 + 1e-9) }
}

/// Nearness 0 to 1 at `km` when the pair's maximum is `max`.
fn nearness(km: f64, max: f64) -> f64 {
    if max > 0.0 { (1.0 - km / max).clamp(0.0, 1.0) } else { 1.0 }
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

/// Whether one side of the pair is a service.
fn via_service(a: &Listing, b: &Listing) -> bool {
    a.kind == Kind::Service || b.kind == Kind::Service
}

/// Points for a class fit; a pair with a service earns [`Weights::via_service`] of them.
fn class_points(fit: ClassFit, service: bool, w: &Weights) -> f64 {
    let points = match fit {
        ClassFit::SameCode => w.same_code,
        ClassFit::SameSubChapter => w.same_sub_chapter,
        ClassFit::SameChapter => w.same_chapter,
        ClassFit::Declared => w.declared,
    };
    if service { points * w.via_service } else { points }
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
    parts_at(a, b, None)
}

/// [`parts`], with the pair's distance when the caller has it already
/// (`haversine_km(a.at, b.at)`, to the bit).
fn parts_at(a: &Listing, b: &Listing, known_km: Option<f64>) -> Option<Parts> {
    if !a.kind.pairs_with(b.kind) || !hazard_ok(a, b) {
        return None;
    }
    let fit = class_fit(a, b)?;
    let window = window_overlap(a, b)?;
    // The distance the listing being matched reaches: its owner is
    // suggested what lies within it.
    let max = a.max_km;
    // A degree of latitude is at least 111 km: most pairs out of reach are
    // known without the trigonometry (the distance is then over the maximum too).
    if known_km.is_none() && (a.at.lat - b.at.lat).abs() * KM_PER_DEGREE > max {
        return None;
    }
    let km = known_km.unwrap_or_else(|| haversine_km(a.at, b.at));
    if km > max {
        return None;
    }
    let quantity = share(a.monthly_tonnes, b.monthly_tonnes);
    let near = nearness(km, max);
    Some(Parts { fit, quantity, km, near, window, text: jaccard(&a.words, &b.words) })
}

/// The total of [`score`] without its reasons (no allocation), for ranking.
/// The same sum in the same order, so the two agree exactly.
pub fn total(a: &Listing, b: &Listing, w: &Weights) -> Option<f64> {
    total_at(a, b, w, None)
}

/// [`total`] with the pair's distance known.
fn total_at(a: &Listing, b: &Listing, w: &Weights, km: Option<f64>) -> Option<f64> {
    let p = parts_at(a, b, km)?;
    let mut t = class_points(p.fit, via_service(a, b), w);
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
    let mut reasons = vec![Reason { points: class_points(p.fit, via_service(a, b), w), part: Part::Class(p.fit) }];
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

/// Counter-listings of the same code or sub-chapter that would pair with
/// `l` but lie beyond the distance its owner set: how many, and the
/// nearest distance in km (for "2 listings of the same class farther away,
/// nearest 139 km").
pub fn beyond_reach<'a>(l: &Listing, others: impl IntoIterator<Item = &'a Listing>) -> (usize, Option<f64>) {
    let mut count = 0;
    let mut nearest: Option<f64> = None;
    for o in others {
        let close_class = matches!(l.class.fit(&o.class), Some(ClassFit::SameCode | ClassFit::SameSubChapter));
        if o.id == l.id || !close_class || !l.kind.pairs_with(o.kind) || !hazard_ok(l, o) {
            continue;
        }
        if window_overlap(l, o).is_none() {
            continue;
        }
        let km = haversine_km(l.at, o.at);
        if km > l.max_km {
            count += 1;
            nearest = Some(nearest.map_or(km, |n: f64| n.min(km)));
        }
    }
    (count, nearest)
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

/// What the index keeps of a listing inline in its buckets: everything a
/// score needs except the class fit and the words, so that a pair that
/// cannot meet — or cannot beat the results so far even with every text
/// point — is passed over without reading the listing.
#[derive(Debug, Clone, Copy)]
struct Entry {
    lat: f64,
    lon: f64,
    cos_lat: f64,
    i: u32,
    kind: Kind,
    hazardous: bool,
    accepts_hazardous: bool,
    from_day: i32,
    /// `i32::MAX` when open-ended.
    to_day: i32,
    monthly_tonnes: Option<f64>,
    /// How many words (the text points are at most the shorter list's share).
    words: u32,
}

impl Entry {
    fn of(l: &Listing, i: u32) -> Entry {
        Entry {
            lat: l.at.lat,
            lon: l.at.lon,
            cos_lat: cos_lat(l.at),
            i,
            kind: l.kind,
            hazardous: l.hazardous,
            accepts_hazardous: l.accepts_hazardous,
            from_day: l.from_day,
            to_day: l.to_day.unwrap_or(i32::MAX),
            monthly_tonnes: l.monthly_tonnes,
            words: l.words.len() as u32,
        }
    }
}

/// A bucket's entries by latitude, and their latitudes apart (the binary
/// search and the outward reading touch only these until an entry is read).
#[derive(Debug, Default)]
struct Band {
    lats: Vec<f64>,
    entries: Vec<Entry>,
}

impl Band {
    fn push(&mut self, e: Entry) {
        self.entries.push(e);
    }

    fn sort(&mut self) {
        self.entries.sort_by(|x, y| x.lat.total_cmp(&y.lat));
        self.lats = self.entries.iter().map(|e| e.lat).collect();
    }
}

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
}

/// The entries of `band` within `reach` km of latitude `lat`, nearest
/// latitude first, each with its latitude gap in degrees.
fn outward(band: &Band, lat: f64, reach: f64) -> impl Iterator<Item = (f64, &Entry)> + '_ {
    let d = reach / KM_PER_DEGREE;
    let (lats, entries) = (&band.lats, &band.entries);
    let mid = lats.partition_point(|l| *l < lat);
    let (mut down, mut up) = (mid, mid);
    std::iter::from_fn(move || {
        let below = (down > 0).then(|| lat - lats[down - 1]);
        let above = (up < lats.len()).then(|| lats[up] - lat);
        let (gap, i) = match (below, above) {
            (Some(b), Some(a)) if b <= a => {
                down -= 1;
                (b, &entries[down])
            }
            (_, Some(a)) => {
                up += 1;
                (a, &entries[up - 1])
            }
            (Some(b), None) => {
                down -= 1;
                (b, &entries[down])
            }
            (None, None) => return None,
        };
        (gap <= d).then_some((gap, i))
    })
}

/// Entries of one kind in a class bucket whose monthly volumes (log10
/// tonnes) lie in `lo..=hi` as observed, or unknown (`known` false).
#[derive(Debug)]
struct Bin {
    kind: Kind,
    known: bool,
    lo: f64,
    hi: f64,
    band: Band,
}

impl Bin {
    /// The most quantity share an entry of this bin can have for a listing
    /// of `volume` tonnes a month (its volume over the listing's; 0 when
    /// either is unknown).
    fn share_bound(&self, volume: Option<f64>) -> f64 {
        match volume {
            Some(v) if self.known && v > 0.0 => {
                let x = v.log10();
                let d = (x - self.hi).max(0.0);
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
    pub fn new(mut listings: Vec<Listing>) -> Index {
        // Listings of one class, volume and latitude side by side in memory:
        // the ones a query reads lie close together.
        listings.sort_by(|a, b| {
            let key = |l: &Listing| match &l.class {
                Class::Ewc(c) => (c.chapter, c.sub, c.entry),
                Class::Project(_) => (u8::MAX, 0, 0),
            };
            key(a).cmp(&key(b)).then(bin_key(a).cmp(&bin_key(b))).then(a.at.lat.total_cmp(&b.at.lat))
        });
        let mut bins: HashMap<(class::Bucket, Kind, Option<i32>), Bin> = HashMap::new();
        let mut by_accepted: HashMap<Pattern, Band> = HashMap::new();
        for (i, l) in listings.iter().enumerate() {
            let key = bin_key(l);
            for b in l.class.levels() {
                let bin = bins.entry((b, l.kind, key)).or_insert_with(|| Bin {
                    kind: l.kind,
                    known: key.is_some(),
                    lo: f64::INFINITY,
                    hi: f64::NEG_INFINITY,
                    band: Band::default(),
                });
                if let Some(v) = l.monthly_tonnes.filter(|_| key.is_some()) {
                    bin.lo = bin.lo.min(v.log10());
                    bin.hi = bin.hi.max(v.log10());
                }
                bin.band.push(Entry::of(l, i as u32));
            }
            for p in &l.accepts {
                by_accepted.entry(p.clone()).or_default().push(Entry::of(l, i as u32));
            }
        }
        let mut by_class: HashMap<class::Bucket, Vec<Bin>> = HashMap::new();
        for ((b, _, _), mut bin) in bins {
            bin.band.sort();
            by_class.entry(b).or_default().push(bin);
        }
        for v in by_accepted.values_mut() {
            v.sort();
        }
        Index { listings, by_class, by_accepted }
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
        self.matches_where(l, w, limit, |_| true)
    }

    /// [`Index::matches`] among the listings whose id `keep` accepts (those
    /// the asker may see, not its own, not replaced since the index was
    /// built): exactly the best of that subset.
    pub fn matches_where(
        &self,
        l: &Listing,
        w: &Weights,
        limit: usize,
        keep: impl Fn(u64) -> bool,
    ) -> Vec<(u64, Score)> {
        if limit == 0 {
            return vec![];
        }
        let reach = l.max_km;
        let fixed = w.window + w.text;
        let mut best = Best { limit, items: Vec::with_capacity(limit + 1) };
        let mut seen = vec![0u64; self.listings.len().div_ceil(64)];
        // Reads one band outward; `cap` is the most an entry can score apart
        // from the distance points.
        let window = (l.from_day, l.to_day.unwrap_or(i32::MAX));
        let l_cos = cos_lat(l.at);
        // Reads one band outward. `class` is the most class points an entry
        // of the band can have, `cap` the most it can score apart from the
        // distance points (for leaving the band by the latitude gap alone).
        let mut read = |band: &Band, class: f64, cap: f64, best: &mut Best| {
            for (gap, e) in outward(band, l.at.lat, reach) {
                if let Some(t) = best.threshold()
                    && cap + w.distance * nearness(gap * KM_PER_DEGREE, l.max_km) + 1e-9 < t
                {
                    break;
                }
                let (word, bit) = (e.i as usize / 64, 1u64 << (e.i % 64));
                if seen[word] & bit != 0 {
                    continue;
                }
                // What the pair would score apart from the class and the
                // words, from the inline values by the same computations
                // as the score; a pair that cannot meet is never read.
                let max = l.max_km;
                let km = haversine_with(l.at, l_cos, Point { lat: e.lat, lon: e.lon }, e.cos_lat);
                let meets = l.kind.pairs_with(e.kind)
                    && hazard_rule(
                        (l.kind, l.hazardous, l.accepts_hazardous),
                        (e.kind, e.hazardous, e.accepts_hazardous),
                    )
                    && km <= max;
                let Some(overlap) = days_overlap(window, (e.from_day, e.to_day)).filter(|_| meets) else {
                    seen[word] |= bit;
                    continue;
                };
                if let Some(t) = best.threshold() {
                    let quantity = share(l.monthly_tonnes, e.monthly_tonnes).unwrap_or(0.0);
                    let most = class
                        + w.quantity * quantity
                        + w.distance * nearness(km, max)
                        + w.window * overlap
                        + w.text * text_bound(l.words.len() as u32, e.words);
                    if most + 1e-9 < t {
                        // Not marked: a bucket read later may give more class points.
                        continue;
                    }
                }
                seen[word] |= bit;
                let o = &self.listings[e.i as usize];
                if o.id == l.id || !keep(o.id) {
                    continue;
                }
                if let Some(t) = total_at(l, o, w, Some(km)) {
                    best.push(o.id, t, e.i);
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
                .filter(|bin| l.kind.pairs_with(bin.kind))
                .map(|bin| (class + w.quantity * bin.share_bound(l.monthly_tonnes) + fixed, bin))
                .collect();
            order.sort_by(|x, y| y.0.total_cmp(&x.0));
            for (cap, bin) in order {
                if beaten(&best, cap) {
                    break;
                }
                read(&bin.band, class, cap, &mut best);
            }
        }
        // Declared: the classes this listing accepts, and those accepting its class.
        // A declared entry may also share the code (it is scored by its best fit).
        let declared = w.same_code.max(w.declared);
        let cap = declared + w.quantity + fixed;
        if !beaten(&best, w.declared + w.quantity + fixed) {
            for p in &l.accepts {
                for bin in self.by_class.get(&p.level()).into_iter().flatten() {
                    read(&bin.band, declared, cap, &mut best);
                }
            }
            for p in l.class.patterns() {
                if let Some(band) = self.by_accepted.get(&p) {
                    read(band, declared, cap, &mut best);
                }
            }
        }
        best.items
            .into_iter()
            .filter_map(|(id, _, i)| score(l, &self.listings[i as usize], w).map(|s| (id, s)))
            .collect()
    }
}
