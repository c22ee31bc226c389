//! Request guards shared by every area: the client's IP and CSRF protection.

use std::net::IpAddr;

use base64::Engine as _;
use rocket::data::{Data, FromData, ToByteUnit};
use rocket::form::name::NameView;
use rocket::form::{Form, FromForm, ValueField};
use rocket::http::{Cookie, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};

/// Networks whose forwarding headers are believed (`FLIGHTCLAIM_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The client's IP: the socket peer, or — only when the peer is a trusted proxy — the rightmost
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    pub fn resolve(req: &Request<'_>) -> ClientIp {
        let peer = req.remote().map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
        let Some(trusted) = req.rocket().state::<TrustedProxies>() else {
            return ClientIp(peer);
        };
        if !trusted.trusts(peer) {
            return ClientIp(peer);
        }
        let forwarded = req
            .headers()
            .get("X-Forwarded-For")
            .flat_map(|v| v.split(','));
        let chain: Vec<IpAddr> = forwarded.filter_map(|s| s.trim().parse().ok()).collect();
        let client = chain
            .into_iter()
            .rev()
            .find(|ip| !trusted.trusts(*ip))
            .unwrap_or(peer);
        ClientIp(client)
    }

    /// Whether the request comes straight from this machine (no proxy in between): a
    /// loopback peer and no forwarding header of any kind — a reverse proxy on the same host
    /// is a loopback peer too, and which header it adds (`X-Real-IP`, `Forwarded`, …) depends
    /// on its configuration.
    pub fn is_direct_loopback(req: &Request<'_>) -> bool {
        let peer_loopback = req.remote().is_some_and(|a| a.ip().is_loopback());
        peer_loopback
            && !req
                .headers()
                .iter()
                .any(|h| is_forwarding_header(h.name().as_str()))
    }
}

/// Headers a proxy adds about the original client (`Forwarded`, `X-Forwarded-*`, `X-Real-IP`,
/// CDN variants, `Via`).
fn is_forwarding_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("x-forwarded")
        || name.starts_with("x-original-")
        || matches!(
            name.as_str(),
            "forwarded"
                | "via"
                | "x-real-ip"
                | "x-client-ip"
                | "x-cluster-client-ip"
                | "true-client-ip"
                | "cf-connecting-ip"
                | "fastly-client-ip"
                | "x-proxyuser-ip"
        )
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientIp {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(*req.local_cache(|| ClientIp::resolve(req)))
    }
}

/// Name of the cookie holding the CSRF secret (encrypted by Rocket's private cookies).
pub const CSRF_COOKIE: &str = "fc_csrf";
/// Name of the hidden form field every POST form carries.
pub const CSRF_FIELD: &str = "csrf_token";

/// The visitor's CSRF token, created on first use; templates put it in a hidden field.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl CsrfToken {
    pub fn for_request(req: &Request<'_>) -> CsrfToken {
        req.local_cache(|| {
            if let Some(c) = req.cookies().get_private(CSRF_COOKIE) {
                return CsrfToken(c.value().to_string());
            }
            let token = new_token();
            let secure = req
                .rocket()
                .state::<crate::config::AppConfig>()
                .is_some_and(crate::config::AppConfig::is_https);
            let cookie = Cookie::build((CSRF_COOKIE, token.clone()))
                .path("/")
                .http_only(true)
                .secure(secure)
                .same_site(SameSite::Lax);
            req.cookies().add_private(cookie);
            CsrfToken(token)
        })
        .clone()
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(CsrfToken::for_request(req))
    }
}

/// Largest url-encoded form body accepted by [`CsrfForm`].
pub const MAX_FORM_BYTES: u64 = 64 * 1024;

/// A url-encoded form whose `csrf_token` field matched the visitor's cookie; 403 otherwise.
///
/// Use it in place of `Form<T>` on every state-changing POST. `T` may be
/// `rocket::form::Contextual<'r, X>` so that invalid input is re-rendered with messages.
pub struct CsrfForm<T>(pub T);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + 'r> FromData<'r> for CsrfForm<T> {
    type Error = String;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> rocket::data::Outcome<'r, Self> {
        let read = data.open(MAX_FORM_BYTES.bytes()).into_string();
        let Ok(read) = tokio::time::timeout(body_timeout(req), read).await else {
            tracing::warn!("request body not received in time");
            return rocket::data::Outcome::Error((Status::RequestTimeout, "body timeout".into()));
        };
        let body = match read {
            Ok(s) if s.is_complete() => s.into_inner(),
            Ok(_) => {
                return rocket::data::Outcome::Error((
                    Status::PayloadTooLarge,
                    "form too large".into(),
                ));
            }
            Err(e) => return rocket::data::Outcome::Error((Status::BadRequest, e.to_string())),
        };
        let fields: &'r DecodedForm = req.local_cache(|| DecodedForm::decode(&body));
        let expected = req
            .cookies()
            .get_private(CSRF_COOKIE)
            .map(|c| c.value().to_string());
        let submitted = fields
            .0
            .iter()
            .find(|(n, _)| n == CSRF_FIELD)
            .map(|(_, v)| v.as_str());
        let valid = matches!((expected.as_deref(), submitted), (Some(e), Some(s)) if constant_time_eq(e, s));
        if !valid {
            tracing::warn!("CSRF token missing or wrong");
            return rocket::data::Outcome::Error((Status::Forbidden, "csrf".into()));
        }
        let values = fields.0.iter().map(|(n, v)| ValueField {
            name: NameView::new(n.as_str()),
            value: v.as_str(),
        });
        match Form::<T>::parse_iter(values) {
            Ok(value) => rocket::data::Outcome::Success(CsrfForm(value)),
            Err(errors) => {
                rocket::data::Outcome::Error((Status::UnprocessableEntity, errors.to_string()))
            }
        }
    }
}

/// Whether `submitted` is the visitor's CSRF token: for the multipart forms (uploads) that
/// [`CsrfForm`] does not parse.
pub fn csrf_matches(cookies: &rocket::http::CookieJar<'_>, submitted: &str) -> bool {
    cookies
        .get_private(CSRF_COOKIE)
        .is_some_and(|c| constant_time_eq(c.value(), submitted))
}

/// How long a client has to send a request body (`request_body_timeout_secs`).
pub fn body_timeout(req: &Request<'_>) -> std::time::Duration {
    let secs = req
        .rocket()
        .state::<crate::config::AppConfig>()
        .map_or(120, |c| c.request_body_timeout_secs);
    std::time::Duration::from_secs(secs)
}

/// [`body_timeout`] as a request guard, for handlers that read `Data` themselves.
pub struct BodyTimeout(pub std::time::Duration);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for BodyTimeout {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(BodyTimeout(body_timeout(req)))
    }
}

/// The CSRF token of a multipart form, checked *before* its body is read: the form's action
/// carries it in the query string (`?csrf_token=…`, besides the hidden field), so a forged or
/// token-less upload is refused with 403 without spooling a byte of the file.
pub struct QueryCsrf;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for QueryCsrf {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let submitted = req.query_value::<&str>(CSRF_FIELD).and_then(Result::ok);
        if submitted.is_some_and(|s| csrf_matches(req.cookies(), s)) {
            Outcome::Success(QueryCsrf)
        } else {
            tracing::warn!("CSRF token missing or wrong (upload)");
            Outcome::Error((Status::Forbidden, ()))
        }
    }
}

/// A data guard `T` that must be read within [`body_timeout`]; 408 otherwise (a client
/// trickling its body does not hold the request forever).
pub struct TimedData<T>(pub T);

impl<T> std::ops::Deref for TimedData<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[rocket::async_trait]
impl<'r, T: FromData<'r>> FromData<'r> for TimedData<T> {
    type Error = Option<T::Error>;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> rocket::data::Outcome<'r, Self> {
        if let Ok(outcome) = tokio::time::timeout(body_timeout(req), T::from_data(req, data)).await
        {
            outcome.map(TimedData).map_error(|(s, e)| (s, Some(e)))
        } else {
            tracing::warn!("request body not received in time");
            rocket::data::Outcome::Error((Status::RequestTimeout, None))
        }
    }
}

/// The percent-decoded `(name, value)` pairs of a url-encoded body, cached for the request's
/// lifetime so that form values may borrow from it.
struct DecodedForm(Vec<(String, String)>);

impl DecodedForm {
    fn decode(body: &str) -> DecodedForm {
        let pairs = body
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (url_decode(name), url_decode(value))
            })
            .collect();
        DecodedForm(pairs)
    }
}

fn url_decode(value: &str) -> String {
    rocket::http::RawStr::new(value)
        .url_decode_lossy()
        .into_owned()
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The `User-Agent` header (empty when absent), recorded with sessions and signatures.
#[derive(Debug, Clone, Default)]
pub struct UserAgent(pub String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for UserAgent {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let agent = req.headers().get_one("User-Agent").unwrap_or("");
        Outcome::Success(UserAgent(agent.chars().take(300).collect()))
    }
}

/// The body of a form whose only field is the CSRF token (sign-out buttons and the like).
#[derive(Debug, FromForm)]
pub struct CsrfOnly {
    #[field(default = String::new())]
    pub csrf_token: String,
}
