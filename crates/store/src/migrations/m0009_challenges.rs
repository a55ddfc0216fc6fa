//! Challenges (the problem marketplace), responses with their private
//! conversations, and kimppas with member organisations.

use super::helpers::{fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("challenges")
                .col(pk_auto("id"))
                .col(integer("org_id"))
                .col(integer("created_by"))
                .col(string("title"))
                .col(text("description"))
                .col(text("context"))
                .col(string("roles"))
                .col(string("focus_areas"))
                .col(string("schedule"))
                .col(text("impact"))
                .col(string_len("visibility", 16))
                .col(boolean("competition"))
                .col(ts_null("deadline"))
                .col(text("criteria"))
                .col(string_len("status", 16))
                .col(boolean("featured"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("published_at"))
                .foreign_key(&mut fk("challenges", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("challenges", "idx_challenges_status", &["status", "featured", "published_at"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("challenge_invites")
                .col(pk_auto("id"))
                .col(integer("challenge_id"))
                .col(integer("org_id"))
                .foreign_key(&mut fk("challenge_invites", "challenge_id", "challenges"))
                .foreign_key(&mut fk("challenge_invites", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("challenge_invites", "idx_challenge_invites_pair", &["challenge_id", "org_id"], true))
            .await?;
        m.create_table(
            Table::create()
                .table("challenge_responses")
                .col(pk_auto("id"))
                .col(integer("challenge_id"))
                .col(integer("user_id"))
                .col(integer_null("org_id"))
                .col(string_len("role", 32))
                .col(text("proposal"))
                .col(string_len("status", 16))
                .col(text("decision_message"))
                .col(text("scores"))
                .col(ts("created_at"))
                .col(ts_null("decided_at"))
                .foreign_key(&mut fk("challenge_responses", "challenge_id", "challenges"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "challenge_responses",
            "idx_challenge_responses_challenge",
            &["challenge_id", "id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("challenge_messages")
                .col(pk_auto("id"))
                .col(integer("response_id"))
                .col(integer("author_id"))
                .col(text("body"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("challenge_messages", "response_id", "challenge_responses"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("challenge_messages", "idx_challenge_messages_response", &["response_id", "id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("kimppas")
                .col(pk_auto("id"))
                .col(string("slug").unique_key())
                .col(string("name"))
                .col(text("problem"))
                .col(text("value_proposition"))
                .col(string_len("status", 16))
                .col(boolean("published"))
                .col(integer_null("challenge_id"))
                .col(integer("created_by"))
                .col(integer("min_partners"))
                .col(integer("max_partners"))
                .col(integer("min_smes"))
                .col(integer("min_research"))
                .col(integer("min_municipalities"))
                .col(string("required_roles"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("kimppa_members")
                .col(pk_auto("id"))
                .col(integer("kimppa_id"))
                .col(integer("org_id"))
                .col(string_len("role", 32))
                .col(ts("created_at"))
                .foreign_key(&mut fk("kimppa_members", "kimppa_id", "kimppas"))
                .foreign_key(&mut fk("kimppa_members", "org_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("kimppa_members", "idx_kimppa_members_pair", &["kimppa_id", "org_id"], true)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "kimppa_members",
            "kimppas",
            "challenge_messages",
            "challenge_responses",
            "challenge_invites",
            "challenges",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
