//! The one migration set for SQLite and PostgreSQL. Rules: one change per
//! statement, no SQL defaults that read the clock (time is bound from Rust).

use sea_orm_migration::prelude::*;

mod helpers;
mod m0001_foundation;
mod m0002_website;
mod m0003_news_image_alt;
mod m0004_directory;
mod m0005_forum;
mod m0006_forum_moderation;
mod m0007_forum_experts;
mod m0008_forum_notifications;
mod m0009_challenges;
mod m0010_partner_searches;
mod m0011_materials;
mod m0012_notices;
mod m0013_session_changes;
mod m0014_question_queue;
mod m0015_events;
mod m0016_event_meetings;
mod m0017_groups;
mod m0018_deal_confirmation;
mod m0019_pipeline;
mod m0020_funding;
mod m0021_impact;
mod m0022_org_figures;
mod m0023_label_documents;
mod m0024_surveys;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_website::Migration),
            Box::new(m0003_news_image_alt::Migration),
            Box::new(m0004_directory::Migration),
            Box::new(m0005_forum::Migration),
            Box::new(m0006_forum_moderation::Migration),
            Box::new(m0007_forum_experts::Migration),
            Box::new(m0008_forum_notifications::Migration),
            Box::new(m0009_challenges::Migration),
            Box::new(m0010_partner_searches::Migration),
            Box::new(m0011_materials::Migration),
            Box::new(m0012_notices::Migration),
            Box::new(m0013_session_changes::Migration),
            Box::new(m0014_question_queue::Migration),
            Box::new(m0015_events::Migration),
            Box::new(m0016_event_meetings::Migration),
            Box::new(m0017_groups::Migration),
            Box::new(m0018_deal_confirmation::Migration),
            Box::new(m0019_pipeline::Migration),
            Box::new(m0020_funding::Migration),
            Box::new(m0021_impact::Migration),
            Box::new(m0022_org_figures::Migration),
            Box::new(m0023_label_documents::Migration),
            Box::new(m0024_surveys::Migration),
        ]
    }
}
