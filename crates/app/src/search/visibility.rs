//! Who sees a search document: the asker's side. Each document carries
//! the tokens of those who may see it (`public`, `member`, `staff`,
//! `user:ID`, `org:ID`), set by its capability (see
//! [`crate::forum::visibility::search_tokens`]); a search keeps the
//! documents that share a token with the asker's.

use crate::policy::Principal;

/// The visibility tokens of an asker. Public documents carry `public`;
/// closed content (forum threads, see [`crate::forum::visibility`]) is
/// indexed with the tokens of those who may see it.
pub fn tokens(actor: &Principal) -> Vec<String> {
    let mut tokens = vec!["public".to_string()];
    if let Some(uid) = actor.user_id() {
        tokens.push(format!("user:{uid}"));
        tokens.extend(actor.memberships().iter().map(|m| format!("org:{}", m.org_id)));
        // People of approved member organisations see members-only content.
        if actor.in_approved_org() {
            tokens.push("member".into());
        }
        if crate::policy::is_staff(actor) {
            tokens.push("staff".into());
        }
    }
    tokens
}
