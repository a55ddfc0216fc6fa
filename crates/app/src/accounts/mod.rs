//! Accounts: registration, email verification, login with throttling and
//! TOTP, password reset and change.

mod password;
mod throttle;
pub mod totp;

pub use password::{hash_password, verify_password};

use crate::{App, AppError, email, error::Checker, now, tokens};
use chrono::Duration;
use kimppa_domain::{Email, PlatformRole, required_text};
use kimppa_store::entities::{email_token, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TransactionTrait};

pub const MIN_PASSWORD_CHARS: usize = 12;
const VERIFY_HOURS: i64 = 48;
const RESET_MINUTES: i64 = 60;
const PURPOSE_VERIFY: &str = "verify";
const PURPOSE_RESET: &str = "reset";

/// What the registration form sends.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub struct Registration {
    pub name: String,
    pub email: String,
    pub password: String,
}

fn check_password(c: &mut Checker, field: &'static str, password: &str) {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        c.push(field, "err-password-short");
    } else if password.len() > 1024 {
        c.push(field, "err-too-long");
    }
}

/// Registers a person and queues the verification email. When the email
/// is already registered, the same answer is given and the owner gets a
/// notice instead, so registration reveals no accounts.
pub async fn register(app: &App, input: &Registration, lang: &str) -> Result<(), AppError> {
    let mut c = Checker::default();
    let name = c.check("name", required_text(&input.name, 120));
    let email = c.check("email", Email::parse(&input.email));
    check_password(&mut c, "password", &input.password);
    c.finish()?;
    let (name, email) = (name.unwrap_or_default(), email.ok_or_else(crate::error::checked)?);
    let hash = hash_password(&input.password).await?;
    let tx = app.db.begin().await?;
    if let Some(_existing) = user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(&tx).await? {
        let (subject, body) = email::texts::already_registered(lang, &app.url(&format!("/{lang}/password/forgot")));
        email::queue(&tx, email.as_str(), &subject, &body).await?;
        tx.commit().await?;
        app.jobs_wake.notify_one();
        return Ok(());
    }
    let u = user::ActiveModel {
        email: Set(email.as_str().into()),
        name: Set(name.clone()),
        title: Set(None),
        password_hash: Set(hash),
        email_verified_at: Set(None),
        platform_role: Set(PlatformRole::Person),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        locale: Set(lang.into()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let token = new_email_token(&tx, u.id, PURPOSE_VERIFY, Duration::hours(VERIFY_HOURS)).await?;
    let (subject, body) = email::texts::verify(lang, &name, &app.url(&format!("/{lang}/verify?token={token}")));
    email::queue(&tx, email.as_str(), &subject, &body).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    app.analytics.event("registration");
    Ok(())
}

async fn new_email_token<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i32,
    purpose: &str,
    valid: Duration,
) -> Result<String, AppError> {
    let token = tokens::new_token();
    email_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.into()),
        token_hash: Set(tokens::hash(&token)),
        expires_at: Set(now() + valid),
        used_at: Set(None),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// Marks the token used and returns its user, if the token is valid.
async fn consume_token<C: sea_orm::ConnectionTrait>(conn: &C, token: &str, purpose: &str) -> Result<i32, AppError> {
    let t = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(tokens::hash(token)))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(conn)
        .await?
        .ok_or(AppError::TokenInvalid)?;
    if t.used_at.is_some() || t.expires_at < now() {
        return Err(AppError::TokenInvalid);
    }
    // Single use even under concurrency: only one update wins.
    let res = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Some(now()).into())
        .filter(email_token::Column::Id.eq(t.id))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::TokenInvalid);
    }
    Ok(t.user_id)
}

/// Confirms an email address from the link in the verification mail.
pub async fn verify_email(app: &App, token: &str) -> Result<user::Model, AppError> {
    let tx = app.db.begin().await?;
    let user_id = consume_token(&tx, token, PURPOSE_VERIFY).await?;
    let u = user::Entity::find_by_id(user_id).one(&tx).await?.ok_or(AppError::TokenInvalid)?;
    let mut am = u.into_active_model();
    am.email_verified_at = Set(Some(now()));
    let u = am.update(&tx).await?;
    tx.commit().await?;
    Ok(u)
}

/// Result of the password step of logging in.
#[derive(Debug)]
pub enum LoginStep {
    /// Logged in.
    Done(user::Model),
    /// Password was right; a TOTP code is needed next.
    NeedsTotp(user::Model),
}

/// Checks email and password, with throttling per account and per client
/// address. Unknown accounts and wrong passwords get the same answer.
pub async fn login(app: &App, email_input: &str, password: &str, client: &str) -> Result<LoginStep, AppError> {
    let email =
        Email::parse(email_input).map(|e| e.as_str().to_string()).unwrap_or_else(|_| email_input.trim().to_lowercase());
    let account_key = format!("acct:{email}");
    let client_key = format!("addr:{client}");
    if throttle::is_limited(&app.db, &account_key, throttle::ACCOUNT_LIMIT).await?
        || throttle::is_limited(&app.db, &client_key, throttle::CLIENT_LIMIT).await?
    {
        return Err(AppError::RateLimited);
    }
    let found = user::Entity::find().filter(user::Column::Email.eq(&email)).one(&app.db).await?;
    let ok = match &found {
        Some(u) => verify_password(password, &u.password_hash).await,
        None => {
            // Spend the same time as a real check so timing reveals nothing.
            let _ = hash_password(password).await;
            false
        }
    };
    let Some(u) = found.filter(|_| ok) else {
        throttle::record_failure(&app.db, &[&account_key, &client_key]).await?;
        return Err(AppError::BadCredentials);
    };
    throttle::clear(&app.db, &account_key).await?;
    if u.email_verified_at.is_none() {
        return Err(AppError::EmailNotVerified);
    }
    if u.totp_enabled_at.is_some() { Ok(LoginStep::NeedsTotp(u)) } else { Ok(LoginStep::Done(u)) }
}

/// Checks the TOTP code of the second login step (throttled like passwords).
pub async fn login_totp(app: &App, user_id: i32, code: &str) -> Result<user::Model, AppError> {
    let key = format!("totp:{user_id}");
    if throttle::is_limited(&app.db, &key, throttle::ACCOUNT_LIMIT).await? {
        return Err(AppError::RateLimited);
    }
    let u = user::Entity::find_by_id(user_id).one(&app.db).await?.ok_or(AppError::LoginRequired)?;
    let secret = u.totp_secret.as_deref().ok_or(AppError::LoginRequired)?;
    if totp::check(secret, &u.email, code)? {
        throttle::clear(&app.db, &key).await?;
        Ok(u)
    } else {
        throttle::record_failure(&app.db, &[&key]).await?;
        Err(AppError::field("code", "err-totp-code"))
    }
}

/// Queues a password-reset link if the account exists; answers the same
/// either way.
pub async fn request_password_reset(app: &App, email_input: &str, lang: &str, client: &str) -> Result<(), AppError> {
    let email = Email::parse(email_input).map_err(|e| AppError::field("email", e.code()))?;
    let key = format!("reset:{client}");
    if throttle::is_limited(&app.db, &key, throttle::CLIENT_LIMIT).await? {
        return Err(AppError::RateLimited);
    }
    throttle::record_failure(&app.db, &[&key]).await?;
    let tx = app.db.begin().await?;
    if let Some(u) = user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(&tx).await? {
        let token = new_email_token(&tx, u.id, PURPOSE_RESET, Duration::minutes(RESET_MINUTES)).await?;
        let (subject, body) = email::texts::reset(lang, &app.url(&format!("/{lang}/password/reset?token={token}")));
        email::queue(&tx, &u.email, &subject, &body).await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Sets a new password from a reset link. The link works once. A reset
/// also proves the email address.
pub async fn reset_password(app: &App, token: &str, password: &str) -> Result<(), AppError> {
    let mut c = Checker::default();
    check_password(&mut c, "password", password);
    c.finish()?;
    let hash = hash_password(password).await?;
    let tx = app.db.begin().await?;
    let user_id = consume_token(&tx, token, PURPOSE_RESET).await?;
    let u = user::Entity::find_by_id(user_id).one(&tx).await?.ok_or(AppError::TokenInvalid)?;
    let verified = u.email_verified_at.unwrap_or_else(now);
    let mut am = u.into_active_model();
    am.password_hash = Set(hash);
    am.email_verified_at = Set(Some(verified));
    am.update(&tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the password of a logged-in user who knows the current one.
pub async fn change_password(app: &App, user_id: i32, current: &str, new: &str) -> Result<(), AppError> {
    let u = user::Entity::find_by_id(user_id).one(&app.db).await?.ok_or(AppError::LoginRequired)?;
    let mut c = Checker::default();
    if !verify_password(current, &u.password_hash).await {
        c.push("current_password", "err-password-wrong");
    }
    check_password(&mut c, "new_password", new);
    c.finish()?;
    let mut am = u.into_active_model();
    am.password_hash = Set(hash_password(new).await?);
    am.update(&app.db).await?;
    Ok(())
}

pub async fn find_user(app: &App, id: i32) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find_by_id(id).one(&app.db).await?)
}

/// The signed-in person's own account.
pub async fn own_account(app: &App, actor: &crate::policy::Principal) -> Result<user::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    find_user(app, uid.0).await?.ok_or(AppError::LoginRequired)
}

/// Creates an account directly (CLI `create-admin`, demo data); the email
/// counts as verified.
pub async fn create_verified_user<C: sea_orm::ConnectionTrait>(
    conn: &C,
    email: &Email,
    name: &str,
    password_hash: &str,
    role: PlatformRole,
    totp_secret: Option<&str>,
) -> Result<user::Model, AppError> {
    if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(conn).await?.is_some() {
        return Err(AppError::Conflict("email-taken"));
    }
    Ok(user::ActiveModel {
        email: Set(email.as_str().into()),
        name: Set(name.into()),
        title: Set(None),
        password_hash: Set(password_hash.into()),
        email_verified_at: Set(Some(now())),
        platform_role: Set(role),
        totp_secret: Set(totp_secret.map(str::to_string)),
        totp_enabled_at: Set(totp_secret.map(|_| now())),
        locale: Set("fi".into()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Creates a staff account from the command line.
pub async fn create_admin(
    app: &App,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Result<user::Model, AppError> {
    let mut c = Checker::default();
    let email = c.check("email", Email::parse(email));
    let name = c.check("name", required_text(name, 120));
    let role = c.check("role", PlatformRole::parse(role));
    check_password(&mut c, "password", password);
    if role == Some(PlatformRole::Person) {
        c.push("role", "err-unknown-value");
    }
    c.finish()?;
    let hash = hash_password(password).await?;
    create_verified_user(
        &app.db,
        &email.ok_or_else(crate::error::checked)?,
        &name.unwrap_or_default(),
        &hash,
        role.ok_or_else(crate::error::checked)?,
        None,
    )
    .await
}

/// What the profile form sends.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub struct ProfileForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub title: String,
}

/// Updates the user's own name and job title.
pub async fn update_profile(app: &App, user_id: i32, f: &ProfileForm) -> Result<user::Model, AppError> {
    let mut c = Checker::default();
    let name = c.check("name", required_text(&f.name, 120));
    let title = c.check("title", kimppa_domain::optional_text(&f.title, 120));
    c.finish()?;
    let u = user::Entity::find_by_id(user_id).one(&app.db).await?.ok_or(AppError::LoginRequired)?;
    let mut am = u.into_active_model();
    am.name = Set(name.unwrap_or_default());
    am.title = Set(title.flatten());
    let u = am.update(&app.db).await?;
    crate::changelog::personal(&app.db, &[u.id]).await?;
    crate::directory::experts::refresh_search_text(app, u.id).await?;
    Ok(u)
}

/// Counts one attempt under `key`; true when the per-client limit is
/// already reached (for public forms such as questions).
pub async fn throttle_hit(app: &App, key: &str) -> Result<bool, AppError> {
    if throttle::is_limited(&app.db, key, throttle::CLIENT_LIMIT).await? {
        return Ok(true);
    }
    throttle::record_failure(&app.db, &[key]).await?;
    Ok(false)
}
