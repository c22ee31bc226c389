//! Email templates: `templates/email/<kind>.subject.txt`, `<kind>.txt` and `<kind>.html`
//! (extending `email/layout.txt` / `email/layout.html`), rendered in the recipient's language.
//!
//! Only `.html` templates are autoescaped by Tera 2, so user data is escaped in the HTML part and
//! left as typed in the text part (where markup is inert). The HTML then has its `<style>` rules
//! inlined into `style=""` attributes by `css-inline` (Gmail and Outlook drop or ignore `<style>`
//! blocks); `@media` rules stay in a `<style>` block for the clients that honour them. No remote
//! resources: remote stylesheet loading is off and the templates reference no image.

use std::borrow::Cow;

use rust_embed::RustEmbed;
use serde_json::Value;
use tera::{Context, Kwargs, State as TeraState, Tera};

use super::messages::{self, Email};
use super::{MailError, Recipient};
use crate::i18n;

#[derive(RustEmbed)]
#[folder = "templates/email/"]
#[prefix = "email/"]
#[include = "*.txt"]
#[include = "*.html"]
struct EmailTemplateFiles;

/// Subject, text and HTML of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The email templates, compiled once.
pub struct Renderer {
    tera: Tera,
    base_url: String,
}

impl Renderer {
    /// Loads and checks every template; fails when a kind lacks one of its three files.
    pub fn load(base_url: &str) -> Result<Renderer, MailError> {
        let mut tera = Tera::new();
        // Functions must be registered before templates: Tera 2 checks calls when it parses.
        tera.register_function("t", translate_fn);
        tera.register_function("when", crate::web::when::when_fn);
        let mut sources = Vec::new();
        for name in EmailTemplateFiles::iter() {
            let file = EmailTemplateFiles::get(&name)
                .ok_or_else(|| MailError::Template(format!("{name} vanished")))?;
            let text = String::from_utf8(file.data.into_owned())
                .map_err(|_| MailError::Template(format!("{name} is not UTF-8")))?;
            sources.push((name.to_string(), text));
        }
        tera.add_raw_templates(sources)
            .map_err(|e| MailError::Template(format!("{e:#}")))?;
        for kind in messages::KINDS {
            for suffix in ["subject.txt", "txt", "html"] {
                let name = format!("email/{kind}.{suffix}");
                if !tera.contains_template(&name) {
                    return Err(MailError::Template(format!("{name} is missing")));
                }
            }
        }
        Ok(Renderer {
            tera,
            base_url: base_url.trim_end_matches('/').to_string(),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Renders the three parts of `email` for `to`, in `to.locale`.
    pub fn render<E: Email>(&self, to: &Recipient, email: &E) -> Result<Rendered, MailError> {
        let lang = to.locale.as_str();
        let mut ctx = match messages::to_value(email) {
            Value::Object(map) => Context::from_serialize(&map)
                .map_err(|e| MailError::Template(format!("{}: {e:#}", E::KIND)))?,
            _ => Context::new(),
        };
        for (key, value) in email.localized(to.locale) {
            ctx.insert(key, &value);
        }
        ctx.insert("lang", lang);
        ctx.insert("name", to.name.trim());
        ctx.insert("base_url", &self.base_url);
        ctx.insert(
            "action_url",
            &format!("{}{}", self.base_url, email.action_path()),
        );
        ctx.insert("account_url", &format!("{}/account", self.base_url));
        ctx.insert("help_url", &format!("{}/faq", self.base_url));
        let kind = E::KIND;
        let subject = self.render_one(&format!("email/{kind}.subject.txt"), &ctx)?;
        let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
        ctx.insert("subject", &subject);
        let text = tidy_text(&self.render_one(&format!("email/{kind}.txt"), &ctx)?);
        let html = self.render_one(&format!("email/{kind}.html"), &ctx)?;
        let html = inline_css(&html)?;
        Ok(Rendered {
            subject,
            text,
            html,
        })
    }

    fn render_one(&self, name: &str, ctx: &Context) -> Result<String, MailError> {
        self.tera
            .render(name, ctx)
            .map_err(|e| MailError::Template(format!("{name}: {e:#}")))
    }
}

/// Moves `<style>` rules into `style` attributes; keeps `@media` rules in a `<style>` block.
fn inline_css(html: &str) -> Result<String, MailError> {
    let inliner = css_inline::CSSInliner::options()
        .load_remote_stylesheets(false)
        .keep_style_tags(false)
        .keep_at_rules(true)
        .build();
    inliner
        .inline(html)
        .map_err(|e| MailError::Template(format!("inlining CSS: {e}")))
}

/// Trims trailing spaces and squeezes runs of blank lines left by template tags.
fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `t(key="mail.x.y", name=…)`: the translation in the message's language (`lang` in the
/// context, or a `lang=` argument), with `%{arg}` placeholders filled from the other arguments.
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
    let args: Vec<(String, Cow<'_, str>)> = kwargs
        .iter()
        .filter_map(|(k, v)| {
            let name = k.as_str()?;
            if name == "key" || name == "lang" {
                return None;
            }
            let value = v
                .as_str()
                .map_or_else(|| Cow::Owned(v.to_string()), Cow::Borrowed);
            Some((name.to_string(), value))
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_ref())).collect();
    Ok(i18n::interpolate(&text, &borrowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_tidied() {
        assert_eq!(tidy_text("\n\nHello  \n\n\n\nBye\n\n"), "Hello\n\nBye\n");
    }

    #[test]
    fn css_is_inlined_and_media_queries_kept() {
        let html = "<html><head><style>p{color:red}@media (max-width:600px){p{font-size:18px}}</style></head><body><p>x</p></body></html>";
        let out = inline_css(html).unwrap();
        assert!(out.contains("<p style=\"color: red;\">x</p>"), "{out}");
        assert!(out.contains("@media"), "{out}");
    }
}
