//! One-to-one meetings at matchmaking events: the organiser's setup
//! (sessions, slot length, tables, a cap per person), each participant's
//! profile for the event, and meeting requests with their slot, table,
//! lock and both sides' ratings of what came of them.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("meeting_setups")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("slot_minutes"))
                // Sessions in Finnish time on the event's first day, one per
                // line: "09:00-11:00". The gaps between them are breaks.
                .col(text("sessions"))
                .col(integer("tables"))
                // Optional names of the tables or rooms, one per line.
                .col(text("table_names"))
                // Meetings held online: the tables are virtual rooms.
                .col(boolean("online"))
                // Meetings per person at most; 0: no cap.
                .col(integer("cap"))
                .col(ts_null("scheduled_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("meeting_setups", "event_id", "events"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("meeting_setups", "idx_meeting_setups_event", &["event_id"], true)).await?;
        m.create_table(
            Table::create()
                .table("meeting_profiles")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("user_id"))
                .col(integer_null("org_id"))
                .col(text("offers"))
                .col(text("seeks"))
                .col(string("focus_areas"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("meeting_profiles", "event_id", "events"))
                .foreign_key(&mut fk("meeting_profiles", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("meeting_profiles", "idx_meeting_profiles_person", &["event_id", "user_id"], true))
            .await?;
        m.create_table(
            Table::create()
                .table("meeting_requests")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("from_user"))
                .col(integer("to_user"))
                .col(text("note"))
                // `pending`, `accepted`, `declined` or `withdrawn`.
                .col(string_len("status", 16))
                // Where an accepted meeting is: slot index and table index.
                .col(integer_null("slot"))
                .col(integer_null("table_no"))
                // Kept where it is when the scheduler runs.
                .col(boolean("locked"))
                // Why an accepted meeting has no place (the scheduler's reason).
                .col(string_len("unplaced", 24))
                // Each side's rating after the event.
                .col(string_len_null("outcome_from", 16))
                .col(string_len_null("outcome_to", 16))
                .col(ts("created_at"))
                .col(ts_null("answered_at"))
                .foreign_key(&mut fk("meeting_requests", "event_id", "events"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "meeting_requests",
            "idx_meeting_requests_pair",
            &["event_id", "from_user", "to_user"],
            true,
        ))
        .await?;
        m.create_index(index("meeting_requests", "idx_meeting_requests_to", &["event_id", "to_user"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["meeting_requests", "meeting_profiles", "meeting_setups"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
