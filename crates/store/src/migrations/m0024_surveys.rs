//! Member surveys (SPEC C13): "would you recommend the cluster" (0–10) and
//! open questions, sent to members' contact people as one-time links. An
//! answer is kept apart from its invitation, so nobody can tell who
//! answered what.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("surveys")
                .col(pk_auto("id"))
                .col(string("title"))
                // The open questions, one a line.
                .col(text("questions"))
                .col(ts_null("sent_at"))
                .col(integer("created_by"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("survey_invites")
                .col(pk_auto("id"))
                .col(integer("survey_id"))
                .col(integer("user_id"))
                .col(integer("org_id"))
                // sha256 of the link's token, hex.
                .col(string_len("token_hash", 64))
                .col(ts("sent_at"))
                .col(ts_null("answered_at"))
                .foreign_key(&mut fk("survey_invites", "survey_id", "surveys"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("survey_invites", "idx_survey_invites_token", &["token_hash"], true)).await?;
        m.create_index(index("survey_invites", "idx_survey_invites_survey", &["survey_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("survey_answers")
                .col(pk_auto("id"))
                .col(integer("survey_id"))
                .col(integer("score"))
                // The open answers, a JSON list in the questions' order.
                .col(text("answers"))
                // The day only: a time could be matched with the invitations'.
                .col(string_len("answered_on", 10))
                .foreign_key(&mut fk("survey_answers", "survey_id", "surveys"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("survey_answers", "idx_survey_answers_survey", &["survey_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["survey_answers", "survey_invites", "surveys"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
