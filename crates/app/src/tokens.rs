//! Random tokens for links in emails. Only their SHA-256 hash is stored,
//! so a database leak does not leak usable links.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new URL-safe random token (256 bits).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The key for signed links (`name` says what for), made by the first node
/// that needs it and shared by all through the database.
pub async fn signing_key<C: sea_orm::ConnectionTrait>(conn: &C, name: &str) -> Result<Vec<u8>, sea_orm::DbErr> {
    use kimppa_store::entities::signing_key;
    use sea_orm::EntityTrait;
    if let Some(k) = signing_key::Entity::find_by_id(name.to_string()).one(conn).await? {
        return Ok(k.secret.into_bytes());
    }
    let row = signing_key::ActiveModel {
        name: sea_orm::Set(name.to_string()),
        secret: sea_orm::Set(new_token()),
        created_at: sea_orm::Set(crate::now()),
    };
    // Two nodes may race here: the first insert wins and both read it.
    signing_key::Entity::insert(row)
        .on_conflict_do_nothing_on([signing_key::Column::Name])
        .exec_without_returning(conn)
        .await?;
    let k = signing_key::Entity::find_by_id(name.to_string())
        .one(conn)
        .await?
        .ok_or_else(|| sea_orm::DbErr::Custom("signing key missing".into()))?;
    Ok(k.secret.into_bytes())
}

/// HMAC-SHA256 of `message` under `key`, URL-safe.
pub fn sign(key: &[u8], message: &str) -> String {
    use hmac::{Hmac, Mac};
    // HMAC takes keys of any length; an empty signature never verifies.
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else { return String::new() };
    mac.update(message.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Checks a signature made by [`sign`] in constant time.
pub fn verify(key: &[u8], message: &str, signature: &str) -> bool {
    use hmac::{Hmac, Mac};
    let Ok(sig) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature.trim()) else { return false };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else { return false };
    mac.update(message.as_bytes());
    mac.verify_slice(&sig).is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_unique_and_hashes_stable() {
        let a = super::new_token();
        assert_ne!(a, super::new_token());
        assert_eq!(a.len(), 43);
        assert_eq!(super::hash("x"), super::hash("x"));
        assert_ne!(super::hash("x"), super::hash("y"));
    }

    #[test]
    fn signatures_verify_only_their_message_and_key() {
        let sig = super::sign(b"key", "u1:thread:5");
        assert!(super::verify(b"key", "u1:thread:5", &sig));
        assert!(!super::verify(b"key", "u1:thread:6", &sig));
        assert!(!super::verify(b"other", "u1:thread:5", &sig));
        assert!(!super::verify(b"key", "u1:thread:5", "not base64!"));
        assert!(!super::verify(b"key", "u1:thread:5", ""));
    }
}
