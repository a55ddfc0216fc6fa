//! The records use cases hand to their callers: the plain data of stored
//! rows (each module holds its record's `Model` only). The web layer shows
//! them; it cannot query them, for it sees no database.

macro_rules! records {
    ($($name:ident),+ $(,)?) => {$(
        pub mod $name {
            pub use kimppa_store::entities::$name::Model;
        }
    )+};
}

records!(
    agreement_version,
    audit_entry,
    challenge,
    challenge_response,
    cluster,
    contact_request,
    email,
    event,
    event_feedback,
    event_question,
    event_registration,
    event_registration_change,
    expert,
    faq_item,
    faq_question,
    forum_attachment,
    forum_category,
    forum_post,
    forum_tag,
    forum_thread,
    funding,
    funding_call,
    glossary_term,
    group,
    group_action,
    group_document,
    group_member,
    group_phase,
    kimppa,
    label_document,
    listing,
    listing_match,
    material_class,
    official_figure,
    org_figure,
    meeting_profile,
    meeting_request,
    meeting_setup,
    municipality,
    news,
    notice,
    organisation,
    page,
    page_revision,
    partner_search,
    pipeline_change,
    pipeline_field,
    pipeline_participant,
    pipeline_record,
    pipeline_stage,
    pipeline_task,
    pipeline_view,
    procurement,
    service,
    symbiosis,
    user,
    webhook_delivery,
    webhook_endpoint,
    workshop,
);
