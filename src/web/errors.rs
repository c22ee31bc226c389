//! Error pages: translated HTML for pages, JSON under `/api/`, always with the request id.

use rocket::http::{ContentType, Status};
use rocket::response::{self, Responder, Response};
use rocket::serde::json::serde_json::json;
use rocket::{Catcher, Request, catch, catchers};

use super::render::Page;
use super::security::RequestId;
use crate::i18n::{self, Locale};
use crate::ratelimit::RetryAfter;

/// Statuses with their own translated title and message; others use the generic text.
const KNOWN: [u16; 10] = [400, 401, 403, 404, 405, 413, 422, 429, 500, 503];

fn key_for(status: Status) -> &'static str {
    match status.code {
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        413 => "413",
        422 => "422",
        429 => "429",
        500 => "500",
        503 => "503",
        _ => "other",
    }
}

/// The error response for `status`, rendered for `req`.
pub struct ErrorResponse {
    pub status: Status,
}

impl<'r> Responder<'r, 'static> for ErrorResponse {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = if self.status.code < 400 {
            Status::InternalServerError
        } else {
            self.status
        };
        let is_api = req.uri().path().starts_with("/api/");
        if status == Status::PreconditionRequired && req.uri().path().starts_with("/admin") {
            // Staff must enrol a second factor first (`staff_totp_required`).
            return Response::build()
                .status(Status::SeeOther)
                .raw_header("Location", "/admin/profile")
                .ok();
        }
        if status == Status::Unauthorized && !is_api && req.method() == rocket::http::Method::Get {
            // A page that needs an account: sign in, then come back.
            let next = req.uri().to_string();
            let login = if req.uri().path().starts_with("/admin") {
                "/admin/login"
            } else {
                "/login"
            };
            let target = format!(
                "{login}?next={}",
                rocket::http::RawStr::new(&next).percent_encode()
            );
            return Response::build()
                .status(Status::SeeOther)
                .raw_header("Location", target)
                .ok();
        }
        let locale: Locale = *req.local_cache(|| i18n::negotiate(req));
        let key = key_for(status);
        let title = i18n::translate(locale.as_str(), &format!("error.{key}.title"), &[]);
        let message = i18n::translate(locale.as_str(), &format!("error.{key}.message"), &[]);
        let request_id = RequestId::of(req).0.clone();
        let retry_after = req.local_cache(RetryAfter::default).0;
        let mut builder = Response::build();
        builder
            .status(status)
            .raw_header("Cache-Control", "no-store");
        if let Some(secs) = retry_after.filter(|_| status == Status::TooManyRequests) {
            builder.raw_header("Retry-After", secs.to_string());
        }
        let wants_json = is_api || req.format().is_some_and(|f| f.is_json() && !f.is_html());
        let body = if wants_json {
            builder.header(ContentType::JSON);
            json!({ "error": error_code(status), "message": message, "request_id": request_id })
                .to_string()
        } else {
            let page = Page::new("pages/error.html")
                .status(status)
                .with("code", &status.code)
                .with("title", &title)
                .with("message", &message);
            if let Ok((_, html)) = page.render(req) {
                builder.header(ContentType::HTML);
                html
            } else {
                builder.header(ContentType::Plain);
                format!(
                    "{} {title}\n{message}\nRequest id: {request_id}\n",
                    status.code
                )
            }
        };
        builder
            .sized_body(body.len(), std::io::Cursor::new(body))
            .ok()
    }
}

/// Machine-readable error codes for the JSON API.
pub fn error_code(status: Status) -> &'static str {
    match status.code {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        422 => "unprocessable_entity",
        429 => "rate_limited",
        503 => "unavailable",
        _ => "internal_error",
    }
}

#[catch(default)]
fn default_catcher(status: Status, _req: &Request<'_>) -> ErrorResponse {
    ErrorResponse { status }
}

pub fn catchers() -> Vec<Catcher> {
    catchers![default_catcher]
}

/// Every status with its own translations (for the locale completeness test).
pub fn translated_statuses() -> &'static [u16] {
    &KNOWN
}
