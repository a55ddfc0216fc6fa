"""Finnish morphology in SQLite FTS5, measured on the hand-judged search set.

Builds an in-memory SQLite FTS5 index (tokenize='unicode61') of the documents in
crates/bench/data/search-judged.json three times and runs the judged queries
against each:

  1. FTS5, words as typed: the raw lowercased words; the query is the OR of
     its words.
  2. FTS5, Voikko base forms and parts: every word is indexed together with its
     Voikko base forms and the base forms of its compound parts and derivation
     roots; each query word becomes a group "(a OR b ...)" of the same
     expansions and the groups are OR'ed.
  3. FTS5, Voikko, all words first: as 2, but the AND of the groups is run
     first; when it finds fewer than five documents, the results of the OR
     query are appended.

Results are ordered by bm25 with the name column weighted 3.0 and the body 1.0.
Prints hit@10, MRR@10, P@10 and mean query time per variant, how many query
words Voikko did not recognise, and the queries variant 3 misses.

Run from the repository root:

    /usr/bin/python3 bench/voikko_eval.py

Needs the Debian packages libvoikko1, voikko-fi and python3-libvoikko (the
binding is only installed for the system Python).
"""

import csv
import json
import re
import sqlite3
import time
from pathlib import Path

import libvoikko

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "crates" / "bench" / "data" / "search-judged.json"
MUNICIPALITIES = ROOT / "crates" / "store" / "data" / "municipalities.csv"

TOP_K = 10
AND_MINIMUM = 5
TIMING_RUNS = 20

# Runs of letters and digits in any script (so å, ä and ö stay inside words).
WORD_RE = re.compile(r"[^\W_]+")
PARENTHESISED_RE = re.compile(r"\(([^()]*)\)")


def split_words(text):
    return WORD_RE.findall(text.lower())


class Analyser:
    """Expands words with Voikko base forms, caching every analysis."""

    def __init__(self):
        self.voikko = libvoikko.Voikko("fi")
        self.cache = {}

    def expansions(self, word):
        """The word itself, its base forms and the base forms of its parts.

        Returns (terms, recognised); an unknown word expands to itself only.
        """
        if word not in self.cache:
            analyses = self.voikko.analyze(word)
            terms = [word]
            for analysis in analyses:
                found = []
                if analysis.get("BASEFORM"):
                    found.append(analysis["BASEFORM"])
                for part in PARENTHESISED_RE.findall(analysis.get("WORDBASES", "")):
                    # "(+ja)" and the like are suffixes, not base forms.
                    if part and not part.startswith("+"):
                        found.append(part)
                for form in found:
                    # Base forms may hold hyphens or "=" (Pohjan=maa); split them
                    # the same way the text is split so index and query agree.
                    terms.extend(split_words(form))
            self.cache[word] = (list(dict.fromkeys(terms)), bool(analyses))
        return self.cache[word]

    def expand_text(self, text):
        terms = []
        for word in split_words(text):
            terms.extend(self.expansions(word)[0])
        return terms


def quote(term):
    return '"' + term.replace('"', '""') + '"'


def or_group(terms):
    quoted = [quote(t) for t in terms if t]
    return "(" + " OR ".join(quoted) + ")" if quoted else ""


def load_documents():
    data = json.loads(JUDGED.read_text(encoding="utf-8"))
    with MUNICIPALITIES.open(encoding="utf-8", newline="") as f:
        swedish = {row["name_fi"]: row["name_sv"] for row in csv.DictReader(f)}
    by_id = {doc["id"]: doc for doc in data["documents"]}

    documents = []
    for doc in data["documents"]:
        extra = []
        if doc["kind"] == "service":
            provider = by_id[doc["provider"]]
            extra.append(provider["name"])
            municipality = provider.get("municipality")
        else:
            municipality = doc.get("municipality")
        if municipality:
            extra.append(municipality)
            extra.append(swedish.get(municipality, ""))
        body = " ".join([doc.get("text_fi", ""), doc.get("text_en", "")] + extra)
        documents.append((doc["id"], doc["name"], body))
    return documents, data["queries"]


class Index:
    def __init__(self, documents, analyse):
        """analyse(text) -> list of terms to index."""
        self.ids = [doc_id for doc_id, _, _ in documents]
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(name, body, tokenize='unicode61')"
        )
        self.db.executemany(
            "INSERT INTO docs(rowid, name, body) VALUES (?, ?, ?)",
            [
                (rowid, " ".join(analyse(name)), " ".join(analyse(body)))
                for rowid, (_, name, body) in enumerate(documents)
            ],
        )

    def search(self, match, limit=TOP_K):
        if not match:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? "
            "ORDER BY bm25(docs, 3.0, 1.0), rowid LIMIT ?",
            (match, limit),
        ).fetchall()
        return [self.ids[rowid] for (rowid,) in rows]


def search_as_typed(index, query):
    words = split_words(query)
    return index.search(" OR ".join(quote(w) for w in words if w))


def voikko_groups(analyser, query):
    groups = [or_group(analyser.expansions(w)[0]) for w in split_words(query)]
    return [g for g in groups if g]


def search_voikko_any(index, analyser, query):
    return index.search(" OR ".join(voikko_groups(analyser, query)))


def search_voikko_all_first(index, analyser, query):
    groups = voikko_groups(analyser, query)
    results = index.search(" AND ".join(groups))
    if len(results) < AND_MINIMUM:
        for doc_id in index.search(" OR ".join(groups)):
            if doc_id not in results:
                results.append(doc_id)
    return results[:TOP_K]


def score(results, relevant):
    top = results[:TOP_K]
    relevant = set(relevant)
    first = next((i for i, doc_id in enumerate(top) if doc_id in relevant), None)
    hit = 1.0 if first is not None else 0.0
    reciprocal_rank = 1.0 / (first + 1) if first is not None else 0.0
    precision = sum(1 for doc_id in top if doc_id in relevant) / min(TOP_K, len(relevant))
    return hit, reciprocal_rank, precision


def evaluate(name, run, queries):
    totals = [0.0, 0.0, 0.0]
    misses = []
    for query in queries:
        results = run(query["q"])
        metrics = score(results, query["relevant"])
        totals = [t + m for t, m in zip(totals, metrics)]
        if metrics[0] == 0.0:
            misses.append(query)

    # Time the queries separately, after one untimed pass has filled the
    # Voikko cache, so the figure is the cost of a search with warm caches.
    started = time.perf_counter()
    for _ in range(TIMING_RUNS):
        for query in queries:
            run(query["q"])
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    mean_ms = elapsed_ms / (TIMING_RUNS * len(queries))

    n = len(queries)
    return {
        "name": name,
        "hit": totals[0] / n,
        "mrr": totals[1] / n,
        "p": totals[2] / n,
        "ms": mean_ms,
        "misses": misses,
    }


def main():
    documents, queries = load_documents()
    analyser = Analyser()

    typed_index = Index(documents, split_words)
    voikko_index = Index(documents, analyser.expand_text)

    variants = [
        evaluate(
            "FTS5, words as typed",
            lambda q: search_as_typed(typed_index, q),
            queries,
        ),
        evaluate(
            "FTS5, Voikko base forms and parts",
            lambda q: search_voikko_any(voikko_index, analyser, q),
            queries,
        ),
        evaluate(
            "FTS5, Voikko, all words first",
            lambda q: search_voikko_all_first(voikko_index, analyser, q),
            queries,
        ),
    ]

    print(f"{len(documents)} documents, {len(queries)} judged queries, "
          f"SQLite {sqlite3.sqlite_version}, tokenize='unicode61', "
          f"bm25 weights name 3.0 body 1.0")
    print()
    width = max(len(v["name"]) for v in variants)
    print(f"{'variant':<{width}}  hit@10  MRR@10    P@10  mean ms")
    for v in variants:
        print(f"{v['name']:<{width}}  {v['hit']:6.3f}  {v['mrr']:6.3f}  "
              f"{v['p']:6.3f}  {v['ms']:7.3f}")
    print(f"(mean ms: per query, warm Voikko cache, mean of {TIMING_RUNS} runs "
          f"of the set; varies between runs)")

    query_words = [w for q in queries for w in split_words(q["q"])]
    unknown = [w for w in query_words if not analyser.expansions(w)[1]]
    distinct_unknown = sorted(set(unknown))
    print()
    print(f"Voikko coverage (variants 2 and 3): {len(unknown)} of "
          f"{len(query_words)} query words not recognised "
          f"({len(distinct_unknown)} distinct of {len(set(query_words))}):")
    print("  " + ", ".join(distinct_unknown))

    misses = variants[2]["misses"]
    print()
    print(f"Queries with no relevant document in the first ten "
          f"({variants[2]['name']}): {len(misses)}")
    for query in misses:
        top = search_voikko_all_first(voikko_index, analyser, query["q"])
        print(f"  {query['q']!r}: {query['why']}")
        print(f"      relevant {', '.join(query['relevant'])}; "
              f"got {', '.join(top[:5]) or 'nothing'}")


if __name__ == "__main__":
    main()
