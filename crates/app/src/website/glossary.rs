//! The shared vocabulary ("yhteinen sanasto"): terms in Finnish and English.

use crate::{App, AppError, now};
use kimppa_store::entities::glossary_term;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

/// All terms, sorted by the term in `lang` (Finnish collation for ä/ö).
pub async fn list(app: &App, lang: &str) -> Result<Vec<glossary_term::Model>, AppError> {
    let mut terms = glossary_term::Entity::find().order_by_asc(glossary_term::Column::Slug).all(&app.db).await?;
    terms.sort_by_key(|t| sort_key(if lang == "en" { &t.term_en } else { &t.term_fi }));
    Ok(terms)
}

/// Sorts å, ä, ö after z as Finnish does.
pub fn sort_key(s: &str) -> Vec<u32> {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' => 'z' as u32 + 1,
            'ä' => 'z' as u32 + 2,
            'ö' => 'z' as u32 + 3,
            c => c as u32,
        })
        .collect()
}

/// The first letter of a term for the A–Z index.
pub fn initial(s: &str) -> String {
    s.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default()
}

/// A term and its related terms. Two queries.
pub async fn get(app: &App, slug: &str) -> Result<(glossary_term::Model, Vec<glossary_term::Model>), AppError> {
    let t = glossary_term::Entity::find()
        .filter(glossary_term::Column::Slug.eq(slug))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let related_slugs: Vec<String> = t.related.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
    let related = glossary_term::Entity::find()
        .filter(glossary_term::Column::Slug.is_in(related_slugs))
        .order_by_asc(glossary_term::Column::Slug)
        .all(&app.db)
        .await?;
    Ok((t, related))
}

pub(crate) async fn insert<C: sea_orm::ConnectionTrait>(
    conn: &C,
    slug: &str,
    [term_fi, term_en, definition_fi, definition_en, source]: [String; 5],
    related: &[String],
) -> Result<(), AppError> {
    glossary_term::ActiveModel {
        slug: Set(slug.into()),
        term_fi: Set(term_fi),
        term_en: Set(term_en),
        definition_fi: Set(definition_fi),
        definition_en: Set(definition_en),
        related: Set(related.join(",")),
        source: Set(source),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finnish_letters_sort_last() {
        let mut v = vec!["öljy", "arvo", "ääni", "zeta", "hiili"];
        v.sort_by_key(|s| super::sort_key(s));
        assert_eq!(v, ["arvo", "hiili", "zeta", "ääni", "öljy"]);
        assert_eq!(super::initial("ääni"), "Ä");
    }
}
