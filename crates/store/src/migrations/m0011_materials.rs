//! The side-stream materials marketplace (SPEC C7): material classes (the
//! EU List of Waste and the project's by-product and secondary raw material
//! classes) and municipality centres as reference data, listings with their
//! matches and the parties' feedback, realised symbioses with the emission
//! factors their impact is estimated from, regional coordinators and
//! synergy workshops.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Reference data shipped with the platform (see `crates/store/data/`).
const EWC: &str = include_str!("../../data/ewc.csv");
const PROJECT_CLASSES: &str = include_str!("../../data/project_classes.csv");
const MUNICIPALITIES: &str = include_str!("../../data/municipalities.csv");

/// The rows of a shipped CSV file (header skipped).
fn rows(data: &str) -> Result<Vec<csv::StringRecord>, DbErr> {
    csv::Reader::from_reader(data.as_bytes())
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DbErr::Custom(format!("shipped reference data: {e}")))
}

/// Inserts `values` into `table` in batches.
async fn insert_all(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
    values: Vec<Vec<SimpleExpr>>,
) -> Result<(), DbErr> {
    for chunk in values.chunks(200) {
        let mut q = Query::insert();
        q.into_table(Alias::new(table)).columns(cols.iter().map(|c| Alias::new(*c)));
        for v in chunk {
            q.values(v.clone()).map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        m.exec_stmt(q).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("material_classes")
                .col(pk_auto("id"))
                // "17", "17 09", "17 09 04", or a project class key.
                .col(string_len("code", 40))
                // `chapter`, `sub`, `entry` or `project`.
                .col(string_len("level", 8))
                .col(boolean("hazardous"))
                .col(string("title_fi"))
                .col(string("title_en"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("material_classes", "idx_material_classes_code", &["code"], true)).await?;
        m.create_table(
            Table::create()
                .table("municipalities")
                .col(pk_auto("id"))
                .col(string_len("code", 3))
                .col(string("name_fi"))
                .col(string("name_sv"))
                .col(string_len("region", 32))
                .col(double("lat"))
                .col(double("lon"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("municipalities", "idx_municipalities_code", &["code"], true)).await?;
        m.create_table(
            Table::create()
                .table("workshops")
                .col(pk_auto("id"))
                .col(string("title"))
                .col(string_len("held_on", 10))
                .col(string_len("region", 32))
                .col(string_len("municipality", 3))
                .col(text("participants"))
                .col(text("notes"))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("listings")
                .col(pk_auto("id"))
                .col(integer("org_id"))
                .col(integer("created_by"))
                .col(integer_null("contact_user_id"))
                .col(string_len("kind", 16))
                .col(string_len("class_code", 40))
                .col(boolean("hazardous"))
                .col(string("accepts"))
                .col(boolean("accepts_hazardous"))
                .col(string("title"))
                .col(text("description"))
                // Title and description lower-cased by the application, for the word filter.
                .col(text("search_text"))
                .col(double_null("quantity"))
                .col(string_len("unit", 8))
                .col(string_len("frequency", 8))
                .col(double_null("unit_tonnes"))
                .col(string_len("municipality", 3))
                // The municipality's region, kept for coordinators' searches.
                .col(string_len("region", 32))
                .col(integer("max_km"))
                .col(string_len("available_from", 10))
                .col(string_len_null("available_to", 10))
                .col(string("delivery"))
                .col(string_len("price_kind", 16))
                .col(string("price"))
                .col(string_len("visibility", 16))
                .col(integer("notify_threshold"))
                .col(string_len("status", 16))
                .col(string_len("expires_on", 10))
                .col(ts_null("reminded_at"))
                .col(integer_null("workshop_id"))
                .col(string_null("attachment_key"))
                .col(string_null("attachment_name"))
                .col(string_null("attachment_type"))
                // Closing: `deal` or `no-deal`, why not, and the deal's terms.
                .col(string_len("outcome", 16))
                .col(string_len("outcome_reason", 16))
                .col(text("outcome_note"))
                .col(integer_null("deal_org_id"))
                .col(double_null("deal_tonnes_per_year"))
                .col(string_len_null("deal_from", 10))
                .col(ts_null("closed_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("published_at"))
                .foreign_key(&mut fk("listings", "org_id", "organisations"))
                .foreign_key(&mut fk("listings", "workshop_id", "workshops"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("listings", "idx_listings_status", &["status", "kind", "published_at"], false)).await?;
        m.create_index(index("listings", "idx_listings_org", &["org_id", "status"], false)).await?;
        m.create_index(index("listings", "idx_listings_region", &["region", "status"], false)).await?;
        m.create_index(index("listings", "idx_listings_workshop", &["workshop_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("listing_matches")
                .col(pk_auto("id"))
                // The listing whose owner sees this row, and its counter-listing.
                .col(integer("listing_id"))
                .col(integer("other_id"))
                .col(double("score"))
                // The score's parts as JSON.
                .col(text("reasons"))
                // The owner's feedback: empty, `relevant`, `not-relevant` or `contacted`.
                .col(string_len("feedback", 16))
                .col(ts_null("feedback_at"))
                .col(integer_null("feedback_by"))
                .col(ts_null("notified_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("listing_matches", "listing_id", "listings"))
                .foreign_key(&mut fk("listing_matches", "other_id", "listings"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("listing_matches", "idx_listing_matches_pair", &["listing_id", "other_id"], true)).await?;
        m.create_index(index("listing_matches", "idx_listing_matches_other", &["other_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("emission_factors")
                .col(pk_auto("id"))
                // A chapter, sub-chapter, code or project class.
                .col(string_len("class_pattern", 40))
                .col(double("kg_co2e_per_tonne"))
                .col(string("source"))
                .col(integer("year"))
                .col(text("note"))
                .col(integer_null("updated_by"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("emission_factors", "idx_emission_factors_pattern", &["class_pattern"], true)).await?;
        m.create_table(
            Table::create()
                .table("symbioses")
                .col(pk_auto("id"))
                .col(integer("listing_id"))
                .col(integer("provider_org_id"))
                .col(integer("receiver_org_id"))
                .col(string_len("class_code", 40))
                .col(double("tonnes_per_year"))
                .col(string_len("started_on", 10))
                .col(double("diverted_tonnes"))
                .col(double("co2e_tonnes"))
                .col(integer_null("factor_id"))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("symbioses", "listing_id", "listings"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("symbioses", "idx_symbioses_listing", &["listing_id"], true)).await?;
        m.create_table(
            Table::create()
                .table("regional_coordinators")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("region", 32))
                .col(ts("created_at"))
                .foreign_key(&mut fk("regional_coordinators", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("regional_coordinators", "idx_regional_coordinators_pair", &["user_id", "region"], true))
            .await?;

        let mut classes = Vec::new();
        for r in rows(EWC)? {
            let code = r.get(0).unwrap_or_default().trim().to_string();
            let level = match code.len() {
                2 => "chapter",
                5 => "sub",
                _ => "entry",
            };
            classes.push(vec![
                code.into(),
                level.into(),
                (r.get(1) == Some("1")).into(),
                r.get(3).unwrap_or_default().trim().into(),
                r.get(2).unwrap_or_default().trim().into(),
            ]);
        }
        for r in rows(PROJECT_CLASSES)? {
            classes.push(vec![
                r.get(0).unwrap_or_default().trim().into(),
                "project".into(),
                false.into(),
                r.get(2).unwrap_or_default().trim().into(),
                r.get(1).unwrap_or_default().trim().into(),
            ]);
        }
        insert_all(m, "material_classes", &["code", "level", "hazardous", "title_fi", "title_en"], classes).await?;
        let mut places = Vec::new();
        for r in rows(MUNICIPALITIES)? {
            let num = |i: usize| r.get(i).and_then(|v| v.trim().parse::<f64>().ok()).unwrap_or_default();
            places.push(vec![
                r.get(0).unwrap_or_default().trim().into(),
                r.get(1).unwrap_or_default().trim().into(),
                r.get(2).unwrap_or_default().trim().into(),
                r.get(3).unwrap_or_default().trim().into(),
                num(4).into(),
                num(5).into(),
            ]);
        }
        insert_all(m, "municipalities", &["code", "name_fi", "name_sv", "region", "lat", "lon"], places).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "regional_coordinators",
            "symbioses",
            "emission_factors",
            "listing_matches",
            "listings",
            "workshops",
            "municipalities",
            "material_classes",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
