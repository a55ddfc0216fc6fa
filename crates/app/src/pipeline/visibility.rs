//! Who sees a pipeline record — the one place that decides it:
//! - the orchestrators (staff) see and edit every record;
//! - the admins of an organisation taking part in a record see it whole,
//!   read-only (its tasks too, not the other records);
//! - everyone sees a published record's public fields, and nothing of an
//!   unpublished one.

use crate::policy::{self, Action, Principal};
use kimppa_domain::{OrgId, OrgRole};
use kimppa_store::entities::{pipeline_participant, pipeline_record};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

/// How much of a record a principal sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    /// The public fields of a published record.
    Public,
    /// The whole record, read-only (an admin of a participant).
    Read,
    /// The whole record, editable (staff).
    Edit,
}

/// The organisations whose records `p` reads as their admin.
fn admin_orgs(p: &Principal) -> Vec<i32> {
    p.memberships().iter().filter(|m| m.role == OrgRole::Admin).map(|m| m.org_id.0).collect()
}

/// What `p` sees of `r`, whose participants are `parts`.
pub fn access(p: &Principal, r: &pipeline_record::Model, parts: &[pipeline_participant::Model]) -> Access {
    if policy::allowed(p, Action::ManagePipeline) {
        return Access::Edit;
    }
    if parts.iter().any(|x| x.record_id == r.id && p.role_in(OrgId(x.org_id)) == Some(OrgRole::Admin)) {
        return Access::Read;
    }
    if r.published && r.merged_into.is_none() { Access::Public } else { Access::None }
}

/// The records `p` sees whole, as a condition on `pipeline_records`.
pub fn condition(p: &Principal) -> Condition {
    if policy::allowed(p, Action::ManagePipeline) {
        return Condition::all();
    }
    let orgs = admin_orgs(p);
    if orgs.is_empty() {
        return Condition::all().add(pipeline_record::Column::Id.eq(-1));
    }
    Condition::all().add(
        pipeline_record::Column::Id.in_subquery(
            pipeline_participant::Entity::find()
                .select_only()
                .column(pipeline_participant::Column::RecordId)
                .filter(pipeline_participant::Column::OrgId.is_in(orgs))
                .into_query(),
        ),
    )
}

/// The published records (their public fields are everyone's).
pub fn published() -> Condition {
    Condition::all().add(pipeline_record::Column::Published.eq(true)).add(pipeline_record::Column::MergedInto.is_null())
}
