//! Accounts, sessions, organisations, membership, change log, email outbox
//! and audit log.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("users")
                .col(pk_auto("id"))
                .col(string_uniq("email"))
                .col(string("name"))
                .col(string_null("title"))
                .col(string("password_hash"))
                .col(ts_null("email_verified_at"))
                .col(string("platform_role"))
                .col(string_null("totp_secret"))
                .col(ts_null("totp_enabled_at"))
                .col(string("locale"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("email_tokens")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string("purpose"))
                .col(string_uniq("token_hash"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("email_tokens", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("id").primary_key())
                .col(text("data"))
                .col(ts("expires_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create().table("login_failures").col(pk_auto("id")).col(string("key")).col(ts("at")).to_owned(),
        )
        .await?;
        m.create_index(index("login_failures", "idx_login_failures_key_at", &["key", "at"], false)).await?;
        m.create_table(
            Table::create()
                .table("organisations")
                .col(pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("name"))
                .col(string_null("business_id").unique_key())
                .col(string("country"))
                .col(string("org_type"))
                .col(string("size_class"))
                .col(string("municipality"))
                .col(string("focus_areas"))
                .col(text("description_fi"))
                .col(text("description_en"))
                .col(string_null("website"))
                .col(string_null("logo_key"))
                .col(string("membership_status"))
                .col(string_null("membership_tier"))
                .col(integer_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organisations", "idx_organisations_status_name", &["membership_status", "name"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("org_members")
                .col(pk_auto("id"))
                .col(integer("org_id"))
                .col(integer("user_id"))
                .col(string("role"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("org_members", "org_id", "organisations"))
                .foreign_key(&mut fk("org_members", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("org_members", "idx_org_members_org_user", &["org_id", "user_id"], true)).await?;
        m.create_index(index("org_members", "idx_org_members_user", &["user_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("invitations")
                .col(pk_auto("id"))
                .col(integer("org_id"))
                .col(string("email"))
                .col(string("role"))
                .col(string_uniq("token_hash"))
                .col(integer("invited_by"))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts_null("accepted_at"))
                .col(integer_null("accepted_by"))
                .foreign_key(&mut fk("invitations", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("agreement_versions")
                .col(pk_auto("id"))
                .col(integer_uniq("version"))
                .col(string("title_fi"))
                .col(string("title_en"))
                .col(text("body_fi"))
                .col(text("body_en"))
                .col(integer_null("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("agreement_acceptances")
                .col(pk_auto("id"))
                .col(integer("org_id"))
                .col(integer("user_id"))
                .col(integer("agreement_version_id"))
                .col(ts("accepted_at"))
                .foreign_key(&mut fk("agreement_acceptances", "org_id", "organisations"))
                .foreign_key(&mut fk("agreement_acceptances", "agreement_version_id", "agreement_versions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("agreement_acceptances", "idx_agreement_acceptances_org", &["org_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("membership_events")
                .col(pk_auto("id"))
                .col(integer("org_id"))
                .col(string("kind"))
                .col(string_null("tier"))
                .col(text_null("reason"))
                .col(integer_null("actor_id"))
                .col(ts("at"))
                .foreign_key(&mut fk("membership_events", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("membership_events", "idx_membership_events_org", &["org_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("change_log")
                .col(pk_auto("id"))
                .col(string("kind"))
                .col(text("payload"))
                .col(ts("created_at"))
                .col(ts_null("processed_at"))
                .col(integer("attempts"))
                .col(ts("next_attempt_at"))
                .col(ts_null("locked_until"))
                .col(text_null("last_error"))
                .col(ts_null("failed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("change_log", "idx_change_log_pending", &["processed_at", "next_attempt_at"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("emails")
                .col(pk_auto("id"))
                .col(string("to_addr"))
                .col(string("subject"))
                .col(text("body_text"))
                .col(string("status"))
                .col(ts("created_at"))
                .col(ts_null("sent_at"))
                .col(text_null("last_error"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(pk_auto("id"))
                .col(integer_uniq("change_id"))
                .col(integer_null("actor_id"))
                .col(string("action"))
                .col(string("target"))
                .col(text("details"))
                .col(ts("at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_log",
            "emails",
            "change_log",
            "membership_events",
            "agreement_acceptances",
            "agreement_versions",
            "invitations",
            "org_members",
            "organisations",
            "login_failures",
            "sessions",
            "email_tokens",
            "users",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
