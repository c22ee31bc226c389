//! Airline groups: one marketing designator sold for flights of several operating licences
//! (`data/airline_groups.csv`, curated in `scripts/refdata/airline_groups_table.py`). The
//! claim wizard asks "operated by" for a flight whose designator is in a group.

use serde::{Deserialize, Serialize};

use super::RefData;
use super::load::{LoadError, rows};

/// One licence that flies under a group's marketing designator.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupMember {
    /// The designator on the ticket (`U2`).
    pub marketing: String,
    /// The operating carrier's own IATA code (`EC`), a row of `airlines.csv`.
    pub operating: String,
    /// Pre-selected when the passenger has not said.
    #[serde(deserialize_with = "flag")]
    pub default: bool,
    pub note: String,
}

fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match u8::deserialize(d)? {
        0 => Ok(false),
        1 => Ok(true),
        n => Err(serde::de::Error::custom(format!(
            "default must be 0 or 1, not {n}"
        ))),
    }
}

const FILE: &str = "airline_groups.csv";

pub(super) fn members(text: &str, data: &RefData) -> Result<Vec<GroupMember>, LoadError> {
    let all: Vec<GroupMember> = rows(FILE, text)?;
    let err = |message: String| LoadError {
        file: FILE,
        message,
    };
    for m in &all {
        if data.airline(&m.operating).is_none() || data.airline(&m.marketing).is_none() {
            return Err(err(format!(
                "{} -> {}: not in airlines.csv",
                m.marketing, m.operating
            )));
        }
        let defaults = all
            .iter()
            .filter(|o| o.marketing == m.marketing && o.default)
            .count();
        if defaults != 1 {
            return Err(err(format!(
                "group {} has {defaults} defaults, not 1",
                m.marketing
            )));
        }
    }
    Ok(all)
}

impl RefData {
    /// The licences sold under `designator`, the default first, then by code; empty when the
    /// designator is not a group's (no question to ask).
    pub fn airline_group(&self, designator: &str) -> Vec<&GroupMember> {
        let d = designator.trim();
        let mut out: Vec<&GroupMember> = self
            .groups
            .iter()
            .filter(|m| m.marketing.eq_ignore_ascii_case(d))
            .collect();
        out.sort_by(|a, b| {
            b.default
                .cmp(&a.default)
                .then(a.operating.cmp(&b.operating))
        });
        out
    }

    /// Every group row, as in the file.
    pub fn airline_groups(&self) -> &[GroupMember] {
        &self.groups
    }
}
