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
    #[error("bad request")]
    BadRequest,
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> Status {
        match self {
            AppError::NotFound => Status::NotFound,
            AppError::Forbidden => Status::Forbidden,
            AppError::BadRequest => Status::BadRequest,
            AppError::Internal(_) => Status::InternalServerError,
        }
    }
}

impl From<DbError> for AppError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound => AppError::NotFound,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        if let AppError::Internal(cause) = &self {
            tracing::error!(request_id = %super::security::RequestId::of(req).0, %cause, "internal error");
        }
        Err(self.status())
    }
}
