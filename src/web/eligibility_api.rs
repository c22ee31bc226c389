//! `POST /api/v1/eligibility` (`docs/eligibility-api.md`): the engine behind JSON, public,
//! rate-limited (`api` class) and CORS-enabled.
//!
//! The body is read here, not by Rocket's `Json` guard, so that every failure is a JSON 4xx
//! with `{"error", "field", "message"}`: wrong content type → 415, body over
//! [`MAX_BODY_BYTES`] → 413, anything the engine refuses → 400. The language is `?lang=`, else
//! the [`Locale`] guard (cookie, `Accept-Language`, French).

use rocket::data::{Data, ToByteUnit};
use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::{Responder, options, post};

use super::api_error::ApiError;
use super::guards::BodyTimeout;
use crate::domain::eligibility::{self, EligibilityResponse, RequestError};
use crate::i18n::{self, Locale};
use crate::ratelimit::{Api, RateLimit};
use crate::refdata::RefData;

/// Largest request body accepted: a request holds at most 16 legs, far below this.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;

/// How long browsers may cache the preflight answer.
pub const PREFLIGHT_MAX_AGE_SECS: u32 = 86_400;

/// The request's `Content-Type`, if any (Rocket's `&ContentType` guard forwards when absent).
pub struct BodyType(Option<ContentType>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for BodyType {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(BodyType(req.content_type().cloned()))
    }
}

/// Today's date for the default `claim_date`, in UTC so that every server agrees.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The contract's 400 for a request the engine refused.
pub fn request_error(e: &RequestError, lang: &str) -> ApiError {
    ApiError {
        status: Status::BadRequest,
        code: e.code,
        field: Some(e.field.clone()),
        message: e.message(lang),
    }
}

fn transport_error(status: Status, code: &'static str, key: &str, lang: &str) -> ApiError {
    let max = MAX_BODY_BYTES.to_string();
    ApiError {
        status,
        code,
        field: None,
        message: i18n::translate(lang, key, &[("max", &max)]),
    }
}

#[post("/api/v1/eligibility?<lang>", data = "<body>")]
pub async fn post_eligibility_json(
    lang: Option<&str>,
    locale: Locale,
    _quota: RateLimit<Api>,
    body_type: BodyType,
    timeout: BodyTimeout,
    body: Data<'_>,
) -> Result<Json<EligibilityResponse>, ApiError> {
    let timeout = timeout.0;
    let lang = lang.and_then(Locale::from_tag).unwrap_or(locale).as_str();
    // `application/json` with any parameters, or `application/*+json`; nothing else.
    let is_json = body_type.0.as_ref().is_some_and(|ct| {
        ct.is_json() || (ct.top() == "application" && ct.sub().as_str().ends_with("+json"))
    });
    if !is_json {
        return Err(transport_error(
            Status::UnsupportedMediaType,
            "unsupported_media_type",
            "check.api.error.content_type",
            lang,
        ));
    }
    let read = tokio::time::timeout(timeout, body.open(MAX_BODY_BYTES.bytes()).into_bytes())
        .await
        .map_err(|_| {
            transport_error(
                Status::RequestTimeout,
                "request_timeout",
                "check.api.error.unreadable",
                lang,
            )
        })?;
    let bytes = match read {
        Ok(capped) if capped.is_complete() => capped.into_inner(),
        Ok(_) => {
            return Err(transport_error(
                Status::PayloadTooLarge,
                "payload_too_large",
                "check.api.error.too_large",
                lang,
            ));
        }
        Err(_) => {
            return Err(transport_error(
                Status::BadRequest,
                "unreadable_body",
                "check.api.error.unreadable",
                lang,
            ));
        }
    };
    let req = eligibility::parse_request(&bytes).map_err(|e| request_error(&e, lang))?;
    let resp = eligibility::evaluate(&req, RefData::embedded(), lang, today())
        .map_err(|e| request_error(&e, lang))?;
    Ok(Json(resp))
}

/// The CORS preflight answer (the security fairing adds `Access-Control-Allow-Origin: *`).
#[derive(Responder)]
#[response(status = 204)]
pub struct Preflight {
    body: (),
    methods: Header<'static>,
    headers: Header<'static>,
    max_age: Header<'static>,
    origin: Header<'static>,
}

#[options("/api/v1/eligibility")]
pub fn options_eligibility() -> Preflight {
    Preflight {
        body: (),
        methods: Header::new("Access-Control-Allow-Methods", "POST, OPTIONS"),
        headers: Header::new("Access-Control-Allow-Headers", "Content-Type"),
        max_age: Header::new("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECS.to_string()),
        origin: Header::new("Access-Control-Allow-Origin", "*"),
    }
}
