//! Templates: one Tera instance filled from the embedded `templates/` at start-up, and the
//! [`Page`] responder that renders a template with the shared base context.
//!
//! Templates are named `*.html` so that Tera 2 autoescapes them (it escapes only `.html`, `.htm`
//! and `.xml`); a test renders user input containing `<script>` and expects it escaped.
//! Text comes from `t(key="…")`, which takes the request's language from the base context, never
//! from a process-global locale.

use std::sync::Arc;

use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rust_embed::RustEmbed;
use serde::Serialize;
use tera::{Context, Kwargs, State as TeraState, Tera};

use super::assets::AssetStore;
use super::guards::CsrfToken;
use crate::i18n::{self, Locale};

#[derive(RustEmbed)]
#[folder = "templates/"]
#[include = "*.html"]
struct TemplateFiles;

/// The compiled templates.
pub struct Templates {
    tera: Tera,
}

/// Error while loading templates at start-up.
#[derive(Debug, thiserror::Error)]
#[error("template error: {0}")]
pub struct TemplateError(String);

impl Templates {
    pub fn load(assets: Arc<AssetStore>) -> Result<Templates, TemplateError> {
        let mut tera = Tera::new();
        let mut sources = Vec::new();
        for name in TemplateFiles::iter() {
            let file = TemplateFiles::get(&name)
                .ok_or_else(|| TemplateError(format!("{name} vanished")))?;
            let text = String::from_utf8(file.data.into_owned())
                .map_err(|_| TemplateError(format!("{name} is not UTF-8")))?;
            sources.push((name.to_string(), text));
        }
        tera.register_function("t", translate_fn);
        tera.register_function(
            "asset",
            move |kwargs: Kwargs, _: &TeraState| -> tera::TeraResult<String> {
                let path: &str = kwargs.must_get("path")?;
                assets
                    .url(path)
                    .map(str::to_string)
                    .ok_or_else(|| tera::Error::message(format!("unknown asset {path}")))
            },
        );
        tera.register_function("when", crate::web::when::when_fn);
        tera.register_function("num", num_fn);
        // Functions must be registered before templates: Tera 2 checks calls when it parses.
        tera.add_raw_templates(sources)
            .map_err(|e| TemplateError(format!("{e:#}")))?;
        Ok(Templates { tera })
    }

    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, TemplateError> {
        self.tera
            .render(name, ctx)
            .map_err(|e| TemplateError(format!("{name}: {e:#}")))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tera.get_template_names()
    }
}

/// `t(key="home.title", n=3)`: the translation in the page's language (`lang` in the context,
/// or a `lang=` argument).
fn translate_fn(kwargs: Kwargs, state: &TeraState) -> tera::TeraResult<String> {
    let key: &str = kwargs.must_get("key")?;
    let lang: String = match kwargs.get::<&str>("lang")? {
        Some(l) => l.to_string(),
        None => state
            .get::<String>("lang")?
            .unwrap_or_else(|| i18n::DEFAULT.to_string()),
    };
    let text = i18n::lookup(&lang, key)
        .ok_or_else(|| tera::Error::message(format!("missing translation `{key}` for `{lang}`")))?;
    let args: Vec<(String, String)> = kwargs
        .iter()
        .filter_map(|(k, v)| {
            let name = k.as_str()?;
            (name != "key" && name != "lang").then(|| (name.to_string(), v.to_string()))
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Ok(i18n::interpolate(&text, &borrowed))
}

/// What every page's layout needs.
#[derive(Debug, Clone, Serialize)]
pub struct BaseCtx {
    pub locale: &'static str,
    /// The language the switch offers, and the current path with `?lang=` for it.
    pub other_locale: &'static str,
    pub switch_url: String,
    pub path: String,
    pub csrf_token: String,
    pub version: &'static str,
    pub request_id: String,
    /// A one-shot message from the previous request (translated), if any.
    pub flash: Option<String>,
    /// Whether the browser carries a session (shows "My account" instead of "Sign in").
    pub signed_in: bool,
    /// Whether a flight-status provider is configured (the flights form then looks times up).
    pub flight_lookup: bool,
    /// A staff page: the passenger navigation is left out of the header.
    pub staff_page: bool,
    /// The operator's legal name and contact email for the footer (empty when not configured).
    pub operator_name: String,
    pub operator_email: String,
}

impl BaseCtx {
    pub fn from_request(req: &Request<'_>) -> BaseCtx {
        let locale = i18n::negotiate(req);
        let locale = *req.local_cache(|| locale);
        let other_locale = i18n::SUPPORTED
            .iter()
            .copied()
            .find(|l| *l != locale.as_str())
            .unwrap_or(i18n::DEFAULT);
        let path = req.uri().path().to_string();
        let query: Vec<String> = req
            .uri()
            .query()
            .map(|q| {
                q.segments()
                    .filter(|(k, _)| *k != "lang")
                    .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
                    .collect()
            })
            .unwrap_or_default();
        let mut switch_url = format!("{}?", local_path(&path));
        for q in &query {
            switch_url.push_str(q);
            switch_url.push('&');
        }
        switch_url.push_str("lang=");
        switch_url.push_str(other_locale);
        let staff_page = path == "/admin" || path.starts_with("/admin/");
        let cfg = req.rocket().state::<crate::config::AppConfig>();
        let operator = |f: fn(&crate::config::AppConfig) -> &String| {
            cfg.map(|c| f(c).trim().to_string()).unwrap_or_default()
        };
        BaseCtx {
            operator_name: operator(|c| &c.operator_legal_name),
            operator_email: operator(|c| &c.operator_email),
            staff_page,
            locale: Locale::as_str(locale),
            other_locale,
            switch_url,
            path,
            csrf_token: CsrfToken::for_request(req).0,
            version: env!("CARGO_PKG_VERSION"),
            request_id: super::security::RequestId::of(req).0.clone(),
            flash: super::flash::take(req).map(|key| i18n::translate(locale.as_str(), &key, &[])),
            signed_in: super::session::has_session_cookie(req),
            flight_lookup: req
                .rocket()
                .state::<crate::flights::FlightStatusService>()
                .is_some_and(crate::flights::FlightStatusService::is_enabled),
        }
    }
}

/// `path` as a link that can only lead to this site: empty segments collapsed (`//evil.example/x`
/// would be a protocol-relative link to another host) and backslashes encoded (browsers read
/// `/\evil.example` as `//evil.example`).
pub fn local_path(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace('\\', "%5C"))
        .collect();
    format!("/{}", segments.join("/"))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A rendered HTML page: template name, page context and status. The base context is added
/// from the request when it responds, so handlers only build what is specific to their page.
pub struct Page {
    template: &'static str,
    context: Context,
    status: Status,
}

impl Page {
    pub fn new(template: &'static str) -> Page {
        Page {
            template,
            context: Context::new(),
            status: Status::Ok,
        }
    }

    /// Adds a page value (anything `Serialize`).
    #[must_use]
    pub fn with<T: Serialize + ?Sized>(mut self, key: &'static str, value: &T) -> Page {
        self.context.insert(key, value);
        self
    }

    /// The same page drawn with another template (the claim wizard reuses /check's steps).
    #[must_use]
    pub fn into_template(mut self, template: &'static str) -> Page {
        self.template = template;
        self
    }

    #[must_use]
    pub fn status(mut self, status: Status) -> Page {
        self.status = status;
        self
    }

    /// Renders to a string (also used by the error catchers).
    pub fn render(mut self, req: &Request<'_>) -> Result<(Status, String), TemplateError> {
        let templates = req
            .rocket()
            .state::<Templates>()
            .ok_or_else(|| TemplateError("templates not managed".into()))?;
        let base = BaseCtx::from_request(req);
        self.context.insert("lang", base.locale);
        self.context.insert("tz", &reader_zone(req, base.locale));
        self.context.insert("base", &base);
        let html = templates.render(self.template, &self.context)?;
        Ok((self.status, html))
    }
}

impl<'r> Responder<'r, 'static> for Page {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self.render(req) {
            Ok((status, html)) => Response::build()
                .status(status)
                .header(ContentType::HTML)
                .raw_header("Cache-Control", "no-store")
                .sized_body(html.len(), std::io::Cursor::new(html))
                .ok(),
            Err(e) => {
                tracing::error!(error = %e, "page rendering failed");
                Err(Status::InternalServerError)
            }
        }
    }
}

/// The reader's time zone: the `tz` cookie `assets/js/tz.js` sets from the browser when it
/// names a real zone, else the usual zone of the page's language.
fn reader_zone(req: &Request<'_>, locale: &str) -> String {
    req.cookies()
        .get("tz")
        .and_then(|c| crate::web::when::parse_zone(c.value()))
        .unwrap_or_else(|| crate::web::when::default_zone(locale))
        .name()
        .to_string()
}

/// The `num(n=…)` template function: a whole number grouped by thousands in the template's
/// `lang` ("12 345" in French with a no-break space, "12,345" in English).
fn num_fn(kwargs: Kwargs, state: &TeraState) -> tera::TeraResult<String> {
    let n: i64 = kwargs.get::<i64>("n")?.unwrap_or_default();
    let lang = state
        .get::<String>("lang")?
        .unwrap_or_else(|| crate::i18n::DEFAULT.to_string());
    #[allow(clippy::cast_precision_loss)]
    Ok(crate::domain::eligibility::humanize::number(
        n as f64, 0, &lang,
    ))
}
