//! Form errors shown in an error summary and beside each field.

use crate::i18n::Lang;
use kimppa_app::AppError;

#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    /// (field, message beside the field, line in the error summary)
    items: Vec<(String, String, String)>,
}

/// The summary line names the field (`Y-tunnus: …`) when the field has a
/// `summary-<field>` label.
fn summary_line(field: &str, message: &str, lang: Lang) -> String {
    let key = format!("summary-{}", field.replace('_', "-"));
    if lang.has(&key) { format!("{}: {message}", lang.t(&key)) } else { message.to_string() }
}

impl FormErrors {
    pub fn none() -> Self {
        FormErrors::default()
    }

    /// Field errors of `e` in `lang`; `None` when `e` is not about fields.
    pub fn from_app(e: &AppError, lang: Lang) -> Option<FormErrors> {
        match e {
            AppError::Invalid(errs) => Some(FormErrors {
                items: errs
                    .iter()
                    .map(|f| {
                        let m = lang.t(f.code);
                        (f.field.to_string(), m.clone(), summary_line(f.field, &m, lang))
                    })
                    .collect(),
            }),
            _ => None,
        }
    }

    /// Field errors of `e`, the summary lines labelled by `label` (a field
    /// name to its label's key) instead of the site-wide `summary-<field>`
    /// labels; `None` when `e` is not about fields.
    pub fn from_app_labelled(e: &AppError, lang: Lang, label: fn(&str) -> Option<&'static str>) -> Option<FormErrors> {
        match e {
            AppError::Invalid(errs) => Some(FormErrors {
                items: errs
                    .iter()
                    .map(|f| {
                        let m = lang.t(f.code);
                        let line = match label(f.field) {
                            Some(k) => format!("{}: {m}", lang.t(k)),
                            None => m.clone(),
                        };
                        (f.field.to_string(), m, line)
                    })
                    .collect(),
            }),
            _ => None,
        }
    }

    /// A form-level message (shown in the summary, linked to `field`).
    pub fn one(field: &str, message: String) -> FormErrors {
        FormErrors { items: vec![(field.to_string(), message.clone(), message)] }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|(f, _, _)| f == field).map(|(_, m, _)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// (field, summary line) pairs for the error summary.
    pub fn summary(&self) -> Vec<(&str, &str)> {
        self.items.iter().map(|(f, _, s)| (f.as_str(), s.as_str())).collect()
    }
}

/// Select options: (key, label, selected).
pub type Options = Vec<(String, String, bool)>;

/// Options for every value of a keyed enum, labelled `{prefix}-{key}`.
pub fn options<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    prefix: &str,
    lang: Lang,
    selected: &[String],
) -> Options {
    all.iter()
        .map(|v| {
            let k = key(*v);
            (k.to_string(), lang.t(&format!("{prefix}-{k}")), selected.iter().any(|s| s == k))
        })
        .collect()
}

/// Options for a list of keys, labelled `{prefix}{key}`.
pub fn key_options<S: AsRef<str>>(
    lang: Lang,
    prefix: &str,
    keys: impl IntoIterator<Item = S>,
    chosen: &[String],
) -> Options {
    keys.into_iter()
        .map(|k| {
            let k = k.as_ref();
            (k.to_string(), lang.t(&format!("{prefix}{k}")), chosen.iter().any(|c| c == k))
        })
        .collect()
}
