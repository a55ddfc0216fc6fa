//! Form errors shown in an error summary and beside each field.

use crate::i18n::Lang;
use kimppa_app::AppError;

#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn none() -> Self {
        FormErrors::default()
    }

    /// Field errors of `e` in `lang`; `None` when `e` is not about fields.
    pub fn from_app(e: &AppError, lang: Lang) -> Option<FormErrors> {
        match e {
            AppError::Invalid(errs) => {
                Some(FormErrors { items: errs.iter().map(|f| (f.field.to_string(), lang.t(f.code))).collect() })
            }
            _ => None,
        }
    }

    /// A form-level message (shown in the summary, linked to `field`).
    pub fn one(field: &str, message: String) -> FormErrors {
        FormErrors { items: vec![(field.to_string(), message)] }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[(String, String)] {
        &self.items
    }
}
