//! The full-text index of Kimppa: one tantivy index of documents of every
//! kind (organisations, services, experts, pages, news, terms, answers …).
//!
//! Matching, in order of weight:
//! - the whole query equal to a document's name (exact name first), then a
//!   name that starts with the query ("muovin kierrätys" →
//!   "Muovinkierrätys Pohjola Oy");
//! - Finnish and English words after Snowball stemming, so inflected forms
//!   meet ("kierrätykseen" finds "kierrätys");
//! - title words starting with a query word of four letters or more, so a
//!   short stem finds its compounds in names ("akku" → "Akkukierrätys");
//! - parts of compound words: every stemmed word of seven letters or more
//!   is also indexed by its endings of at least four letters, so
//!   "pakkaus" finds "muovipakkaus" (lower weight).
//!
//! Every word must match. When the words as written find fewer than five
//! documents, matching widens: any word starting with a query word, a
//! shared root of long stems ("kierrättäjä" and "kierrätys", "korjaaja"
//! and "korjaus"), a long query word split into two words the index knows
//! ("lasikierrätys" → "lasin kierrätys") and one typo in words of five
//! letters or more (lowest weight); and then, for several words, documents
//! with any of the words, ranked by how many and how well they match (those
//! with all of them first). A query whose words each find something alone
//! never finds nothing. Documents carry
//! visibility tokens; a search names the tokens the asker holds, and a
//! document without one of them is never returned, counted or suggested.
//! The crate knows nothing of databases or HTTP: the app layer builds the
//! documents and decides the tokens.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, TokenFilter,
    TokenStream, Tokenizer, WhitespaceTokenizer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// The filter dimensions (facets) documents may carry.
pub const DIMENSIONS: [&str; 5] = ["kind", "focus", "offering", "org_type", "municipality"];
/// Words of at least this many letters tolerate one typo.
pub const FUZZY_MIN_CHARS: usize = 5;
/// Wider matching (word beginnings, roots, compound splits, typos, then
/// any of the words) is tried when the words as typed find fewer results.
const WIDER_WHEN_FEWER: usize = 5;
/// Stems of at least this many letters also match by their root.
const ROOT_MIN_STEM: usize = 7;
/// Stems of at least this many letters forgive a typo at the start of a
/// longer word too.
const FUZZY_PREFIX_MIN_CHARS: usize = 7;
/// What each matched word adds when any of the words may match: more than
/// any word's own score, so more words matched ranks first.
const WORD_COVERED: f32 = 100.0;
/// Words of at least this many letters are tried as two words.
const SPLIT_MIN_CHARS: usize = 9;

/// How widely the words of a query are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Exact,
    Wide,
}

/// What [`SearchIndex::ranked`] found.
struct Ranked {
    text: Box<dyn Query>,
    query: BooleanQuery,
    top: Vec<(tantivy::Score, tantivy::DocAddress)>,
    total: usize,
}
/// Stemmed words of at least this many letters are indexed by their endings.
const COMPOUND_MIN_CHARS: usize = 7;
/// The shortest ending indexed for compound parts.
const PART_MIN_CHARS: usize = 4;
const WRITER_MEMORY: usize = 50_000_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// A document as the app builds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    /// Unique: `"{kind}:{id}"`.
    pub key: String,
    pub kind: String,
    /// Path after the language prefix, e.g. `/services/purkukartoitus`.
    pub path: String,
    pub title_fi: String,
    pub title_en: String,
    pub body_fi: String,
    pub body_en: String,
    /// (dimension, value); the kind is added automatically.
    pub facets: Vec<(String, String)>,
    /// Who may see it: `"public"`, or tokens such as `"user:7"`, `"org:3"`, `"staff"`.
    pub visibility: Vec<String>,
}

/// What is asked.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    /// `fi` or `en`: the language of titles and snippets.
    pub lang: String,
    /// Chosen filter values (dimension, value); one per dimension.
    pub filters: Vec<(String, String)>,
    /// The visibility tokens the asker holds (at least `"public"`).
    pub visibility: Vec<String>,
    pub offset: usize,
    pub limit: usize,
    /// Match documents with any of the words, ranked by how many and how
    /// well they match, instead of all of them: for finding what is like a
    /// longer text (experts for a forum thread, partners for a problem).
    pub any_word: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub key: String,
    pub kind: String,
    pub path: String,
    pub title: String,
    /// HTML with `<b>` around matched words; the text itself is escaped.
    pub snippet: String,
    pub score: f32,
}

/// A dimension with (value, count) pairs, most frequent first.
pub type FacetCounts = (String, Vec<(String, u64)>);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Per dimension: (value, count) where count is the number of results
    /// with that value when every other chosen filter stays.
    pub facets: Vec<FacetCounts>,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    /// The number after `kind:` in the key, plus one (zero: the key has
    /// none): with the kind's short column, a hit's key without a look into
    /// the keys' large dictionary.
    key_id: Field,
    path: Field,
    name: Field,
    title_fi: Field,
    title_en: Field,
    body_fi: Field,
    body_en: Field,
    parts: Field,
    heads: Field,
    facet: Field,
    vis: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: &str, stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let f = Fields {
        key: b.add_text_field("key", STRING | STORED | FAST),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        key_id: b.add_u64_field("key_id", FAST),
        path: b.add_text_field("path", STORED),
        name: b.add_text_field("name", text("name", false)),
        title_fi: b.add_text_field("title_fi", text("fi", true)),
        title_en: b.add_text_field("title_en", text("en", true)),
        body_fi: b.add_text_field("body_fi", text("fi", true)),
        body_en: b.add_text_field("body_en", text("en", true)),
        parts: b.add_text_field("parts", text("parts", false)),
        heads: b.add_text_field("heads", text("parts", false)),
        facet: b.add_facet_field("facet", FacetOptions::default()),
        vis: b.add_text_field("vis", STRING),
    };
    (b.build(), f)
}

fn register(index: &Index) {
    let stemmed = |lang| {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::new(lang))
            .build()
    };
    let finnish = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::Finnish))
        .filter(FinnishStemEnds)
        .build();
    index.tokenizers().register("fi", finnish);
    index.tokenizers().register("en", stemmed(Language::English));
    index.tokenizers().register("name", TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build());
    index.tokenizers().register("parts", TextAnalyzer::builder(WhitespaceTokenizer::default()).build());
}

/// The index, its reader and its one writer.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// Taken on the first write, so a process that only reads (or a CLI
    /// command next to a running server) does not hold the index lock.
    writer: Mutex<Option<IndexWriter>>,
    f: Fields,
}

/// How the index was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// Existing and readable; `cursor` is the last change applied.
    Existing,
    /// Created empty (there was none, or it was unreadable): fill it.
    Created,
}

impl SearchIndex {
    /// An index in memory (tests).
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, _) = schema();
        Self::wrap(Index::create_in_ram(schema))
    }

    /// Opens the index in `dir`, or creates it when missing or unreadable
    /// (a broken index is moved aside, never trusted).
    pub fn open(dir: &Path) -> Result<(SearchIndex, Opened)> {
        std::fs::create_dir_all(dir)?;
        let (schema, _) = schema();
        let existing = dir.join("meta.json").exists();
        if existing {
            let opened = Index::open_in_dir(dir).ok().filter(|i| i.schema() == schema);
            if let Some(index) = opened
                && let Ok(s) = Self::wrap(index)
                && s.check().is_ok()
            {
                return Ok((s, Opened::Existing));
            }
            // Unreadable or from another schema: start over.
            let aside = dir.with_extension(format!("broken-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&aside);
            std::fs::rename(dir, &aside)?;
            let _ = std::fs::remove_dir_all(&aside);
            std::fs::create_dir_all(dir)?;
        }
        let index = Index::create_in_dir(dir, schema)?;
        Ok((Self::wrap(index)?, Opened::Created))
    }

    fn wrap(index: Index) -> Result<SearchIndex> {
        register(&index);
        let (_, f) = schema();
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, writer: Mutex::new(None), f })
    }

    /// Reads every segment's store once: fails on a damaged index.
    fn check(&self) -> Result<()> {
        let searcher = self.reader.searcher();
        for seg in searcher.segment_readers() {
            let store = seg.get_store_reader(1)?;
            for doc in seg.doc_ids_alive().take(1) {
                let _: TantivyDocument = store.get(doc)?;
            }
        }
        Ok(())
    }

    /// The change-log position stored with the last commit.
    pub fn cursor(&self) -> Option<i64> {
        self.index.load_metas().ok()?.payload?.parse().ok()
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs `f` with the writer, taking it on first use.
    fn with_writer<R>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<R>) -> Result<R> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Other("writer lock poisoned".into()))?;
        if guard.is_none() {
            *guard = Some(self.index.writer_with_num_threads(1, WRITER_MEMORY).map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => {
                    SearchError::Other("the index is in use by another process (a running server?)".into())
                }
                other => other.into(),
            })?);
        }
        match guard.as_mut() {
            Some(w) => f(w),
            None => Err(SearchError::Other("no writer".into())),
        }
    }

    /// Stems with the named analyzer.
    fn analyze(&self, analyzer: &str, text: &str) -> Vec<String> {
        let Ok(mut a) = self.index.tokenizers().get(analyzer).ok_or(()) else { return vec![] };
        let mut out = vec![];
        let mut stream = a.token_stream(text);
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    /// The endings of long stemmed words, for matching compound parts.
    fn parts(&self, texts: &[&str]) -> String {
        let mut out = Vec::new();
        for text in texts {
            for stem in self.analyze("fi", text) {
                let chars: Vec<char> = stem.chars().collect();
                if chars.len() < COMPOUND_MIN_CHARS {
                    continue;
                }
                for start in 1..=chars.len() - PART_MIN_CHARS {
                    out.push(chars[start..].iter().collect::<String>());
                }
            }
        }
        out.join(" ")
    }

    /// The beginnings (four letters or more) of the title words, as typed
    /// and stemmed: a short query word finds the titles it begins with one
    /// term's read ("akku" → "Akkukierrätys Pohjoinen").
    fn heads(&self, titles: &[&str]) -> String {
        let mut out: Vec<String> = Vec::new();
        for title in titles {
            let words = title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase);
            for word in words.chain(self.analyze("fi", title)) {
                let chars: Vec<char> = word.chars().take(40).collect();
                for end in PART_MIN_CHARS..=chars.len() {
                    let head: String = chars[..end].iter().collect();
                    if !out.contains(&head) {
                        out.push(head);
                    }
                }
            }
        }
        out.join(" ")
    }

    fn to_document(&self, d: &Doc) -> TantivyDocument {
        let f = self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &d.key);
        doc.add_text(f.kind, &d.kind);
        // Only a key that reads back exactly as `kind:N` is kept as a number.
        let id = d.key.rsplit_once(':').and_then(|(_, n)| n.parse::<u64>().ok());
        let id = id.filter(|n| format!("{}:{n}", d.kind) == d.key);
        doc.add_u64(f.key_id, id.map_or(0, |n| n + 1));
        doc.add_text(f.path, &d.path);
        for name in [&d.title_fi, &d.title_en] {
            if !name.trim().is_empty() {
                doc.add_text(f.name, name.trim());
            }
        }
        doc.add_text(f.title_fi, &d.title_fi);
        doc.add_text(f.title_en, &d.title_en);
        doc.add_text(f.body_fi, &d.body_fi);
        doc.add_text(f.body_en, &d.body_en);
        doc.add_text(f.parts, self.parts(&[&d.title_fi, &d.body_fi]));
        doc.add_text(f.heads, self.heads(&[&d.title_fi, &d.title_en]));
        doc.add_facet(f.facet, tantivy::schema::Facet::from_path(["kind", d.kind.as_str()]));
        for (dim, value) in &d.facets {
            if !value.is_empty() {
                doc.add_facet(f.facet, tantivy::schema::Facet::from_path([dim.as_str(), value.as_str()]));
            }
        }
        for v in &d.visibility {
            doc.add_text(f.vis, v);
        }
        doc
    }

    /// Replaces documents (by key) and removes the keys in `delete`; not
    /// visible until [`SearchIndex::commit`].
    pub fn apply(&self, upsert: &[Doc], delete: &[String]) -> Result<()> {
        let docs: Vec<TantivyDocument> = upsert.iter().map(|d| self.to_document(d)).collect();
        self.with_writer(|w| {
            for key in delete.iter().chain(upsert.iter().map(|d| &d.key)) {
                w.delete_term(Term::from_field_text(self.f.key, key));
            }
            for d in docs {
                w.add_document(d)?;
            }
            Ok(())
        })
    }

    /// Removes every document of a kind.
    pub fn delete_kind(&self, kind: &str) -> Result<()> {
        self.with_writer(|w| {
            w.delete_term(Term::from_field_text(self.f.kind, kind));
            Ok(())
        })
    }

    /// Removes everything.
    pub fn clear(&self) -> Result<()> {
        self.with_writer(|w| {
            w.delete_all_documents()?;
            Ok(())
        })
    }

    /// Merges every segment into one (after a rebuild): a query then looks
    /// each of its terms up once instead of once per segment. Later writes
    /// add segments that the writer's merge policy keeps few.
    pub fn merge_segments(&self) -> Result<()> {
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            self.with_writer(|w| {
                w.merge(&ids).wait()?;
                Ok(())
            })?;
            self.reader.reload()?;
        }
        Ok(())
    }

    /// Makes the changes durable and visible, remembering `cursor`.
    pub fn commit(&self, cursor: i64) -> Result<()> {
        self.with_writer(|w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&cursor.to_string());
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// The words of a query: lowercased, repeats removed, at most `max`.
    fn words(text: &str, max: usize) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            let w = w.to_lowercase();
            if !words.contains(&w) {
                words.push(w);
            }
        }
        words.truncate(max);
        words
    }

    /// Whether some word of `field` starts with `prefix` (in any segment).
    fn has_prefix(searcher: &tantivy::Searcher, field: Field, prefix: &str) -> bool {
        searcher.segment_readers().iter().any(|seg| {
            let Ok(inverted) = seg.inverted_index(field) else { return false };
            let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else { return false };
            stream.advance() && stream.key().starts_with(prefix.as_bytes())
        })
    }

    /// The beginning a word is matched by when words starting with it count
    /// (compound heads, other endings): the stem, or the word as typed when
    /// the stemmer left less than four letters ("lasi" → "las").
    fn head(word: &str, stem: &str) -> Option<String> {
        let head = if stem.chars().count() >= PART_MIN_CHARS { stem } else { word };
        (head.chars().count() >= PART_MIN_CHARS).then(|| head.to_string())
    }

    /// The root a stem shares with its derivations and other forms, at
    /// least four letters: an agent noun without its ending ("kierrättäj"
    /// → "kierrät", so "kierrättäjä" meets "kierrätys"; "korjaaj" → "korj"),
    /// a long stem without its last two letters, a short stem without its
    /// last vowel ("liete" → "liet", to meet "lietteen").
    fn root(stem: &str) -> Option<String> {
        let vowel = |c: &char| "aeiouyäö".contains(*c);
        let mut chars: Vec<char> = stem.chars().collect();
        let n = chars.len();
        if n >= 6 && chars[n - 1] == 'j' {
            chars.pop();
            while chars.last().is_some_and(vowel) {
                chars.pop();
            }
            let k = chars.len();
            if k >= 2 && chars[k - 1] == chars[k - 2] && !vowel(&chars[k - 1]) {
                chars.pop();
            }
        } else if n >= ROOT_MIN_STEM {
            chars.truncate((n - 2).max(5));
        } else if n >= 5 && chars.last().is_some_and(vowel) {
            chars.pop();
        } else {
            return None;
        }
        (chars.len() >= PART_MIN_CHARS).then(|| chars.into_iter().collect())
    }

    /// How a word part is matched when its other forms count: by its root,
    /// or (short) as it is.
    fn part_key(&self, part: &str) -> Option<String> {
        let stem = self.analyze("fi", part).into_iter().next()?;
        Self::root(&stem).or_else(|| Self::head(part, &stem))
    }

    /// Splits of a long word into two parts that begin words of the index,
    /// each by its root, e.g. "lasikierrätys" → "lasi" + "kierrät" when
    /// documents say "lasin kierrätämme", "romurauta" → "romu" + "raut"
    /// for "rautaromu". At most two, the most even first.
    fn splits(&self, searcher: &tantivy::Searcher, word: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < SPLIT_MIN_CHARS {
            return vec![];
        }
        let mut found: Vec<(usize, String, String)> = vec![];
        for at in PART_MIN_CHARS..=chars.len() - PART_MIN_CHARS {
            let head: String = chars[..at].iter().collect();
            let tail: String = chars[at..].iter().collect();
            let Some(tail_key) = self.part_key(&tail) else { continue };
            let head_key = self.part_key(&head).unwrap_or(head);
            let fields = [self.f.title_fi, self.f.body_fi, self.f.parts];
            let known = |p: &str| fields.iter().any(|f| Self::has_prefix(searcher, *f, p));
            if known(&tail_key) && known(&head_key) {
                found.push((at.min(chars.len() - at), head_key, tail_key));
            }
        }
        found.sort_by_key(|f| std::cmp::Reverse(f.0));
        found.into_iter().take(2).map(|(_, h, t)| (h, t)).collect()
    }

    /// The text part of a query: every word must match (or, with
    /// `any_word`, any of them, ranked by how many and how well). `Exact`
    /// reach matches stems, compound endings and the beginnings of titles;
    /// `Wide` reach adds words starting with the query word, shared roots,
    /// splits of compounds and one typo in words of five letters or more.
    fn text_query(
        &self,
        searcher: &tantivy::Searcher,
        text: &str,
        reach: Reach,
        any_word: bool,
    ) -> Option<Box<dyn Query>> {
        let f = self.f;
        let words = Self::words(text, if any_word { 40 } else { 12 });
        if words.is_empty() {
            return None;
        }
        let wide = reach == Reach::Wide;
        let term = |field: Field, t: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, t), IndexRecordOption::WithFreqs))
        };
        let prefix = |field: Field, t: &str| -> Box<dyn Query> {
            Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(field, t), 0, true))
        };
        let boosted =
            |q: Box<dyn Query>, b: f32| -> (Occur, Box<dyn Query>) { (Occur::Should, Box::new(BoostQuery::new(q, b))) };
        let mut clauses: Vec<Box<dyn Query>> = vec![];
        for w in &words {
            let mut should: Vec<(Occur, Box<dyn Query>)> = vec![];
            let long = w.chars().count() >= FUZZY_MIN_CHARS;
            for stem in self.analyze("fi", w) {
                should.push(boosted(term(f.title_fi, &stem), 3.0));
                should.push(boosted(term(f.body_fi, &stem), 1.0));
                should.push(boosted(term(f.parts, &stem), 0.4));
                let head = Self::head(w, &stem);
                if let Some(head) = &head {
                    // A title word starting with it: "akku" finds "Akkukierrätys".
                    should.push(boosted(term(f.heads, head), 1.5));
                }
                if !wide {
                    continue;
                }
                if let Some(head) = &head {
                    should.push(boosted(prefix(f.body_fi, head), 0.5));
                }
                if let Some(root) = Self::root(&stem) {
                    should.push(boosted(prefix(f.title_fi, &root), 0.6));
                    should.push(boosted(prefix(f.body_fi, &root), 0.3));
                }
                // A word the index knows as it is is not split.
                let known = head
                    .as_ref()
                    .is_some_and(|h| [f.title_fi, f.body_fi].iter().any(|x| Self::has_prefix(searcher, *x, h)));
                for (head, tail) in if known { vec![] } else { self.splits(searcher, w) } {
                    // Each part begins a word, or (the tail) a compound's part.
                    let begins = |p: &str| -> Box<dyn Query> {
                        let fields = [f.title_fi, f.body_fi, f.parts];
                        Box::new(BooleanQuery::new(fields.iter().map(|x| (Occur::Should, prefix(*x, p))).collect()))
                    };
                    let both = BooleanQuery::new(vec![(Occur::Must, begins(&head)), (Occur::Must, begins(&tail))]);
                    should.push(boosted(Box::new(both), 0.5));
                }
                if long {
                    // One typo; in a long word also at the start of a longer
                    // word ("kipslevy" → "kipsilevyjätteen").
                    let fuzzy = |field| -> Box<dyn Query> {
                        let t = Term::from_field_text(field, &stem);
                        Box::new(if stem.chars().count() >= FUZZY_PREFIX_MIN_CHARS {
                            FuzzyTermQuery::new_prefix(t, 1, true)
                        } else {
                            FuzzyTermQuery::new(t, 1, true)
                        })
                    };
                    should.push(boosted(fuzzy(f.title_fi), 0.3));
                    should.push(boosted(fuzzy(f.body_fi), 0.15));
                }
            }
            for stem in self.analyze("en", w) {
                should.push(boosted(term(f.title_en, &stem), 3.0));
                should.push(boosted(term(f.body_en, &stem), 1.0));
                if wide && long {
                    should.push(boosted(
                        Box::new(FuzzyTermQuery::new(Term::from_field_text(f.body_en, &stem), 1, true)),
                        0.15,
                    ));
                }
            }
            clauses.push(Box::new(BooleanQuery::new(should)));
        }
        let every: Box<dyn Query> =
            Box::new(BooleanQuery::new(clauses.iter().map(|c| (Occur::Must, c.box_clone())).collect()));
        let matched: Box<dyn Query> = if any_word && clauses.len() > 1 {
            // Any of the words: each matched word counts a fixed amount,
            // so documents with more of the words come first, and how well
            // they match orders those with as many.
            let mut any: Vec<(Occur, Box<dyn Query>)> = vec![];
            for c in clauses {
                any.push((Occur::Should, Box::new(ConstScoreQuery::new(c.box_clone(), WORD_COVERED))));
                any.push((Occur::Should, c));
            }
            Box::new(BooleanQuery::new(any))
        } else {
            every
        };
        let mut all: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, matched)];
        // The exact name ranks first; a name that starts with the query next.
        let spaced = words.join(" ");
        let joined = words.concat();
        let original = text.trim().to_lowercase();
        let mut names = vec![spaced.clone(), original.clone()];
        names.dedup();
        for name in names {
            all.push(boosted(
                Box::new(TermQuery::new(Term::from_field_text(f.name, &name), IndexRecordOption::Basic)),
                20.0,
            ));
        }
        // Several words: a name starting with them, spaced or joined (one
        // word's beginnings are matched through the title words' above).
        if words.len() > 1 {
            for start in [spaced, joined] {
                all.push(boosted(prefix(f.name, &start), 6.0));
            }
        }
        Some(Box::new(BooleanQuery::new(all)))
    }

    fn visibility_query(&self, tokens: &[String]) -> Box<dyn Query> {
        let should: Vec<(Occur, Box<dyn Query>)> = tokens
            .iter()
            .map(|t| -> (Occur, Box<dyn Query>) {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(Term::from_field_text(self.f.vis, t), IndexRecordOption::Basic)),
                )
            })
            .collect();
        Box::new(BooleanQuery::new(should))
    }

    fn facet_term(&self, dim: &str, value: &str) -> Box<dyn Query> {
        let facet = tantivy::schema::Facet::from_path([dim, value]);
        Box::new(TermQuery::new(Term::from_facet(self.f.facet, &facet), IndexRecordOption::Basic))
    }

    /// Text, visibility and every chosen filter except `skip`.
    fn full_query(&self, text: &dyn Query, q: &SearchQuery, skip: Option<&str>) -> BooleanQuery {
        let mut parts: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, text.box_clone()), (Occur::Must, self.visibility_query(&q.visibility))];
        for (dim, value) in &q.filters {
            if Some(dim.as_str()) != skip {
                parts.push((Occur::Must, self.facet_term(dim, value)));
            }
        }
        BooleanQuery::new(parts)
    }

    fn facet_counts(&self, searcher: &tantivy::Searcher, query: &dyn Query, dims: &[&str]) -> Result<Vec<FacetCounts>> {
        let mut collector = FacetCollector::for_field("facet");
        for d in dims {
            collector.add_facet(tantivy::schema::Facet::from_path([*d]));
        }
        let counts = searcher.search(query, &collector)?;
        Ok(dims
            .iter()
            .map(|d| {
                let mut values: Vec<(String, u64)> = counts
                    .get(tantivy::schema::Facet::from_path([*d]))
                    .map(|(facet, n)| (facet.to_path().last().map(|s| s.to_string()).unwrap_or_default(), n))
                    .collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                (d.to_string(), values)
            })
            .collect())
    }

    /// Searches: hits of the page asked, the total and counts per filter value.
    /// The best documents for `q` and how many match, with the text query
    /// that found them; `None` when nothing can match.
    /// `counted`: whether `total` must be the exact number of matches; when
    /// not, it is exact only below the first page's size (enough to decide
    /// on typo tolerance), and matching stops counting the rest.
    fn ranked(&self, searcher: &tantivy::Searcher, q: &SearchQuery, counted: bool) -> Result<Option<Ranked>> {
        if q.visibility.is_empty() {
            return Ok(None);
        }
        let Some(text) = self.text_query(searcher, &q.text, Reach::Exact, q.any_word) else { return Ok(None) };
        let limit = q.limit.clamp(1, 100);
        let counted = counted || q.offset > 0;
        let run = |query: &BooleanQuery| -> Result<(Vec<(tantivy::Score, tantivy::DocAddress)>, usize)> {
            let top = TopDocs::with_limit(limit).and_offset(q.offset).order_by_score();
            Ok(if counted {
                searcher.search(query, &(top, Count))?
            } else {
                let hits = searcher.search(query, &top)?;
                let n = hits.len();
                (hits, n)
            })
        };
        let query = self.full_query(&*text, q, None);
        let (top, total) = run(&query)?;
        let mut r = Ranked { text, query, top, total };
        // The words as written find (almost) nothing: words starting with
        // them, shared roots, compound splits and one typo; then, for more
        // than one word, documents with any of them. The wider matching is
        // the costly part, so common queries skip it.
        let words = Self::words(&q.text, 12).len();
        let mut wider = vec![];
        if !q.any_word {
            wider.push(false);
            if words > 1 {
                wider.push(true);
            }
        }
        for any_word in wider {
            if r.total >= WIDER_WHEN_FEWER {
                break;
            }
            let Some(text) = self.text_query(searcher, &q.text, Reach::Wide, any_word) else { continue };
            let query = self.full_query(&*text, q, None);
            let (top, total) = run(&query)?;
            if total > r.total {
                r = Ranked { text, query, top, total };
            }
        }
        Ok(Some(r))
    }

    /// Keys and scores of the best documents for `q`, ranked exactly as
    /// [`SearchIndex::search`] ranks them but without counts, facets or
    /// snippets: for callers that only need which documents match.
    pub fn keys(&self, q: &SearchQuery) -> Result<Vec<(String, f32)>> {
        let searcher = self.reader.searcher();
        let Some(r) = self.ranked(&searcher, q, false)? else { return Ok(vec![]) };
        let mut out = Vec::with_capacity(r.top.len());
        let mut segments: HashMap<u32, KeyColumns> = HashMap::new();
        for (score, addr) in r.top {
            let columns = match segments.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(KeyColumns::open(searcher.segment_reader(addr.segment_ord))?)
                }
            };
            out.push((columns.key(addr.doc_id)?, score));
        }
        Ok(out)
    }

    pub fn search(&self, q: &SearchQuery) -> Result<Results> {
        let searcher = self.reader.searcher();
        let Some(Ranked { text, query, top, total }) = self.ranked(&searcher, q, true)? else {
            return Ok(Results::default());
        };
        // Counts: one pass for the dimensions without a chosen value, one
        // more per chosen dimension (its own filter left out).
        let chosen: Vec<&str> = q.filters.iter().map(|(d, _)| d.as_str()).collect();
        let free: Vec<&str> = DIMENSIONS.iter().copied().filter(|d| !chosen.contains(d)).collect();
        let mut facets: HashMap<String, Vec<(String, u64)>> =
            self.facet_counts(&searcher, &query, &free)?.into_iter().collect();
        for d in &chosen {
            let without = self.full_query(&*text, q, Some(d));
            facets.extend(self.facet_counts(&searcher, &without, &[d])?);
        }
        let en = q.lang == "en";
        let (title_field, body_field) =
            if en { (self.f.title_en, self.f.body_en) } else { (self.f.title_fi, self.f.body_fi) };
        let (other_title, other_body) =
            if en { (self.f.title_fi, self.f.body_fi) } else { (self.f.title_en, self.f.body_en) };
        let mut snippets = SnippetGenerator::create(&searcher, &query, body_field)?;
        snippets.set_max_num_chars(220);
        let mut other_snippets = SnippetGenerator::create(&searcher, &query, other_body)?;
        other_snippets.set_max_num_chars(220);
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
            let mut title = get(title_field);
            if title.is_empty() {
                title = get(other_title);
            }
            let body_empty = get(body_field).is_empty();
            let snippet =
                if body_empty { other_snippets.snippet_from_doc(&doc) } else { snippets.snippet_from_doc(&doc) };
            let snippet = if snippet.is_empty() {
                let body = if body_empty { get(other_body) } else { get(body_field) };
                escape(&body.chars().take(200).collect::<String>())
            } else {
                snippet.to_html()
            };
            hits.push(Hit {
                key: get(self.f.key),
                kind: get(self.f.kind),
                path: get(self.f.path),
                title,
                snippet,
                score,
            });
        }
        Ok(Results {
            total,
            hits,
            facets: DIMENSIONS.iter().map(|d| (d.to_string(), facets.remove(*d).unwrap_or_default())).collect(),
        })
    }

    /// Titles starting with what was typed (each word a prefix), for
    /// search-as-you-type, of one kind of document when `kind` is given;
    /// honours visibility like [`SearchIndex::search`].
    pub fn suggest(
        &self,
        prefix: &str,
        lang: &str,
        kind: Option<&str>,
        visibility: &[String],
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let f = self.f;
        let words: Vec<String> = prefix
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(6)
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() || visibility.is_empty() {
            return Ok(vec![]);
        }
        let title = if lang == "en" { f.title_en } else { f.title_fi };
        let analyzer = if lang == "en" { "en" } else { "fi" };
        let mut musts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, self.visibility_query(visibility))];
        if let Some(kind) = kind {
            musts.push((Occur::Must, self.facet_term("kind", kind)));
        }
        let last = words.len() - 1;
        for (i, w) in words.iter().enumerate() {
            let stem = self.analyze(analyzer, w).into_iter().next().unwrap_or_else(|| w.clone());
            let q: Box<dyn Query> = if i == last {
                // The word being typed: a prefix of a stemmed title word.
                let prefix_of = if stem.chars().count() < w.chars().count() { stem } else { w.clone() };
                Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(title, &prefix_of), 0, true))
            } else {
                Box::new(TermQuery::new(Term::from_field_text(title, &stem), IndexRecordOption::Basic))
            };
            musts.push((Occur::Must, q));
        }
        let query = BooleanQuery::new(musts);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit.clamp(1, 20)).order_by_score())?;
        let mut out = vec![];
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
            let mut t = get(title);
            if t.is_empty() {
                t = get(f.title_fi);
            }
            out.push(Hit {
                key: get(f.key),
                kind: get(f.kind),
                path: get(f.path),
                title: t,
                snippet: String::new(),
                score,
            });
        }
        Ok(out)
    }
}

/// A segment's columns for reading hits' keys: the kind (a handful of
/// values, cached once read) and the number of `kind:N` keys, falling back
/// to the key's own column for a key of another form.
struct KeyColumns {
    kind: tantivy::columnar::StrColumn,
    id: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    key: tantivy::columnar::StrColumn,
    kinds: HashMap<u64, String>,
}

impl KeyColumns {
    fn open(segment: &tantivy::SegmentReader) -> Result<KeyColumns> {
        let fast = segment.fast_fields();
        let missing = |name: &str| SearchError::Other(format!("{name} is not a fast field"));
        Ok(KeyColumns {
            kind: fast.str("kind")?.ok_or_else(|| missing("kind"))?,
            id: fast.u64("key_id")?.values,
            key: fast.str("key")?.ok_or_else(|| missing("key"))?,
            kinds: HashMap::new(),
        })
    }

    fn key(&mut self, doc: tantivy::DocId) -> Result<String> {
        let id = self.id.get_val(doc);
        let kind_ord = self.kind.term_ords(doc).next();
        if let (true, Some(ord)) = (id > 0, kind_ord) {
            if !self.kinds.contains_key(&ord) {
                let mut kind = String::new();
                self.kind.ord_to_str(ord, &mut kind)?;
                self.kinds.insert(ord, kind);
            }
            return Ok(format!("{}:{}", self.kinds[&ord], id - 1));
        }
        let mut key = String::new();
        if let Some(ord) = self.key.term_ords(doc).next() {
            self.key.ord_to_str(ord, &mut key)?;
        }
        Ok(key)
    }
}

/// Evens out what the Finnish Snowball stemmer leaves of the -s/-ks and
/// -s/-ste stems: "kierrätys" and "kierrätykseen" (stem "kierrätyks"),
/// "pakkaus" and "pakkausten" (stem "pakkaust") become one stem.
#[derive(Clone)]
struct FinnishStemEnds;

impl TokenFilter for FinnishStemEnds {
    type Tokenizer<T: Tokenizer> = FinnishStemEndsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        FinnishStemEndsFilter(tokenizer)
    }
}

#[derive(Clone)]
struct FinnishStemEndsFilter<T>(T);

impl<T: Tokenizer> Tokenizer for FinnishStemEndsFilter<T> {
    type TokenStream<'a> = FinnishStemEndsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FinnishStemEndsStream(self.0.token_stream(text))
    }
}

struct FinnishStemEndsStream<S>(S);

/// The rule itself, on a lowercased stem.
pub fn even_finnish_stem(stem: &mut String) {
    let n = stem.chars().count();
    if n > 4 && stem.ends_with("ks") {
        let cut = stem.len() - 2;
        stem.replace_range(cut..cut + 1, "");
    } else if n > 5 && (stem.ends_with("ust") || stem.ends_with("yst")) {
        stem.pop();
    }
}

impl<S: TokenStream> TokenStream for FinnishStemEndsStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        even_finnish_stem(&mut self.0.token_mut().text);
        true
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        self.0.token_mut()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(key: &str, title: &str, body: &str) -> Doc {
        Doc {
            key: key.into(),
            kind: key.split(':').next().unwrap().into(),
            path: format!("/x/{key}"),
            title_fi: title.into(),
            body_fi: body.into(),
            visibility: vec!["public".into()],
            ..Default::default()
        }
    }

    fn index(docs: &[Doc]) -> SearchIndex {
        let i = SearchIndex::in_memory().unwrap();
        i.apply(docs, &[]).unwrap();
        i.commit(1).unwrap();
        i
    }

    fn keys(i: &SearchIndex, text: &str) -> Vec<String> {
        let q = SearchQuery {
            text: text.into(),
            lang: "fi".into(),
            visibility: vec!["public".into()],
            limit: 10,
            ..Default::default()
        };
        i.search(&q).unwrap().hits.into_iter().map(|h| h.key).collect()
    }

    #[test]
    fn finnish_inflections_compounds_and_typos_match() {
        let i = index(&[
            doc("service:1", "Kierrätys", "Teollisuuden sivuvirtojen kierrätys yrityksille."),
            doc("service:2", "Muovipakkausten keräys", "Keräämme muovipakkauksia."),
            doc("service:3", "Puurakentaminen", "Hirsitaloja."),
        ]);
        assert_eq!(keys(&i, "kierrätykseen"), vec!["service:1"]);
        assert_eq!(keys(&i, "yritys"), vec!["service:1"]);
        assert_eq!(keys(&i, "pakkaus"), vec!["service:2"]);
        assert_eq!(keys(&i, "kierätys"), vec!["service:1"], "one typo in a long word");
        assert_eq!(keys(&i, "muovipakkaus"), vec!["service:2"]);
        assert!(keys(&i, "puu").is_empty(), "short words need the word itself");
        assert!(keys(&i, "ki").is_empty());
    }

    #[test]
    fn several_words_rank_by_how_many_match() {
        let i = index(&[
            doc("service:1", "Kierrätys", "Teollisuuden sivuvirtojen kierrätys yrityksille."),
            doc("service:2", "Puurakentaminen", "Hirsitaloja ja kierrätyspuuta."),
            doc("service:3", "Hirsitalot", "Hirsitaloja."),
        ]);
        // Both words in one document: it ranks first, those with one after.
        let found = keys(&i, "kierrätyspuu hirsitalo");
        assert_eq!(found[0], "service:2", "{found:?}");
        assert!(found.contains(&"service:3".to_string()), "{found:?}");
        // No document has both: each word alone finds something, so the
        // query does too, the better matches first.
        let found = keys(&i, "kierrätys hirsitalo sivuvirta");
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0], "service:1", "two of three words match: {found:?}");
    }

    #[test]
    fn short_stems_roots_and_compound_splits_match() {
        let i = index(&[
            doc("org:1", "Akkukierrätys Pohjoinen", "Keräämme käytettyjä paristoja."),
            doc("org:2", "Lasinkeräys Oy", "Lasin kierrätys ja keräys kunnille."),
            doc("org:3", "Kodinkonehuolto Oy", "Kodinkoneiden korjaus ja huolto."),
            doc("org:4", "Muovinkierrätys Pohjola Oy", "Muovin kierrätys."),
            doc("org:5", "Meijeri", "Maidon jalostus."),
        ]);
        assert_eq!(keys(&i, "akku"), vec!["org:1"]);
        assert_eq!(keys(&i, "lasi"), vec!["org:2"]);
        assert_eq!(keys(&i, "lasikierrätys")[0], "org:2");
        assert_eq!(keys(&i, "kodinkoneiden korjaaja"), vec!["org:3"]);
        assert_eq!(keys(&i, "muovin kierrätys")[0], "org:4");
        assert_eq!(keys(&i, "muovin kierrättäjä")[0], "org:4");
    }

    #[test]
    fn finnish_stems_are_evened() {
        let i = SearchIndex::in_memory().unwrap();
        let stem = |w: &str| i.analyze("fi", w);
        assert_eq!(stem("kierrätykseen"), stem("kierrätys"));
        assert_eq!(stem("yrityksille"), stem("yritys"));
        assert_eq!(stem("pakkausten"), stem("pakkaus"));
        assert_eq!(stem("muovipakkauksia"), stem("muovipakkaus"));
    }

    #[test]
    fn exact_names_rank_first() {
        let i = index(&[
            doc("org:1", "Kiertoneuvo Oy", "Kiertotalouden neuvontaa. Kiertoneuvo kiertoneuvo kiertoneuvo."),
            doc("org:2", "Kiertoneuvo", "Neuvontaa."),
        ]);
        assert_eq!(keys(&i, "kiertoneuvo")[0], "org:2");
        assert_eq!(keys(&i, "Kiertoneuvo Oy")[0], "org:1");
    }

    #[test]
    fn visibility_filters_hits_counts_and_suggestions() {
        let mut secret = doc("thread:1", "Salainen kierrätyshanke", "Kierrätys");
        secret.visibility = vec!["user:7".into()];
        let i = index(&[doc("service:1", "Kierrätyspalvelu", "Kierrätys"), secret]);
        let q = |vis: &[&str]| SearchQuery {
            text: "kierrätys".into(),
            lang: "fi".into(),
            visibility: vis.iter().map(|s| s.to_string()).collect(),
            limit: 10,
            ..Default::default()
        };
        let public = i.search(&q(&["public"])).unwrap();
        assert_eq!((public.total, public.hits.len()), (1, 1));
        let kinds = &public.facets.iter().find(|(d, _)| d == "kind").unwrap().1;
        assert_eq!(kinds, &vec![("service".to_string(), 1)]);
        assert_eq!(i.search(&q(&["public", "user:7"])).unwrap().total, 2);
        assert!(i.suggest("salai", "fi", None, &["public".into()], 5).unwrap().is_empty());
        assert_eq!(i.suggest("salai", "fi", None, &["user:7".into()], 5).unwrap().len(), 1);
        assert_eq!(i.suggest("salai", "fi", Some("thread"), &["user:7".into()], 5).unwrap().len(), 1);
        assert!(i.suggest("salai", "fi", Some("service"), &["user:7".into()], 5).unwrap().is_empty());
        assert!(i.search(&q(&[])).unwrap().hits.is_empty(), "no tokens, nothing");
        // The ranking-only answer honours visibility the same way.
        let only = |vis: &[&str]| i.keys(&q(vis)).unwrap().into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(only(&["public"]), vec!["service:1"]);
        assert_eq!(only(&["public", "user:7"]).len(), 2);
        assert!(only(&[]).is_empty());
    }

    #[test]
    fn any_word_finds_what_is_alike() {
        let i = index(&[
            doc("expert:1", "Kipsin kierrätys", "Kipsijätteen kierrätys ja purkumateriaalit."),
            doc("expert:2", "Biokaasu", "Biokaasulaitokset ja lietteet."),
            doc("expert:3", "Purku", "Purkumateriaalit, kipsi ja betoni."),
        ]);
        let q = |any_word| SearchQuery {
            text: "Kuka ottaa kipsijätettä purkukohteesta vastaan".into(),
            lang: "fi".into(),
            visibility: vec!["public".into()],
            limit: 10,
            any_word,
            ..Default::default()
        };
        // No document has every word: the search widens to any of them.
        let widened: Vec<String> = i.keys(&q(false)).unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(widened.first().map(String::as_str), Some("expert:1"), "{widened:?}");
        let alike: Vec<String> = i.keys(&q(true)).unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(alike.first().map(String::as_str), Some("expert:1"));
        assert!(!alike.contains(&"expert:2".to_string()));
    }

    #[test]
    fn keys_rank_like_search() {
        let i = index(&[
            doc("org:1", "Kiertoneuvo Oy", "Kiertotalouden neuvontaa. Kiertoneuvo kiertoneuvo kiertoneuvo."),
            doc("org:2", "Kiertoneuvo", "Neuvontaa."),
            doc("service:3", "Muovipakkausten kierrätys", "Kierrätämme muovipakkauksia."),
            doc("service:4", "Kierrätyskonsultointi", "Neuvomme kierrätyksessä."),
            // Keys of other forms come back as they are.
            doc("page:kierratys-opas", "Kierrätysopas", "Kierrätyksen opas."),
            doc("term:007", "Kierrätysaste", "Kierrätyksen osuus."),
        ]);
        for text in ["kiertoneuvo", "kierrätykseen", "pakkaus", "kiertonevo", "opas", "kierrätysaste"] {
            let q = SearchQuery {
                text: text.into(),
                lang: "fi".into(),
                visibility: vec!["public".into()],
                limit: 10,
                ..Default::default()
            };
            let from_search: Vec<String> = i.search(&q).unwrap().hits.into_iter().map(|h| h.key).collect();
            let from_keys: Vec<String> = i.keys(&q).unwrap().into_iter().map(|(k, _)| k).collect();
            assert!(!from_keys.is_empty(), "{text} finds something");
            assert_eq!(from_keys, from_search, "{text}");
        }
        let q = |text: &str| SearchQuery {
            text: text.into(),
            lang: "fi".into(),
            visibility: vec!["public".into()],
            limit: 10,
            ..Default::default()
        };
        assert_eq!(i.keys(&q("opas")).unwrap()[0].0, "page:kierratys-opas");
        assert_eq!(i.keys(&q("kierrätysaste")).unwrap()[0].0, "term:007");
    }

    #[test]
    fn facet_counts_keep_the_other_filters() {
        let mut a = doc("service:1", "Kierrätys A", "");
        a.facets = vec![("focus".into(), "energy".into()), ("org_type".into(), "sme".into())];
        let mut b = doc("service:2", "Kierrätys B", "");
        b.facets = vec![("focus".into(), "water".into()), ("org_type".into(), "sme".into())];
        let mut c = doc("org:3", "Kierrätys C", "");
        c.facets = vec![("focus".into(), "energy".into()), ("org_type".into(), "research".into())];
        let i = index(&[a, b, c]);
        let q = SearchQuery {
            text: "kierrätys".into(),
            lang: "fi".into(),
            filters: vec![("focus".into(), "energy".into())],
            visibility: vec!["public".into()],
            limit: 10,
            ..Default::default()
        };
        let r = i.search(&q).unwrap();
        assert_eq!(r.total, 2);
        let get = |d: &str| r.facets.iter().find(|(x, _)| x == d).unwrap().1.clone();
        assert_eq!(get("focus"), vec![("energy".into(), 2), ("water".into(), 1)], "focus ignores its own filter");
        assert_eq!(get("org_type"), vec![("research".into(), 1), ("sme".into(), 1)]);
        assert_eq!(get("kind"), vec![("org".into(), 1), ("service".into(), 1)]);
    }

    #[test]
    fn snippets_highlight_and_escape() {
        let i = index(&[doc("news:1", "Uutinen", "Tänään <script> kierrätys alkoi & jatkuu.")]);
        let q = SearchQuery {
            text: "kierrätys".into(),
            lang: "fi".into(),
            visibility: vec!["public".into()],
            limit: 5,
            ..Default::default()
        };
        let s = &i.search(&q).unwrap().hits[0].snippet;
        assert!(s.contains("<b>kierrätys</b>") && s.contains("&lt;script&gt;"), "{s}");
    }

    #[test]
    fn updates_replace_and_deletes_remove() {
        let i = index(&[doc("page:1", "Vanha otsikko", "")]);
        i.apply(&[doc("page:1", "Uusi otsikko", "")], &[]).unwrap();
        i.commit(2).unwrap();
        assert!(keys(&i, "vanha").is_empty());
        assert_eq!(keys(&i, "uusi"), vec!["page:1"]);
        assert_eq!(i.cursor(), Some(2));
        i.apply(&[], &["page:1".into()]).unwrap();
        i.commit(3).unwrap();
        assert_eq!(i.num_docs(), 0);
    }

    #[test]
    fn a_damaged_index_is_recreated() {
        let dir = std::env::temp_dir().join(format!("kimppa-search-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let (i, opened) = SearchIndex::open(&dir).unwrap();
            assert_eq!(opened, Opened::Created);
            i.apply(&[doc("page:1", "Otsikko", "")], &[]).unwrap();
            i.commit(5).unwrap();
        }
        {
            let (i, opened) = SearchIndex::open(&dir).unwrap();
            assert_eq!((opened, i.cursor(), i.num_docs()), (Opened::Existing, Some(5), 1));
        }
        std::fs::write(dir.join("meta.json"), b"{ not json").unwrap();
        let (i, opened) = SearchIndex::open(&dir).unwrap();
        assert_eq!((opened, i.num_docs()), (Opened::Created, 0));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
