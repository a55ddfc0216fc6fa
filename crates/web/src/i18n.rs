//! Finnish and English UI strings from `locales/*/main.ftl`.

use fluent_templates::{LanguageIdentifier, Loader, fluent_bundle::FluentValue, langid};
use std::{borrow::Cow, collections::HashMap};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fi",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FI: LanguageIdentifier = langid!("fi");
static EN: LanguageIdentifier = langid!("en");

/// The UI language, taken from the URL prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fi, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "fi" => Some(Lang::Fi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a path such as `/en/organisations`.
    pub fn from_path(path: &str) -> Option<Lang> {
        Lang::parse(path.trim_start_matches('/').split('/').next().unwrap_or(""))
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Fi => Lang::En,
            Lang::En => Lang::Fi,
        }
    }

    /// Picks a language from an `Accept-Language` header (Finnish unless
    /// English is preferred over it).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.trim().split(';');
            let tag = it.next().unwrap_or("").trim().to_lowercase();
            let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            let lang = if tag.starts_with("fi") {
                Lang::Fi
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Fi, |(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Fi => &FI,
            Lang::En => &EN,
        }
    }

    /// The string for `key`; the key itself if missing (a test keeps every
    /// key present in both languages).
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(self.id(), key).unwrap_or_else(|| key.to_string())
    }

    /// The string for `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// The string for `key` with a number `count` (Fluent's plural rules
    /// pick the form: "1 tulos" / "2 tulosta", "1 result" / "2 results")
    /// and further named arguments.
    pub fn tn(self, key: &str, count: i64, args: &[(&'static str, String)]) -> String {
        let mut map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
        map.insert(Cow::Borrowed("count"), FluentValue::from(count));
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// True when `key` exists in this language (messages with the
    /// arguments the UI uses are formatted with placeholders).
    pub fn has(self, key: &str) -> bool {
        let args: HashMap<Cow<'static, str>, FluentValue> = ["count", "name", "org", "version", "amount", "tonnes"]
            .into_iter()
            .map(|k| (Cow::Borrowed(k), FluentValue::from("x")))
            .collect();
        LOCALES.try_lookup_with_args(self.id(), key, &args).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_known_language() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,fi;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("fi-FI,fi;q=0.9,en;q=0.8"), Lang::Fi);
        assert_eq!(Lang::from_accept_language("sv-SE,sv;q=0.9"), Lang::Fi);
        assert_eq!(Lang::from_accept_language("de;q=1,en;q=0.5,fi;q=0.4"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::Fi);
    }

    #[test]
    fn lookups_work_in_both_languages() {
        assert_eq!(Lang::Fi.t("nav-organisations"), "Jäsenet");
        assert_eq!(Lang::En.t("nav-organisations"), "Members");
        let missing = format!("no-such-{}", "key");
        assert_eq!(Lang::En.t(&missing), missing);
    }
}
