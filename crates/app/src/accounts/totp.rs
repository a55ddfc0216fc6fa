//! TOTP second factor (RFC 6238, SHA-1, 6 digits, 30 s, one step of skew).

use crate::{App, AppError, now};
use kimppa_store::entities::user;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use totp_rs::{Builder, Secret, Totp};

fn build(secret_b32: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_b32).map_err(AppError::internal)?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some("Kimppa"))
        .build()
        .map_err(AppError::internal)
}

/// A new random secret (160 bits), base32.
pub fn new_secret() -> String {
    let mut bytes = vec![0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    Secret::from(bytes).to_base32()
}

/// The `otpauth://` URL for authenticator apps.
pub fn otpauth_url(secret_b32: &str, account: &str) -> Result<String, AppError> {
    build(secret_b32, account)?.to_url().map_err(AppError::internal)
}

/// True when `code` is valid now (±30 s).
pub fn check(secret_b32: &str, account: &str, code: &str) -> Result<bool, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(false);
    }
    Ok(build(secret_b32, account)?.check_current(&code).is_some())
}

/// The current code for a secret (demo tooling and tests).
pub fn current_code(secret_b32: &str) -> Result<String, AppError> {
    Ok(build(secret_b32, "code")?.generate_current().to_string())
}

/// Enables TOTP for a user after they prove the app works with one code.
pub async fn enable(app: &App, user_id: i32, secret_b32: &str, code: &str) -> Result<(), AppError> {
    let u = user::Entity::find_by_id(user_id).one(&app.db).await?.ok_or(AppError::LoginRequired)?;
    if Secret::try_from_base32(secret_b32).is_err() {
        return Err(AppError::field("code", "err-totp-code"));
    }
    if !check(secret_b32, &u.email, code)? {
        return Err(AppError::field("code", "err-totp-code"));
    }
    let mut am = u.into_active_model();
    am.totp_secret = Set(Some(secret_b32.into()));
    am.totp_enabled_at = Set(Some(now()));
    am.update(&app.db).await?;
    crate::changelog::personal(&app.db, &[user_id]).await?;
    Ok(())
}

/// Turns TOTP off (after the current password is proven by the caller).
pub async fn disable(app: &App, user_id: i32) -> Result<(), AppError> {
    let u = user::Entity::find_by_id(user_id).one(&app.db).await?.ok_or(AppError::LoginRequired)?;
    let mut am = u.into_active_model();
    am.totp_secret = Set(None);
    am.totp_enabled_at = Set(None);
    am.update(&app.db).await?;
    crate::changelog::personal(&app.db, &[user_id]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_check() {
        let s = new_secret();
        let code = current_code(&s).unwrap();
        assert!(check(&s, "a@example.fi", &code).unwrap());
        assert!(!check(&s, "a@example.fi", "12345").unwrap());
        assert!(!check(&s, "a@example.fi", "abcdef").unwrap());
        assert!(otpauth_url(&s, "a@example.fi").unwrap().starts_with("otpauth://totp/"));
    }
}
