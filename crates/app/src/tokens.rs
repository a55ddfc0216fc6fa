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
}
