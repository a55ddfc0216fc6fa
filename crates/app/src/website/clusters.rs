//! The directory of other circular-economy clusters and networks.

use crate::{App, AppError, now};
use kimppa_store::entities::cluster;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

pub const RELATIONS: [&str; 4] = ["regional", "national", "european", "international"];

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ClusterFilter {
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub country: String,
}

/// Clusters, by name, filtered by relation and country. One query.
pub async fn list(app: &App, f: &ClusterFilter) -> Result<Vec<cluster::Model>, AppError> {
    let mut q = cluster::Entity::find().order_by_asc(cluster::Column::Name);
    if RELATIONS.contains(&f.relation.as_str()) {
        q = q.filter(cluster::Column::Relation.eq(&f.relation));
    }
    let country = f.country.trim().to_uppercase();
    if country.len() == 2 {
        q = q.filter(cluster::Column::Country.eq(country));
    }
    Ok(q.all(&app.db).await?)
}

/// The countries present, for the filter.
pub async fn countries(app: &App) -> Result<Vec<String>, AppError> {
    let mut c: Vec<String> = cluster::Entity::find().all(&app.db).await?.into_iter().map(|c| c.country).collect();
    c.sort();
    c.dedup();
    Ok(c)
}

pub(crate) async fn insert<C: sea_orm::ConnectionTrait>(
    conn: &C,
    slug: &str,
    [name, country, region, relation, focus_fi, focus_en, description_fi, description_en, url]: [String; 9],
) -> Result<(), AppError> {
    cluster::ActiveModel {
        slug: Set(slug.into()),
        name: Set(name),
        country: Set(country),
        region: Set(region),
        relation: Set(relation),
        focus_fi: Set(focus_fi),
        focus_en: Set(focus_en),
        description_fi: Set(description_fi),
        description_en: Set(description_en),
        url: Set(url),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
