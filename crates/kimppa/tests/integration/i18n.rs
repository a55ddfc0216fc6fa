//! Every UI string exists in Finnish and in English.

use kimppa_web::i18n::Lang;
use std::path::Path;

fn files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// String literals passed to `t(`, `t1(` or used as `err-…`/`error-…` codes.
fn keys_in(text: &str, rust: bool) -> Vec<String> {
    let mut keys = vec![];
    let markers: &[&str] = if rust {
        &[".t(\"", "t1(\"", "tn(\"", "tn1(\"", "\"err-", "\"error-", "flash(\"", "page(\"", "form_page(\""]
    } else {
        &[".t(\"", "t1(\"", "tn(\"", "tn1(\""]
    };
    for marker in markers {
        let mut rest = text;
        while let Some(i) = rest.find(marker) {
            let start = i + marker.len() - if marker.starts_with("\"e") { marker.len() - 1 } else { 0 };
            let tail = &rest[start..];
            if let Some(end) = tail.find('"') {
                let k = &tail[..end];
                if k.len() >= 3
                    && !k.ends_with('-')
                    && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    keys.push(k.to_string());
                }
            }
            rest = &rest[i + marker.len()..];
        }
    }
    keys
}

#[test]
fn every_key_used_exists_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web");
    let mut paths = vec![];
    files(&root.join("templates"), "html", &mut paths);
    files(&root.join("src"), "rs", &mut paths);
    files(&root.join("../app/src"), "rs", &mut paths);
    files(&root.join("../domain/src"), "rs", &mut paths);
    let mut missing = vec![];
    let mut seen = 0;
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        for k in keys_in(&text, p.extension().is_some_and(|e| e == "rs")) {
            seen += 1;
            for lang in Lang::ALL {
                // `error-…` page keys also have a `-detail` twin.
                if !lang.has(&k) && !k.ends_with("-detail") {
                    missing.push(format!("{k} ({}) used in {}", lang.code(), p.display()));
                }
            }
        }
    }
    assert!(seen > 200, "the scan found only {seen} keys: the scanner is broken");
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "missing translations:\n{}", missing.join("\n"));
}

#[test]
fn every_enum_value_has_a_label_in_both_languages() {
    use kimppa_domain::*;
    let mut keys: Vec<String> = vec![];
    keys.extend(OrgType::ALL.iter().map(|v| format!("org-type-{v}")));
    keys.extend(SizeClass::ALL.iter().map(|v| format!("size-{v}")));
    keys.extend(FocusArea::ALL.iter().map(|v| format!("focus-{v}")));
    keys.extend(OrgRole::ALL.iter().map(|v| format!("org-role-{v}")));
    keys.extend(PlatformRole::ALL.iter().map(|v| format!("role-{v}")));
    keys.extend(MembershipStatus::ALL.iter().map(|v| format!("status-{v}")));
    keys.extend(MembershipTier::ALL.iter().map(|v| format!("tier-{v}")));
    keys.extend(OfferingType::ALL.iter().map(|v| format!("offering-{v}")));
    keys.extend(Region::ALL.iter().map(|v| format!("region-{v}")));
    keys.extend(Language::ALL.iter().map(|v| format!("lang-{v}")));
    keys.extend(PriceKind::ALL.iter().map(|v| format!("price-{v}")));
    keys.extend(ServiceStatus::ALL.iter().map(|v| format!("service-status-{v}")));
    keys.extend(LeadStatus::ALL.iter().map(|v| format!("lead-{v}")));
    keys.extend(["pending", "delivered", "failed"].iter().map(|v| format!("delivery-{v}")));
    for d in kimppa_app::directory::catalogue::Dim::ALL {
        keys.push(format!("filter-{}", d.param().replace('_', "-")));
    }
    for k in kimppa_app::assemble_hooks().documents.names() {
        keys.push(format!("search-kind-{k}"));
    }
    for d in kimppa_search_dims() {
        keys.push(format!("search-filter-{}", d.replace('_', "-")));
    }
    {
        use kimppa_app::materials::{self as m, matching, outcomes};
        keys.extend(kimppa_domain::ListingStatus::ALL.iter().map(|s| format!("listing-status-{s}")));
        let lists: [(&str, &[&str]); 13] = [
            ("deal-status", &[outcomes::PENDING, outcomes::CONFIRMED, outcomes::DISPUTED]),
            ("analytics-automated", &["no-agent", "robot", "burst"]),
            ("match-quantity", &m::KINDS),
            ("listing-kind", &m::KINDS),
            ("unit", &m::UNITS),
            ("frequency", &m::FREQUENCIES),
            ("delivery", &m::DELIVERY),
            ("price", &m::PRICE_KINDS),
            ("listing-visibility", &m::VISIBILITIES),
            ("reason", &outcomes::REASONS),
            ("feedback", &matching::FEEDBACK),
            ("match-class", &["same-code", "same-sub-chapter", "same-chapter", "declared"]),
            ("listing-status", &["all"]),
        ];
        for (prefix, values) in lists {
            keys.extend(values.iter().map(|v| format!("{prefix}-{v}")));
        }
    }
    {
        use kimppa_domain::{EventKind, EventStatus, EventVisibility, QuestionKind, RegistrationStatus};
        keys.extend(EventKind::ALL.iter().map(|v| format!("event-kind-{v}")));
        keys.extend(EventStatus::ALL.iter().map(|v| format!("event-status-{v}")));
        keys.extend(EventVisibility::ALL.iter().map(|v| format!("event-visibility-{v}")));
        keys.extend(RegistrationStatus::ALL.iter().map(|v| format!("registration-status-{v}")));
        keys.extend(QuestionKind::ALL.iter().map(|v| format!("question-kind-{v}")));
        keys.extend(kimppa_app::events::LANGUAGES.iter().map(|v| format!("event-language-{v}")));
        keys.extend(kimppa_app::events::registrations::AUDIENCES.iter().map(|v| format!("audience-{v}")));
        keys.extend(kimppa_app::events::registrations::REASONS.iter().map(|v| format!("change-reason-{v}")));
        keys.extend(["publish", "unpublish", "cancel", "held"].iter().map(|v| format!("event-state-{v}")));
        keys.extend(["already-registered", "registration-closed"].iter().map(|v| format!("event-conflict-{v}")));
        keys.extend((1..=12).flat_map(|m| [format!("month-{m}"), format!("month-short-{m}")]));
        keys.extend(kimppa_domain::MeetingStatus::ALL.iter().map(|v| format!("meeting-state-{v}")));
        keys.extend(kimppa_domain::MeetingOutcome::ALL.iter().map(|v| format!("meeting-outcome-{v}")));
        keys.extend(kimppa_app::events::meetings::UNPLACED.iter().map(|v| format!("unplaced-{v}")));
        use kimppa_domain::{ActionStatus, ClusterPhase, GroupKind, GroupMemberStatus, GroupRole};
        keys.extend(GroupKind::ALL.iter().map(|v| format!("group-kind-{v}")));
        keys.extend(GroupRole::ALL.iter().map(|v| format!("group-role-{v}")));
        keys.extend(GroupMemberStatus::ALL.iter().map(|v| format!("group-member-{v}")));
        keys.extend(ClusterPhase::ALL.iter().map(|v| format!("phase-{v}")));
        keys.extend(ActionStatus::ALL.iter().map(|v| format!("action-status-{v}")));
        keys.extend(kimppa_app::groups::JOINING.iter().map(|v| format!("group-joining-{v}")));
        use kimppa_app::pipeline;
        use kimppa_domain::{EuroClass, PipelineKind, PipelineRole};
        keys.extend(PipelineKind::ALL.iter().map(|v| format!("pipeline-kind-{v}")));
        keys.extend(kimppa_domain::FieldKind::ALL.iter().map(|v| format!("field-kind-{v}")));
        keys.extend(kimppa_domain::Programme::ALL.iter().map(|v| format!("programme-{v}")));
        keys.extend(kimppa_domain::FundingStatus::ALL.iter().map(|v| format!("funding-status-{v}")));
        keys.extend(PipelineRole::ALL.iter().map(|v| format!("pipeline-role-{v}")));
        keys.extend(EuroClass::ALL.iter().map(|v| format!("euro-class-{v}")));
        keys.extend(pipeline::PUBLIC_FIELDS.iter().map(|v| format!("pipeline-public-{v}")));
        keys.extend(pipeline::LINK_KINDS.iter().map(|v| format!("pipeline-link-{v}")));
        keys.extend(["stage", "kind", "size"].iter().map(|v| format!("pipeline-by-{v}")));
        keys.extend(pipeline::CHANGE_FIELDS.iter().map(|v| format!("pipeline-change-{}", v.replace('_', "-"))));
    }
    for k in ["err-csv-encoding", "err-csv-broken", "err-csv-unknown-column", "err-csv-too-many-rows"] {
        keys.push(k.into());
    }
    for k in [
        "event-applied",
        "event-approved",
        "event-rejected",
        "email-status-queued",
        "email-status-outbox",
        "email-status-sent",
    ] {
        keys.push(k.into());
    }
    keys.extend(kimppa_app::website::faq::TOPICS.iter().map(|t| format!("faq-topic-{t}")));
    keys.extend(kimppa_app::website::clusters::RELATIONS.iter().map(|r| format!("relation-{r}")));
    for k in ["events", "members", "materials", "funding", "platform", "kimppa"] {
        keys.push(format!("tag-{k}"));
    }
    for k in ["page-status-draft", "page-status-published", "event-kind-search", "event-kind-registration"] {
        keys.push(k.into());
    }
    // Every domain error has a message.
    for e in [
        DomainError::BusinessIdFormat,
        DomainError::BusinessIdCheckDigit,
        DomainError::Email,
        DomainError::Slug,
        DomainError::UnknownValue(String::new()),
        DomainError::Required,
        DomainError::TooLong(1),
    ] {
        keys.push(e.code().into());
    }
    for k in &keys {
        for lang in Lang::ALL {
            assert!(lang.has(k), "{k} missing in {}", lang.code());
        }
    }
    // Error pages have a title and a detail in both languages.
    for k in [
        "error-invalid",
        "error-not-found",
        "error-login-required",
        "error-second-factor",
        "error-forbidden",
        "error-conflict",
        "error-rate-limited",
        "error-bad-credentials",
        "error-not-verified",
        "error-token-invalid",
        "error-internal",
        "error-method",
    ] {
        for lang in Lang::ALL {
            assert!(lang.has(k) && lang.has(&format!("{k}-detail")), "{k} in {}", lang.code());
        }
    }
}

fn kimppa_search_dims() -> [&'static str; 5] {
    ["kind", "focus", "offering", "org_type", "municipality"]
}
