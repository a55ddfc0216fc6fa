//! [`Page`], what every template receives as `p`: the language, the title,
//! the signed-in person's name and unread count, the form token, the
//! one-time message, the menu, and the helpers templates format with.

use crate::i18n::Lang;

/// What every template gets as `p`.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub user_name: Option<String>,
    /// Unread notifications of the signed-in person.
    pub unread: u64,
    pub elevated: bool,
    pub csrf: String,
    /// The same page in the other language.
    pub switch_href: String,
    pub flash: Option<String>,
    /// Pages in the navigation menu: (href, title).
    pub nav: Vec<(String, String)>,
    /// Meta description (the site's own when empty).
    pub description: String,
    /// Absolute URLs of this page in Finnish and in English.
    pub url_fi: String,
    pub url_en: String,
    /// schema.org JSON-LD, already safe to embed.
    pub json_ld: Option<String>,
    /// Open Graph type (`website`, `article`).
    pub og_type: &'static str,
    /// The path after the language prefix ("/challenges/3"), for marking
    /// where the reader is in the menus.
    pub here: String,
}

/// The header's sections: (key, the path its link opens, its label key).
pub const SECTIONS: [(&str, &str, &str); 5] = [
    ("directory", "/organisations", "section-directory"),
    ("cooperation", "/challenges", "section-cooperation"),
    ("materials", "/materials", "section-materials"),
    ("forum", "/forum", "section-forum"),
    ("events", "/events", "section-events"),
];

/// The pages of each section in its own menu: (section, path, label key).
pub const SECTION_PAGES: [(&str, &str, &str); 15] = [
    ("directory", "/organisations", "nav-organisations"),
    ("directory", "/services", "nav-services"),
    ("directory", "/experts", "nav-experts"),
    ("directory", "/clusters", "clusters-title"),
    ("cooperation", "/challenges", "nav-challenges"),
    ("cooperation", "/partner-searches", "nav-partner-searches"),
    ("cooperation", "/kimppas", "nav-kimppas"),
    ("cooperation", "/innovations", "nav-innovations"),
    ("cooperation", "/calls", "nav-calls"),
    ("cooperation", "/procurements", "nav-procurements"),
    ("materials", "/materials", "nav-materials"),
    ("materials", "/materials/mine", "nav-materials-mine"),
    ("forum", "/forum", "nav-forum"),
    ("events", "/events", "nav-events"),
    ("events", "/groups", "nav-groups"),
];

/// The section a path belongs to ("" for none: the home page, the account pages …).
pub fn section_of(here: &str) -> &'static str {
    let first = here.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "organisations" | "services" | "experts" | "clusters" | "directory" => "directory",
        "challenges" | "partner-searches" | "kimppas" | "innovations" | "calls" | "procurements" => "cooperation",
        "materials" => "materials",
        "forum" => "forum",
        "events" | "groups" => "events",
        "news" | "pages" | "glossary" | "faq" | "situation" | "park" => "cluster",
        "my" | "inbox" => "my",
        _ => "",
    }
}

impl Page {
    /// A frame with no user, for error pages and as the base of [`Ctx::page`].
    pub fn bare(lang: Lang, title: String, base_url: &str, path_and_query: &str) -> Page {
        let path = path_and_query.split('?').next().unwrap_or("/");
        let rest = path.strip_prefix(&format!("/{}", lang.code())).unwrap_or("/");
        let rest = if rest.is_empty() { "/" } else { rest };
        let base = base_url.trim_end_matches('/');
        let other = lang.other();
        let query = path_and_query.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
        Page {
            lang,
            title,
            user_name: None,
            unread: 0,
            elevated: false,
            csrf: String::new(),
            switch_href: format!("/{}{rest}{query}", other.code()),
            flash: None,
            nav: vec![],
            description: String::new(),
            url_fi: format!("{base}/fi{rest}"),
            url_en: format!("{base}/en{rest}"),
            json_ld: None,
            og_type: "website",
            here: rest.to_string(),
        }
    }

    /// The section the page belongs to (see [`section_of`]).
    pub fn section(&self) -> &'static str {
        section_of(&self.here)
    }

    /// Whether `path` (after the language prefix) is this page or, for a
    /// section's list page, a page under it that no other menu item names.
    pub fn is_here(&self, path: &str) -> bool {
        self.here == path || self.is_under(path)
    }

    /// Whether this page lies under `path` and no other menu item names it.
    fn is_under(&self, path: &str) -> bool {
        let under = self.here.starts_with(&format!("{path}/"));
        under && !SECTION_PAGES.iter().any(|(_, p, _)| p.len() > path.len() && self.here.starts_with(p))
    }

    /// The current section's own menu: (path, label, `aria-current`: "page"
    /// for this page, "true" for the page it lies under, empty otherwise).
    pub fn section_menu(&self) -> Vec<(String, String, &'static str)> {
        let current = |exact: bool, under: bool| {
            if exact {
                "page"
            } else if under {
                "true"
            } else {
                ""
            }
        };
        let here = self.section();
        if here == "cluster" {
            let mut out: Vec<(String, String, &'static str)> = self
                .nav
                .iter()
                .map(|(href, title)| {
                    (href.clone(), title.clone(), current(href.ends_with(&self.here) && self.here != "/", false))
                })
                .collect();
            out.push((self.href("/news"), self.t("nav-news"), current(self.here == "/news", self.is_under("/news"))));
            out.push((self.href("/situation"), self.t("nav-situation"), current(self.here == "/situation", false)));
            out.push((self.href("/park"), self.t("nav-park"), current(self.here == "/park", false)));
            return out;
        }
        SECTION_PAGES
            .iter()
            .filter(|(s, _, _)| *s == here)
            .map(|(_, path, key)| (self.href(path), self.t(key), current(self.here == *path, self.is_under(path))))
            .collect()
    }

    /// The link of the cluster's own section: its first page, or the news.
    pub fn cluster_href(&self) -> String {
        self.nav.first().map(|(h, _)| h.clone()).unwrap_or_else(|| self.href("/news"))
    }

    /// The canonical absolute URL of this page.
    pub fn canonical(&self) -> &str {
        if self.lang == Lang::En { &self.url_en } else { &self.url_fi }
    }

    /// Sets the JSON-LD block, escaped so it cannot close the script element.
    pub fn set_json_ld(&mut self, v: serde_json::Value) {
        self.json_ld = Some(v.to_string().replace("</", "<\\/"));
    }
}

impl Page {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        self.lang.t_args(key, &[(name, value.to_string())])
    }

    /// A plural-aware string: `count` picks the form in either language.
    pub fn tn(&self, key: &str, count: impl Count) -> String {
        self.lang.tn(key, count.count(), &[])
    }

    /// [`Page::tn`] with one more named argument.
    pub fn tn1(&self, key: &str, count: impl Count, name: &'static str, value: &str) -> String {
        self.lang.tn(key, count.count(), &[(name, value.to_string())])
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn other_code(&self) -> &'static str {
        self.lang.other().code()
    }

    /// A link inside the page's language.
    pub fn href(&self, path: &str) -> String {
        format!("/{}{}", self.lang.code(), path)
    }

    /// Date and time in Finnish or English style (UTC).
    /// Times are stored in UTC and shown in the cluster's time zone
    /// (Finland, with EU summer time).
    pub fn datetime(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let local = finnish_time(*t);
        match self.lang {
            Lang::Fi => local.format("%-d.%-m.%Y klo %H.%M").to_string(),
            Lang::En => local.format("%-d %b %Y %H:%M").to_string(),
        }
    }

    /// A date in Finnish or English style (Finnish local time).
    pub fn date(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let local = finnish_time(*t);
        match self.lang {
            Lang::Fi => local.format("%-d.%-m.%Y").to_string(),
            Lang::En => local.format("%-d %B %Y").to_string(),
        }
    }

    /// A stored day (YYYY-MM-DD) in Finnish or English style; anything else as it is.
    pub fn day(&self, iso: &str) -> String {
        match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
            Ok(d) => match self.lang {
                Lang::Fi => d.format("%-d.%-m.%Y").to_string(),
                Lang::En => d.format("%-d %B %Y").to_string(),
            },
            Err(_) => iso.to_string(),
        }
    }

    /// The translated label of a keyed value: `label("org-type", "sme")`.
    pub fn label(&self, prefix: &str, key: &str) -> String {
        self.lang.t(&format!("{prefix}-{key}"))
    }

    /// Labels of a comma-separated list of keys.
    pub fn labels(&self, prefix: &str, keys: &str) -> String {
        keys.split(',').filter(|k| !k.is_empty()).map(|k| self.label(prefix, k)).collect::<Vec<_>>().join(", ")
    }
}

pub use kimppa_app::finnish_time;

/// A number of things, for [`Page::tn`].
pub trait Count {
    fn count(&self) -> i64;
}

macro_rules! count_impl {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn count(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
count_impl!(usize, u32, u64, i32, i64);

impl<T: Count> Count for &T {
    fn count(&self) -> i64 {
        (*self).count()
    }
}
