//! The directory and services marketplace: profile fields of
//! organisations, services (with co-providers), listed experts, contact
//! requests (leads) with replies, and outgoing webhooks with their log.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement (SQLite).
        let org = |c: ColumnDef| Table::alter().table("organisations").add_column(c).to_owned();
        m.alter_table(org(string("offering_types").default("").to_owned())).await?;
        m.alter_table(org(big_integer_null("carbon_kg"))).await?;
        m.alter_table(org(integer_null("carbon_year"))).await?;
        m.alter_table(org(string_null("carbon_method"))).await?;
        m.alter_table(org(text("search_text").default("").to_owned())).await?;
        backfill_search_text(m).await?;

        m.create_table(
            Table::create()
                .table("services")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(integer("owner_org_id"))
                .col(string("status"))
                .col(string("title_fi"))
                .col(string("title_en"))
                .col(text("description_fi"))
                .col(text("description_en"))
                .col(string("offering_type"))
                .col(string("focus_areas"))
                .col(string("regions"))
                .col(string("languages"))
                .col(string("price_kind"))
                .col(integer_null("price_eur"))
                .col(string("price_note_fi"))
                .col(string("price_note_en"))
                .col(integer_null("contact_user_id"))
                .col(text("search_text"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("published_at"))
                .foreign_key(&mut fk("services", "owner_org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("services", "idx_services_status_owner", &["status", "owner_org_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("service_providers")
                .col(pk_auto("id"))
                .col(integer("service_id"))
                .col(integer("org_id"))
                .col(ts_null("confirmed_at"))
                .col(integer_null("confirmed_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("service_providers", "service_id", "services"))
                .foreign_key(&mut fk("service_providers", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("service_providers", "idx_service_providers_pair", &["service_id", "org_id"], true))
            .await?;
        m.create_index(index("service_providers", "idx_service_providers_org", &["org_id"], false)).await?;

        m.create_table(
            Table::create()
                .table("experts")
                .col(pk_auto("id"))
                .col(integer_uniq("user_id"))
                .col(integer("org_id"))
                .col(boolean("listed"))
                .col(text("tags"))
                .col(string("languages"))
                .col(string("focus_areas"))
                .col(text("bio_fi"))
                .col(text("bio_en"))
                .col(text("search_text"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("experts", "user_id", "users"))
                .foreign_key(&mut fk("experts", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("experts", "idx_experts_org", &["org_id"], false)).await?;

        m.create_table(
            Table::create()
                .table("contact_requests")
                .col(pk_auto("id"))
                .col(integer("from_user_id"))
                .col(integer_null("from_org_id"))
                .col(integer("to_org_id"))
                .col(integer_null("service_id"))
                .col(text("message"))
                .col(string_null("attachment_key"))
                .col(string_null("attachment_name"))
                .col(string("status"))
                .col(ts_null("answered_at"))
                .col(ts_null("abuse_reported_at"))
                .col(text_null("abuse_reason"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("contact_requests", "from_user_id", "users"))
                .foreign_key(&mut fk("contact_requests", "to_org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("contact_requests", "idx_contact_requests_to", &["to_org_id", "created_at"], false))
            .await?;
        m.create_index(index("contact_requests", "idx_contact_requests_from", &["from_user_id", "created_at"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("contact_replies")
                .col(pk_auto("id"))
                .col(integer("request_id"))
                .col(integer("user_id"))
                .col(text("body"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("contact_replies", "request_id", "contact_requests"))
                .foreign_key(&mut fk("contact_replies", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("contact_replies", "idx_contact_replies_request", &["request_id", "id"], false)).await?;

        m.create_table(
            Table::create()
                .table("webhook_endpoints")
                .col(pk_auto("id"))
                .col(string("url"))
                .col(string("secret"))
                .col(string("description"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .col(pk_auto("id"))
                .col(integer("endpoint_id"))
                .col(string("event"))
                .col(text("payload"))
                .col(string("status"))
                .col(integer("attempts"))
                .col(integer_null("response_code"))
                .col(text_null("last_error"))
                .col(ts("created_at"))
                .col(ts_null("delivered_at"))
                .foreign_key(&mut fk("webhook_deliveries", "endpoint_id", "webhook_endpoints"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("webhook_deliveries", "idx_webhook_deliveries_endpoint", &["endpoint_id", "id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "webhook_deliveries",
            "webhook_endpoints",
            "contact_replies",
            "contact_requests",
            "experts",
            "service_providers",
            "services",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for c in ["search_text", "carbon_method", "carbon_year", "carbon_kg", "offering_types"] {
            m.alter_table(Table::alter().table("organisations").drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}

/// Fills `organisations.search_text` for rows that exist already; the
/// lowercasing is Rust's (Unicode), the same the app uses when it writes.
async fn backfill_search_text(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let select = Query::select()
        .columns(["id", "name", "municipality", "description_fi", "description_en"])
        .from("organisations")
        .to_owned();
    for row in db.query_all(&select).await? {
        let id: i32 = row.try_get("", "id")?;
        let text = ["name", "municipality", "description_fi", "description_en"]
            .iter()
            .map(|c| row.try_get::<String>("", c))
            .collect::<Result<Vec<_>, _>>()?
            .join(" ")
            .to_lowercase();
        let update = Query::update()
            .table("organisations")
            .value("search_text", text)
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(())
}
