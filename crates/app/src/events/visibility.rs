//! Who sees an event — the one place that decides it, for the list, the
//! page, the home page, the year view, the calendar feeds, RSS, the JSON
//! API and search:
//! - staff: every event;
//! - the organising organisation's people: its events, drafts included;
//! - a published, held or cancelled public event: everyone; a members-only
//!   one: people of approved member organisations;
//! - an event a person has a registration in force for (a place, an offer,
//!   the waiting list): that person, even when the event was later narrowed
//!   to members or their organisation is no longer approved — so they can
//!   still read it and cancel.
//!
//! The online link is shown only to those registered ([`shows_online_link`]).

use crate::policy::{self, Principal};
use kimppa_domain::{EventStatus, EventVisibility, OrgId, RegistrationStatus};
use kimppa_store::entities::{event, event_registration};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};

/// The events `p` may see, as a query condition.
pub fn condition(p: &Principal) -> Condition {
    if policy::is_staff(p) {
        return Condition::all();
    }
    let mut open = Condition::any().add(event::Column::Visibility.eq(EventVisibility::Public));
    if p.in_approved_org() {
        open = open.add(event::Column::Visibility.eq(EventVisibility::Members));
    }
    let mut any = Condition::any().add(Condition::all().add(event::Column::Status.ne(EventStatus::Draft)).add(open));
    let orgs = p.org_ids();
    if !orgs.is_empty() {
        any = any.add(event::Column::OrgId.is_in(orgs));
    }
    if let Some(me) = p.user_id() {
        any = any.add(
            event::Column::Id.in_subquery(
                Query::select()
                    .column(event_registration::Column::EventId)
                    .from(event_registration::Entity)
                    .and_where(event_registration::Column::UserId.eq(me.0))
                    .and_where(event_registration::Column::Status.is_in([
                        RegistrationStatus::Registered,
                        RegistrationStatus::Offered,
                        RegistrationStatus::Waiting,
                    ]))
                    .to_owned(),
            ),
        );
    }
    any
}

/// The in-memory twin of [`condition`]; `registered`: `p` has a
/// registration in force for the event.
pub fn sees(p: &Principal, e: &event::Model, registered: bool) -> bool {
    if policy::is_staff(p) || e.org_id.is_some_and(|o| p.in_org(OrgId(o))) || registered {
        return true;
    }
    e.status != EventStatus::Draft
        && (e.visibility == EventVisibility::Public
            || (e.visibility == EventVisibility::Members && p.in_approved_org()))
}

/// The online link goes to people holding a place, and to the organisers.
pub fn shows_online_link(p: &Principal, e: &event::Model, own: Option<RegistrationStatus>) -> bool {
    own == Some(RegistrationStatus::Registered) || super::may_manage(p, e)
}

/// The search index's tokens for an event (see [`crate::search::visibility`]).
pub fn search_tokens(e: &event::Model) -> Vec<String> {
    let mut t = vec!["staff".to_string()];
    if let Some(o) = e.org_id {
        t.push(format!("org:{o}"));
    }
    if e.status != EventStatus::Draft {
        t.push(match e.visibility {
            EventVisibility::Public => crate::search::documents::PUBLIC.to_string(),
            EventVisibility::Members => "member".to_string(),
        });
    }
    t
}
