//! What the benchmark harness shares with the test suite: the hand-judged
//! search set and its measures.

pub mod judged;
pub mod pairs;
pub mod suggestions;
