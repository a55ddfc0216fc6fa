//! The meeting scheduler of a matchmaking day, measured in process: a
//! seeded event (one participant in twenty popular and asked ten times as
//! often as the others, one in ten arriving late and one in ten leaving
//! early, one request in a hundred locked by the organiser), scheduled by
//! the scheduler and by the input-order baseline. Prints the times over the
//! repeats, the meetings each places against the upper bound, their idle
//! gaps and why requests were left out; both schedules go through the
//! validator.

use crate::corpus::Rng;
use kimppa_meetings::{Lock, Problem, Request, Schedule, Unplaced, check, greedy, schedule, upper_bound};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Sessions of the day: four (two before lunch, two after) when there are
/// at least four slots.
const SESSIONS: u32 = 4;

/// The seeded event; `cap` 0 means no cap.
pub fn problem(seed: u64, participants: u32, requests: usize, slots: u32, tables: u32, cap: u32) -> Problem {
    let mut rng = Rng::new(seed);
    let n = participants.max(2);
    let sessions = SESSIONS.min(slots.max(1));
    let session_of_slot = (0..slots).map(|s| s * sessions / slots).collect();
    // The side asked: popular people ten times as often.
    let weights: Vec<u32> = (0..n).map(|_| if rng.below(20) == 0 { 10 } else { 1 }).collect();
    let cumulative: Vec<u64> = weights
        .iter()
        .scan(0u64, |sum, &w| {
            *sum += w as u64;
            Some(*sum)
        })
        .collect();
    let total = *cumulative.last().unwrap_or(&1);
    let mut pairs = BTreeSet::new();
    let mut list = Vec::with_capacity(requests);
    // Every pair at most once; a bounded number of tries for tiny events.
    let mut tries = 0usize;
    while list.len() < requests && tries < requests * 20 {
        tries += 1;
        let a = rng.below(n as usize) as u32;
        let x = rng.below(total as usize) as u64;
        let b = cumulative.partition_point(|&c| c <= x) as u32;
        if a == b || !pairs.insert((a.min(b), a.max(b))) {
            continue;
        }
        list.push(Request { id: list.len() as u64 + 1, a, b, lock: Lock::None });
    }
    // Late arrivals and early leavers: one in ten each, one to six slots.
    let mut unavailable = Vec::new();
    for p in 0..n {
        match rng.below(10) {
            0 => unavailable.extend((0..(1 + rng.below(6) as u32).min(slots)).map(|s| (p, s))),
            1 => unavailable.extend((slots.saturating_sub(1 + rng.below(6) as u32)..slots).map(|s| (p, s))),
            _ => {}
        }
    }
    let away: BTreeSet<(u32, u32)> = unavailable.iter().copied().collect();
    // Locks: one request in a hundred, in a slot both are there for; half
    // also at a table. Some of them clash, as an organiser's locks can.
    for r in &mut list {
        if slots == 0 || rng.below(100) != 0 {
            continue;
        }
        let s = rng.below(slots as usize) as u32;
        if away.contains(&(r.a, s)) || away.contains(&(r.b, s)) {
            continue;
        }
        r.lock = if rng.below(2) == 0 || tables == 0 {
            Lock::Slot(s)
        } else {
            Lock::SlotTable(s, rng.below(tables as usize) as u32)
        };
    }
    Problem { slots, session_of_slot, tables, cap_per_person: (cap > 0).then_some(cap), unavailable, requests: list }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs `f` `repeat` times: the last result, and the times in ms, sorted.
fn timed(repeat: usize, f: impl Fn() -> Schedule) -> (Schedule, Vec<f64>) {
    let mut ms = Vec::with_capacity(repeat);
    let mut last = Schedule::default();
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        last = std::hint::black_box(f());
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    (last, ms)
}

fn reasons(s: &Schedule) -> String {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, u) in &s.unplaced {
        let name = match u {
            Unplaced::InvalidLock => "invalid lock",
            Unplaced::LockClash { .. } => "lock clash",
            Unplaced::SamePerson => "same person",
            Unplaced::Cap { .. } => "cap",
            Unplaced::NoCommonSlot => "no common slot",
            Unplaced::NoTable => "no table",
            Unplaced::Duplicate { .. } => "duplicate",
        };
        *by.entry(name).or_default() += 1;
    }
    by.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

/// Generates the event, schedules it `repeat` times each way and prints
/// the report.
pub fn run(seed: u64, participants: u32, requests: usize, slots: u32, tables: u32, cap: u32, repeat: usize) {
    let p = problem(seed, participants, requests, slots, tables, cap);
    let locked = p.requests.iter().filter(|r| r.lock != Lock::None).count();
    let sessions: BTreeSet<u32> = p.session_of_slot.iter().copied().collect();
    println!(
        "meeting scheduler: {participants} participants, {} accepted requests ({locked} locked), {slots} slots in {} sessions, {tables} tables, cap {}, {} person-slots unavailable",
        p.requests.len(),
        sessions.len(),
        p.cap_per_person.map_or("none".to_string(), |c| c.to_string()),
        p.unavailable.len()
    );
    let (s, s_ms) = timed(repeat, || schedule(&p));
    let (g, g_ms) = timed(repeat, || greedy(&p));
    let bound = upper_bound(&p) as usize;
    println!(
        "time ({} runs): schedule p50 {:.1} ms, max {:.1} ms; greedy baseline p50 {:.1} ms, max {:.1} ms",
        s_ms.len(),
        percentile(&s_ms, 0.5),
        s_ms.last().copied().unwrap_or_default(),
        percentile(&g_ms, 0.5),
        g_ms.last().copied().unwrap_or_default()
    );
    let (sp, gp) = (s.placed.len(), g.placed.len());
    println!(
        "meetings placed: schedule {sp}, greedy {gp}, upper bound {bound} — schedule/bound {:.1}%, greedy/bound {:.1}%, schedule/greedy {:.3}",
        100.0 * sp as f64 / bound.max(1) as f64,
        100.0 * gp as f64 / bound.max(1) as f64,
        sp as f64 / gp.max(1) as f64
    );
    println!(
        "idle gaps (empty slots between a person's meetings in a session): schedule {} ({:.2} per person met), greedy {} ({:.2})",
        s.idle_gaps,
        s.idle_gaps as f64 / people_met(&p, &s).max(1) as f64,
        g.idle_gaps,
        g.idle_gaps as f64 / people_met(&p, &g).max(1) as f64
    );
    println!("left out by schedule: {}", reasons(&s));
    println!("left out by greedy:   {}", reasons(&g));
    match (check(&p, &s), check(&p, &g)) {
        (Ok(()), Ok(())) => println!("both schedules pass the validator"),
        (a, b) => println!("VALIDATOR: schedule {a:?}, greedy {b:?}"),
    }
}

/// People with at least one meeting.
fn people_met(p: &Problem, s: &Schedule) -> usize {
    let by_id: BTreeMap<u64, &Request> = p.requests.iter().map(|r| (r.id, r)).collect();
    s.placed.iter().flat_map(|x| [by_id[&x.request].a, by_id[&x.request].b]).collect::<BTreeSet<_>>().len()
}
