//! Events (SPEC C11): the cluster's and its members' events with
//! registration questions, registrations with a waiting list and the
//! record of every change to them, attendance, feedback after the event,
//! each person's secret calendar-feed key, and a text attachment on an
//! email (the event's calendar file).

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("events")
                .col(pk_auto("id"))
                .col(string_len("kind", 24))
                .col(string_len("status", 16))
                .col(string_len("visibility", 16))
                .col(string("title_fi"))
                .col(string("title_en"))
                // Markdown.
                .col(text("description_fi"))
                .col(text("description_en"))
                // The organising member organisation; `NULL`: the cluster itself.
                .col(integer_null("org_id"))
                .col(ts("starts_at"))
                .col(ts("ends_at"))
                // A municipality code, or empty for an online-only event.
                .col(string_len("municipality", 3))
                .col(string("address"))
                .col(boolean("online"))
                // Shown only to registered participants.
                .col(string("online_url"))
                // `fi`, `en`, `sv` or `fi-en`.
                .col(string_len("language", 8))
                .col(string("focus_areas"))
                // `NULL`: no limit.
                .col(integer_null("capacity"))
                .col(ts_null("registration_deadline"))
                // How long a freed place is offered to the next on the waiting list.
                .col(integer("offer_hours"))
                // Places held (registered and offered) and people waiting, kept in
                // the transaction of every change so a full event refuses atomically.
                .col(integer("places_taken"))
                .col(integer("waiting"))
                // Titles and descriptions lower-cased by the application.
                .col(text("search_text"))
                .col(text("cancel_note"))
                .col(ts_null("reminded_at"))
                .col(ts_null("feedback_asked_at"))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("published_at"))
                .foreign_key(&mut fk("events", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("events", "idx_events_status_start", &["status", "starts_at"], false)).await?;
        m.create_index(index("events", "idx_events_org", &["org_id", "starts_at"], false)).await?;
        m.create_table(
            Table::create()
                .table("event_questions")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("position"))
                // `text`, `choice` or `yes-no`.
                .col(string_len("kind", 16))
                .col(string("label"))
                // For `choice`: one choice per line.
                .col(text("choices"))
                .col(boolean("required"))
                .foreign_key(&mut fk("event_questions", "event_id", "events"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("event_questions", "idx_event_questions_event", &["event_id", "position"], false)).await?;
        m.create_table(
            Table::create()
                .table("event_registrations")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("user_id"))
                // The organisation the person takes part for, when they chose one.
                .col(integer_null("org_id"))
                .col(string_len("status", 16))
                // The answers to the event's questions as JSON: {"question id": "answer"}.
                .col(text("answers"))
                .col(ts_null("offered_until"))
                // `NULL`: attendance not marked.
                .col(boolean_null("attended"))
                .col(ts_null("checked_in_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("event_registrations", "event_id", "events"))
                .foreign_key(&mut fk("event_registrations", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("event_registrations", "idx_event_registrations_person", &["event_id", "user_id"], true))
            .await?;
        m.create_index(index(
            "event_registrations",
            "idx_event_registrations_status",
            &["event_id", "status", "id"],
            false,
        ))
        .await?;
        m.create_index(index("event_registrations", "idx_event_registrations_user", &["user_id", "status"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("event_registration_changes")
                .col(pk_auto("id"))
                .col(integer("registration_id"))
                .col(integer("event_id"))
                // Empty for a new registration.
                .col(string_len("from_status", 16))
                .col(string_len("to_status", 16))
                // `registered`, `waiting`, `cancelled`, `offered`, `accepted`,
                // `declined`, `offer-expired`, `organiser`, `attended`, `no-show`.
                .col(string_len("reason", 24))
                .col(integer_null("by_user"))
                .col(ts("at"))
                .foreign_key(&mut fk("event_registration_changes", "registration_id", "event_registrations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "event_registration_changes",
            "idx_event_registration_changes_event",
            &["event_id", "id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("event_feedback")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("user_id"))
                // 0–10: would you recommend the event?
                .col(integer("score"))
                .col(text("comment"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("event_feedback", "event_id", "events"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("event_feedback", "idx_event_feedback_person", &["event_id", "user_id"], true)).await?;
        m.create_table(
            Table::create()
                .table("calendar_keys")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("secret", 64))
                .col(ts("created_at"))
                .foreign_key(&mut fk("calendar_keys", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("calendar_keys", "idx_calendar_keys_user", &["user_id"], true)).await?;
        m.create_index(index("calendar_keys", "idx_calendar_keys_secret", &["secret"], true)).await?;
        // An email may carry one text attachment (an event's calendar file).
        let add = |c: &mut ColumnDef| Table::alter().table("emails").add_column(c).to_owned();
        m.alter_table(add(string("attachment_name").default(""))).await?;
        m.alter_table(add(string("attachment_type").default(""))).await?;
        m.alter_table(add(text("attachment").default(""))).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["attachment", "attachment_type", "attachment_name"] {
            m.alter_table(Table::alter().table("emails").drop_column(c).to_owned()).await?;
        }
        for t in [
            "calendar_keys",
            "event_feedback",
            "event_registration_changes",
            "event_registrations",
            "event_questions",
            "events",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
