//! The scheduler's working state and its phases.
//!
//! Tables are interchangeable during the search (only slot-and-table locks
//! name one), so the state counts the meetings of each slot and hands out
//! the concrete tables at the end. People are renumbered densely; slot sets
//! are bit sets of `words` 64-bit words per person.

use crate::{Lock, Placement, Problem, Schedule, Unplaced};
use std::collections::{BTreeMap, BTreeSet};

const NONE: u32 = u32::MAX;
/// How many meetings in turn one placement may move out of its way.
const DEPTH: u32 = 3;
/// Search nodes one augmenting attempt may visit.
const ATTEMPT_NODES: u64 = 300;
/// Search nodes the whole improvement phase may visit.
const IMPROVE_NODES: u64 = 400_000;
/// Improvement rounds at most (each round tries every unplaced request
/// and every placed meeting once).
const ROUNDS: usize = 4;
/// Meetings tried, in a full slot, to free a table.
const TABLE_BRANCH: usize = 3;
/// The exact search runs when there are at most this many requests to
/// schedule (locks aside)...
const EXACT_REQUESTS: usize = 40;
/// ...and stops after this many nodes, keeping the best schedule found.
const EXACT_NODES: u64 = 200_000;
/// Passes of the idle-gap compaction at most.
const COMPACT_PASSES: usize = 8;

/// Which scheduler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// [`crate::schedule`].
    Full,
    /// [`crate::schedule`] without the exact search (to measure the
    /// heuristic phases on their own in tests).
    #[cfg_attr(not(test), allow(dead_code))]
    Heuristic,
    /// [`crate::greedy`].
    Greedy,
}

/// A change to the state, kept to undo a failed search branch.
#[derive(Debug, Clone, Copy)]
enum Op {
    Placed(u32),
    Removed(u32, u32),
}

#[derive(Debug, Clone)]
struct State {
    slots: usize,
    words: usize,
    tables: u32,
    /// `u32::MAX` when there is no cap.
    cap: u32,
    /// Per person, the slots they are available in.
    avail: Vec<u64>,
    /// Per person, the slots they have a meeting in.
    busy: Vec<u64>,
    /// Per person and slot, the request met there (or `NONE`).
    at: Vec<u32>,
    /// Per person, meetings placed.
    count: Vec<u32>,
    /// Per slot, meetings placed.
    used: Vec<u32>,
    /// The slots with every table taken.
    full: Vec<u64>,
    /// Per slot, the requests placed there (in no particular order).
    in_slot: Vec<Vec<u32>>,
    /// Per request, its position in `in_slot`.
    pos: Vec<u32>,
    /// Per request, its slot (or `NONE`).
    slot: Vec<u32>,
    /// Per request, its two people (dense).
    pair: Vec<(u32, u32)>,
    locked: Vec<bool>,
    /// Per slot, its session (dense); per session, its slots in order.
    session_of: Vec<u32>,
    sessions: Vec<Vec<u32>>,
    placed: usize,
    logging: bool,
    trail: Vec<Op>,
    tabu: Vec<bool>,
    tabu_list: Vec<u32>,
}

impl State {
    fn people_of(&self, r: usize) -> (usize, usize) {
        let (a, b) = self.pair[r];
        (a as usize, b as usize)
    }

    fn avail_at(&self, p: usize, s: usize) -> bool {
        self.avail[p * self.words + s / 64] >> (s % 64) & 1 == 1
    }

    fn at(&self, p: usize, s: usize) -> u32 {
        self.at[p * self.slots + s]
    }

    fn at_cap(&self, r: usize) -> bool {
        let (a, b) = self.people_of(r);
        self.count[a] >= self.cap || self.count[b] >= self.cap
    }

    /// Word `k` of the slots in which `r` could be placed as things are
    /// (caps aside).
    fn free_word(&self, r: usize, k: usize) -> u64 {
        let (a, b) = self.people_of(r);
        let (a, b) = (a * self.words + k, b * self.words + k);
        self.avail[a] & self.avail[b] & !self.busy[a] & !self.busy[b] & !self.full[k]
    }

    /// Whether both people of `r` are available and free in some slot
    /// (tables aside).
    fn common_free(&self, r: usize) -> bool {
        let (a, b) = self.people_of(r);
        (0..self.words).any(|k| {
            let (a, b) = (a * self.words + k, b * self.words + k);
            self.avail[a] & self.avail[b] & !self.busy[a] & !self.busy[b] != 0
        })
    }

    /// Whether one of `r`'s people has no free slot left: then `r` can only
    /// be placed by dropping another of their meetings.
    fn saturated(&self, r: usize) -> bool {
        let (a, b) = self.people_of(r);
        [a, b]
            .iter()
            .any(|&p| (0..self.words).all(|k| self.avail[p * self.words + k] & !self.busy[p * self.words + k] == 0))
    }

    /// The number of slots in which `r` could be placed as things are.
    fn options(&self, r: usize) -> u32 {
        if self.at_cap(r) {
            return 0;
        }
        (0..self.words).map(|k| self.free_word(r, k).count_ones()).sum()
    }

    fn first_slot(&self, r: usize) -> Option<usize> {
        if self.at_cap(r) {
            return None;
        }
        (0..self.words).find_map(|k| {
            let x = self.free_word(r, k);
            (x != 0).then(|| k * 64 + x.trailing_zeros() as usize)
        })
    }

    /// The slot for `r` that adds the fewest idle gaps (the earliest of
    /// equals), if it can be placed as things are.
    fn best_slot(&self, r: usize) -> Option<usize> {
        if self.at_cap(r) {
            return None;
        }
        let (a, b) = self.people_of(r);
        let mut best: Option<(i64, usize)> = None;
        for k in 0..self.words {
            let mut x = self.free_word(r, k);
            while x != 0 {
                let s = k * 64 + x.trailing_zeros() as usize;
                x &= x - 1;
                let d = self.delta(a, NONE, s as u32) + self.delta(b, NONE, s as u32);
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, s));
                }
            }
        }
        best.map(|(_, s)| s)
    }

    fn place(&mut self, r: usize, s: usize) {
        let (a, b) = self.people_of(r);
        for p in [a, b] {
            self.at[p * self.slots + s] = r as u32;
            self.busy[p * self.words + s / 64] |= 1 << (s % 64);
            self.count[p] += 1;
        }
        self.used[s] += 1;
        if self.used[s] >= self.tables {
            self.full[s / 64] |= 1 << (s % 64);
        }
        self.pos[r] = self.in_slot[s].len() as u32;
        self.in_slot[s].push(r as u32);
        self.slot[r] = s as u32;
        self.placed += 1;
        if self.logging {
            self.trail.push(Op::Placed(r as u32));
        }
    }

    fn remove(&mut self, r: usize) {
        let s = self.slot[r] as usize;
        let (a, b) = self.people_of(r);
        for p in [a, b] {
            self.at[p * self.slots + s] = NONE;
            self.busy[p * self.words + s / 64] &= !(1 << (s % 64));
            self.count[p] -= 1;
        }
        self.used[s] -= 1;
        self.full[s / 64] &= !(1 << (s % 64));
        let i = self.pos[r] as usize;
        self.in_slot[s].swap_remove(i);
        if let Some(&moved) = self.in_slot[s].get(i) {
            self.pos[moved as usize] = i as u32;
        }
        self.slot[r] = NONE;
        self.placed -= 1;
        if self.logging {
            self.trail.push(Op::Removed(r as u32, s as u32));
        }
    }

    /// Undoes the changes after `mark` in the trail.
    fn undo(&mut self, mark: usize) {
        let logging = std::mem::replace(&mut self.logging, false);
        while self.trail.len() > mark {
            match self.trail.pop() {
                Some(Op::Placed(r)) => self.remove(r as usize),
                Some(Op::Removed(r, s)) => self.place(r as usize, s as usize),
                None => break,
            }
        }
        self.logging = logging;
    }

    fn set_tabu(&mut self, r: usize) {
        if !self.tabu[r] {
            self.tabu[r] = true;
            self.tabu_list.push(r as u32);
        }
    }

    fn untabu(&mut self, mark: usize) {
        for r in self.tabu_list.drain(mark..) {
            self.tabu[r as usize] = false;
        }
    }

    /// Idle gaps of person `p` in session `sess`, as if the meeting in
    /// slot `without` were gone and one in slot `extra` were added.
    fn gaps_in(&self, p: usize, sess: usize, without: u32, extra: u32) -> i64 {
        let (mut total, mut pending, mut seen) = (0, 0, false);
        for &s in &self.sessions[sess] {
            let busy = s == extra || (s != without && self.at(p, s as usize) != NONE);
            if busy {
                if seen {
                    total += pending;
                }
                pending = 0;
                seen = true;
            } else if seen && self.avail_at(p, s as usize) {
                pending += 1;
            }
        }
        total
    }

    /// The change in `p`'s idle gaps when their meeting in slot `from` (or
    /// none, `NONE`) moves to slot `to`.
    fn delta(&self, p: usize, from: u32, to: u32) -> i64 {
        let st = self.session_of[to as usize] as usize;
        let mut d = self.gaps_in(p, st, from, to) - self.gaps_in(p, st, NONE, NONE);
        if from != NONE {
            let sf = self.session_of[from as usize] as usize;
            if sf != st {
                d += self.gaps_in(p, sf, from, to) - self.gaps_in(p, sf, NONE, NONE);
            }
        }
        d
    }

    fn person_gaps(&self, p: usize) -> i64 {
        (0..self.sessions.len()).map(|sess| self.gaps_in(p, sess, NONE, NONE)).sum()
    }

    // ---- Construction ----

    /// The baseline: input order, first free slot.
    fn greedy(&mut self, free: &[u32]) {
        for &r in free {
            if let Some(s) = self.first_slot(r as usize) {
                self.place(r as usize, s);
            }
        }
    }

    /// Most constrained first: the request with the fewest slots left
    /// (then the pair with fewer meetings so far, then input order), in the
    /// slot that adds the fewest idle gaps. The queue is kept up to date:
    /// a placement changes the keys of its people's requests, a slot
    /// filling up those of every request.
    fn construct(&mut self, free: &[u32], by_person: &[Vec<u32>]) {
        let key = |st: &State, r: usize| {
            let (a, b) = st.people_of(r);
            (st.options(r), st.count[a] + st.count[b], r as u32)
        };
        let mut keys: Vec<Option<(u32, u32, u32)>> = vec![None; self.slot.len()];
        let mut queue = BTreeSet::new();
        for &r in free {
            let k = key(self, r as usize);
            keys[r as usize] = Some(k);
            queue.insert(k);
        }
        while let Some((options, _, r)) = queue.pop_first() {
            let r = r as usize;
            keys[r] = None;
            if options == 0 {
                continue;
            }
            let Some(s) = self.best_slot(r) else { continue };
            self.place(r, s);
            if self.used[s] >= self.tables {
                let pending: Vec<u32> = queue.iter().map(|k| k.2).collect();
                queue.clear();
                for o in pending {
                    let k = key(self, o as usize);
                    keys[o as usize] = Some(k);
                    queue.insert(k);
                }
            } else {
                let (a, b) = self.people_of(r);
                for &o in by_person[a].iter().chain(&by_person[b]) {
                    if let Some(old) = keys[o as usize] {
                        queue.remove(&old);
                        let k = key(self, o as usize);
                        keys[o as usize] = Some(k);
                        queue.insert(k);
                    }
                }
            }
        }
    }

    // ---- Improvement ----

    /// Places `r`, moving meetings out of its way in turn (up to `depth`
    /// deep), or leaves everything as it was. Meetings moved in this
    /// attempt are not moved again.
    fn augment(&mut self, r: usize, depth: u32, nodes: &mut u64) -> bool {
        if *nodes == 0 || self.at_cap(r) || self.saturated(r) {
            return false;
        }
        *nodes -= 1;
        if let Some(s) = self.best_slot(r) {
            self.place(r, s);
            self.set_tabu(r);
            return true;
        }
        if depth == 0 {
            return false;
        }
        let (a, b) = self.people_of(r);
        let movable = |st: &State, m: u32| m == NONE || !(st.locked[m as usize] || st.tabu[m as usize]);
        // (meetings to move, slot, the meetings).
        let mut options: Vec<(usize, usize, [u32; 3])> = Vec::new();
        for s in 0..self.slots {
            if !self.avail_at(a, s) || !self.avail_at(b, s) {
                continue;
            }
            let (oa, ob) = (self.at(a, s), self.at(b, s));
            if !movable(self, oa) || !movable(self, ob) {
                continue;
            }
            let mut out = [NONE; 3];
            let mut n = 0;
            for o in [oa, ob] {
                if o != NONE {
                    out[n] = o;
                    n += 1;
                }
            }
            if self.used[s] as usize - n >= self.tables as usize {
                // A table must be freed too: meetings of the slot that
                // could move straight elsewhere, first.
                let mut found = 0;
                for &m in &self.in_slot[s] {
                    if m != oa && m != ob && movable(self, m) && self.options(m as usize) > 0 {
                        let mut o = out;
                        o[n] = m;
                        options.push((n + 1, s, o));
                        found += 1;
                        if found == TABLE_BRANCH {
                            break;
                        }
                    }
                }
            } else {
                options.push((n, s, out));
            }
        }
        options.sort_by_key(|&(n, s, _)| (n, s));
        for (n, s, out) in options {
            let (mark, tabu_mark) = (self.trail.len(), self.tabu_list.len());
            for &m in &out[..n] {
                self.remove(m as usize);
                self.set_tabu(m as usize);
            }
            self.place(r, s);
            self.set_tabu(r);
            if out[..n].iter().all(|&m| self.augment(m as usize, depth - 1, nodes)) {
                return true;
            }
            self.undo(mark);
            self.untabu(tabu_mark);
            if *nodes == 0 {
                return false;
            }
        }
        false
    }

    /// One augmenting attempt for `r` within the phase's budget.
    fn attempt(&mut self, r: usize, depth: u32, budget: &mut u64) -> bool {
        let mut nodes = ATTEMPT_NODES.min(*budget);
        let start = nodes;
        let ok = self.augment(r, depth, &mut nodes);
        *budget -= start - nodes;
        self.untabu(0);
        ok
    }

    /// Up to [`ROUNDS`] rounds, until nothing improves, the bound is met or
    /// the budget is spent: (1) an augmenting chain for every unplaced
    /// request; (2) every placed meeting taken out in turn, the unplaced
    /// requests of its two people put in (with chains two deep) and the
    /// meeting put back if it fits, kept when more are placed than before
    /// (one meeting given up for two); (3) an alternating path for every
    /// unplaced request one of whose people has no room.
    fn improve(&mut self, free: &[u32], by_person: &[Vec<u32>], bound: usize) {
        let persons = by_person.len();
        let mut budget = IMPROVE_NODES;
        self.logging = true;
        let mut candidates = Vec::new();
        let mut paths = Paths { mark: vec![0; persons], via: vec![(0, 0, 0); persons], queue: Vec::new(), stamp: 0 };
        for _ in 0..ROUNDS {
            let mut improved = false;
            for &r in free {
                if self.placed >= bound || budget == 0 {
                    break;
                }
                if self.slot[r as usize] == NONE {
                    self.trail.clear();
                    improved |= self.attempt(r as usize, DEPTH, &mut budget);
                }
            }
            for &m in free {
                if self.placed >= bound || budget == 0 {
                    break;
                }
                let m = m as usize;
                if self.slot[m] == NONE {
                    continue;
                }
                let (a, b) = self.people_of(m);
                candidates.clear();
                candidates.extend(
                    by_person[a].iter().chain(&by_person[b]).filter(|&&c| self.slot[c as usize] == NONE).copied(),
                );
                candidates.sort_unstable();
                candidates.dedup();
                if candidates.is_empty() {
                    continue;
                }
                self.trail.clear();
                let before = self.placed;
                self.remove(m);
                for &c in &candidates {
                    self.attempt(c as usize, 2, &mut budget);
                }
                self.attempt(m, 1, &mut budget);
                if self.placed > before {
                    improved = true;
                } else {
                    self.undo(0);
                }
            }
            for &r in free {
                if self.placed >= bound || budget == 0 {
                    break;
                }
                if self.slot[r as usize] == NONE {
                    self.trail.clear();
                    improved |= self.alternate(r as usize, by_person, &mut paths, &mut budget);
                }
            }
            if !improved || budget == 0 || self.placed >= bound {
                break;
            }
        }
        self.trail.clear();
        self.logging = false;
    }

    /// Whether person `p` can take one more meeting as things are.
    fn has_room(&self, p: usize) -> bool {
        self.count[p] < self.cap
            && (0..self.words).any(|k| self.avail[p * self.words + k] & !self.busy[p * self.words + k] != 0)
    }

    /// Places `r`, one of whose people has no room (at the cap, or no free
    /// slot), along an alternating path: that person gives up a meeting
    /// with someone, who takes one of their unplaced requests instead, and
    /// so on until the last request goes to a person with room. Everyone on
    /// the way keeps their number of meetings; one more is placed. The path
    /// is found on the people alone (breadth first), then placed slot by
    /// slot; if a request finds no slot, everything is undone.
    fn alternate(&mut self, r: usize, by_person: &[Vec<u32>], paths: &mut Paths, budget: &mut u64) -> bool {
        let (a, b) = self.people_of(r);
        let (u, v) = match (self.has_room(a), self.has_room(b)) {
            (true, false) => (a, b),
            (false, true) => (b, a),
            _ => return false,
        };
        let other = |st: &State, m: u32, p: usize| {
            let (x, y) = st.people_of(m as usize);
            if x == p { y } else { x }
        };
        paths.stamp += 1;
        let stamp = paths.stamp;
        paths.mark[u] = stamp;
        paths.mark[v] = stamp;
        paths.queue.clear();
        paths.queue.push(v as u32);
        let mut head = 0;
        let mut found = None;
        'search: while head < paths.queue.len() && *budget > 0 {
            let x = paths.queue[head] as usize;
            head += 1;
            *budget -= 1;
            for s in 0..self.slots {
                let m = self.at(x, s);
                if m == NONE || self.locked[m as usize] {
                    continue;
                }
                let w = other(self, m, x);
                if paths.mark[w] == stamp {
                    continue;
                }
                paths.mark[w] = stamp;
                for &e in &by_person[w] {
                    if self.slot[e as usize] != NONE || e as usize == r {
                        continue;
                    }
                    let z = other(self, e, w);
                    if paths.mark[z] == stamp {
                        continue;
                    }
                    if self.has_room(z) {
                        found = Some((x, m, e));
                        break 'search;
                    }
                    paths.mark[z] = stamp;
                    paths.via[z] = (x as u32, m, e);
                    paths.queue.push(z as u32);
                }
            }
        }
        let Some((mut x, m, e)) = found else { return false };
        let mut steps = vec![(m, e)];
        while x != v {
            let (prev, m, e) = paths.via[x];
            steps.push((m, e));
            x = prev as usize;
        }
        let before = self.placed;
        let mark = self.trail.len();
        for &(m, _) in &steps {
            self.remove(m as usize);
        }
        let placed_all = self.attempt(r, 1, budget) && steps.iter().all(|&(_, e)| self.attempt(e as usize, 1, budget));
        if placed_all && self.placed > before {
            return true;
        }
        self.undo(mark);
        false
    }

    // ---- Exact search (small problems) ----

    /// Branch and bound over the free requests' slots, starting from the
    /// current schedule as the one to beat; keeps the best schedule found
    /// within the node budget.
    fn exact(&mut self, free: &[u32], bound: usize) {
        if self.placed >= bound {
            return;
        }
        let mut best_at: Vec<(u32, u32)> =
            free.iter().filter(|&&r| self.slot[r as usize] != NONE).map(|&r| (r, self.slot[r as usize])).collect();
        let mut best = self.placed;
        for &r in free {
            if self.slot[r as usize] != NONE {
                self.remove(r as usize);
            }
        }
        let mut vars: Vec<u32> = free.iter().copied().filter(|&r| self.options(r as usize) > 0).collect();
        vars.sort_by_key(|&r| (self.options(r as usize), r));
        let mut nodes = EXACT_NODES;
        self.branch(&vars, 0, bound, &mut best, &mut best_at, &mut nodes);
        for &r in &vars {
            if self.slot[r as usize] != NONE {
                self.remove(r as usize);
            }
        }
        for &(r, s) in &best_at {
            self.place(r as usize, s as usize);
        }
    }

    fn branch(
        &mut self,
        vars: &[u32],
        i: usize,
        bound: usize,
        best: &mut usize,
        best_at: &mut Vec<(u32, u32)>,
        nodes: &mut u64,
    ) {
        if *nodes == 0 || *best >= bound {
            return;
        }
        *nodes -= 1;
        let possible = vars[i..].iter().filter(|&&r| self.options(r as usize) > 0).count();
        if self.placed + possible <= *best {
            return;
        }
        if i == vars.len() {
            *best = self.placed;
            best_at.clear();
            best_at
                .extend(vars.iter().filter(|&&r| self.slot[r as usize] != NONE).map(|&r| (r, self.slot[r as usize])));
            return;
        }
        let r = vars[i] as usize;
        if !self.at_cap(r) {
            for k in 0..self.words {
                let mut x = self.free_word(r, k);
                while x != 0 {
                    let s = k * 64 + x.trailing_zeros() as usize;
                    x &= x - 1;
                    self.place(r, s);
                    self.branch(vars, i + 1, bound, best, best_at, nodes);
                    self.remove(r);
                    if *nodes == 0 || *best >= bound {
                        return;
                    }
                }
            }
        }
        self.branch(vars, i + 1, bound, best, best_at, nodes);
    }

    // ---- Compaction ----

    /// Moves or swaps meetings while that lowers the idle gaps; never
    /// drops a meeting, never touches a locked one.
    fn compact(&mut self, free: &[u32]) {
        for _ in 0..COMPACT_PASSES {
            let mut improved = false;
            for &m in free {
                let m = m as usize;
                if self.slot[m] == NONE {
                    continue;
                }
                let (a, b) = self.people_of(m);
                if self.person_gaps(a) + self.person_gaps(b) == 0 {
                    // A swap that helps only the other meeting's people is
                    // found from that meeting.
                    continue;
                }
                if let Some((s, other)) = self.best_compaction(m) {
                    let s0 = self.slot[m] as usize;
                    self.remove(m);
                    if other != NONE {
                        self.remove(other as usize);
                        self.place(other as usize, s0);
                    }
                    self.place(m, s);
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// The best move of `m` to another slot, or swap with a meeting there
    /// (`NONE` for a move), that lowers the idle gaps.
    fn best_compaction(&self, m: usize) -> Option<(usize, u32)> {
        let s0 = self.slot[m];
        let (a, b) = self.people_of(m);
        let mut best: Option<(i64, usize, u32)> = None;
        let mut consider = |d: i64, s: usize, other: u32| {
            if d < 0 && best.is_none_or(|(bd, _, _)| d < bd) {
                best = Some((d, s, other));
            }
        };
        for s in 0..self.slots {
            if s == s0 as usize || !self.avail_at(a, s) || !self.avail_at(b, s) {
                continue;
            }
            let (oa, ob) = (self.at(a, s), self.at(b, s));
            if oa != NONE && ob != NONE && oa != ob {
                continue;
            }
            let occupant = if oa != NONE { oa } else { ob };
            if occupant == NONE {
                let own = self.delta(a, s0, s as u32) + self.delta(b, s0, s as u32);
                if (self.used[s] as usize) < self.tables as usize {
                    consider(own, s, NONE);
                }
                // A swap with a meeting of two other people: worth a look
                // only when the move helps `m`'s people (a swap that helps
                // the other meeting's people is found from that meeting).
                if own < 0 {
                    for &m2 in &self.in_slot[s] {
                        if let Some(d) = self.swap_delta(m, m2 as usize) {
                            consider(d, s, m2);
                        }
                    }
                }
            } else if let Some(d) = self.swap_delta(m, occupant as usize) {
                consider(d, s, occupant);
            }
        }
        best.map(|(_, s, other)| (s, other))
    }

    /// The change in idle gaps if `m` and `m2` swapped slots, if they can.
    fn swap_delta(&self, m: usize, m2: usize) -> Option<i64> {
        if self.locked[m2] {
            return None;
        }
        let (s0, s) = (self.slot[m], self.slot[m2]);
        let (a, b) = self.people_of(m);
        let (c, d) = self.people_of(m2);
        for p in [a, b] {
            let o = self.at(p, s as usize);
            if !self.avail_at(p, s as usize) || (o != NONE && o != m2 as u32) {
                return None;
            }
        }
        for q in [c, d] {
            let o = self.at(q, s0 as usize);
            if !self.avail_at(q, s0 as usize) || (o != NONE && o != m as u32) {
                return None;
            }
        }
        let mut total = 0;
        for p in [a, b] {
            if p != c && p != d {
                total += self.delta(p, s0, s);
            }
        }
        for q in [c, d] {
            if q != a && q != b {
                total += self.delta(q, s, s0);
            }
        }
        Some(total)
    }
}

/// Scratch space of the alternating-path search: per person, the search
/// that last reached them and how (the person before, the meeting dropped,
/// the request taken).
struct Paths {
    mark: Vec<u32>,
    via: Vec<(u32, u32, u32)>,
    queue: Vec<u32>,
    stamp: u32,
}

/// The problem read into a state, with the locks placed and the requests
/// rejected by rule (same person, invalid locks, duplicates, lock clashes).
struct Prepared {
    state: State,
    people: Vec<u32>,
    verdict: Vec<Option<Unplaced>>,
    /// The requests to schedule: valid, unlocked, in input order.
    free: Vec<u32>,
    /// Per request, the locked table (or `NONE`).
    table: Vec<u32>,
}

fn prepare(problem: &Problem) -> Prepared {
    let n = problem.requests.len();
    let slots = problem.slots as usize;
    let words = slots.div_ceil(64).max(1);
    let mut people: Vec<u32> = problem.requests.iter().flat_map(|r| [r.a, r.b]).collect();
    people.sort_unstable();
    people.dedup();
    let dense = |p: u32| people.binary_search(&p).map_or(0, |i| i as u32);

    let mut all = vec![0u64; words];
    for s in 0..slots {
        all[s / 64] |= 1 << (s % 64);
    }
    let mut avail: Vec<u64> = Vec::with_capacity(people.len() * words);
    for _ in 0..people.len() {
        avail.extend_from_slice(&all);
    }
    for &(p, s) in &problem.unavailable {
        if let (Ok(i), true) = (people.binary_search(&p), (s as usize) < slots) {
            avail[i * words + s as usize / 64] &= !(1 << (s % 64));
        }
    }
    let mut session_ids: BTreeMap<u32, u32> = BTreeMap::new();
    let mut session_of = Vec::with_capacity(slots);
    let mut sessions: Vec<Vec<u32>> = Vec::new();
    for s in 0..slots {
        let key = problem.session_of_slot.get(s).copied().unwrap_or(0);
        let next = session_ids.len() as u32;
        let id = *session_ids.entry(key).or_insert(next);
        if id as usize == sessions.len() {
            sessions.push(Vec::new());
        }
        sessions[id as usize].push(s as u32);
        session_of.push(id);
    }
    let mut full = vec![0u64; words];
    if problem.tables == 0 {
        full.clone_from(&all);
    }
    let mut state = State {
        slots,
        words,
        tables: problem.tables,
        cap: problem.cap_per_person.unwrap_or(u32::MAX),
        avail,
        busy: vec![0; people.len() * words],
        at: vec![NONE; people.len() * slots],
        count: vec![0; people.len()],
        used: vec![0; slots],
        full,
        in_slot: vec![Vec::new(); slots],
        pos: vec![0; n],
        slot: vec![NONE; n],
        pair: problem.requests.iter().map(|r| (dense(r.a), dense(r.b))).collect(),
        locked: problem.requests.iter().map(|r| r.lock != Lock::None).collect(),
        session_of,
        sessions,
        placed: 0,
        logging: false,
        trail: Vec::new(),
        tabu: vec![false; n],
        tabu_list: Vec::new(),
    };

    let mut verdict: Vec<Option<Unplaced>> = vec![None; n];
    for (i, r) in problem.requests.iter().enumerate() {
        let (a, b) = state.people_of(i);
        let ok = |s: u32| (s as usize) < slots && state.avail_at(a, s as usize) && state.avail_at(b, s as usize);
        verdict[i] = if r.a == r.b {
            Some(Unplaced::SamePerson)
        } else {
            match r.lock {
                Lock::None => None,
                Lock::Slot(s) => (!ok(s)).then_some(Unplaced::InvalidLock),
                Lock::SlotTable(s, t) => (!ok(s) || t >= problem.tables).then_some(Unplaced::InvalidLock),
            }
        };
    }
    // Duplicates: a locked request is kept over unlocked ones.
    let mut first: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    for locked in [true, false] {
        for (i, r) in problem.requests.iter().enumerate() {
            if verdict[i].is_some() || (r.lock != Lock::None) != locked {
                continue;
            }
            match first.get(&(r.a.min(r.b), r.a.max(r.b))) {
                Some(&of) => verdict[i] = Some(Unplaced::Duplicate { of }),
                None => {
                    first.insert((r.a.min(r.b), r.a.max(r.b)), r.id);
                }
            }
        }
    }
    // Locks: slot and table first, then slot only, each in input order.
    let mut table = vec![NONE; n];
    let mut table_owner: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    for with_table in [true, false] {
        for (i, r) in problem.requests.iter().enumerate() {
            let (s, t) = match r.lock {
                Lock::SlotTable(s, t) if with_table => (s, Some(t)),
                Lock::Slot(s) if !with_table => (s, None),
                _ => continue,
            };
            if verdict[i].is_some() {
                continue;
            }
            let (a, b) = state.people_of(i);
            let occupant = [state.at(a, s as usize), state.at(b, s as usize)].into_iter().find(|&o| o != NONE);
            verdict[i] = if let Some(o) = occupant {
                Some(Unplaced::LockClash { with: problem.requests[o as usize].id })
            } else if let Some(&with) = t.and_then(|t| table_owner.get(&(s, t))) {
                Some(Unplaced::LockClash { with })
            } else if t.is_none() && state.used[s as usize] >= problem.tables {
                Some(Unplaced::NoTable)
            } else if state.count[a] >= state.cap {
                Some(Unplaced::Cap { person: r.a })
            } else if state.count[b] >= state.cap {
                Some(Unplaced::Cap { person: r.b })
            } else {
                None
            };
            if verdict[i].is_none() {
                state.place(i, s as usize);
                if let Some(t) = t {
                    table[i] = t;
                    table_owner.insert((s, t), r.id);
                }
            }
        }
    }
    let free = (0..n as u32)
        .filter(|&i| verdict[i as usize].is_none() && problem.requests[i as usize].lock == Lock::None)
        .collect();
    Prepared { state, people, verdict, free, table }
}

/// The upper bound on the state with only the locks placed: the locks,
/// plus the least of the per-slot limit (free tables, and half the people
/// free in the slot) summed over slots, and the fractional b-matching
/// bound — each person can take at most as many meetings as they have
/// free slots (and cap room left), each request at most one — found as a
/// maximum flow on the bipartite double cover (twice the b-matching).
fn bound(state: &State, free: &[u32]) -> usize {
    let persons = state.count.len();
    let placeable: Vec<usize> = free.iter().map(|&r| r as usize).filter(|&r| state.options(r) > 0).collect();
    let mut wanted = vec![false; persons];
    for &r in &placeable {
        let (a, b) = state.people_of(r);
        wanted[a] = true;
        wanted[b] = true;
    }
    let mut per_slot_people = vec![0usize; state.slots];
    let mut room = vec![0u32; persons];
    for p in (0..persons).filter(|&p| wanted[p]) {
        let mut slots = 0;
        for k in 0..state.words {
            let mut x = state.avail[p * state.words + k] & !state.busy[p * state.words + k] & !state.full[k];
            slots += x.count_ones();
            while x != 0 {
                per_slot_people[k * 64 + x.trailing_zeros() as usize] += 1;
                x &= x - 1;
            }
        }
        room[p] = slots.min(state.cap.saturating_sub(state.count[p]));
    }
    let by_slots: usize = (0..state.slots)
        .map(|s| (state.tables.saturating_sub(state.used[s]) as usize).min(per_slot_people[s] / 2))
        .sum();
    // Source 0, sink 1, person p on the left 2 + p, on the right 2 + persons + p.
    let mut flow = Flow::new(2 + 2 * persons);
    for p in (0..persons).filter(|&p| wanted[p] && room[p] > 0) {
        flow.add(0, 2 + p, room[p]);
        flow.add(2 + persons + p, 1, room[p]);
    }
    for &r in &placeable {
        let (a, b) = state.people_of(r);
        flow.add(2 + a, 2 + persons + b, 1);
        flow.add(2 + b, 2 + persons + a, 1);
    }
    let by_people = flow.max(0, 1) / 2;
    state.placed + by_slots.min(by_people)
}

/// A maximum flow (Dinic's algorithm) for the bound.
struct Flow {
    edges: Vec<Vec<u32>>,
    to: Vec<u32>,
    cap: Vec<u32>,
}

impl Flow {
    fn new(nodes: usize) -> Flow {
        Flow { edges: vec![Vec::new(); nodes], to: Vec::new(), cap: Vec::new() }
    }

    fn add(&mut self, u: usize, v: usize, cap: u32) {
        self.edges[u].push(self.to.len() as u32);
        self.to.push(v as u32);
        self.cap.push(cap);
        self.edges[v].push(self.to.len() as u32);
        self.to.push(u as u32);
        self.cap.push(0);
    }

    fn max(&mut self, source: usize, sink: usize) -> usize {
        let n = self.edges.len();
        let mut total = 0usize;
        loop {
            let mut level = vec![u32::MAX; n];
            level[source] = 0;
            let mut queue = std::collections::VecDeque::from([source]);
            while let Some(u) = queue.pop_front() {
                for &e in &self.edges[u] {
                    let v = self.to[e as usize] as usize;
                    if self.cap[e as usize] > 0 && level[v] == u32::MAX {
                        level[v] = level[u] + 1;
                        queue.push_back(v);
                    }
                }
            }
            if level[sink] == u32::MAX {
                return total;
            }
            let mut next = vec![0usize; n];
            loop {
                let f = self.path(source, sink, &level, &mut next);
                if f == 0 {
                    break;
                }
                total += f as usize;
            }
        }
    }

    /// One augmenting path in the level graph (depth first, without
    /// recursion), pushed; its flow, 0 when there is none left.
    fn path(&mut self, source: usize, sink: usize, level: &[u32], next: &mut [usize]) -> u32 {
        let mut path: Vec<usize> = Vec::new();
        let mut u = source;
        loop {
            if u == sink {
                let f = path.iter().map(|&e| self.cap[e]).min().unwrap_or(0);
                for &e in &path {
                    self.cap[e] -= f;
                    self.cap[e ^ 1] += f;
                }
                return f;
            }
            let mut advanced = false;
            while next[u] < self.edges[u].len() {
                let e = self.edges[u][next[u]] as usize;
                let v = self.to[e] as usize;
                if self.cap[e] > 0 && level[v] == level[u] + 1 {
                    path.push(e);
                    u = v;
                    advanced = true;
                    break;
                }
                next[u] += 1;
            }
            if !advanced {
                // A dead end: back up and skip the edge that led here.
                let Some(e) = path.pop() else { return 0 };
                u = self.to[e ^ 1] as usize;
                next[u] += 1;
            }
        }
    }
}

pub(crate) fn upper_bound(problem: &Problem) -> u32 {
    let prepared = prepare(problem);
    bound(&prepared.state, &prepared.free) as u32
}

pub(crate) fn run(problem: &Problem, mode: Mode) -> Schedule {
    let Prepared { mut state, people, verdict, free, table } = prepare(problem);
    if mode == Mode::Greedy {
        state.greedy(&free);
    } else {
        let bound = bound(&state, &free);
        let mut by_person: Vec<Vec<u32>> = vec![Vec::new(); people.len()];
        for &r in &free {
            let (a, b) = state.people_of(r as usize);
            by_person[a].push(r);
            by_person[b].push(r);
        }
        let mut baseline = state.clone();
        baseline.greedy(&free);
        state.construct(&free, &by_person);
        if baseline.placed > state.placed {
            state = baseline;
        }
        state.improve(&free, &by_person, bound);
        if mode == Mode::Full && free.len() <= EXACT_REQUESTS {
            state.exact(&free, bound);
        }
        state.compact(&free);
        // A compaction move can open a slot for a request left out.
        for &r in &free {
            if state.slot[r as usize] == NONE
                && let Some(s) = state.best_slot(r as usize)
            {
                state.place(r as usize, s);
            }
        }
    }
    finish(problem, &state, &people, &verdict, &table)
}

/// Tables, reasons and idle gaps of the final state.
fn finish(problem: &Problem, state: &State, people: &[u32], verdict: &[Option<Unplaced>], table: &[u32]) -> Schedule {
    let mut placed = Vec::with_capacity(state.placed);
    for s in 0..state.slots {
        let mut members: Vec<u32> = state.in_slot[s].clone();
        members.sort_unstable();
        let mut taken: Vec<u32> = members.iter().map(|&r| table[r as usize]).filter(|&t| t != NONE).collect();
        taken.sort_unstable();
        let mut next = 0u32;
        for &r in &members {
            let t = match table[r as usize] {
                NONE => {
                    while taken.binary_search(&next).is_ok() {
                        next += 1;
                    }
                    next += 1;
                    next - 1
                }
                t => t,
            };
            placed.push(Placement { request: problem.requests[r as usize].id, slot: s as u32, table: t });
        }
    }
    placed.sort_by_key(|p| (p.slot, p.table));
    let mut unplaced = Vec::new();
    for (i, r) in problem.requests.iter().enumerate() {
        if let Some(reason) = verdict[i] {
            unplaced.push((r.id, reason));
        } else if state.slot[i] == NONE {
            let (a, b) = state.people_of(i);
            let reason = if state.count[a] >= state.cap {
                Unplaced::Cap { person: people[a] }
            } else if state.count[b] >= state.cap {
                Unplaced::Cap { person: people[b] }
            } else if state.common_free(i) {
                Unplaced::NoTable
            } else {
                Unplaced::NoCommonSlot
            };
            unplaced.push((r.id, reason));
        }
    }
    let idle_gaps = (0..people.len()).map(|p| state.person_gaps(p)).sum::<i64>() as u32;
    Schedule { placed, unplaced, idle_gaps }
}
