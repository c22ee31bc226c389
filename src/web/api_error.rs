//! JSON errors of the public API: `{"error": code, "field": path, "message": translated}` with a
//! 4xx status. Internal causes never reach the client.

use rocket::Request;
use rocket::http::{ContentType, Status};
use rocket::response::{self, Responder, Response};
use rocket::serde::json::serde_json::json;

use super::security::RequestId;

/// A client error answered as JSON.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: Status,
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
}

impl ApiError {
    pub fn bad_request(code: &'static str, field: &str, message: String) -> ApiError {
        ApiError {
            status: Status::BadRequest,
            code,
            field: Some(field.to_string()),
            message,
        }
    }

    pub fn not_found(message: String) -> ApiError {
        ApiError {
            status: Status::NotFound,
            code: "not_found",
            field: None,
            message,
        }
    }
}

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let body = json!({
            "error": self.code,
            "field": self.field,
            "message": self.message,
            "request_id": RequestId::of(req).0,
        })
        .to_string();
        Response::build()
            .status(self.status)
            .header(ContentType::JSON)
            .raw_header("Cache-Control", "no-store")
            .sized_body(body.len(), std::io::Cursor::new(body))
            .ok()
    }
}
