//! The materials marketplace's matching, measured in process: a seeded
//! generator of offers and wants (EWC classes weighted like common side
//! streams, quantities over three orders of magnitude, municipalities of
//! Northern Ostrobothnia and beyond, availability windows, words), then
//! (1) a new listing's ranked matches against all open counter-listings —
//! latency percentiles; (2) a full re-match of every offer against every
//! want, on both cores; (3) the naive all-pairs baseline on a sample, with
//! the top ten compared for identity and the speed-up as a ratio from the
//! same run.

use crate::corpus::Rng;
use kimppa_sidestreams::{Class, Code, Index, Kind, Listing, Pattern, Point, Weights, rank_naive, word_ids};
use std::time::Instant;

/// (chapter, sub-chapter, entry, hazardous, weight): side streams of the
/// region's industries — construction, wood, metals, energy, food.
const CODES: &[(u8, u8, u8, bool, u32)] = &[
    (17, 1, 1, false, 8),  // concrete
    (17, 1, 7, false, 6),  // mixtures of concrete, bricks, tiles
    (17, 2, 1, false, 7),  // wood
    (17, 2, 3, false, 3),  // plastic
    (17, 4, 5, false, 5),  // iron and steel
    (17, 5, 4, false, 6),  // soil and stones
    (17, 8, 2, false, 3),  // gypsum-based materials
    (17, 9, 4, false, 6),  // mixed construction and demolition waste
    (17, 6, 5, true, 1),   // construction materials containing asbestos
    (3, 1, 5, false, 5),   // sawdust, shavings, cuttings, wood
    (3, 3, 7, false, 3),   // rejects from paper recycling
    (3, 3, 11, false, 2),  // sludges from effluent treatment
    (2, 1, 6, false, 3),   // animal faeces, manure
    (2, 2, 4, false, 2),   // sludges from meat processing effluent
    (2, 5, 1, false, 3),   // dairy materials unsuitable for consumption
    (2, 7, 4, false, 2),   // brewery materials unsuitable for consumption
    (10, 1, 1, false, 5),  // bottom ash, slag, boiler dust
    (10, 1, 3, false, 4),  // fly ash from peat and untreated wood
    (10, 1, 17, true, 1),  // co-incineration fly ash with hazardous substances
    (10, 2, 2, false, 4),  // unprocessed slag (iron and steel)
    (10, 2, 1, false, 3),  // wastes from slag processing
    (12, 1, 1, false, 3),  // ferrous metal filings and turnings
    (12, 1, 5, false, 2),  // plastics shavings and turnings
    (15, 1, 1, false, 4),  // paper and cardboard packaging
    (15, 1, 2, false, 4),  // plastic packaging
    (15, 1, 3, false, 3),  // wooden packaging
    (15, 1, 10, true, 1),  // packaging with residues of hazardous substances
    (16, 1, 3, false, 2),  // end-of-life tyres
    (16, 2, 14, false, 2), // discarded equipment
    (19, 8, 5, false, 2),  // sludges from treatment of urban waste water
    (19, 12, 4, false, 3), // plastic and rubber (mechanical treatment)
    (19, 12, 12, false, 3),
    (20, 1, 1, false, 3), // paper and cardboard
    (20, 1, 8, false, 3), // biodegradable kitchen and canteen waste
    (20, 2, 1, false, 3), // biodegradable garden waste
];

/// Municipality centres, Northern Ostrobothnia first: (lat, lon, weight).
const PLACES: &[(f64, f64, u32)] = &[
    (65.0121, 25.4651, 20), // Oulu
    (64.6847, 24.4790, 6),  // Raahe
    (64.9158, 25.5594, 4),  // Kempele
    (64.8086, 25.9931, 3),  // Muhos
    (64.7613, 25.3467, 2),  // Liminka
    (65.3164, 25.3723, 2),  // Ii
    (64.7617, 25.5560, 1),  // Tyrnävä
    (64.4450, 26.5360, 1),  // Utajärvi
    (65.7344, 24.5636, 4),  // Kemi
    (65.8481, 24.1466, 3),  // Tornio
    (66.5039, 25.7294, 4),  // Rovaniemi
    (64.2228, 27.7286, 4),  // Kajaani
    (63.8385, 23.1307, 3),  // Kokkola
    (64.5326, 26.8367, 1),  // Vaala
    (64.0789, 24.5300, 2),  // Ylivieska
    (63.0951, 21.6165, 3),  // Vaasa
    (62.8924, 27.6770, 3),  // Kuopio
    (62.2426, 25.7473, 3),  // Jyväskylä
    (61.4978, 23.7610, 4),  // Tampere
    (60.4518, 22.2666, 3),  // Turku
    (60.1699, 24.9384, 6),  // Helsinki
];

const WORDS: &[&str] = &[
    "betoni",
    "murske",
    "puu",
    "purkupuu",
    "kipsi",
    "levy",
    "teräs",
    "romu",
    "tuhka",
    "kuona",
    "liete",
    "lanta",
    "hera",
    "mäski",
    "muovi",
    "pakkaus",
    "kartonki",
    "rengas",
    "maa",
    "kivi",
    "lasi",
    "biojäte",
    "sahanpuru",
    "hake",
    "kuitu",
    "metalli",
    "kuljetus",
    "analyysi",
    "käsittely",
    "lajittelu",
];

fn weighted<T: Copy>(rng: &mut Rng, items: &[T], weight: impl Fn(&T) -> u32) -> T {
    let sum: u32 = items.iter().map(&weight).sum();
    let mut x = rng.below(sum as usize) as u32;
    for it in items {
        let w = weight(it);
        if x < w {
            return *it;
        }
        x -= w;
    }
    items[items.len() - 1]
}

fn unit(rng: &mut Rng) -> f64 {
    rng.below(1_000_000) as f64 / 1_000_000.0
}

/// One generated listing of `kind`.
fn listing(rng: &mut Rng, id: u64, kind: Kind) -> Listing {
    let (chapter, sub, entry, hazardous, _) = weighted(rng, CODES, |c| c.4);
    let (lat, lon, _) = weighted(rng, PLACES, |p| p.2);
    let mut accepts = Vec::new();
    if kind == Kind::Want && rng.below(4) == 0 {
        // A want that would also take the rest of the sub-chapter.
        accepts.push(Pattern::Ewc { chapter, sub: Some(sub), entry: None });
    }
    // Quantities from a few hundred kilos to thousands of tonnes a month.
    let monthly = 10f64.powf(-0.5 + unit(rng) * 3.5);
    let from_day = rng.below(365) as i32;
    let words: Vec<&str> = (0..2 + rng.below(5)).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    Listing {
        id,
        kind,
        class: Class::Ewc(Code { chapter, sub, entry }),
        hazardous: hazardous && kind == Kind::Offer,
        accepts,
        accepts_hazardous: kind == Kind::Want && rng.below(10) == 0,
        monthly_tonnes: (rng.below(10) != 0).then_some(monthly),
        at: Point { lat: lat + (unit(rng) - 0.5) * 0.05, lon: lon + (unit(rng) - 0.5) * 0.1 },
        max_km: [50.0, 100.0, 150.0, 200.0, 300.0, 500.0][rng.below(6)],
        from_day,
        to_day: (rng.below(3) != 0).then(|| from_day + 30 + rng.below(700) as i32),
        words: word_ids(words),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs the three measurements and prints the report.
pub fn run(seed: u64, count: usize, queries: usize, sample: usize) {
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let offers: Vec<Listing> = (0..count).map(|i| listing(&mut rng, i as u64, Kind::Offer)).collect();
    let wants: Vec<Listing> = (0..count).map(|i| listing(&mut rng, (count + i) as u64, Kind::Want)).collect();
    println!("generated {count} offers and {count} wants in {:.1} s", started.elapsed().as_secs_f64());
    let w = Weights::default();
    let started = Instant::now();
    let index = Index::new(wants.clone());
    println!("index of the wants built in {:.2} s", started.elapsed().as_secs_f64());

    // (1) A new listing against every open counter-listing.
    let mut times: Vec<f64> = Vec::with_capacity(queries);
    let mut found = 0usize;
    for q in 0..queries {
        let l = listing(&mut rng, (2 * count + q) as u64, Kind::Offer);
        let t = Instant::now();
        let m = index.matches(&l, &w, 10);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        found += m.len();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "new listing against {count} wants ({queries} listings): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.1} matches each on average",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or_default(),
        found as f64 / queries.max(1) as f64
    );

    // (2) Every offer against every want, on two threads.
    let started = Instant::now();
    let half = offers.len() / 2;
    let (a, b) = offers.split_at(half);
    let pairs = std::thread::scope(|s| {
        let h1 = s.spawn(|| a.iter().map(|l| index.matches(l, &w, 10).len()).sum::<usize>());
        let h2 = s.spawn(|| b.iter().map(|l| index.matches(l, &w, 10).len()).sum::<usize>());
        h1.join().unwrap_or(0) + h2.join().unwrap_or(0)
    });
    let full = started.elapsed().as_secs_f64();
    println!("full re-match, {count} offers × {count} wants, top 10 each: {full:.1} s ({pairs} matches kept)");

    // (3) The naive baseline on a sample, and the same sample through the index.
    let step = (offers.len() / sample.max(1)).max(1);
    let picked: Vec<&Listing> = offers.iter().step_by(step).take(sample).collect();
    let started = Instant::now();
    let naive: Vec<Vec<(u64, i64)>> = picked
        .iter()
        .map(|l| rank_naive(l, &wants, &w, 10).into_iter().map(|(id, s)| (id, (s.total * 1e9) as i64)).collect())
        .collect();
    let naive_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let fast: Vec<Vec<(u64, i64)>> = picked
        .iter()
        .map(|l| index.matches(l, &w, 10).into_iter().map(|(id, s)| (id, (s.total * 1e9) as i64)).collect())
        .collect();
    let fast_s = started.elapsed().as_secs_f64();
    let same = naive.iter().zip(&fast).filter(|(a, b)| a == b).count();
    println!(
        "sample of {} offers: naive all pairs {:.2} ms each, index {:.3} ms each — {:.0}× faster; identical top 10 for {same} of {}",
        picked.len(),
        naive_s * 1000.0 / picked.len().max(1) as f64,
        fast_s * 1000.0 / picked.len().max(1) as f64,
        naive_s / fast_s.max(1e-9),
        picked.len()
    );
    println!(
        "naive full re-match estimated from the sample: {:.0} s (single thread)",
        naive_s / picked.len().max(1) as f64 * offers.len() as f64
    );
}
