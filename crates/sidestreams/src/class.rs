//! Material classes: six-digit codes of the EU List of Waste (EWC) with
//! their chapter and sub-chapter, and the by-product and secondary raw
//! material classes the project defines (named by a key).

use crate::ClassFit;
use std::fmt;

/// An EWC code: chapter, sub-chapter and entry, two digits each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code {
    pub chapter: u8,
    pub sub: u8,
    pub entry: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an EWC code: {}", self.0)
    }
}

/// The two-digit groups of a code as typed ("17 09 04", "170904",
/// "17-09-04"), and whether it ended with the asterisk of hazardous waste.
fn groups(s: &str) -> Result<(Vec<u8>, bool), ParseError> {
    let t = s.trim();
    let (t, hazardous) = match t.strip_suffix('*') {
        Some(rest) => (rest.trim_end(), true),
        None => (t, false),
    };
    let digits: String = t.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect();
    if digits.is_empty()
        || !digits.len().is_multiple_of(2)
        || digits.len() > 6
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return Err(ParseError(s.to_string()));
    }
    let g: Vec<u8> = digits.as_bytes().chunks(2).map(|c| (c[0] - b'0') * 10 + (c[1] - b'0')).collect();
    // Chapters run from 01 to 20; sub-chapters and entries start at 01.
    if !(1..=20).contains(&g[0]) || g[1..].contains(&0) {
        return Err(ParseError(s.to_string()));
    }
    Ok((g, hazardous))
}

impl Code {
    /// Parses a six-digit code; the flag says whether it is marked
    /// hazardous (an asterisk).
    pub fn parse(s: &str) -> Result<(Code, bool), ParseError> {
        let (g, hazardous) = groups(s)?;
        if g.len() != 3 {
            return Err(ParseError(s.to_string()));
        }
        Ok((Code { chapter: g[0], sub: g[1], entry: g[2] }, hazardous))
    }

    /// "17 09"
    pub fn sub_chapter(&self) -> String {
        format!("{:02} {:02}", self.chapter, self.sub)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02} {:02} {:02}", self.chapter, self.sub, self.entry)
    }
}

/// A listing's material class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Class {
    Ewc(Code),
    /// A by-product or secondary raw material class of the project, by key.
    Project(String),
}

/// A bucket of the index: an EWC code, sub-chapter or chapter, or a
/// project class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Bucket {
    Code(Code),
    SubChapter(u8, u8),
    Chapter(u8),
    Project(String),
}

impl Class {
    /// How two classes fit directly (symmetric).
    pub fn fit(&self, other: &Class) -> Option<ClassFit> {
        match (self, other) {
            (Class::Ewc(a), Class::Ewc(b)) if a == b => Some(ClassFit::SameCode),
            (Class::Ewc(a), Class::Ewc(b)) if (a.chapter, a.sub) == (b.chapter, b.sub) => {
                Some(ClassFit::SameSubChapter)
            }
            (Class::Ewc(a), Class::Ewc(b)) if a.chapter == b.chapter => Some(ClassFit::SameChapter),
            (Class::Project(a), Class::Project(b)) if a == b => Some(ClassFit::SameCode),
            _ => None,
        }
    }

    /// The buckets a class is filed in, the closest first: its code, its
    /// sub-chapter and its chapter (a project class: itself).
    pub(crate) fn levels(&self) -> Vec<Bucket> {
        match self {
            Class::Ewc(c) => vec![Bucket::Code(*c), Bucket::SubChapter(c.chapter, c.sub), Bucket::Chapter(c.chapter)],
            Class::Project(k) => vec![Bucket::Project(k.clone())],
        }
    }

    /// Every pattern that matches this class.
    pub(crate) fn patterns(&self) -> Vec<Pattern> {
        match self {
            Class::Ewc(c) => vec![
                Pattern::Ewc { chapter: c.chapter, sub: None, entry: None },
                Pattern::Ewc { chapter: c.chapter, sub: Some(c.sub), entry: None },
                Pattern::Ewc { chapter: c.chapter, sub: Some(c.sub), entry: Some(c.entry) },
            ],
            Class::Project(k) => vec![Pattern::Project(k.clone())],
        }
    }
}

/// A class declared acceptable: a whole chapter ("17"), a sub-chapter
/// ("17 09"), one code ("17 09 04") or a project class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pattern {
    Ewc { chapter: u8, sub: Option<u8>, entry: Option<u8> },
    Project(String),
}

impl Pattern {
    /// Parses an EWC chapter, sub-chapter or code (an asterisk is allowed
    /// and ignored); anything else is not a pattern.
    pub fn parse_ewc(s: &str) -> Result<Pattern, ParseError> {
        let (g, _) = groups(s)?;
        Ok(Pattern::Ewc { chapter: g[0], sub: g.get(1).copied(), entry: g.get(2).copied() })
    }

    pub fn matches(&self, c: &Class) -> bool {
        match (self, c) {
            (Pattern::Ewc { chapter, sub, entry }, Class::Ewc(code)) => {
                *chapter == code.chapter && sub.is_none_or(|s| s == code.sub) && entry.is_none_or(|e| e == code.entry)
            }
            (Pattern::Project(k), Class::Project(key)) => k == key,
            _ => false,
        }
    }

    /// The bucket holding exactly the classes this pattern matches.
    pub(crate) fn level(&self) -> Bucket {
        match *self {
            Pattern::Ewc { chapter, sub: Some(sub), entry: Some(entry) } => Bucket::Code(Code { chapter, sub, entry }),
            Pattern::Ewc { chapter, sub: Some(sub), entry: None } => Bucket::SubChapter(chapter, sub),
            Pattern::Ewc { chapter, .. } => Bucket::Chapter(chapter),
            Pattern::Project(ref k) => Bucket::Project(k.clone()),
        }
    }
}
