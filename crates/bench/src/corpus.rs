//! The words of the generated dataset: circular-economy concepts with their
//! Finnish inflected forms (and compounds) and English equivalents, and the
//! judged query set. A document is relevant to a query when its text
//! contains one of the forms of the query's concepts — a judgement made on
//! the generator's own vocabulary, independent of any search engine.

/// A concept: a key, Finnish surface forms (inflections, compounds that
/// contain it) and an English word.
pub struct Concept {
    pub key: &'static str,
    pub fi: &'static [&'static str],
    pub en: &'static str,
}

pub const CONCEPTS: &[Concept] = &[
    Concept {
        key: "kierrätys",
        fi: &["kierrätys", "kierrätyksen", "kierrätykseen", "kierrätyksessä", "kierrätystä", "kierrätyksestä"],
        en: "recycling",
    },
    Concept {
        key: "pakkaus",
        fi: &["pakkaus", "pakkauksen", "pakkauksia", "pakkausten", "pakkauksista"],
        en: "packaging",
    },
    Concept { key: "muovi", fi: &["muovi", "muovin", "muovia", "muoveja", "muovien"], en: "plastic" },
    Concept {
        key: "muovipakkaus",
        fi: &["muovipakkaus", "muovipakkauksen", "muovipakkauksia", "muovipakkausten"],
        en: "plastic packaging",
    },
    Concept {
        key: "betonimurske",
        fi: &["betonimurske", "betonimursketta", "betonimurskeen", "betonimurskeesta"],
        en: "crushed concrete",
    },
    Concept { key: "purkupuu", fi: &["purkupuu", "purkupuuta", "purkupuun", "purkupuusta"], en: "demolition wood" },
    Concept {
        key: "tekstiili",
        fi: &["tekstiili", "tekstiilin", "tekstiilejä", "tekstiilien", "tekstiileistä"],
        en: "textile",
    },
    Concept {
        key: "elektroniikkaromu",
        fi: &["elektroniikkaromu", "elektroniikkaromua", "elektroniikkaromun", "elektroniikkaromusta"],
        en: "electronic scrap",
    },
    Concept { key: "tuhka", fi: &["tuhka", "tuhkan", "tuhkaa", "tuhkasta", "lentotuhka", "lentotuhkan"], en: "ash" },
    Concept {
        key: "hyötykäyttö",
        fi: &["hyötykäyttö", "hyötykäytön", "hyötykäyttöä", "hyötykäyttöön"],
        en: "recovery",
    },
    Concept {
        key: "biokaasulaitos",
        fi: &["biokaasulaitos", "biokaasulaitoksen", "biokaasulaitokseen", "biokaasulaitoksessa"],
        en: "biogas plant",
    },
    Concept {
        key: "kuljetus",
        fi: &["kuljetus", "kuljetuksen", "kuljetukseen", "kuljetuksia", "kuljetuksista"],
        en: "transport",
    },
    Concept {
        key: "jätevesi",
        fi: &["jätevesi", "jäteveden", "jätevettä", "jätevedestä", "jätevesien"],
        en: "waste water",
    },
    Concept {
        key: "sivuvirta",
        fi: &["sivuvirta", "sivuvirran", "sivuvirtaa", "sivuvirtojen", "sivuvirroista"],
        en: "side stream",
    },
    Concept {
        key: "metalliromu",
        fi: &["metalliromu", "metalliromun", "metalliromua", "metalliromusta"],
        en: "scrap metal",
    },
    Concept {
        key: "korjaus",
        fi: &["korjaus", "korjauksen", "korjaukseen", "korjauksia", "korjauspalvelu", "korjauspalvelut"],
        en: "repair",
    },
    Concept { key: "lasi", fi: &["lasi", "lasin", "lasia", "lasinkeräys", "lasinkeräyksen"], en: "glass" },
    Concept {
        key: "kompostointi",
        fi: &["kompostointi", "kompostoinnin", "kompostointia", "kompostointiin"],
        en: "composting",
    },
    Concept {
        key: "lannoite",
        fi: &["lannoite", "lannoitteen", "lannoitteita", "kierrätyslannoite", "kierrätyslannoitteet"],
        en: "fertiliser",
    },
    Concept {
        key: "rakennusjäte",
        fi: &["rakennusjäte", "rakennusjätteen", "rakennusjätettä", "rakennusjätteistä"],
        en: "construction waste",
    },
    Concept {
        key: "hukkalämpö", fi: &["hukkalämpö", "hukkalämmön", "hukkalämpöä", "hukkalämmöstä"], en: "waste heat"
    },
    Concept {
        key: "vuokraus",
        fi: &["vuokraus", "vuokrauksen", "vuokraukseen", "laitevuokraus", "laitevuokrauksen"],
        en: "rental",
    },
    Concept {
        key: "kartonki",
        fi: &["kartonki", "kartongin", "kartonkia", "kartonkipakkaus", "kartonkipakkausten"],
        en: "board",
    },
    Concept {
        key: "kuitu",
        fi: &["kuitu", "kuidun", "kuitua", "kuituja", "kierrätyskuitu", "kierrätyskuitua"],
        en: "fibre",
    },
    Concept {
        key: "laboratorio",
        fi: &["laboratorio", "laboratorion", "laboratorioon", "laboratoriossa", "laboratorioanalyysi"],
        en: "laboratory",
    },
];

/// Concepts used by the bulk text; the others are planted ("needles").
pub const COMMON: &[&str] = &[
    "kierrätys",
    "pakkaus",
    "muovi",
    "tekstiili",
    "hyötykäyttö",
    "kuljetus",
    "sivuvirta",
    "korjaus",
    "lasi",
    "kuitu",
    "laboratorio",
];

/// Needles: each is planted in a few documents, in varying inflected forms.
pub const NEEDLES: &[&str] = &[
    "muovipakkaus",
    "betonimurske",
    "purkupuu",
    "elektroniikkaromu",
    "tuhka",
    "biokaasulaitos",
    "jätevesi",
    "metalliromu",
    "kompostointi",
    "lannoite",
    "rakennusjäte",
    "hukkalämpö",
    "kartonki",
    "vuokraus",
];

/// Documents each needle is planted in.
pub const NEEDLE_DOCS: usize = 8;

/// Parts of compounds, only for judging (never planted on their own).
pub const PARTS: &[Concept] = &[
    Concept { key: "murske", fi: &["murske", "mursketta", "murskeen", "murskeesta"], en: "crush" },
    Concept { key: "romu", fi: &["romu", "romua", "romun", "romusta"], en: "scrap" },
];

/// A judged query: its text and the concepts a relevant document must all mention.
pub struct Judged {
    pub query: &'static str,
    pub concepts: &'static [&'static str],
}

pub const JUDGED: &[Judged] = &[
    Judged { query: "muovipakkauksia", concepts: &["muovipakkaus"] },
    Judged { query: "betonimursketta", concepts: &["betonimurske"] },
    Judged { query: "purkupuun", concepts: &["purkupuu"] },
    Judged { query: "elektroniikkaromua", concepts: &["elektroniikkaromu"] },
    Judged { query: "tuhkaa", concepts: &["tuhka"] },
    Judged { query: "biokaasulaitokseen", concepts: &["biokaasulaitos"] },
    Judged { query: "jätevedestä", concepts: &["jätevesi"] },
    Judged { query: "metalliromun", concepts: &["metalliromu"] },
    Judged { query: "kompostointiin", concepts: &["kompostointi"] },
    Judged { query: "lannoitteita", concepts: &["lannoite"] },
    Judged { query: "rakennusjätettä", concepts: &["rakennusjäte"] },
    Judged { query: "hukkalämmön", concepts: &["hukkalämpö"] },
    Judged { query: "kartonkia", concepts: &["kartonki"] },
    Judged { query: "laitevuokrausta", concepts: &["vuokraus"] },
    Judged { query: "mursketta", concepts: &["murske"] },
    Judged { query: "romua", concepts: &["romu"] },
];

pub fn concept(key: &str) -> Option<&'static Concept> {
    CONCEPTS.iter().chain(PARTS.iter()).find(|c| c.key == key)
}

/// The concepts of the bulk text.
pub fn common() -> Vec<&'static Concept> {
    COMMON.iter().filter_map(|k| concept(k)).collect()
}

/// Is a document (its lowercased text) relevant to the query?
pub fn relevant(text_lower: &str, j: &Judged) -> bool {
    j.concepts.iter().all(|k| concept(k).is_some_and(|c| c.fi.iter().any(|f| text_lower.contains(f))))
}

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

pub const FIRST_NAMES: &[&str] = &[
    "Aino", "Eero", "Helmi", "Juho", "Kaisa", "Lauri", "Minna", "Niko", "Outi", "Pekka", "Riikka", "Sami", "Tiina",
    "Ville", "Anna", "Matti", "Laura", "Jussi", "Sanna", "Teemu",
];
pub const LAST_NAMES: &[&str] = &[
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Kinnunen",
    "Turunen",
    "Salo",
    "Rantanen",
];
pub const MUNICIPALITIES: &[&str] = &[
    "Oulu",
    "Kempele",
    "Liminka",
    "Raahe",
    "Ii",
    "Muhos",
    "Kuusamo",
    "Kajaani",
    "Rovaniemi",
    "Kokkola",
    "Tornio",
    "Kemi",
    "Ylivieska",
    "Pudasjärvi",
    "Haukipudas",
    "Tyrnävä",
    "Lumijoki",
    "Siikajoki",
    "Utajärvi",
    "Vaala",
];
pub const NAME_PARTS: &[&str] = &[
    "Kierto", "Pohjola", "Lakeus", "Kaamos", "Revon", "Hiili", "Kuitu", "Metsä", "Meri", "Joki", "Tunturi", "Kivi",
    "Viher", "Uusio", "Palo", "Virta", "Saari", "Laakso", "Kallio", "Routa",
];
pub const NAME_ENDS: &[&str] =
    &["tek", "tuote", "palvelu", "kumppanit", "materiaali", "logistiikka", "laboratorio", "ratkaisut"];
pub const SERVICE_WORDS: &[(&str, &str)] = &[
    ("palvelu", "service"),
    ("kartoitus", "survey"),
    ("vastaanotto", "take-back"),
    ("pilotointi", "pilot"),
    ("koulutus", "training"),
    ("analyysi", "analysis"),
    ("suunnittelu", "design"),
    ("neuvonta", "advice"),
];
pub const SENTENCES_FI: &[&str] = &[
    "Tarjoamme {a} ja {b} liittyviä ratkaisuja yrityksille ja kunnille.",
    "Autamme asiakkaita {a} kanssa koko elinkaaren ajan.",
    "Palvelu kattaa {a}, {b} sekä raportoinnin.",
    "Toimitamme {a} nopeasti Pohjois-Pohjanmaalla ja Kainuussa.",
    "Kehitämme uusia tapoja {a} käsittelyyn yhdessä tutkimuslaitosten kanssa.",
    "Asiakkaamme säästävät, kun {a} päätyy uudelleen käyttöön.",
];
pub const SENTENCES_EN: &[&str] = &[
    "We offer solutions for {a} and {b} to companies and municipalities.",
    "We help customers with {a} through the whole life cycle.",
    "The service covers {a}, {b} and reporting.",
];
