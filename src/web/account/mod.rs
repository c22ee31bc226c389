//! Passenger accounts: registration, email verification, sign-in and out, forgotten password,
//! and the account page (profile, password, email, language, sessions, export, deletion).

pub mod delete;
pub mod link;
pub mod login;
pub mod notify;
pub mod password;
pub mod profile;
pub mod register;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        register::get_register,
        register::post_register,
        register::get_register_sent,
        register::get_verify_email,
        register::get_verify_invalid,
        login::get_login,
        login::post_login,
        login::post_logout,
        password::get_forgot,
        password::post_forgot,
        password::get_reset,
        password::post_reset,
        profile::get_account,
        profile::post_account_profile,
        profile::post_account_password,
        profile::post_account_email,
        profile::post_account_sessions,
        profile::get_account_export,
        delete::post_account_delete,
        delete::get_delete_link,
        delete::post_delete_link,
        link::post_link_request,
        link::get_link,
        link::post_link,
    ]
}

/// Hashes a password on the blocking pool (argon2 takes tens of milliseconds by design).
pub async fn hash_password(password: String) -> Result<String, crate::web::AppError> {
    tokio::task::spawn_blocking(move || crate::accounts::password::hash(&password))
        .await
        .map_err(|e| crate::web::AppError::Internal(e.to_string()))?
        .map_err(crate::web::AppError::Internal)
}

/// Verifies a password on the blocking pool. Without a stored hash, a dummy hash is checked
/// anyway so that unknown accounts answer as slowly as known ones.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Y7mmNzD4s5VdwD9v0vSUY5gUNf4WRXxJZnvSwWL4LAo";
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY.to_string());
    let ok =
        tokio::task::spawn_blocking(move || crate::accounts::password::verify(&password, &hash))
            .await
            .unwrap_or(false);
    ok && known
}
