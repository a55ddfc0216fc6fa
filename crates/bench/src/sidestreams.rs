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
use kimppa_domain::{ListingKind, ListingStatus, ListingVisibility};
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
    // In rounds of 50 listings, the naive baseline then the index, so a
    // change in the machine's load falls on both sides of the ratio alike;
    // each side runs with its own data in cache, as it would on its own.
    let (mut naive_s, mut fast_s) = (0.0, 0.0);
    let mut naive: Vec<Vec<(u64, i64)>> = Vec::with_capacity(picked.len());
    let mut fast: Vec<Vec<(u64, i64)>> = Vec::with_capacity(picked.len());
    for round in picked.chunks(50) {
        let t = Instant::now();
        for l in round {
            naive.push(rank_naive(l, &wants, &w, 10).into_iter().map(|(id, s)| (id, (s.total * 1e9) as i64)).collect());
        }
        naive_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for l in round {
            fast.push(index.matches(l, &w, 10).into_iter().map(|(id, s)| (id, (s.total * 1e9) as i64)).collect());
        }
        fast_s += t.elapsed().as_secs_f64();
    }
    // The same sample once more, each index query right after a naive scan
    // of all wants has pushed the index out of the cache.
    let mut cold_s = 0.0;
    for l in &picked {
        std::hint::black_box(rank_naive(l, &wants, &w, 10));
        let t = Instant::now();
        std::hint::black_box(index.matches(l, &w, 10));
        cold_s += t.elapsed().as_secs_f64();
    }
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
        "the index with a cold cache (each query after a naive scan): {:.3} ms each — {:.0}× faster than the naive scan",
        cold_s * 1000.0 / picked.len().max(1) as f64,
        naive_s / cold_s.max(1e-9)
    );
    println!(
        "naive full re-match estimated from the sample: {:.0} s (single thread)",
        naive_s / picked.len().max(1) as f64 * offers.len() as f64
    );
}

/// Adds `count` published listings to the database with the generator's
/// classes, quantities, windows and words, each at the municipality whose
/// centre is nearest its generated place, owned by the generated
/// organisations; a tenth members only.
pub async fn generate(app: &kimppa_app::App, seed: u64, count: usize) -> anyhow::Result<()> {
    use kimppa_store::entities::{listing, municipality, org_member};
    use sea_orm::{EntityTrait, QuerySelect};
    let started = Instant::now();
    let places = municipality::Entity::find().all(&app.db).await?;
    anyhow::ensure!(!places.is_empty(), "no municipalities: the database is not migrated");
    let mut owners: Vec<(i32, i32)> = org_member::Entity::find()
        .select_only()
        .columns([org_member::Column::OrgId, org_member::Column::UserId])
        .into_tuple()
        .all(&app.db)
        .await?;
    if owners.is_empty() {
        // The generated organisations have no member rows: any generated person writes.
        use kimppa_store::entities::{organisation, user};
        let orgs: Vec<i32> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .into_tuple()
            .all(&app.db)
            .await?;
        let people: Vec<i32> =
            user::Entity::find().select_only().column(user::Column::Id).into_tuple().all(&app.db).await?;
        anyhow::ensure!(!orgs.is_empty() && !people.is_empty(), "no organisations or people to own the listings");
        owners = orgs.iter().enumerate().map(|(k, o)| (*o, people[k % people.len()])).collect();
    }
    let mut rng = Rng::new(seed ^ 0x51DE);
    let today = kimppa_app::materials::today();
    let day = |d: i32| (today + chrono::Duration::days(d as i64 - 180)).format("%Y-%m-%d").to_string();
    let now = kimppa_app::now();
    let mut rows = Vec::with_capacity(count);
    for id in 0..count {
        let kind =
            [Kind::Offer, Kind::Want, Kind::Service][weighted(&mut rng, &[(0usize, 10u32), (1, 9), (2, 1)], |k| k.1).0];
        let l = listing(&mut rng, id as u64, kind);
        let place = places
            .iter()
            .min_by(|a, b| {
                let da = kimppa_sidestreams::haversine_km(l.at, Point { lat: a.lat, lon: a.lon });
                let db = kimppa_sidestreams::haversine_km(l.at, Point { lat: b.lat, lon: b.lon });
                da.total_cmp(&db)
            })
            .map(|m| (m.code.clone(), m.region.clone()))
            .unwrap_or_default();
        let Class::Ewc(code) = &l.class else { continue };
        let (org, person) = owners[rng.below(owners.len())];
        let words: Vec<&str> = (0..3 + rng.below(4)).map(|_| WORDS[rng.below(WORDS.len())]).collect();
        let accepts: Vec<String> = l
            .accepts
            .iter()
            .filter_map(|p| match p {
                Pattern::Ewc { chapter, sub: Some(s), entry: None } => Some(format!("{chapter:02} {s:02}")),
                _ => None,
            })
            .collect();
        let title = format!("{} {}", words[0], words[1]);
        let description = words.join(" ");
        let search_text = kimppa_app::materials::search_text(&title, &description);
        rows.push(listing::ActiveModel {
            org_id: sea_orm::Set(org),
            created_by: sea_orm::Set(person),
            contact_user_id: sea_orm::Set(None),
            kind: sea_orm::Set(match kind {
                Kind::Offer => ListingKind::Offer,
                Kind::Want => ListingKind::Want,
                Kind::Service => ListingKind::Service,
            }),
            class_code: sea_orm::Set(code.to_string()),
            hazardous: sea_orm::Set(l.hazardous),
            accepts: sea_orm::Set(accepts.join(", ")),
            accepts_hazardous: sea_orm::Set(l.accepts_hazardous),
            title: sea_orm::Set(title),
            description: sea_orm::Set(description),
            search_text: sea_orm::Set(search_text),
            quantity: sea_orm::Set(l.monthly_tonnes.map(|t| (t * 10.0).round() / 10.0)),
            unit: sea_orm::Set("t".into()),
            frequency: sea_orm::Set("month".into()),
            unit_tonnes: sea_orm::Set(None),
            municipality: sea_orm::Set(place.0),
            region: sea_orm::Set(place.1),
            max_km: sea_orm::Set(l.max_km as i32),
            available_from: sea_orm::Set(day(l.from_day)),
            available_to: sea_orm::Set(l.to_day.map(day)),
            delivery: sea_orm::Set("pickup,by-agreement".into()),
            price_kind: sea_orm::Set("negotiable".into()),
            price: sea_orm::Set(String::new()),
            visibility: sea_orm::Set(if rng.below(10) == 0 {
                ListingVisibility::Members
            } else {
                ListingVisibility::Public
            }),
            notify_threshold: sea_orm::Set(60),
            status: sea_orm::Set(ListingStatus::Published),
            expires_on: sea_orm::Set((today + chrono::Duration::days(90)).format("%Y-%m-%d").to_string()),
            reminded_at: sea_orm::Set(None),
            workshop_id: sea_orm::Set(None),
            attachment_key: sea_orm::Set(None),
            attachment_name: sea_orm::Set(None),
            attachment_type: sea_orm::Set(None),
            outcome: sea_orm::Set(String::new()),
            outcome_reason: sea_orm::Set(String::new()),
            outcome_note: sea_orm::Set(String::new()),
            deal_org_id: sea_orm::Set(None),
            deal_tonnes_per_year: sea_orm::Set(None),
            deal_from: sea_orm::Set(None),
            closed_at: sea_orm::Set(None),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            published_at: sea_orm::Set(Some(now)),
            ..Default::default()
        });
    }
    crate::insert_all(app, rows).await?;
    kimppa_app::search::touch_all(&app.db, "listing").await?;
    println!("generated {count} material listings in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Publishing in the running system: a listing's matching job (loading the
/// open counter-listings from the database, ranking, writing the match rows)
/// timed for `n` listings of the generated dataset.
pub async fn jobs(app: &kimppa_app::App, n: usize) -> anyhow::Result<()> {
    use kimppa_store::entities::listing;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let ids: Vec<i32> = listing::Entity::find()
        .filter(listing::Column::Status.eq("published"))
        .filter(listing::Column::Kind.eq("offer"))
        .order_by_asc(listing::Column::Id)
        .select_only()
        .column(listing::Column::Id)
        .limit(n as u64)
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut ms = Vec::with_capacity(ids.len());
    for id in &ids {
        let t = Instant::now();
        kimppa_app::materials::matching::run_quietly(app, *id).await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    // The first job builds this node's pool of open listings; the rest
    // follow the change log.
    let first = if ms.is_empty() { 0.0 } else { ms.remove(0) };
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "matching job (database to match rows) for {} offers against the generated listings: the first {:.0} ms (builds the node's pool), then p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms.len() + 1,
        first,
        percentile(&ms, 0.5),
        percentile(&ms, 0.95),
        ms.last().copied().unwrap_or(0.0)
    );
    Ok(())
}
