//! Partner searches (kimppahaku): an organisation's search for the partners
//! it lacks, its shortlist of organisations and experts, and its request
//! for the orchestrators' help. Also: people following focus areas hear of
//! new challenges in them (`focus_watches`; a challenge remembers when its
//! followers were told); a response to a challenge may carry one file; a
//! service may be offered in a kimppa's name; a kimppa member invited from a
//! shortlist confirms before it counts.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("partner_searches")
                .col(pk_auto("id"))
                .col(integer("org_id"))
                .col(integer("created_by"))
                .col(string("title"))
                .col(string_len("offer_role", 32))
                .col(text("offer"))
                .col(string("roles"))
                .col(string("focus_areas"))
                .col(text("value_proposition"))
                .col(string_len("status", 16))
                .col(integer_null("kimppa_id"))
                .col(string_len("help_status", 16))
                .col(text("help_message"))
                .col(text("help_reply"))
                .col(ts_null("help_requested_at"))
                .col(integer_null("help_requested_by"))
                .col(integer_null("help_handled_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("partner_searches", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("partner_searches", "idx_partner_searches_org", &["org_id", "id"], false)).await?;
        m.create_index(index(
            "partner_searches",
            "idx_partner_searches_help",
            &["help_status", "help_requested_at"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("partner_search_entries")
                .col(pk_auto("id"))
                .col(integer("search_id"))
                // `org:{id}` or `expert:{id}`: one entry per candidate and search.
                .col(string_len("target", 32))
                .col(integer("org_id"))
                .col(integer_null("expert_id"))
                .col(string_len("role", 32))
                .col(integer("added_by"))
                .col(integer_null("contact_request_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("partner_search_entries", "search_id", "partner_searches"))
                .foreign_key(&mut fk("partner_search_entries", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "partner_search_entries",
            "idx_partner_search_entries_target",
            &["search_id", "target"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("focus_watches")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("focus_area", 32))
                .col(ts("created_at"))
                .foreign_key(&mut fk("focus_watches", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("focus_watches", "idx_focus_watches_pair", &["user_id", "focus_area"], true)).await?;
        m.create_index(index("focus_watches", "idx_focus_watches_area", &["focus_area"], false)).await?;
        m.alter_table(Table::alter().table("challenges").add_column(ts_null("notified_at")).to_owned()).await?;
        // A kimppa member invited from a partner search's shortlist confirms first; members
        // so far came from accepted responses and count as confirmed.
        m.alter_table(Table::alter().table("kimppa_members").add_column(ts_null("confirmed_at")).to_owned()).await?;
        m.get_connection().execute_unprepared("UPDATE kimppa_members SET confirmed_at = created_at").await?;
        // A joint service offered in a kimppa's name.
        m.alter_table(Table::alter().table("services").add_column(integer_null("kimppa_id")).to_owned()).await?;
        // A response's one attachment (SQLite alters one column at a time).
        for col in ["attachment_key", "attachment_name", "attachment_type"] {
            m.alter_table(Table::alter().table("challenge_responses").add_column(string_null(col)).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("challenges").drop_column("notified_at").to_owned()).await?;
        m.alter_table(Table::alter().table("kimppa_members").drop_column("confirmed_at").to_owned()).await?;
        m.alter_table(Table::alter().table("services").drop_column("kimppa_id").to_owned()).await?;
        for col in ["attachment_key", "attachment_name", "attachment_type"] {
            m.alter_table(Table::alter().table("challenge_responses").drop_column(col).to_owned()).await?;
        }
        for t in ["focus_watches", "partner_search_entries", "partner_searches"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
