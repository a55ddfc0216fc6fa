//! Expert profiles. A person of a member organisation chooses to be
//! listed; until then nothing about them appears in the catalogue
//! (privacy by default).

use super::catalogue::{ExpertCard, ProviderRef};
use crate::{
    App, AppError,
    error::{Checker, checked},
    now,
    policy::Principal,
};
use kimppa_domain::OrgId;
use kimppa_domain::{FocusArea, Language, optional_text};
use kimppa_store::entities::{expert, organisation, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

/// The expert form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ExpertForm {
    /// Present when the box "list me" is ticked.
    pub listed: Option<String>,
    /// Slug of the organisation the person is listed under.
    pub org: String,
    /// Expertise tags, comma separated.
    pub tags: String,
    pub languages: Vec<String>,
    pub focus_areas: Vec<String>,
    pub bio_fi: String,
    pub bio_en: String,
}

impl ExpertForm {
    pub fn from_model(e: &expert::Model, org_slug: String) -> ExpertForm {
        let owned = |v: &str| super::list(v).into_iter().map(str::to_string).collect();
        ExpertForm {
            listed: e.listed.then(|| "on".to_string()),
            org: org_slug,
            tags: super::list(&e.tags).join(", "),
            languages: owned(&e.languages),
            focus_areas: owned(&e.focus_areas),
            bio_fi: e.bio_fi.clone(),
            bio_en: e.bio_en.clone(),
        }
    }
}

/// Normalises tags: trimmed, lowercased, unique, at most 12 of at most 40 characters.
pub fn parse_tags(input: &str) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for t in input.split(',') {
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 40 {
            return Err("err-tag-too-long");
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > 12 {
        return Err("err-too-many");
    }
    Ok(out)
}

/// The organisations the user may be listed under: (slug, name).
pub fn org_choices(actor: &Principal) -> Vec<(String, String)> {
    crate::policy::acting_choices(actor).map(|m| (m.slug.clone(), m.name.clone())).collect()
}

/// The user's own expert profile, if they have started one, and the slug
/// of its organisation.
pub async fn own(app: &App, actor: &Principal) -> Result<Option<(expert::Model, String)>, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let Some(e) = expert::Entity::find().filter(expert::Column::UserId.eq(uid)).one(&app.db).await? else {
        return Ok(None);
    };
    let slug = organisation::Entity::find_by_id(e.org_id).one(&app.db).await?.map(|o| o.slug).unwrap_or_default();
    Ok(Some((e, slug)))
}

/// Saves the user's expert profile (creating it on first save).
pub async fn save(app: &App, actor: &Principal, f: &ExpertForm) -> Result<expert::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let person = user::Entity::find_by_id(uid).one(&app.db).await?.ok_or(AppError::LoginRequired)?;
    let mut c = Checker::default();
    let org =
        match organisation::Entity::find().filter(organisation::Column::Slug.eq(f.org.trim())).one(&app.db).await? {
            Some(o) => {
                if !crate::policy::allowed(actor, crate::policy::Action::ActForOrganisation { org: OrgId(o.id) }) {
                    c.push("org", "err-unknown-value");
                }
                Some(o)
            }
            None => {
                c.push("org", "err-required");
                None
            }
        };
    let tags = match parse_tags(&f.tags) {
        Ok(t) if t.is_empty() && f.listed.is_some() => {
            c.push("tags", "err-required");
            None
        }
        Ok(t) => Some(t),
        Err(code) => {
            c.push("tags", code);
            None
        }
    };
    let languages = c.check("languages", Language::parse_list(f.languages.iter().map(String::as_str)));
    if languages.as_ref().is_some_and(|l| l.is_empty()) && f.listed.is_some() {
        c.push("languages", "err-choose-one");
    }
    let focus = c.check("focus_areas", FocusArea::parse_list(f.focus_areas.iter().map(String::as_str)));
    let bio_fi = c.check("bio_fi", optional_text(&f.bio_fi, 1500));
    let bio_en = c.check("bio_en", optional_text(&f.bio_en, 1500));
    c.finish()?;
    let (org, tags) = (org.ok_or_else(checked)?, tags.ok_or_else(checked)?);
    let (bio_fi, bio_en) = (bio_fi.flatten().unwrap_or_default(), bio_en.flatten().unwrap_or_default());
    let search_text =
        super::search_text(&[&person.name, person.title.as_deref().unwrap_or(""), &tags.join(" "), &bio_fi, &bio_en]);
    let existing = expert::Entity::find().filter(expert::Column::UserId.eq(uid)).one(&app.db).await?;
    let mut am = match existing {
        Some(e) => e.into_active_model(),
        None => expert::ActiveModel { user_id: Set(uid.0), created_at: Set(now()), ..Default::default() },
    };
    am.org_id = Set(org.id);
    am.listed = Set(f.listed.is_some());
    am.tags = Set(tags.join(","));
    am.languages = Set(Language::join(&languages.unwrap_or_default()));
    am.focus_areas = Set(FocusArea::join(&focus.unwrap_or_default()));
    am.bio_fi = Set(bio_fi);
    am.bio_en = Set(bio_en);
    am.search_text = Set(search_text);
    am.updated_at = Set(now());
    let saved = sea_orm::TryIntoModel::try_into_model(am.save(&app.db).await?)?;
    crate::search::touch(&app.db, "expert", &[saved.id]).await?;
    Ok(saved)
}

/// Keeps the name in the text filter current after a profile change.
pub async fn refresh_search_text(app: &App, user_id: i32) -> Result<(), AppError> {
    let Some(e) = expert::Entity::find().filter(expert::Column::UserId.eq(user_id)).one(&app.db).await? else {
        return Ok(());
    };
    let Some(u) = user::Entity::find_by_id(user_id).one(&app.db).await? else { return Ok(()) };
    let text = super::search_text(&[
        &u.name,
        u.title.as_deref().unwrap_or(""),
        &super::list(&e.tags).join(" "),
        &e.bio_fi,
        &e.bio_en,
    ]);
    let id = e.id;
    let mut am = e.into_active_model();
    am.search_text = Set(text);
    am.update(&app.db).await?;
    crate::search::touch(&app.db, "expert", &[id]).await?;
    Ok(())
}

/// An expert page: listed experts of approved organisations are public;
/// the person themself and staff also see an unlisted profile.
pub async fn get_visible(app: &App, actor: &Principal, id: i32) -> Result<ExpertCard, AppError> {
    let (e, u) =
        expert::Entity::find_by_id(id).find_also_related(user::Entity).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let u = u.ok_or(AppError::NotFound)?;
    let o = organisation::Entity::find_by_id(e.org_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    if !super::visibility::sees_expert(actor, &e, o.membership_status) {
        return Err(AppError::NotFound);
    }
    Ok(ExpertCard { org: ProviderRef { slug: o.slug, name: o.name }, name: u.name, title: u.title, expert: e })
}

/// Listed experts of one organisation, for its profile. Two queries.
pub async fn of_org(
    app: &App,
    org: &organisation::Model,
) -> Result<Vec<(expert::Model, String, Option<String>)>, AppError> {
    let rows = expert::Entity::find()
        .find_also_related(user::Entity)
        .filter(expert::Column::OrgId.eq(org.id))
        .filter(expert::Column::Listed.eq(true))
        .all(&app.db)
        .await?;
    let mut out: Vec<_> = rows.into_iter().filter_map(|(e, u)| u.map(|u| (e, u.name, u.title))).collect();
    out.sort_by_key(|(_, n, _)| super::sort_key(n));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised() {
        assert_eq!(parse_tags(" LCA, purku  kartoitus,lca,, ").unwrap(), vec!["lca", "purku kartoitus"]);
        assert!(parse_tags(&"x".repeat(41)).is_err());
        assert!(parse_tags(&(0..13).map(|i| i.to_string()).collect::<Vec<_>>().join(",")).is_err());
    }
}
