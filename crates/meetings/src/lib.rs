//! Meeting scheduling for a matchmaking event, pure: the accepted one-to-one
//! meeting requests are placed into time slots and tables, as many as
//! possible, and every request that could not be placed gets the reason.
//!
//! The organiser configures the day as a row of usable slots (breaks left
//! out) grouped into sessions, a number of tables (or rooms) and optionally
//! a cap of meetings per person. Some people are unavailable in some slots
//! (they arrive late or leave early). Some meetings are locked by the
//! organiser to a slot, or to a slot and a table; a valid lock is kept as it
//! is.
//!
//! [`schedule`] is the scheduler: locked meetings first; then the most
//! constrained requests first (fewest slots left), each in the free slot
//! that adds the fewest idle gaps; then improvement moves that each place
//! one more meeting — a chain of meetings moved to other slots to make
//! room, one meeting given up for two, and alternating paths through
//! people at their cap or without a free slot (one gives up a meeting,
//! the other side takes another request instead, and so on); an exact
//! branch-and-bound search when there are few requests; and a compaction
//! that moves and swaps meetings to close idle gaps without losing any.
//! It stops improving once it meets the upper bound. [`greedy`] is the
//! simple baseline (input order, first free slot); [`upper_bound`] is a
//! bound no schedule can beat; [`check`] validates a schedule against its
//! problem, reasons included.
//!
//! The results are deterministic: the same problem gives the same schedule.
//! Request ids are the caller's; they should be unique ([`check`] requires
//! it).

mod solver;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

/// A matchmaking event to schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    /// Usable slots in time order, breaks left out: slot indexes are
    /// `0..slots`.
    pub slots: u32,
    /// The session of each slot. Idle gaps are counted within a session
    /// only (the break between sessions is not idle time). Empty means one
    /// session; a slot without an entry is in session 0.
    pub session_of_slot: Vec<u32>,
    /// Tables (or rooms): table indexes are `0..tables`.
    pub tables: u32,
    /// The most meetings one person may have, if capped.
    pub cap_per_person: Option<u32>,
    /// (person, slot): the person is not there in that slot.
    pub unavailable: Vec<(u32, u32)>,
    /// The accepted meeting requests.
    pub requests: Vec<Request>,
}

/// An accepted meeting request between two people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// The caller's id of the request, reported back in the schedule.
    pub id: u64,
    pub a: u32,
    pub b: u32,
    pub lock: Lock,
}

/// What the organiser fixed of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lock {
    /// Nothing: the scheduler chooses the slot and the table.
    #[default]
    None,
    /// The slot; the scheduler chooses the table.
    Slot(u32),
    /// The slot and the table.
    SlotTable(u32, u32),
}

impl Lock {
    /// The locked slot, if any.
    pub fn slot(self) -> Option<u32> {
        match self {
            Lock::None => None,
            Lock::Slot(s) | Lock::SlotTable(s, _) => Some(s),
        }
    }
}

/// A placed meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Placement {
    pub request: u64,
    pub slot: u32,
    pub table: u32,
}

/// Why a request was not placed, true of the final schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unplaced {
    /// The lock names a slot or table outside the event, or a slot in which
    /// one of the two is unavailable.
    InvalidLock,
    /// The locked slot already holds a locked meeting of one of the two
    /// people, or the locked table is taken in that slot by a locked
    /// meeting; locks are taken in input order, slot-and-table locks before
    /// slot-only locks.
    LockClash { with: u64 },
    /// Both sides are the same person.
    SamePerson,
    /// This person already has the most meetings allowed (for a locked
    /// request: that many locked meetings).
    Cap { person: u32 },
    /// No slot in which both are available and neither has a meeting.
    NoCommonSlot,
    /// There were slots in which both were available and free, but every
    /// table was taken in each of them (for a slot lock: in that slot).
    NoTable,
    /// The same pair is already requested by request `of` (a locked request
    /// is kept over unlocked ones, otherwise the first in input order).
    Duplicate { of: u64 },
}

/// The result: placed meetings ordered by slot and table, unplaced
/// requests in input order with their reasons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    pub placed: Vec<Placement>,
    pub unplaced: Vec<(u64, Unplaced)>,
    /// Empty slots between two meetings of the same person within one
    /// session, summed over people (slots in which the person is
    /// unavailable are not idle).
    pub idle_gaps: u32,
}

/// Places as many of the requests as it can: valid locks as they are, then
/// the rest as described in the crate documentation.
pub fn schedule(problem: &Problem) -> Schedule {
    solver::run(problem, solver::Mode::Full)
}

/// The baseline: valid locks as they are, then the other requests in input
/// order, each in the first slot free for both (and with a free table), at
/// the first free table.
pub fn greedy(problem: &Problem) -> Schedule {
    solver::run(problem, solver::Mode::Greedy)
}

/// An upper bound on the number of meetings any schedule that keeps the
/// same locks can place: the locked meetings plus the lesser of two
/// bounds on the rest — the per-slot limit (free tables, and half the
/// people free in the slot) summed over slots, and the fractional
/// b-matching bound (each person takes at most as many meetings as they
/// have free slots and cap room, each request is met at most once; a
/// maximum flow), which is at most the number of placeable requests.
pub fn upper_bound(problem: &Problem) -> u32 {
    solver::upper_bound(problem)
}

/// Checks a schedule against its problem: every request is reported once
/// (placed or unplaced); slots and tables exist; nobody is in two meetings
/// in a slot and no table holds two; people are available in their slots;
/// caps hold; no pair meets twice; locked requests are placed where locked;
/// each reason is true of the final schedule; the idle gaps add up.
pub fn check(problem: &Problem, schedule: &Schedule) -> Result<(), String> {
    let cap = problem.cap_per_person;
    let unavailable: BTreeSet<(u32, u32)> = problem.unavailable.iter().copied().collect();
    let available = |p: u32, s: u32| !unavailable.contains(&(p, s));
    let mut by_id: BTreeMap<u64, &Request> = BTreeMap::new();
    for r in &problem.requests {
        if by_id.insert(r.id, r).is_some() {
            return Err(format!("request id {} is not unique", r.id));
        }
    }
    let mut reported: BTreeSet<u64> = BTreeSet::new();
    for id in schedule.placed.iter().map(|p| p.request).chain(schedule.unplaced.iter().map(|u| u.0)) {
        if !by_id.contains_key(&id) {
            return Err(format!("request {id} is not in the problem"));
        }
        if !reported.insert(id) {
            return Err(format!("request {id} is reported twice"));
        }
    }
    if reported.len() != by_id.len() {
        return Err(format!("{} requests reported of {}", reported.len(), by_id.len()));
    }

    // The placed meetings.
    let mut person_slot: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    let mut table_slot: BTreeSet<(u32, u32)> = BTreeSet::new();
    let mut per_slot: BTreeMap<u32, u32> = BTreeMap::new();
    let mut count: BTreeMap<u32, u32> = BTreeMap::new();
    let mut locked_count: BTreeMap<u32, u32> = BTreeMap::new();
    let mut pairs: BTreeSet<(u32, u32)> = BTreeSet::new();
    let mut slot_of: BTreeMap<u64, (u32, u32)> = BTreeMap::new();
    for p in &schedule.placed {
        let r = by_id[&p.request];
        if p.slot >= problem.slots || p.table >= problem.tables {
            return Err(format!("request {} placed at slot {} table {} outside the event", r.id, p.slot, p.table));
        }
        if r.a == r.b {
            return Err(format!("request {} placed with the same person on both sides", r.id));
        }
        if !table_slot.insert((p.slot, p.table)) {
            return Err(format!("table {} holds two meetings in slot {}", p.table, p.slot));
        }
        for person in [r.a, r.b] {
            if let Some(other) = person_slot.insert((person, p.slot), r.id) {
                return Err(format!("person {person} is in requests {other} and {} in slot {}", r.id, p.slot));
            }
            if !available(person, p.slot) {
                return Err(format!("person {person} is unavailable in slot {} (request {})", p.slot, r.id));
            }
            *count.entry(person).or_default() += 1;
            if r.lock != Lock::None {
                *locked_count.entry(person).or_default() += 1;
            }
        }
        if !pairs.insert((r.a.min(r.b), r.a.max(r.b))) {
            return Err(format!("the pair of request {} meets twice", r.id));
        }
        match r.lock {
            Lock::None => {}
            Lock::Slot(s) if s == p.slot => {}
            Lock::SlotTable(s, t) if s == p.slot && t == p.table => {}
            lock => {
                return Err(format!("request {} locked at {lock:?} placed at slot {} table {}", r.id, p.slot, p.table));
            }
        }
        *per_slot.entry(p.slot).or_default() += 1;
        slot_of.insert(r.id, (p.slot, p.table));
    }
    if let Some(c) = cap
        && let Some((person, n)) = count.iter().find(|(_, n)| **n > c)
    {
        return Err(format!("person {person} has {n} meetings, over the cap {c}"));
    }

    // The reasons, against the final schedule.
    let free = |p: u32, s: u32| available(p, s) && !person_slot.contains_key(&(p, s));
    let full = |s: u32| per_slot.get(&s).copied().unwrap_or(0) >= problem.tables;
    for &(id, reason) in &schedule.unplaced {
        let r = by_id[&id];
        let wrong = |why: &str| Err(format!("request {id}: {reason:?} is not true: {why}"));
        match reason {
            Unplaced::SamePerson => {
                if r.a != r.b {
                    return wrong("two different people");
                }
            }
            Unplaced::Duplicate { of } => match by_id.get(&of) {
                Some(o) if of != id && (o.a.min(o.b), o.a.max(o.b)) == (r.a.min(r.b), r.a.max(r.b)) => {}
                _ => return wrong("no other request of the same pair"),
            },
            Unplaced::InvalidLock => {
                let valid = match r.lock {
                    Lock::None => true,
                    Lock::Slot(s) => s < problem.slots && available(r.a, s) && available(r.b, s),
                    Lock::SlotTable(s, t) => {
                        s < problem.slots && t < problem.tables && available(r.a, s) && available(r.b, s)
                    }
                };
                if valid {
                    return wrong("the lock is valid (or there is none)");
                }
            }
            Unplaced::LockClash { with } => {
                let Some(s) = r.lock.slot() else { return wrong("not locked") };
                let Some(w) = by_id.get(&with) else { return wrong("no such request") };
                let Some(&(ws, wt)) = slot_of.get(&with) else { return wrong("that request is not placed") };
                let shares = [w.a, w.b].contains(&r.a) || [w.a, w.b].contains(&r.b);
                let same_table = matches!(r.lock, Lock::SlotTable(_, t) if t == wt);
                if w.lock == Lock::None || ws != s || !(shares || same_table) {
                    return wrong("that request is not a locked meeting in the way");
                }
            }
            Unplaced::Cap { person } => {
                let Some(c) = cap else { return wrong("no cap") };
                let n = if r.lock == Lock::None { &count } else { &locked_count };
                if ![r.a, r.b].contains(&person) || n.get(&person).copied().unwrap_or(0) < c {
                    return wrong("the person is not at the cap");
                }
            }
            Unplaced::NoCommonSlot => {
                if r.lock != Lock::None || r.a == r.b {
                    return wrong("locked, or the same person");
                }
                if (0..problem.slots).any(|s| free(r.a, s) && free(r.b, s)) {
                    return wrong("there is a common free slot");
                }
            }
            Unplaced::NoTable => match r.lock {
                Lock::None => {
                    let common: Vec<u32> = (0..problem.slots).filter(|&s| free(r.a, s) && free(r.b, s)).collect();
                    if r.a == r.b || common.is_empty() || !common.iter().all(|&s| full(s)) {
                        return wrong("no common free slot, or one with a free table");
                    }
                }
                Lock::Slot(s) => {
                    if s >= problem.slots || !full(s) {
                        return wrong("the locked slot has a free table");
                    }
                }
                Lock::SlotTable(..) => return wrong("the table is locked"),
            },
        }
    }

    // Idle gaps.
    let mut meetings: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for &(person, s) in person_slot.keys() {
        meetings.entry(person).or_default().insert(s);
    }
    let mut sessions: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for s in 0..problem.slots {
        sessions.entry(problem.session_of_slot.get(s as usize).copied().unwrap_or(0)).or_default().push(s);
    }
    let mut gaps = 0;
    for (&person, slots) in &meetings {
        for in_session in sessions.values() {
            let mine: Vec<usize> =
                in_session.iter().enumerate().filter(|(_, s)| slots.contains(s)).map(|(i, _)| i).collect();
            if let (Some(&first), Some(&last)) = (mine.first(), mine.last()) {
                gaps +=
                    in_session[first..=last].iter().filter(|&&s| !slots.contains(&s) && available(person, s)).count()
                        as u32;
            }
        }
    }
    if gaps != schedule.idle_gaps {
        return Err(format!("idle gaps reported {}, counted {gaps}", schedule.idle_gaps));
    }
    Ok(())
}
