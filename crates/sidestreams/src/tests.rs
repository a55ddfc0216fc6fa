//! Unit tests and property tests on generated listings (a seeded
//! generator, so a failure names the seed that reproduces it).

use super::*;

/// xorshift64*: small, seeded, good enough for test data.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Municipality centres of Northern Finland and beyond.
const PLACES: &[(f64, f64)] = &[
    (65.0121, 25.4651), // Oulu
    (64.6847, 24.4790), // Raahe
    (64.9158, 25.5594), // Kempele
    (64.8086, 25.9931), // Muhos
    (64.2228, 27.7286), // Kajaani
    (66.5039, 25.7294), // Rovaniemi
    (60.1699, 24.9384), // Helsinki
    (61.4978, 23.7610), // Tampere
];
const WORDS: &[&str] = &["puu", "kipsi", "betoni", "muovi", "tuhka", "kuona", "liete", "metalli", "lasi", "kuitu"];

fn code(chapter: u8, sub: u8, entry: u8) -> Class {
    Class::Ewc(Code { chapter, sub, entry })
}

fn listing(g: &mut Gen, id: u64) -> Listing {
    let kind = match g.below(5) {
        0 | 1 => Kind::Offer,
        2 | 3 => Kind::Want,
        _ => Kind::Service,
    };
    let class = if g.chance(10) {
        Class::Project(format!("sivutuote-{}", g.below(3)))
    } else {
        // A few chapters and sub-chapters, so every level of fit occurs.
        code([10, 17, 19][g.below(3) as usize], 1 + g.below(3) as u8, 1 + g.below(4) as u8)
    };
    let mut accepts = Vec::new();
    if kind != Kind::Offer && g.chance(30) {
        accepts.push(Pattern::Ewc {
            chapter: [2, 10, 17][g.below(3) as usize],
            sub: g.chance(50).then(|| 1 + g.below(3) as u8),
            entry: None,
        });
    }
    let (lat, lon) = PLACES[g.below(PLACES.len() as u64) as usize];
    let from_day = g.below(400) as i32;
    let n = g.below(4);
    let picked: Vec<&str> = (0..n).map(|_| WORDS[g.below(WORDS.len() as u64) as usize]).collect();
    let words = word_ids(picked);
    Listing {
        id,
        kind,
        class,
        hazardous: kind == Kind::Offer && g.chance(15),
        accepts,
        accepts_hazardous: kind != Kind::Offer && g.chance(30),
        monthly_tonnes: g.chance(80).then(|| 0.5 + g.unit() * 200.0),
        at: Point { lat: lat + (g.unit() - 0.5) * 0.2, lon: lon + (g.unit() - 0.5) * 0.4 },
        max_km: [50.0, 150.0, 300.0, 1000.0][g.below(4) as usize],
        from_day,
        to_day: g.chance(70).then(|| from_day + g.below(365) as i32),
        words,
    }
}

fn base(kind: Kind, class: Class) -> Listing {
    Listing {
        id: 1,
        kind,
        class,
        hazardous: false,
        accepts: vec![],
        accepts_hazardous: false,
        monthly_tonnes: Some(10.0),
        at: Point { lat: 65.0121, lon: 25.4651 },
        max_km: 200.0,
        from_day: 0,
        to_day: None,
        words: vec![],
    }
}

#[test]
fn codes_parse_with_their_hierarchy_and_hazard_mark() {
    let (c, hazardous) = Code::parse("17 09 04").unwrap();
    assert_eq!((c.chapter, c.sub, c.entry, hazardous), (17, 9, 4, false));
    assert_eq!(c.to_string(), "17 09 04");
    assert_eq!(c.sub_chapter(), "17 09");
    assert_eq!(Code::parse("170903*").unwrap(), (Code { chapter: 17, sub: 9, entry: 3 }, true));
    assert_eq!(Code::parse(" 10-01-02 ").unwrap().0, Code { chapter: 10, sub: 1, entry: 2 });
    for bad in ["", "21 01 01", "00 01 01", "17 00 01", "17 09", "17 09 04 01", "ab cd ef", "1709041"] {
        assert!(Code::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Pattern::parse_ewc("17").unwrap(), Pattern::Ewc { chapter: 17, sub: None, entry: None });
    assert_eq!(Pattern::parse_ewc("17 09").unwrap(), Pattern::Ewc { chapter: 17, sub: Some(9), entry: None });
    assert!(Pattern::parse_ewc("17 0").is_err());
}

#[test]
fn class_fit_ranks_code_sub_chapter_chapter_then_declared() {
    let a = code(17, 9, 4);
    assert_eq!(a.fit(&code(17, 9, 4)), Some(ClassFit::SameCode));
    assert_eq!(a.fit(&code(17, 9, 3)), Some(ClassFit::SameSubChapter));
    assert_eq!(a.fit(&code(17, 1, 1)), Some(ClassFit::SameChapter));
    assert_eq!(a.fit(&code(10, 1, 1)), None);
    assert_eq!(a.fit(&Class::Project("sivutuote-1".into())), None);
    let offer = base(Kind::Offer, code(10, 1, 2));
    let mut want = base(Kind::Want, code(17, 5, 4));
    assert_eq!(class_fit(&offer, &want), None);
    want.accepts.push(Pattern::Ewc { chapter: 10, sub: Some(1), entry: None });
    assert_eq!(class_fit(&offer, &want), Some(ClassFit::Declared));
    assert_eq!(class_fit(&want, &offer), Some(ClassFit::Declared));
    let w = Weights::default();
    assert!(w.same_code > w.declared && w.declared > w.same_sub_chapter && w.same_sub_chapter > w.same_chapter);
    // A declared class beats a shared chapter: the owner's own word.
    let mut declared_too = base(Kind::Want, code(10, 2, 2));
    declared_too.accepts.push(Pattern::Ewc { chapter: 10, sub: Some(1), entry: None });
    assert_eq!(class_fit(&offer, &declared_too), Some(ClassFit::Declared));
}

#[test]
fn distances_are_great_circle_kilometres() {
    let oulu = Point { lat: 65.0121, lon: 25.4651 };
    let helsinki = Point { lat: 60.1699, lon: 24.9384 };
    let km = haversine_km(oulu, helsinki);
    assert!((530.0..550.0).contains(&km), "{km}");
    assert!(haversine_km(oulu, oulu) < 1e-9);
}

#[test]
fn pairs_that_cannot_meet_are_not_scored() {
    let w = Weights::default();
    let offer = base(Kind::Offer, code(17, 9, 4));
    let want = base(Kind::Want, code(17, 9, 4));
    assert!(score(&offer, &want, &w).is_some());
    assert!(score(&offer, &base(Kind::Offer, code(17, 9, 4)), &w).is_none(), "two offers");
    assert!(score(&base(Kind::Service, code(17, 9, 4)), &want, &w).is_some(), "a service and a want");
    let mut far = want.clone();
    far.at = Point { lat: 60.1699, lon: 24.9384 };
    assert!(score(&offer, &far, &w).is_none(), "beyond the maximum distance");
    let mut later = want.clone();
    let mut early = offer.clone();
    early.to_day = Some(10);
    later.from_day = 11;
    assert!(score(&early, &later, &w).is_none(), "windows that do not meet");
    let mut hazardous = offer.clone();
    hazardous.hazardous = true;
    assert!(score(&hazardous, &want, &w).is_none(), "hazardous waste to one without the permit");
    let mut permitted = want.clone();
    permitted.accepts_hazardous = true;
    assert!(score(&hazardous, &permitted, &w).is_some(), "the producer needs no permit of its own");
    let mut hazardous_want = want.clone();
    hazardous_want.hazardous = true;
    assert!(score(&offer, &hazardous_want, &w).is_none(), "a want of hazardous waste needs the permit");
    hazardous_want.accepts_hazardous = true;
    assert!(score(&offer, &hazardous_want, &w).is_some());
    let service = base(Kind::Service, code(17, 9, 4));
    assert!(score(&hazardous, &service, &w).is_none(), "a service handling it needs the permit too");
    assert!(score(&service, &hazardous_want, &w).is_none());
}

#[test]
fn an_offer_that_covers_the_need_scores_as_covering_it() {
    let w = Weights::default();
    let mut want = base(Kind::Want, code(10, 1, 2));
    want.monthly_tonnes = Some(20_000.0 / 12.0);
    let quantity = |offer_tonnes: f64| {
        let mut offer = base(Kind::Offer, code(10, 1, 2));
        offer.monthly_tonnes = Some(offer_tonnes / 12.0);
        let s = score(&want, &offer, &w).unwrap();
        s.reasons
            .iter()
            .find_map(|r| match r.part {
                Part::Quantity { overlap } => Some(overlap),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(quantity(100_000.0), 1.0, "a surplus covers the need");
    assert_eq!(quantity(20_000.0), 1.0);
    assert!((quantity(5_000.0) - 0.25).abs() < 1e-9, "a quarter of the need");
    // Seen from a small offer, a large buyer takes all of it.
    let mut small = base(Kind::Offer, code(10, 1, 2));
    small.monthly_tonnes = Some(8.0 / 12.0);
    let s = score(&small, &want, &w).unwrap();
    assert!(s.reasons.contains(&Reason { part: Part::Quantity { overlap: 1.0 }, points: w.quantity }));
    // A service's capacity covers what it is offered.
    let mut service = base(Kind::Service, code(10, 1, 2));
    service.monthly_tonnes = Some(1_000.0);
    let mut offer = base(Kind::Offer, code(10, 1, 2));
    offer.monthly_tonnes = Some(50.0);
    let s = score(&offer, &service, &w).unwrap();
    assert!(s.reasons.contains(&Reason { part: Part::Quantity { overlap: 1.0 }, points: w.quantity }));
}

#[test]
fn listings_beyond_reach_are_counted_with_the_nearest_distance() {
    let oulu = Point { lat: 65.0121, lon: 25.4651 };
    let mut want = base(Kind::Want, code(16, 6, 1));
    want.max_km = 100.0;
    want.accepts_hazardous = true;
    let mut rovaniemi = base(Kind::Offer, code(16, 6, 1));
    rovaniemi.id = 2;
    rovaniemi.hazardous = true;
    rovaniemi.at = Point { lat: 66.5039, lon: 25.7294 };
    let mut kajaani = rovaniemi.clone();
    kajaani.id = 3;
    kajaani.at = Point { lat: 64.2222, lon: 27.7278 };
    let mut other_chapter = rovaniemi.clone();
    other_chapter.id = 4;
    other_chapter.class = code(17, 1, 1);
    let mut near = rovaniemi.clone();
    near.id = 5;
    near.at = oulu;
    want.at = oulu;
    let (n, nearest) = beyond_reach(&want, [&rovaniemi, &kajaani, &other_chapter, &near]);
    assert_eq!(n, 2, "Rovaniemi and Kajaani are beyond 100 km; the same place is within reach");
    let km = nearest.unwrap();
    assert!((120.0..160.0).contains(&km), "Kajaani is the nearest: {km}");
}

#[test]
fn the_index_keeps_to_the_listings_asked_for() {
    let w = Weights::default();
    let mut g = Gen(977);
    let pool: Vec<Listing> = (0..400).map(|i| listing(&mut g, i)).collect();
    let index = Index::new(pool.clone());
    for l in pool.iter().take(60) {
        let keep = |id: u64| !id.is_multiple_of(3);
        let subset: Vec<Listing> = pool.iter().filter(|o| keep(o.id)).cloned().collect();
        let naive = rank_naive(l, &subset, &w, 10);
        let fast = index.matches_where(l, &w, 10, keep);
        let ids =
            |v: &[(u64, Score)]| v.iter().map(|(id, s)| (*id, (s.total * 1e6).round() as i64)).collect::<Vec<_>>();
        assert_eq!(ids(&fast), ids(&naive), "listing {}", l.id);
    }
}

#[test]
fn a_score_names_its_parts_and_they_add_up() {
    let w = Weights::default();
    let mut offer = base(Kind::Offer, code(17, 9, 4));
    offer.words = word_ids(["kipsi", "levy", "kipsi"]);
    let mut want = base(Kind::Want, code(17, 9, 3));
    want.monthly_tonnes = Some(20.0);
    want.words = word_ids(["kipsi"]);
    // Seen from the want: the offer covers half of its 20 t.
    let s = score(&want, &offer, &w).unwrap();
    let sum: f64 = s.reasons.iter().map(|r| r.points).sum();
    assert!((sum - s.total).abs() < 1e-9);
    assert_eq!(s.reasons[0], Reason { part: Part::Class(ClassFit::SameSubChapter), points: 30.0 });
    assert!(s.reasons.contains(&Reason { part: Part::Quantity { overlap: 0.5 }, points: 10.0 }));
    assert!(s.reasons.contains(&Reason { part: Part::Text { similarity: 0.5 }, points: 5.0 }));
    assert!(s.reasons.iter().any(|r| matches!(r.part, Part::Distance { km } if km < 1e-6) && r.points == 20.0));
}

#[test]
fn scores_are_symmetric_but_for_the_quantity_and_the_hazard_rule_holds() {
    let w = Weights::default();
    for seed in 1..=40u64 {
        let mut g = Gen(seed * 7919);
        let pool: Vec<Listing> = (0..60).map(|i| listing(&mut g, i)).collect();
        for a in &pool {
            for b in &pool {
                // Each side is suggested what lies within its own reach: with
                // the same reach, the two meet or not together.
                let mut b = b.clone();
                b.max_km = a.max_km;
                let b = &b;
                let (ab, ba) = (score(a, b, &w), score(b, a, &w));
                assert_eq!(ab.is_some(), ba.is_some(), "seed {seed}: {} and {}", a.id, b.id);
                assert_eq!(total(a, b, &w), ab.as_ref().map(|s| s.total), "seed {seed}: the fast total agrees");
                if let (Some(x), Some(y)) = (ab, ba) {
                    // Each side sees how much of its own volume the other covers; the rest is shared.
                    let quantity = |s: &Score| {
                        s.reasons
                            .iter()
                            .filter(|r| matches!(r.part, Part::Quantity { .. }))
                            .map(|r| r.points)
                            .sum::<f64>()
                    };
                    assert!(((x.total - quantity(&x)) - (y.total - quantity(&y))).abs() < 1e-9, "seed {seed}");
                    let sum: f64 = x.reasons.iter().map(|r| r.points).sum();
                    assert!((sum - x.total).abs() < 1e-9, "seed {seed}: the reasons add up");
                    assert!(hazard_ok(a, b), "seed {seed}: hazardous waste only to a permit");
                    if a.hazardous || b.hazardous {
                        // Every side that receives or handles it holds the permit.
                        assert!(a.kind == Kind::Offer || a.accepts_hazardous, "seed {seed}");
                        assert!(b.kind == Kind::Offer || b.accepts_hazardous, "seed {seed}");
                    }
                }
            }
        }
    }
}

#[test]
fn scores_grow_as_distance_shrinks_and_quantities_meet() {
    let w = Weights::default();
    for seed in 1..=60u64 {
        let mut g = Gen(seed * 104_729);
        let pool: Vec<Listing> = (0..80).map(|i| listing(&mut g, i)).collect();
        for a in &pool {
            for b in &pool {
                let Some(s) = score(a, b, &w) else { continue };
                // Halfway closer: still a match, never a lower score.
                let mut nearer = b.clone();
                nearer.at = Point { lat: (a.at.lat + b.at.lat) / 2.0, lon: (a.at.lon + b.at.lon) / 2.0 };
                let n = score(a, &nearer, &w).expect("closer stays within reach");
                assert!(n.total + 1e-9 >= s.total, "seed {seed}: nearer {} < {}", n.total, s.total);
                // The same monthly volume as the other side: never a lower score.
                if let (Some(x), Some(_)) = (a.monthly_tonnes, b.monthly_tonnes) {
                    let mut same = b.clone();
                    same.monthly_tonnes = Some(x);
                    let q = score(a, &same, &w).expect("a better quantity fit stays a match");
                    assert!(q.total + 1e-9 >= s.total, "seed {seed}");
                }
            }
        }
    }
}

#[test]
fn the_index_finds_what_scoring_every_pair_finds() {
    let w = Weights::default();
    for seed in 1..=12u64 {
        let mut g = Gen(seed * 15_485_863);
        let pool: Vec<Listing> = (0..400).map(|i| listing(&mut g, i)).collect();
        let index = Index::new(pool.clone());
        assert_eq!(index.len(), 400);
        let mut compared = 0;
        for l in pool.iter().take(120) {
            let naive = rank_naive(l, &pool, &w, 10);
            let fast = index.matches(l, &w, 10);
            let ids =
                |v: &[(u64, Score)]| v.iter().map(|(id, s)| (*id, (s.total * 1e6).round() as i64)).collect::<Vec<_>>();
            assert_eq!(ids(&fast), ids(&naive), "seed {seed}, listing {}", l.id);
            compared += naive.len();
        }
        assert!(compared > 100, "seed {seed}: the generated data has matches to compare ({compared})");
    }
}

#[test]
fn the_index_agrees_where_its_tiers_stop_early() {
    // Dense data: one chapter, one region, long reach, so the best ten are
    // often found among the same code and the later tiers are skipped.
    let w = Weights::default();
    for seed in 1..=4u64 {
        let mut g = Gen(seed * 32_452_843);
        let pool: Vec<Listing> = (0..2500)
            .map(|i| {
                let mut l = listing(&mut g, i);
                if let Class::Ewc(c) = &mut l.class {
                    c.chapter = 17;
                }
                l.at = Point { lat: 65.0 + (g.unit() - 0.5) * 0.5, lon: 25.5 + (g.unit() - 0.5) * 1.0 };
                l.max_km = 1000.0;
                l.to_day = None;
                l.monthly_tonnes = Some(10.0 + g.unit());
                l
            })
            .collect();
        let index = Index::new(pool.clone());
        for l in pool.iter().step_by(50) {
            let naive = rank_naive(l, &pool, &w, 10);
            let fast = index.matches(l, &w, 10);
            assert_eq!(
                fast.iter().map(|(id, s)| (*id, s.total)).collect::<Vec<_>>(),
                naive.iter().map(|(id, s)| (*id, s.total)).collect::<Vec<_>>(),
                "seed {seed}, listing {}",
                l.id
            );
        }
    }
}
