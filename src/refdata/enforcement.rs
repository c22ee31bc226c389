//! National enforcement bodies (Art 16 of Regulation (EC) No 261/2004) and ADR bodies per
//! country: `data/enforcement_bodies.csv` (curated in `scripts/refdata/enforcement_table.py`
//! after the European Commission's list; a field nobody could check is empty).

use serde::{Deserialize, Serialize};

use super::load::{LoadError, rows};

/// What a body does for a passenger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyKind {
    /// National enforcement body (Art 16): takes complaints, cannot award money.
    Neb,
    /// Alternative dispute resolution (mediator, complaints board).
    Adr,
}

/// One NEB or ADR body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnforcementBody {
    /// ISO 3166-1 alpha-2; `GB` = the United Kingdom (UK261).
    pub country: String,
    pub kind: BodyKind,
    /// In the body's own language.
    pub name: String,
    pub name_en: String,
    /// Postal address, lines separated by `"; "`; empty when unverified.
    pub address: String,
    pub website: String,
    pub complaint_url: String,
    /// ISO 639-1 codes, space-separated, the preferred one first.
    pub languages: String,
    pub note: String,
}

impl EnforcementBody {
    /// The languages the body works in.
    pub fn language_list(&self) -> impl Iterator<Item = &str> {
        self.languages.split_whitespace()
    }

    /// The address as lines.
    pub fn address_lines(&self) -> Vec<&str> {
        self.address
            .split(';')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

pub(super) fn bodies(text: &str) -> Result<Vec<EnforcementBody>, LoadError> {
    const FILE: &str = "enforcement_bodies.csv";
    let list = rows::<EnforcementBody>(FILE, text)?;
    let mut nebs = std::collections::HashSet::new();
    for b in &list {
        let bad = |what: &str| LoadError {
            file: FILE,
            message: format!("{} {}: {what}", b.country, b.name),
        };
        if b.country.len() != 2 || !b.country.bytes().all(|c| c.is_ascii_uppercase()) {
            return Err(bad("country must be ISO 3166-1 alpha-2"));
        }
        if b.name.trim().is_empty() || b.name_en.trim().is_empty() {
            return Err(bad("name missing"));
        }
        for url in [&b.website, &b.complaint_url] {
            if !url.is_empty() && !url.starts_with("https://") {
                return Err(bad("links must be https"));
            }
        }
        if b.language_list().next().is_none()
            || !b
                .language_list()
                .all(|l| l.len() == 2 && l.bytes().all(|c| c.is_ascii_lowercase()))
        {
            return Err(bad("languages must be ISO 639-1 codes"));
        }
        if b.kind == BodyKind::Neb && !nebs.insert(b.country.clone()) {
            return Err(bad("two NEBs for one country"));
        }
    }
    Ok(list)
}
