//! Response fairings every request goes through: request ids, access log and metrics, and the
//! security headers (CSP, HSTS, …).

use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Data, Request, Response};

use crate::metrics::Metrics;

/// A short random id given to every request, sent back as `X-Request-Id`, printed on error
/// pages and in the log so that a passenger can quote it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    pub fn of<'a>(req: &'a Request<'_>) -> &'a RequestId {
        req.local_cache(|| RequestId(hex::encode(rand::random::<[u8; 8]>())))
    }
}

#[derive(Clone, Copy)]
struct StartedAt(Option<Instant>);

/// Assigns request ids, logs each request and feeds `/metrics`.
pub struct RequestTracker;

#[rocket::async_trait]
impl Fairing for RequestTracker {
    fn info(&self) -> Info {
        Info {
            name: "request id, access log and metrics",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        RequestId::of(req);
        req.local_cache(|| StartedAt(Some(Instant::now())));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let id = RequestId::of(req).0.clone();
        res.set_header(Header::new("X-Request-Id", id.clone()));
        let elapsed = req.local_cache(|| StartedAt(None)).0.map(|t| t.elapsed());
        let route = req
            .route()
            .map_or_else(|| "unmatched".to_string(), |r| r.uri.to_string());
        let status = res.status().code;
        if let (Some(metrics), Some(elapsed)) = (req.rocket().state::<Metrics>(), elapsed) {
            metrics.observe(req.method().as_str(), &route, status, elapsed);
        }
        let ms = elapsed.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        // The path only (query strings may carry personal data), with secret segments
        // (emailed links' tokens) replaced: a log reader must not be able to use them.
        let path = crate::logging::redact_path(req.uri().path().as_str());
        if status >= 500 {
            tracing::error!(request_id = %id, method = %req.method(), %path, status, ms, "request failed");
        } else {
            tracing::info!(request_id = %id, method = %req.method(), %path, status, ms, "request");
        }
    }
}

/// Under https, every cookie we set carries `Secure` (the flash and language cookies, and any
/// cookie a handler builds without it): a cookie sent over plain http could be read or planted
/// by anyone on the path.
fn secure_cookies(res: &mut Response<'_>) {
    let cookies: Vec<String> = res
        .headers()
        .get("Set-Cookie")
        .map(str::to_string)
        .collect();
    if cookies.is_empty() {
        return;
    }
    res.remove_header("Set-Cookie");
    for cookie in cookies {
        let has_secure = cookie
            .split(';')
            .any(|attr| attr.trim().eq_ignore_ascii_case("secure"));
        let value = if has_secure {
            cookie
        } else {
            format!("{cookie}; Secure")
        };
        res.adjoin_header(Header::new("Set-Cookie", value));
    }
}

/// The Content-Security-Policy of every response: nothing inline, nothing third-party.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; \
base-uri 'none'; upgrade-insecure-requests";

/// Adds the security headers to every response.
pub struct SecurityHeaders {
    pub hsts: bool,
}

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        // A handler may set a stricter policy of its own (the email preview frame does).
        if !res.headers().contains("Content-Security-Policy") {
            let csp = if self.hsts {
                CSP.to_string()
            } else {
                CSP.replace("; upgrade-insecure-requests", "")
            };
            res.set_header(Header::new("Content-Security-Policy", csp));
        }
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        // Always set, never kept: Rocket's default Shield fairing runs first and writes
        // `SAMEORIGIN`. Only a response whose own CSP lets our pages frame it (the staff email
        // preview, `frame-ancestors 'self'`) gets SAMEORIGIN; everything else DENY.
        let framed_by_us = res
            .headers()
            .get_one("Content-Security-Policy")
            .is_some_and(|c| c.contains("frame-ancestors 'self'"));
        res.set_header(Header::new(
            "X-Frame-Options",
            if framed_by_us { "SAMEORIGIN" } else { "DENY" },
        ));
        if self.hsts {
            secure_cookies(res);
        }
        res.set_header(Header::new(
            "Referrer-Policy",
            "strict-origin-when-cross-origin",
        ));
        res.set_header(Header::new(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ));
        res.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
        res.set_header(Header::new("Cross-Origin-Resource-Policy", "same-origin"));
        if self.hsts {
            res.set_header(Header::new(
                "Strict-Transport-Security",
                "max-age=63072000; includeSubDomains",
            ));
        }
        if req.uri().path().starts_with("/api/") {
            res.set_header(Header::new("Access-Control-Allow-Origin", "*"));
        }
        res.remove_header("Server");
    }
}
