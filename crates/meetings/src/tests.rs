//! Unit tests for every reason, for locks and idle gaps, and property tests
//! on generated problems: valid schedules (by [`check`]), determinism, at
//! least the baseline's meetings, at most the upper bound, and the optimum
//! of small problems found by exhaustive search.

use super::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::ops::RangeInclusive;

fn req(id: u64, a: u32, b: u32) -> Request {
    Request { id, a, b, lock: Lock::None }
}

fn locked(id: u64, a: u32, b: u32, lock: Lock) -> Request {
    Request { id, a, b, lock }
}

fn problem(slots: u32, tables: u32, requests: Vec<Request>) -> Problem {
    Problem { slots, tables, requests, ..Problem::default() }
}

/// `schedule`, checked.
fn scheduled(p: &Problem) -> Schedule {
    let s = schedule(p);
    if let Err(e) = check(p, &s) {
        panic!("invalid schedule: {e}\n{p:?}\n{s:?}");
    }
    s
}

fn reason(s: &Schedule, id: u64) -> Option<Unplaced> {
    s.unplaced.iter().find(|u| u.0 == id).map(|u| u.1)
}

fn placement(s: &Schedule, id: u64) -> Option<(u32, u32)> {
    s.placed.iter().find(|p| p.request == id).map(|p| (p.slot, p.table))
}

// ---- Reasons ----

#[test]
fn same_person() {
    let s = scheduled(&problem(2, 2, vec![req(1, 5, 5), req(2, 5, 6)]));
    assert_eq!(reason(&s, 1), Some(Unplaced::SamePerson));
    assert!(placement(&s, 2).is_some());
}

#[test]
fn duplicate_pair_is_reported_once_met() {
    let s = scheduled(&problem(3, 2, vec![req(1, 1, 2), req(2, 2, 1), req(3, 1, 2)]));
    assert!(placement(&s, 1).is_some());
    assert_eq!(reason(&s, 2), Some(Unplaced::Duplicate { of: 1 }));
    assert_eq!(reason(&s, 3), Some(Unplaced::Duplicate { of: 1 }));
}

#[test]
fn a_locked_request_is_kept_over_an_earlier_duplicate() {
    let s = scheduled(&problem(3, 2, vec![req(1, 1, 2), locked(2, 2, 1, Lock::Slot(2))]));
    assert_eq!(reason(&s, 1), Some(Unplaced::Duplicate { of: 2 }));
    assert_eq!(placement(&s, 2).map(|p| p.0), Some(2));
}

#[test]
fn invalid_locks() {
    let mut p = problem(
        2,
        2,
        vec![
            locked(1, 1, 2, Lock::Slot(2)),
            locked(2, 1, 3, Lock::SlotTable(0, 2)),
            locked(3, 4, 5, Lock::Slot(1)),
            locked(4, 6, 7, Lock::SlotTable(1, 1)),
        ],
    );
    p.unavailable = vec![(5, 1)];
    let s = scheduled(&p);
    assert_eq!(reason(&s, 1), Some(Unplaced::InvalidLock), "slot outside");
    assert_eq!(reason(&s, 2), Some(Unplaced::InvalidLock), "table outside");
    assert_eq!(reason(&s, 3), Some(Unplaced::InvalidLock), "person unavailable");
    assert_eq!(placement(&s, 4), Some((1, 1)));
}

#[test]
fn lock_clash_on_a_person() {
    let s = scheduled(&problem(2, 4, vec![locked(1, 1, 2, Lock::Slot(0)), locked(2, 3, 1, Lock::Slot(0))]));
    assert_eq!(placement(&s, 1).map(|p| p.0), Some(0));
    assert_eq!(reason(&s, 2), Some(Unplaced::LockClash { with: 1 }));
}

#[test]
fn lock_clash_on_a_table() {
    let s = scheduled(&problem(
        2,
        4,
        vec![locked(1, 1, 2, Lock::SlotTable(1, 3)), locked(2, 3, 4, Lock::SlotTable(1, 3)), req(3, 3, 4)],
    ));
    assert_eq!(placement(&s, 1), Some((1, 3)));
    assert_eq!(reason(&s, 2), Some(Unplaced::LockClash { with: 1 }));
    // The same pair unlocked is a duplicate of the clashing lock.
    assert_eq!(reason(&s, 3), Some(Unplaced::Duplicate { of: 2 }));
}

#[test]
fn slot_and_table_locks_come_before_slot_locks() {
    let s = scheduled(&problem(2, 4, vec![locked(1, 1, 2, Lock::Slot(0)), locked(2, 1, 3, Lock::SlotTable(0, 1))]));
    assert_eq!(placement(&s, 2), Some((0, 1)));
    assert_eq!(reason(&s, 1), Some(Unplaced::LockClash { with: 2 }));
}

#[test]
fn slot_lock_without_a_table() {
    let s = scheduled(&problem(2, 1, vec![locked(1, 1, 2, Lock::SlotTable(0, 0)), locked(2, 3, 4, Lock::Slot(0))]));
    assert_eq!(placement(&s, 1), Some((0, 0)));
    assert_eq!(reason(&s, 2), Some(Unplaced::NoTable));
}

#[test]
fn cap() {
    let mut p = problem(3, 2, vec![req(1, 1, 2), req(2, 1, 3), req(3, 2, 3)]);
    p.cap_per_person = Some(1);
    let s = scheduled(&p);
    assert_eq!(s.placed.len(), 1);
    let capped: Vec<Unplaced> = s.unplaced.iter().map(|u| u.1).collect();
    assert!(capped.iter().all(|u| matches!(u, Unplaced::Cap { .. })), "{capped:?}");
}

#[test]
fn cap_on_locks() {
    let mut p = problem(
        3,
        2,
        vec![locked(1, 1, 2, Lock::Slot(0)), locked(2, 1, 3, Lock::SlotTable(1, 0)), locked(3, 4, 5, Lock::Slot(2))],
    );
    p.cap_per_person = Some(1);
    let s = scheduled(&p);
    // Slot-and-table locks are taken first.
    assert_eq!(placement(&s, 2), Some((1, 0)));
    assert_eq!(reason(&s, 1), Some(Unplaced::Cap { person: 1 }));
    assert!(placement(&s, 3).is_some());
}

#[test]
fn no_common_slot_by_availability() {
    let mut p = problem(2, 2, vec![req(1, 1, 2)]);
    p.unavailable = vec![(1, 0), (2, 1)];
    let s = scheduled(&p);
    assert_eq!(reason(&s, 1), Some(Unplaced::NoCommonSlot));
}

#[test]
fn no_common_slot_by_other_meetings() {
    // Person 1 is in both requests and there is one slot.
    let s = scheduled(&problem(1, 5, vec![req(1, 1, 2), req(2, 1, 3)]));
    assert_eq!(s.placed.len(), 1);
    assert_eq!(s.unplaced.len(), 1);
    assert_eq!(s.unplaced[0].1, Unplaced::NoCommonSlot);
}

#[test]
fn no_table() {
    let s = scheduled(&problem(1, 1, vec![req(1, 1, 2), req(2, 3, 4)]));
    assert_eq!(s.placed.len(), 1);
    assert_eq!(s.unplaced[0].1, Unplaced::NoTable);
}

#[test]
fn no_tables_or_slots_at_all() {
    let s = scheduled(&problem(3, 0, vec![req(1, 1, 2), locked(2, 3, 4, Lock::Slot(0))]));
    assert_eq!(reason(&s, 1), Some(Unplaced::NoTable));
    assert_eq!(reason(&s, 2), Some(Unplaced::NoTable));
    let s = scheduled(&problem(0, 3, vec![req(1, 1, 2), locked(2, 3, 4, Lock::Slot(0))]));
    assert_eq!(reason(&s, 1), Some(Unplaced::NoCommonSlot));
    assert_eq!(reason(&s, 2), Some(Unplaced::InvalidLock));
    assert_eq!(scheduled(&Problem::default()), Schedule::default());
}

// ---- Locks, idle gaps, quality ----

#[test]
fn locks_are_kept_where_they_are() {
    let mut requests = vec![
        locked(100, 1, 2, Lock::SlotTable(3, 1)),
        locked(101, 3, 4, Lock::Slot(3)),
        locked(102, 1, 5, Lock::Slot(0)),
    ];
    // Many unlocked requests around the same people, which compaction
    // would like to move next to each other.
    for (i, (a, b)) in [(1, 3), (1, 4), (2, 3), (2, 4), (5, 3), (5, 2), (4, 5), (1, 6), (6, 2)].into_iter().enumerate()
    {
        requests.push(req(i as u64, a, b));
    }
    let s = scheduled(&problem(6, 2, requests));
    assert_eq!(placement(&s, 100), Some((3, 1)));
    assert_eq!(placement(&s, 101), Some((3, 0)));
    assert_eq!(placement(&s, 102).map(|p| p.0), Some(0));
}

#[test]
fn idle_gaps_are_counted_within_sessions_and_not_when_unavailable() {
    let requests = vec![locked(1, 1, 2, Lock::Slot(0)), locked(2, 1, 3, Lock::Slot(3))];
    let mut p = problem(4, 2, requests);
    assert_eq!(scheduled(&p).idle_gaps, 2);
    p.session_of_slot = vec![0, 0, 1, 1];
    assert_eq!(scheduled(&p).idle_gaps, 0);
    p.session_of_slot = vec![];
    p.unavailable = vec![(1, 1)];
    assert_eq!(scheduled(&p).idle_gaps, 1);
}

#[test]
fn meetings_are_placed_next_to_each_other() {
    // Person 2 can only meet in slot 2; input order would put 1–3 in slot 0
    // and leave person 1 idle in slot 1.
    let mut p = problem(4, 2, vec![req(1, 1, 3), req(2, 1, 2)]);
    p.unavailable = vec![(2, 0), (2, 1), (2, 3)];
    let g = greedy(&p);
    check(&p, &g).unwrap();
    assert_eq!(g.idle_gaps, 1);
    let s = scheduled(&p);
    assert_eq!(s.placed.len(), 2);
    assert_eq!(s.idle_gaps, 0);
}

#[test]
fn compaction_swaps_meetings_when_the_tables_are_full() {
    // One table: every slot is full, so meetings can only swap.
    let mut p = problem(4, 1, vec![req(1, 1, 2), req(2, 3, 4), req(3, 1, 5), req(4, 6, 7)]);
    p.unavailable = vec![(5, 0), (5, 1), (5, 3)]; // 1–5 only in slot 2
    let g = greedy(&p);
    check(&p, &g).unwrap();
    assert_eq!(g.idle_gaps, 1, "{g:?}");
    let s = scheduled(&p);
    assert_eq!(s.placed.len(), 4);
    assert_eq!(s.idle_gaps, 0, "{s:?}");
}

#[test]
fn gives_one_meeting_up_for_two() {
    // One slot: 1–2 blocks both 2–3 and 1–4.
    let p = problem(1, 2, vec![req(1, 1, 2), req(2, 2, 3), req(3, 1, 4)]);
    assert_eq!(greedy(&p).placed.len(), 1);
    let h = solver::run(&p, solver::Mode::Heuristic);
    check(&p, &h).unwrap();
    assert_eq!(h.placed.len(), 2);
    assert_eq!(scheduled(&p).placed.len(), 2);
}

#[test]
fn the_constrained_request_goes_first() {
    // 1–2 fits in slot 0 or 1; 1–3 only in slot 0 (3 is away in slot 1).
    // Input order puts 1–2 in slot 0 and leaves 1–3 out.
    let mut p = problem(2, 2, vec![req(1, 1, 2), req(2, 1, 3)]);
    p.unavailable = vec![(3, 1)];
    assert_eq!(greedy(&p).placed.len(), 1);
    let h = solver::run(&p, solver::Mode::Heuristic);
    check(&p, &h).unwrap();
    assert_eq!(h.placed.len(), 2);
}

#[test]
fn small_events_get_the_exact_optimum() {
    // One table and a cap of one: slot 1 can only hold 1–4, so slot 0 must
    // hold 2–3, the one request that touches neither.
    let mut p = problem(2, 1, vec![req(10, 0, 1), req(11, 2, 3), req(13, 1, 4), req(14, 2, 4)]);
    p.session_of_slot = vec![0, 1];
    p.cap_per_person = Some(1);
    p.unavailable = vec![(3, 1), (0, 1), (2, 1)];
    let s = scheduled(&p);
    assert_eq!(s.placed.len(), 2, "{s:?}");
    assert_eq!(placement(&s, 13).map(|p| p.0), Some(1));
    assert_eq!(placement(&s, 11).map(|p| p.0), Some(0));
}

#[test]
fn upper_bound_counts_tables_people_and_caps() {
    // Tables × slots.
    assert_eq!(upper_bound(&problem(2, 1, vec![req(1, 1, 2), req(2, 3, 4), req(3, 5, 6)])), 2);
    // Person 0 asked by five, in three slots: at most three meetings.
    let star: Vec<Request> = (1..=5).map(|b| req(b as u64, 0, b)).collect();
    assert_eq!(upper_bound(&problem(3, 10, star.clone())), 3);
    let mut capped = problem(3, 10, star);
    capped.cap_per_person = Some(2);
    assert_eq!(upper_bound(&capped), 2);
    // A triangle is half-integral: one and a half meetings with a cap of one.
    let mut triangle = problem(3, 10, vec![req(1, 1, 2), req(2, 2, 3), req(3, 1, 3)]);
    triangle.cap_per_person = Some(1);
    assert_eq!(upper_bound(&triangle), 1);
    // Locks count, invalid requests do not.
    let p = problem(2, 2, vec![locked(1, 1, 2, Lock::SlotTable(0, 0)), req(2, 3, 3), req(4, 2, 1)]);
    assert_eq!(upper_bound(&p), 1);
}

#[test]
fn check_rejects_broken_schedules() {
    let mut p = problem(
        4,
        2,
        vec![locked(1, 1, 2, Lock::SlotTable(0, 1)), req(2, 1, 3), req(3, 2, 3), req(4, 4, 5), req(5, 1, 1)],
    );
    p.unavailable = vec![(4, 3)];
    let good = scheduled(&p);
    let broken = |f: &dyn Fn(&mut Schedule)| {
        let mut s = good.clone();
        f(&mut s);
        check(&p, &s)
    };
    let slot_of = |id: u64| good.placed.iter().position(|x| x.request == id).unwrap();
    // Person 1 twice in slot 0.
    assert!(broken(&|s| s.placed[slot_of(2)].slot = 0).is_err());
    // Table 1 twice in one slot.
    assert!(
        broken(&|s| {
            let i = slot_of(4);
            s.placed[i].slot = 0;
            s.placed[i].table = 1;
        })
        .is_err()
    );
    // A lock moved.
    assert!(broken(&|s| s.placed[slot_of(1)].table = 0).is_err());
    // Unavailable.
    assert!(broken(&|s| s.placed[slot_of(4)].slot = 3).is_err());
    // A request missing, or twice.
    assert!(
        broken(&|s| {
            s.placed.remove(slot_of(4));
        })
        .is_err()
    );
    assert!(broken(&|s| s.unplaced.push((4, Unplaced::NoTable))).is_err());
    // A false reason.
    assert!(
        broken(&|s| {
            s.placed.remove(slot_of(4));
            s.unplaced.push((4, Unplaced::NoCommonSlot));
        })
        .is_err()
    );
    assert!(broken(&|s| s.unplaced[0].1 = Unplaced::Duplicate { of: 2 }).is_err());
    // Wrong idle gaps.
    assert!(broken(&|s| s.idle_gaps += 1).is_err());
    // Over the cap.
    let mut capped = p.clone();
    capped.cap_per_person = Some(1);
    assert!(check(&capped, &good).is_err());
}

#[test]
fn medium_event_fills_every_table() {
    // 200 people, 800 requests, 12 slots in two sessions, 20 tables: the
    // tables are the limit.
    let mut g = 0x2026u64;
    let mut next = |n: u32| {
        g ^= g << 13;
        g ^= g >> 7;
        g ^= g << 17;
        (g % n as u64) as u32
    };
    let mut requests = Vec::new();
    for id in 0..800 {
        let a = next(200);
        let b = if next(4) == 0 { next(10) } else { next(200) };
        requests.push(req(id, a, b));
    }
    let mut p = problem(12, 20, requests);
    p.session_of_slot = (0..12).map(|s| s / 6).collect();
    p.cap_per_person = Some(8);
    p.unavailable = (0..20).flat_map(|person| [(person, 0), (person, 1)]).collect();
    let s = scheduled(&p);
    assert_eq!(s.placed.len() as u32, upper_bound(&p));
    assert_eq!(s.placed.len(), 240);
    let g = greedy(&p);
    check(&p, &g).unwrap();
    assert!(s.idle_gaps < g.idle_gaps, "{} against the baseline's {}", s.idle_gaps, g.idle_gaps);
    assert_eq!(schedule(&p), s);
}

// ---- Generated problems ----

fn lock(slots: u32, tables: u32) -> impl Strategy<Value = Lock> {
    // Up to one past the end, so that some locks are invalid.
    prop_oneof![
        8 => Just(Lock::None),
        1 => (0..=slots).prop_map(Lock::Slot),
        1 => (0..=slots, 0..=tables).prop_map(|(s, t)| Lock::SlotTable(s, t)),
    ]
}

/// Problems with `people` people, `slots` slots, `tables` tables and
/// `requests` requests (ranges); some caps, absences, sessions and locks.
fn problems(
    people: RangeInclusive<u32>,
    slots: RangeInclusive<u32>,
    tables: RangeInclusive<u32>,
    requests: RangeInclusive<usize>,
) -> impl Strategy<Value = Problem> {
    (people, slots, tables)
        .prop_flat_map(move |(people, slots, tables)| {
            (
                Just((slots, tables)),
                prop::option::weighted(0.3, 0..=3u32),
                prop::collection::vec((0..people, 0..slots), 0..=(people * slots / 3) as usize),
                prop::collection::vec((0..people, 0..people, lock(slots, tables)), requests.clone()),
                prop::collection::vec(0..2u32, 0..=slots as usize),
            )
        })
        .prop_map(|((slots, tables), cap, unavailable, requests, mut sessions)| {
            sessions.sort_unstable();
            Problem {
                slots,
                session_of_slot: sessions,
                tables,
                cap_per_person: cap,
                unavailable,
                requests: requests
                    .into_iter()
                    .enumerate()
                    .map(|(i, (a, b, lock))| Request { id: 10 + i as u64, a, b, lock })
                    .collect(),
            }
        })
}

/// Small problems for the exhaustive search: at most 7 requests, 4 slots,
/// 2 tables and 5 people, crowded enough that most leave some out.
fn small() -> impl Strategy<Value = Problem> {
    problems(3..=5, 1..=4, 1..=2, 4..=7)
}

/// The most meetings any schedule can place that keeps the locks
/// `schedule` kept and leaves out the requests it rejected by rule (same
/// person, duplicate): exhaustive search.
fn optimum(p: &Problem, s: &Schedule) -> usize {
    struct Search<'a> {
        p: &'a Problem,
        free: Vec<&'a Request>,
        busy: BTreeSet<(u32, u32)>,
        per_slot: Vec<u32>,
        count: BTreeMap<u32, u32>,
        pairs: BTreeSet<(u32, u32)>,
    }
    impl Search<'_> {
        fn fits(&self, r: &Request, slot: u32) -> bool {
            let cap = self.p.cap_per_person.unwrap_or(u32::MAX);
            [r.a, r.b].iter().all(|&x| {
                !self.busy.contains(&(x, slot))
                    && !self.p.unavailable.contains(&(x, slot))
                    && self.count.get(&x).copied().unwrap_or(0) < cap
            }) && self.per_slot[slot as usize] < self.p.tables
                && !self.pairs.contains(&(r.a.min(r.b), r.a.max(r.b)))
        }
        fn set(&mut self, r: &Request, slot: u32, on: bool) {
            for x in [r.a, r.b] {
                let n = self.count.entry(x).or_default();
                if on {
                    self.busy.insert((x, slot));
                    *n += 1;
                } else {
                    self.busy.remove(&(x, slot));
                    *n -= 1;
                }
            }
            let pair = (r.a.min(r.b), r.a.max(r.b));
            if on {
                self.per_slot[slot as usize] += 1;
                self.pairs.insert(pair);
            } else {
                self.per_slot[slot as usize] -= 1;
                self.pairs.remove(&pair);
            }
        }
        fn best(&mut self, i: usize) -> usize {
            if i == self.free.len() {
                return 0;
            }
            let r = self.free[i];
            let mut best = self.best(i + 1);
            for slot in 0..self.p.slots {
                if self.fits(r, slot) {
                    self.set(r, slot, true);
                    best = best.max(1 + self.best(i + 1));
                    self.set(r, slot, false);
                }
            }
            best
        }
    }
    let kept: BTreeMap<u64, u32> = s.placed.iter().map(|x| (x.request, x.slot)).collect();
    let mut search = Search {
        p,
        free: Vec::new(),
        busy: BTreeSet::new(),
        per_slot: vec![0; p.slots as usize],
        count: BTreeMap::new(),
        pairs: BTreeSet::new(),
    };
    let mut locks = 0;
    for r in &p.requests {
        if r.lock != Lock::None {
            if let Some(&slot) = kept.get(&r.id) {
                search.set(r, slot, true);
                locks += 1;
            }
        } else if !matches!(reason(s, r.id), Some(Unplaced::SamePerson | Unplaced::Duplicate { .. })) {
            search.free.push(r);
        }
    }
    locks + search.best(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn schedules_are_valid_deterministic_and_within_bounds(p in problems(2..=12, 1..=8, 0..=4, 0..=40)) {
        let s = schedule(&p);
        prop_assert_eq!(check(&p, &s), Ok(()));
        prop_assert_eq!(&schedule(&p), &s);
        let g = greedy(&p);
        prop_assert_eq!(check(&p, &g), Ok(()));
        prop_assert_eq!(&greedy(&p), &g);
        prop_assert!(s.placed.len() >= g.placed.len(), "schedule {} < greedy {}", s.placed.len(), g.placed.len());
        prop_assert!(s.placed.len() as u32 <= upper_bound(&p));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn small_problems_get_the_optimum(p in small()) {
        let s = schedule(&p);
        prop_assert_eq!(check(&p, &s), Ok(()));
        prop_assert_eq!(s.placed.len(), optimum(&p, &s));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn larger_problems_are_valid_and_within_bounds(p in problems(2..=80, 1..=16, 0..=12, 0..=300)) {
        let s = schedule(&p);
        prop_assert_eq!(check(&p, &s), Ok(()));
        prop_assert_eq!(&schedule(&p), &s);
        let g = greedy(&p);
        prop_assert!(s.placed.len() >= g.placed.len());
        prop_assert!(s.placed.len() as u32 <= upper_bound(&p));
    }
}

/// The heuristic phases alone (no exact search) on a fixed sample of small
/// problems: how often they find the optimum.
#[test]
fn the_heuristic_alone_is_nearly_always_optimal_on_small_problems() {
    let strategy = small();
    let mut runner = TestRunner::deterministic();
    let (mut hit, total) = (0, 2000);
    for _ in 0..total {
        let p = strategy.new_tree(&mut runner).unwrap().current();
        let h = solver::run(&p, solver::Mode::Heuristic);
        check(&p, &h).unwrap();
        if h.placed.len() == optimum(&p, &h) {
            hit += 1;
        }
    }
    eprintln!("heuristic optimal on {hit} of {total} small problems");
    assert!(hit * 100 >= total * 99, "{hit} of {total}");
}
