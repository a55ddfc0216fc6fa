//! What a need says about one partner role. A need usually asks for
//! several partners in one text ("we need a laboratory to test the beams,
//! and property owners who would use them"); a candidate for one role
//! should be compared with the words about that role and the common
//! context, not with the words about the others.
//!
//! The text is cut into parts at sentence ends, commas, semicolons and
//! "sekä"/"as well as", and at a "ja"/"and" between the words about two
//! roles; a part that opens with a relative or subordinate word ("joka",
//! "jotta", "which", "so that") belongs to the part before it. A part
//! speaks of a role when it holds one of the role's cue stems (in Finnish
//! or English, also inside a compound word: "tutkimuskumppania" holds
//! "tutkimu"). Parts that speak of no role are context.

/// Cue stems of each role (role key → stems, lower case). A stem is found
/// anywhere inside a word, so compounds and inflected forms match.
const CUES: &[(&str, &[&str])] = &[
    (
        "research-partner",
        &[
            "tutkimu",
            "tutkija",
            "tutkii",
            "tutkia",
            "laborator",
            "testau",
            "testaa",
            "mitoit",
            "yliopist",
            "korkeakoul",
            "research",
            "testing",
            "universit",
        ],
    ),
    (
        "funder",
        &[
            "rahoit", "sijoitta", "sijoitu", "pääoma", "avustu", "apuraha", "laina", "takau", "fundin", "funder",
            "financ", "investo", "investm", "grant", "loan", "capital",
        ],
    ),
    (
        "customer",
        &[
            "asiaka",
            "asiakk",
            "ostaj",
            "ostam",
            "myydä",
            "myymä",
            "käyttäj",
            "rakennutta",
            "kiinteistönomista",
            "tilaaj",
            "kokeilisi",
            "käyttöön",
            "ottaisi",
            "customer",
            "buyer",
            "client",
            "purchas",
        ],
    ),
    ("logistics", &["kuljet", "nouto", "noudo", "logisti", "keräily", "transport", "haulag", "pick-up", "pickup"]),
    (
        "recycler",
        &[
            "kierrätyk",
            "kierrättä",
            "hyödyntäj",
            "vastaanot",
            "jalosta",
            "käsittelij",
            "purun",
            "purkaj",
            "recycl",
            "recover",
            "receiv",
            "process",
        ],
    ),
    ("material-supplier", &["toimittaj", "tarjolla", "raaka-ain", "supplier", "feedstock", "sourc"]),
    (
        "technology-provider",
        &[
            "järjestelm",
            "digitaal",
            "sovellu",
            "ohjelmist",
            "anturi",
            "seuranta",
            "alusta",
            "punnit",
            "huoltokumppan",
            "korjaa",
            "system",
            "software",
            "sensor",
            "digital",
            "platform",
            "tracking",
            "monitor",
            "repair",
        ],
    ),
    (
        "consultant",
        &[
            "selvity",
            "kartoitu",
            "kartoitt",
            "asiantuntij",
            "suunnitelm",
            "neuvon",
            "konsult",
            "consult",
            "advis",
            "assessm",
            "audit",
            "expert",
        ],
    ),
];

/// Words that open a part belonging to the part before it.
const CONTINUING: &[&str] = &[
    "joka",
    "jotka",
    "jonka",
    "joiden",
    "jota",
    "joita",
    "jossa",
    "joissa",
    "josta",
    "joista",
    "johon",
    "joihin",
    "jolla",
    "joilla",
    "jolta",
    "joilta",
    "jolle",
    "joille",
    "jona",
    "joina",
    "jotta",
    "ettei",
    "että",
    "jolloin",
    "kun",
    "jos",
    "mutta",
    "kuten",
    "esimerkiksi",
    "which",
    "that",
    "who",
    "whose",
    "where",
    "so",
    "such",
    "but",
    "when",
    "if",
    "e.g.",
    "like",
];

/// The need's parts, each with the roles it speaks of.
fn parts(text: &str) -> Vec<(String, Vec<&'static str>)> {
    let mut out: Vec<(String, Vec<&'static str>)> = Vec::new();
    for sentence in sentences(text) {
        for (i, piece) in clauses(&sentence).into_iter().flat_map(|c| by_role(&c)).enumerate() {
            let first = piece.split_whitespace().next().unwrap_or_default().to_lowercase();
            let cues = roles_in(&piece);
            let continues = CONTINUING.contains(&first.as_str());
            match out.last_mut() {
                Some(last) if i > 0 && continues => {
                    last.0.push_str(", ");
                    last.0.push_str(&piece);
                    for r in cues {
                        if !last.1.contains(&r) {
                            last.1.push(r);
                        }
                    }
                }
                _ => out.push((piece, cues)),
            }
        }
    }
    out
}

/// A clause that speaks of several roles, cut before each "ja"/"and"
/// that opens the words about another role ("a research partner for the
/// trials and a user for the sludge").
fn by_role(clause: &str) -> Vec<String> {
    if roles_in(clause).len() < 2 {
        return vec![clause.to_string()];
    }
    let words: Vec<&str> = clause.split_whitespace().collect();
    cut_before(&words, |start, i| {
        if !matches!(words[i].to_lowercase().as_str(), "ja" | "and") {
            return false;
        }
        let before = roles_in(&words[start..i].join(" "));
        let after = roles_in(&words[i + 1..].join(" "));
        !before.is_empty() && after.iter().any(|r| !before.contains(r))
    })
}

/// The words joined into pieces, a new piece starting before each word
/// `cuts` is true for (given where the current piece starts and the word's
/// index; never before the first word).
fn cut_before(words: &[&str], cuts: impl Fn(usize, usize) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut start = 0;
    for i in 1..words.len() {
        if cuts(start, i) {
            out.push(words[start..i].join(" "));
            start = i;
        }
    }
    if start < words.len() {
        out.push(words[start..].join(" "));
    }
    out
}

/// Sentences: cut after ".", "!", "?" followed by white space (a number
/// such as "1,5" or an abbreviation without a following space stays whole).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '.' | '!' | '?' | '\n') && chars.peek().is_none_or(|n| n.is_whitespace()) {
            let s = current.trim().to_string();
            if !s.is_empty() {
                out.push(s);
            }
            current.clear();
        }
    }
    let s = current.trim().to_string();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// A sentence's clauses: cut at commas and semicolons, and before "sekä",
/// "lisäksi" and "as well as".
fn clauses(sentence: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in sentence.split([',', ';']) {
        let words: Vec<&str> = piece.split_whitespace().collect();
        out.extend(cut_before(&words, |_, i| {
            let lower = words[i].to_lowercase();
            matches!(lower.as_str(), "sekä" | "lisäksi")
                || (lower == "as" && words.get(i + 1).is_some_and(|n| n.eq_ignore_ascii_case("well")))
        }));
    }
    out
}

/// The roles a piece of text speaks of.
fn roles_in(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let words: Vec<&str> =
        lower.split(|c: char| !(c.is_alphanumeric() || c == '-')).filter(|w| !w.is_empty()).collect();
    CUES.iter()
        .filter(|(_, stems)| stems.iter().any(|s| words.iter().any(|w| w.contains(s))))
        .map(|(role, _)| *role)
        .collect()
}

/// What `need` says about `role`: the parts that speak of the role, and
/// the context. Parts that speak only of the need's other roles (`asked`,
/// the roles the need asks for) are left out; a part whose words only
/// sound like a role the need does not ask for is context ("a company that
/// processes bark" in a need asking for bark suppliers). A need made only
/// of other roles' parts is its own context.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleText {
    pub own: String,
    pub context: String,
}

pub fn for_role(need: &str, role: &str, asked: &[String]) -> RoleText {
    let parts = parts(need);
    let others = |r: &Vec<&str>| r.iter().any(|x| *x != role && asked.iter().any(|a| a == x));
    let own: Vec<&str> = parts.iter().filter(|(_, r)| r.contains(&role)).map(|(p, _)| p.as_str()).collect();
    let context: Vec<&str> =
        parts.iter().filter(|(_, r)| !r.contains(&role) && !others(r)).map(|(p, _)| p.as_str()).collect();
    if own.is_empty() && context.is_empty() {
        return RoleText { own: String::new(), context: need.to_string() };
    }
    RoleText { own: own.join(". "), context: context.join(". ") }
}

/// How much more a role's own words weigh than the context.
pub const OWN_WEIGHT: f64 = 2.0;

/// Material families and the stems that name them (Finnish and English,
/// found inside compounds: "suojamuoveja" names plastics). A logistics
/// company for ash is not the one to pick up plastic film.
const MATERIALS: &[(&str, &[&str])] = &[
    ("plastics", &["muovi", "kalvo", "polyeteen", "granulaat", "plastic", "polymer"]),
    ("ash", &["tuhka", "tuhki", "fly ash", "bottom ash"]),
    ("slag", &["kuona", "kuoni", "slag"]),
    (
        "wood",
        &[
            "purkupuu", "puutavar", "puuraken", "liimapuu", "sahanpur", "hakkee", "haket", "kuori", "kuorta", "lauta",
            "timber", "wood",
        ],
    ),
    ("textiles", &["tekstiil", "vaatte", "vaate", "textile", "cloth"]),
    ("food", &["elintarvik", "ruoka", "ruoan", "hera", "mäski", "leipä", "maito", "food", "whey", "brew"]),
    ("metals", &["teräs", "rauta", "sinkki", "kupari", "metal", "steel", "zinc"]),
    ("minerals", &["betoni", "tiili", "kiviaine", "murske", "hiekka", "sivukiv", "concrete", "brick", "tailing"]),
    ("sludge", &["liete", "liette", "sakka", "sludge"]),
    ("paper", &["pahvi", "kartonki", "kartongi", "cardboard", "paper"]),
    ("building-parts", &["ovet", "ovia", "ikkuna", "palkki", "palkke", "rakennusos", "door", "window", "beam"]),
    (
        "devices",
        &["elektroniik", "kodinkon", "laite", "laitte", "akku", "akut", "työkalu", "device", "appliance", "battery"],
    ),
    ("manure", &["lanta", "lannan", "biokaasu", "mädä", "manure", "biogas"]),
];

/// The material families a text names.
pub fn materials(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    MATERIALS.iter().filter(|(_, stems)| stems.iter().any(|s| lower.contains(s))).map(|(m, _)| *m).collect()
}

/// A logistics company or recycler whose texts name this many material
/// families or more handles materials in general.
pub const GENERALIST: usize = 3;

/// Whether a candidate that handles materials names only other materials
/// than the need (both name some, they share none, and the candidate is
/// no generalist).
pub fn other_materials(need: &[&str], candidate: &[&str]) -> bool {
    !need.is_empty()
        && !candidate.is_empty()
        && candidate.len() < GENERALIST
        && !need.iter().any(|n| candidate.contains(n))
}

/// Whether the sums a funder states leave out every sum the need names
/// (both name some).
pub fn sum_outside(need: &[(f64, f64)], offered: &[(f64, f64)]) -> bool {
    !need.is_empty()
        && !offered.is_empty()
        && !need.iter().any(|(x, _)| offered.iter().any(|(lo, hi)| lo <= x && x <= hi))
}

/// The sums in euros a text names, each as (lowest, highest): "450 000
/// euroa" is (450000, 450000), "2 000–20 000 euron" and "1–3 miljoonaa
/// euroa" are ranges, "1,5 miljoonaa euroa" is 1.5 million. A number not
/// followed by euros (a year, tonnes) is not a sum.
pub fn euros(text: &str) -> Vec<(f64, f64)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_alphanumeric()) {
            i += 1;
            continue;
        }
        let (low, next) = number(&chars, i);
        let mut j = next;
        let mut high = None;
        if chars.get(j).is_some_and(|c| matches!(c, '–' | '-' | '—'))
            && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit())
        {
            let (h, after) = number(&chars, j + 1);
            high = Some(h);
            j = after;
        }
        let rest: String = chars[j..chars.len().min(j + 24)].iter().collect::<String>().to_lowercase();
        let rest = rest.trim_start();
        let (factor, rest) = [("miljoona", 1e6), ("milj", 1e6), ("million", 1e6), ("tuhat", 1e3), ("thousand", 1e3)]
            .iter()
            .find(|(w, _)| rest.starts_with(w))
            .map(|(w, f)| {
                (*f, rest[w.len()..].trim_start_matches(|c: char| c.is_alphabetic() || c == '.').trim_start())
            })
            .unwrap_or((1.0, rest));
        if rest.starts_with("eur") || rest.starts_with('€') {
            let high = high.unwrap_or(low) * factor;
            // "100 000–1 000 000": the factor is written once, after the range.
            out.push((low * factor, high));
        }
        i = j.max(i + 1);
    }
    out
}

/// A number at `at`: digits, groups of three after a space ("450 000"),
/// a decimal part after a comma or a point; the value and where it ends.
fn number(chars: &[char], at: usize) -> (f64, usize) {
    let mut digits = String::new();
    let mut i = at;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            digits.push(c);
            i += 1;
        } else if matches!(c, ' ' | '\u{a0}')
            && chars.get(i + 1..i + 4).is_some_and(|g| g.iter().all(|d| d.is_ascii_digit()))
            && !chars.get(i + 4).is_some_and(|d| d.is_ascii_digit())
        {
            i += 1;
        } else if matches!(c, ',' | '.') && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
            digits.push('.');
            i += 1;
        } else {
            break;
        }
    }
    (digits.parse().unwrap_or(0.0), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEED: &str = "Puramme koulun. Haemme laboratoriota tai tutkimuskumppania, joka määrittää palkkien \
        lujuuden, jotta niitä voi käyttää uudelleen. Lisäksi etsimme rakennuttajia ja kiinteistönomistajia, \
        jotka ottaisivat osat käyttöön.";

    #[test]
    fn a_role_reads_its_own_parts_and_the_context() {
        let asked = ["research-partner".to_string(), "customer".to_string()];
        let research = for_role(NEED, "research-partner", &asked);
        assert!(research.own.contains("palkkien lujuuden"), "{research:?}");
        assert_eq!(research.context, "Puramme koulun.");
        assert!(!research.own.contains("rakennuttajia"), "{research:?}");
        let customer = for_role(NEED, "customer", &asked);
        assert!(customer.own.contains("kiinteistönomistajia"), "{customer:?}");
        assert!(!customer.own.contains("laboratoriota") && !customer.context.contains("laboratoriota"));
    }

    #[test]
    fn sekä_and_commas_cut_a_sentence_and_subordinate_clauses_stay() {
        let text = "Tarvitsemme toimittajan purettaville osille, lujuustestauksen, jolla osat hyväksytään, \
            sekä järjestelmän, joka jäljittää jokaisen osan alkuperän.";
        let p = parts(text);
        let roles: Vec<Vec<&str>> = p.iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(
            roles,
            vec![vec!["material-supplier"], vec!["research-partner"], vec!["technology-provider"]],
            "{p:?}"
        );
        assert!(p[2].0.contains("alkuperän"), "{p:?}");
        let asked: Vec<String> =
            ["material-supplier", "research-partner", "technology-provider"].map(String::from).into();
        let tech = for_role(text, "technology-provider", &asked);
        assert!(tech.own.contains("alkuperän") && tech.context.is_empty(), "{tech:?}");
        // A role the need does not ask for leaves its words as context.
        let tech = for_role(text, "technology-provider", &asked[2..]);
        assert!(tech.context.contains("toimittajan"), "{tech:?}");
    }

    #[test]
    fn ja_between_two_roles_cuts_a_clause() {
        let p = parts("Tarvitsemme tutkimuskumppanin kokeiluihin ja lietteen hyödyntäjän läheltä.");
        let roles: Vec<Vec<&str>> = p.iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(roles, vec![vec!["research-partner"], vec!["recycler"]], "{p:?}");
        // "ja" inside the words about one role does not cut.
        assert_eq!(parts("Haemme laboratoriota ja testausta.").len(), 1);
    }

    #[test]
    fn materials_are_named_inside_compounds() {
        assert_eq!(materials("Työmaiden suojamuovit ja kiristekalvot"), vec!["plastics"]);
        assert_eq!(materials("Tuhkan välivarastointi ja toimitus työmaalle"), vec!["ash"]);
        assert_eq!(materials("Lentotuhka ja teräskuona"), vec!["ash", "slag", "metals"]);
        assert!(materials("Haemme rahoittajaa").is_empty());
    }

    #[test]
    fn sums_in_euros_and_their_ranges() {
        assert_eq!(euros("uusi linja, jonka investointi on noin 450 000 euroa."), vec![(450_000.0, 450_000.0)]);
        assert_eq!(euros("Myönnämme 2 000–20 000 euron apurahoja"), vec![(2_000.0, 20_000.0)]);
        assert_eq!(euros("Sijoitamme 100 000–1 000 000 euroa"), vec![(100_000.0, 1_000_000.0)]);
        assert_eq!(euros("investointi on noin 1,5 miljoonaa euroa"), vec![(1_500_000.0, 1_500_000.0)]);
        assert_eq!(euros("lainoja 1–3 miljoonaa euroa"), vec![(1_000_000.0, 3_000_000.0)]);
        assert_eq!(euros("a grant of 20 000 EUR"), vec![(20_000.0, 20_000.0)]);
        // Years, tonnes and counts are not sums.
        assert!(euros("Vuonna 2026 syntyy 20 000 tonnia ja 600 ovea.").is_empty());
    }

    #[test]
    fn off_target_materials_and_sums() {
        assert!(other_materials(&["plastics"], &["ash"]));
        assert!(!other_materials(&["plastics"], &["ash", "plastics"]));
        assert!(!other_materials(&["devices"], &["plastics", "metals", "paper"]), "a generalist");
        assert!(!other_materials(&[], &["ash"]) && !other_materials(&["ash"], &[]));
        let grants = [(2_000.0, 20_000.0)];
        assert!(sum_outside(&[(450_000.0, 450_000.0)], &grants));
        assert!(!sum_outside(&[(15_000.0, 15_000.0)], &grants));
        assert!(!sum_outside(&[], &grants) && !sum_outside(&[(1.0, 1.0)], &[]));
    }

    #[test]
    fn a_number_with_a_decimal_comma_or_point_is_not_cut() {
        assert_eq!(sentences("Investointi on 1.5 miljoonaa. Toinen").len(), 2);
    }

    #[test]
    fn a_need_of_other_roles_only_is_kept_whole() {
        let text = "Haemme rahoittajaa.";
        let t = for_role(text, "customer", &["funder".into(), "customer".into()]);
        assert_eq!((t.own.as_str(), t.context.as_str()), ("", text));
    }
}
