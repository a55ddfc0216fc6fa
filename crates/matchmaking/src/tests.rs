//! Unit tests and property tests on generated data (a seeded generator,
//! so a failure names the seed that reproduces it).

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
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, from: &'a [&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const ROLES: &[&str] = &["material-supplier", "recycler", "logistics", "research-partner", "funder", "technology"];
const TYPES: &[&str] = &["sme", "sme", "sme", "anchor", "research", "municipality", "funder"];
const PLACES: &[&str] = &["Oulu", "Raahe", "Kempele", "Muhos", "Kajaani", "Rovaniemi"];
const REGIONS: &[&str] = &["pohjois-pohjanmaa", "kainuu", "lappi"];
const FOCUS: &[&str] = &["construction", "food-bio", "reuse-materials", "energy", "plastics"];
const FITS: &[Fit] = &[Fit::Offering, Fit::Declared, Fit::OrgType];

fn candidate(g: &mut Gen, id: i64) -> Candidate {
    let mut roles = Vec::new();
    for _ in 0..g.below(3) {
        roles.push((g.pick(ROLES).to_string(), FITS[g.below(FITS.len())]));
    }
    let mut focus: Vec<String> = (0..g.below(3)).map(|_| g.pick(FOCUS).to_string()).collect();
    focus.sort();
    focus.dedup();
    Candidate {
        id,
        org_type: g.pick(TYPES).to_string(),
        municipality: g.chance(90).then(|| g.pick(PLACES).to_string()),
        region: g.chance(80).then(|| g.pick(REGIONS).to_string()),
        roles,
        focus,
        text: match g.below(4) {
            0 => 0.0,
            1 => 1.0,
            _ => g.below(1000) as f64 / 1000.0,
        },
        cooperations: if g.chance(30) { g.below(6) as u32 } else { 0 },
    }
}

fn need(g: &mut Gen) -> Need {
    let mut roles: Vec<String> = (0..g.below(3)).map(|_| g.pick(ROLES).to_string()).collect();
    roles.sort();
    roles.dedup();
    let mut focus: Vec<String> = (0..g.below(3)).map(|_| g.pick(FOCUS).to_string()).collect();
    focus.sort();
    focus.dedup();
    Need { roles, focus, region: g.chance(70).then(|| g.pick(REGIONS).to_string()) }
}

fn rules(g: &mut Gen) -> Rules {
    let min_partners = 1 + g.below(5);
    let mut required_roles: Vec<String> = (0..g.below(3)).map(|_| g.pick(ROLES).to_string()).collect();
    required_roles.sort();
    required_roles.dedup();
    Rules {
        min_partners,
        max_partners: if g.chance(50) { min_partners + g.below(3) } else { 0 },
        min_smes: g.below(3),
        min_research: g.below(2),
        min_municipalities: g.below(4),
        required_roles,
    }
}

fn org(id: i64, org_type: &str, place: &str, roles: &[(&str, Fit)]) -> Candidate {
    Candidate {
        id,
        org_type: org_type.into(),
        municipality: Some(place.into()),
        region: Some("pohjois-pohjanmaa".into()),
        roles: roles.iter().map(|(r, f)| (r.to_string(), *f)).collect(),
        focus: vec!["construction".into()],
        text: 0.5,
        cooperations: 0,
    }
}

#[test]
fn a_perfect_candidate_scores_every_part_and_says_why() {
    let need = Need {
        roles: vec!["recycler".into()],
        focus: vec!["construction".into(), "plastics".into()],
        region: Some("pohjois-pohjanmaa".into()),
    };
    let mut c = org(1, "sme", "Oulu", &[("recycler", Fit::Offering)]);
    c.cooperations = 5;
    let s = score(&need, &c, &Weights::default());
    let parts: Vec<(String, f64)> = s
        .reasons
        .iter()
        .map(|r| {
            let name = match &r.part {
                Part::Role { role, .. } => format!("role:{role}"),
                Part::Focus { shared } => format!("focus:{}", shared.join(",")),
                Part::Text { .. } => "text".into(),
                Part::Region { region } => format!("region:{region}"),
                Part::Cooperation { times } => format!("cooperation:{times}"),
            };
            (name, r.points)
        })
        .collect();
    assert_eq!(
        parts,
        vec![
            ("role:recycler".into(), 40.0),
            ("focus:construction".into(), 10.0),
            ("text".into(), 10.0),
            ("region:pohjois-pohjanmaa".into(), 10.0),
            ("cooperation:5".into(), 10.0),
        ]
    );
    assert_eq!(s.total, 80.0);
}

#[test]
fn ranking_needs_a_missing_role_and_orders_by_score_then_id() {
    let need = Need { roles: vec!["logistics".into()], ..Default::default() };
    let pool = vec![
        org(3, "sme", "Oulu", &[("logistics", Fit::OrgType)]),
        org(2, "sme", "Oulu", &[("recycler", Fit::Offering)]),
        org(1, "sme", "Oulu", &[("logistics", Fit::Offering)]),
        org(4, "sme", "Raahe", &[("logistics", Fit::Offering)]),
    ];
    let ids: Vec<i64> = rank(&need, &pool, &Weights::default(), 10).iter().map(|(c, _)| c.id).collect();
    assert_eq!(ids, vec![1, 4, 3], "no one without the role; equal scores by id");
}

#[test]
fn a_call_for_three_partners_an_sme_research_and_two_towns() {
    let rules = Rules {
        min_partners: 3,
        max_partners: 4,
        min_smes: 1,
        min_research: 1,
        min_municipalities: 2,
        required_roles: vec!["recycler".into()],
    };
    let anchor = org(1, "anchor", "Oulu", &[]);
    let pool = vec![
        org(2, "sme", "Oulu", &[("recycler", Fit::Offering)]),
        org(3, "research", "Oulu", &[("research-partner", Fit::OrgType)]),
        org(4, "research", "Kajaani", &[("research-partner", Fit::OrgType)]),
        org(5, "sme", "Raahe", &[("logistics", Fit::Offering)]),
    ];
    let need = Need { roles: vec!["recycler".into(), "research-partner".into()], ..Default::default() };
    let sets = suggest_sets(&rules, &[anchor], &pool, &need, &Weights::default(), 3);
    assert!(!sets.is_empty());
    for s in &sets {
        assert_eq!(s.members[0], 1, "the anchor stays");
        assert!(s.roles.contains(&("recycler".to_string(), 2)));
    }
    // The rules name what is missing.
    let only_anchor = [&org(1, "anchor", "Oulu", &[])];
    assert_eq!(
        check(&rules, &only_anchor),
        vec![
            Violation::TooFew { need: 3, have: 1 },
            Violation::Smes { need: 1, have: 0 },
            Violation::Research { need: 1, have: 0 },
            Violation::Municipalities { need: 2, have: 1 },
            Violation::MissingRole("recycler".into()),
        ]
    );
    // Impossible rules give no suggestion rather than a wrong one.
    let impossible = Rules { min_research: 3, ..rules.clone() };
    assert!(suggest_sets(&impossible, &[], &pool, &need, &Weights::default(), 3).is_empty());
}

#[test]
fn property_the_score_is_the_sum_of_its_reasons() {
    for seed in 1..=400u64 {
        let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let n = need(&mut g);
        let c = candidate(&mut g, 1);
        let w = Weights::default();
        let s = score(&n, &c, &w);
        let sum: f64 = s.reasons.iter().map(|r| r.points).sum();
        assert!((s.total - sum).abs() < 1e-9, "seed {seed}");
        let max = w.role + w.focus + w.text + w.region + w.cooperation;
        assert!(s.total >= 0.0 && s.total <= max + 1e-9, "seed {seed}: {}", s.total);
        for r in &s.reasons {
            assert!(r.points > 0.0, "seed {seed}: a reason without points");
            match &r.part {
                Part::Role { role, fit } => {
                    assert!(n.roles.contains(role) && c.fit_for(role) == Some(*fit), "seed {seed}");
                    assert_eq!(r.points, w.role * fit.strength());
                }
                Part::Focus { shared } => {
                    assert!(shared.iter().all(|f| n.focus.contains(f) && c.focus.contains(f)), "seed {seed}")
                }
                Part::Text { similarity } => assert_eq!(*similarity, c.text),
                Part::Region { region } => assert_eq!(Some(region), n.region.as_ref()),
                Part::Cooperation { times } => assert_eq!(*times, c.cooperations),
            }
        }
        // Filling a missing role better never lowers the score.
        if let Some(role) = n.roles.first() {
            let mut better = c.clone();
            better.roles.push((role.clone(), Fit::Offering));
            assert!(score(&n, &better, &w).total >= s.total, "seed {seed}");
        }
    }
}

#[test]
fn property_every_suggested_set_satisfies_the_rules() {
    let mut found = 0;
    for seed in 1..=300u64 {
        let mut g = Gen(seed.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let rules = rules(&mut g);
        let pool: Vec<Candidate> = (0..(3 + g.below(20)) as i64).map(|i| candidate(&mut g, 100 + i)).collect();
        let fixed: Vec<Candidate> = (0..g.below(2) as i64).map(|i| candidate(&mut g, i + 1)).collect();
        let n = need(&mut g);
        let sets = suggest_sets(&rules, &fixed, &pool, &n, &Weights::default(), 3);
        let mut keys = BTreeSet::new();
        for s in &sets {
            let members: Vec<&Candidate> =
                s.members.iter().map(|id| fixed.iter().chain(pool.iter()).find(|c| c.id == *id).unwrap()).collect();
            assert_eq!(check(&rules, &members), vec![], "seed {seed}: {s:?}");
            assert!(fixed.iter().all(|f| s.members.contains(&f.id)), "seed {seed}: the fixed members stay");
            let mut k = s.members.clone();
            k.sort_unstable();
            let len = k.len();
            k.dedup();
            assert_eq!(k.len(), len, "seed {seed}: no one twice");
            assert!(keys.insert(k), "seed {seed}: the sets differ");
            for (role, id) in &s.roles {
                assert!(members.iter().any(|c| c.id == *id && c.fit_for(role).is_some()), "seed {seed}");
            }
        }
        // Small pools: when some set of at most the allowed size satisfies the
        // rules, one is suggested (checked against an exhaustive search).
        if pool.len() + fixed.len() <= 12 {
            let base: Vec<&Candidate> = fixed.iter().collect();
            let mut any = false;
            for mask in 0u32..(1 << pool.len()) {
                let mut set = base.clone();
                set.extend(pool.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| c));
                if check(&rules, &set).is_empty() {
                    any = true;
                    break;
                }
            }
            assert_eq!(!sets.is_empty(), any, "seed {seed}: {rules:?}");
            found += usize::from(any);
        }
    }
    assert!(found > 20, "the generated cases include satisfiable ones ({found})");
}

#[test]
fn what_sets_a_candidate_apart_counts_not_what_all_share() {
    let docs = vec![
        (1, "Rahoitamme kiertotalouden investointeja vihreällä lainalla.".to_string()),
        (2, "Rahoitamme kiertotalouden kasvuyrityksiä pääomasijoituksin.".to_string()),
        (3, "Rahoitamme kiertotalouden kokeiluja apurahoilla.".to_string()),
    ];
    let s = distinguishing("Haemme rahoitusta kiertotalouden investointiin: uusi linja vaatii lainan.", &docs);
    assert_eq!(s[&1], 1.0, "the loan for investments fits best");
    assert_eq!(s[&2], 0.0, "words every funder uses count for nothing");
    assert_eq!(s[&3], 0.0);
    assert!(distinguishing("", &docs).values().all(|v| *v == 0.0));
    // Inside a compound word too.
    let s = distinguishing("Haemme rahoitusta lajittelulinjainvestointiin.", &docs);
    assert_eq!(s[&1], 1.0, "the investment loan, found inside the compound");
}

#[test]
fn a_weighted_part_of_the_need_decides_between_documents() {
    let docs =
        vec![(1, "Pääomasijoitukset kasvuyrityksiin".to_string()), (2, "Lainat rakennusten purkuun".to_string())];
    // Equal weights: each document shares one stem with the need.
    let even = distinguishing_weighted(&[("pääomasijoittaja", 1.0), ("purkukohteet", 1.0)], &docs);
    assert_eq!(even[&1], even[&2]);
    // The role's own words weigh more.
    let own = distinguishing_weighted(&[("pääomasijoittaja", 2.0), ("purkukohteet", 1.0)], &docs);
    assert!(own[&1] > own[&2], "{own:?}");
    assert_eq!(distinguishing("pääomasijoittaja purkukohteet", &docs), even);
}
