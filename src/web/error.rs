//! `AppError`: what a handler returns when it cannot answer normally. One `match` decides the
//! status; the catcher renders the translated page. Internal causes are logged, never shown.

use rocket::Request;
use rocket::http::Status;
use rocket::response::{self, Responder};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The page needs a signed-in account: a `GET` is sent to the sign-in page and back.
    #[error("unauthorized")]
    Unauthorized,
    #[error("bad request")]
    BadRequest,
    /// The server cannot take the request now (the disk is full): 503 with a translated
    /// "temporarily unavailable" page; the cause is logged.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> Status {
        match self {
            AppError::NotFound => Status::NotFound,
            AppError::Forbidden => Status::Forbidden,
            AppError::Unauthorized => Status::Unauthorized,
            AppError::BadRequest => Status::BadRequest,
            AppError::Unavailable(_) => Status::ServiceUnavailable,
            AppError::Internal(_) => Status::InternalServerError,
        }
    }
}

impl From<DbError> for AppError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound => AppError::NotFound,
            other if other.is_disk_full() => AppError::Unavailable(other.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match &self {
            AppError::Internal(cause) => {
                tracing::error!(request_id = %super::security::RequestId::of(req).0, %cause, "internal error");
            }
            AppError::Unavailable(cause) => {
                tracing::error!(
                    request_id = %super::security::RequestId::of(req).0,
                    %cause,
                    "write refused: the disk is full (free space on the data directory's file system)"
                );
            }
            _ => {}
        }
        Err(self.status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: i32) -> DbError {
        DbError::from(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            Some("database or disk is full".into()),
        ))
    }

    #[test]
    fn a_full_disk_is_temporarily_unavailable_not_a_server_error() {
        let err = AppError::from(sqlite(rusqlite::ffi::SQLITE_FULL));
        assert!(matches!(err, AppError::Unavailable(_)), "{err:?}");
        assert_eq!(err.status(), Status::ServiceUnavailable);
        // Other failures stay internal errors.
        let err = AppError::from(sqlite(rusqlite::ffi::SQLITE_CORRUPT));
        assert_eq!(err.status(), Status::InternalServerError);
        assert_eq!(AppError::from(DbError::NotFound).status(), Status::NotFound);
    }

    #[test]
    fn no_space_left_on_device_is_a_full_disk() {
        let enospc = std::io::Error::from_raw_os_error(28);
        assert!(crate::db::is_disk_full_io(&enospc));
        assert!(!crate::db::is_disk_full_io(&std::io::Error::other("x")));
    }
}
