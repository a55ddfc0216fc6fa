//! Orchestrators manage the forum's areas (categories) and topics (tags).

use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use kimppa_domain::Slug;
use kimppa_store::entities::{forum_category, forum_tag};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TryIntoModel};

/// An area or a topic as typed; topics use only the slug and names.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct AreaForm {
    pub slug: String,
    pub name_fi: String,
    pub name_en: String,
    pub description_fi: String,
    pub description_en: String,
    pub position: String,
}

impl AreaForm {
    pub fn from_area(c: &forum_category::Model) -> AreaForm {
        AreaForm {
            slug: c.slug.clone(),
            name_fi: c.name_fi.clone(),
            name_en: c.name_en.clone(),
            description_fi: c.description_fi.clone(),
            description_en: c.description_en.clone(),
            position: c.position.to_string(),
        }
    }

    pub fn from_topic(t: &forum_tag::Model) -> AreaForm {
        AreaForm { slug: t.slug.clone(), name_fi: t.name_fi.clone(), name_en: t.name_en.clone(), ..Default::default() }
    }

    fn check(&self, c: &mut Checker) -> (String, i32) {
        let slug = c.check("slug", Slug::parse(self.slug.trim())).map(|s| s.as_str().to_string()).unwrap_or_default();
        for (field, v) in [("name_fi", &self.name_fi), ("name_en", &self.name_en)] {
            if v.trim().is_empty() {
                c.push(field, "err-required");
            } else if v.chars().count() > 120 {
                c.push(field, "err-too-long");
            }
        }
        let position = match self.position.trim() {
            "" => 0,
            p => match p.parse::<i32>() {
                Ok(n) if (0..=1000).contains(&n) => n,
                _ => {
                    c.push("position", "err-number");
                    0
                }
            },
        };
        (slug, position)
    }
}

/// Creates an area, or updates the one at `existing`.
pub async fn save_area(
    app: &App,
    actor: &Principal,
    existing: Option<&str>,
    f: &AreaForm,
) -> Result<forum_category::Model, AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let mut c = Checker::default();
    let (slug, position) = f.check(&mut c);
    let current = match existing {
        Some(s) => Some(
            forum_category::Entity::find()
                .filter(forum_category::Column::Slug.eq(s))
                .one(&app.db)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let taken =
        forum_category::Entity::find().filter(forum_category::Column::Slug.eq(slug.as_str())).one(&app.db).await?;
    if taken.is_some_and(|t| Some(t.id) != current.as_ref().map(|c| c.id)) {
        c.push("slug", "err-slug-taken");
    }
    c.finish()?;
    let mut am = match current {
        Some(m) => m.into(),
        None => forum_category::ActiveModel { created_at: Set(crate::now()), ..Default::default() },
    };
    am.slug = Set(slug);
    am.name_fi = Set(f.name_fi.trim().to_string());
    am.name_en = Set(f.name_en.trim().to_string());
    am.description_fi = Set(f.description_fi.trim().to_string());
    am.description_en = Set(f.description_en.trim().to_string());
    am.position = Set(position);
    Ok(am.save(&app.db).await?.try_into_model()?)
}

/// Creates a topic, or updates the one at `existing`.
pub async fn save_topic(
    app: &App,
    actor: &Principal,
    existing: Option<&str>,
    f: &AreaForm,
) -> Result<forum_tag::Model, AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let mut c = Checker::default();
    let (slug, _) = f.check(&mut c);
    let current = match existing {
        Some(s) => Some(
            forum_tag::Entity::find()
                .filter(forum_tag::Column::Slug.eq(s))
                .one(&app.db)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let taken = forum_tag::Entity::find().filter(forum_tag::Column::Slug.eq(slug.as_str())).one(&app.db).await?;
    if taken.is_some_and(|t| Some(t.id) != current.as_ref().map(|c| c.id)) {
        c.push("slug", "err-slug-taken");
    }
    c.finish()?;
    let mut am: forum_tag::ActiveModel = match current {
        Some(m) => m.into(),
        None => Default::default(),
    };
    am.slug = Set(slug);
    am.name_fi = Set(f.name_fi.trim().to_string());
    am.name_en = Set(f.name_en.trim().to_string());
    Ok(am.save(&app.db).await?.try_into_model()?)
}
