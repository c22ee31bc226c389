//! Content pages: home, FAQ, privacy, terms, legal notice.

use rocket::{State, get};

use super::render::Page;
use crate::config::AppConfig;

#[get("/")]
pub fn get_home() -> Page {
    Page::new("pages/home.html")
}

#[get("/faq")]
pub fn get_faq() -> Page {
    Page::new("pages/faq.html")
}

#[get("/privacy")]
pub fn get_privacy() -> Page {
    Page::new("pages/privacy.html")
}

#[get("/terms")]
pub fn get_terms() -> Page {
    Page::new("pages/terms.html")
}

/// One line of the legal notice: its label key and the configured value.
#[derive(serde::Serialize)]
struct LegalField {
    label: String,
    value: String,
}

/// The legal notice: who runs this instance, from the `operator_*` configuration keys. Keys
/// left empty are not shown; with none set, the page says the operator has not given them.
#[get("/legal")]
pub fn get_legal(cfg: &State<AppConfig>) -> Page {
    let fields: Vec<LegalField> = cfg
        .operator_fields()
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(key, value)| LegalField {
            label: format!("legal.field.{}", key.trim_start_matches("operator_")),
            value: value.trim().to_string(),
        })
        .collect();
    let complete = fields.len() == cfg.operator_fields().len();
    Page::new("pages/legal.html")
        .with("fields", &fields)
        .with("complete", &complete)
}
