//! Text analysis shared by indexing and querying, curated city aliases and label names.

use std::collections::BTreeSet;

use super::LABEL_LANGS;
use crate::refdata::Airport;

/// The curated alias list, see the header of the file for its columns.
const CITY_ALIASES_CSV: &str = include_str!("../../../data/city_aliases.csv");
/// Words left out of the short airport name shown in labels (folded form).
const GENERIC_NAME_WORDS: &[&str] = &["airport", "international", "intl"];

/// Accent- and case-folded words: split on anything that is not a letter or digit,
/// transliterate to ASCII, lower-case.
pub fn fold(s: &str) -> Vec<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            // Trimmed so that the syllables of one CJK word stay one word: 北京 → "beijing".
            out.push_str(deunicode::deunicode_char(c).map_or(" ", str::trim));
        } else {
            out.push(' ');
        }
    }
    out.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

pub(super) fn truncate(s: &str, max_chars: usize) -> &str {
    s.char_indices().nth(max_chars).map_or(s, |(i, _)| &s[..i])
}

/// Airport name without the city and the generic words, for labels: "Paris-Orly Airport" in
/// Paris → "Orly"; "Zurich Airport" → "" (the label then shows the city alone).
pub(super) fn short_name(name: &str, city: &str, city_terms: &BTreeSet<String>) -> String {
    let city_words = fold(city);
    let mut words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    words.retain(|w| {
        let f = fold(w);
        !(f.len() == 1 && GENERIC_NAME_WORDS.contains(&f[0].as_str()))
    });
    // Drop a leading city name ("London Heathrow" → "Heathrow"), word by word.
    while let Some(first) = words.first() {
        let f = fold(first);
        if !f.is_empty()
            && f.iter()
                .all(|w| city_words.contains(w) || city_terms.contains(w))
        {
            words.remove(0);
        } else {
            break;
        }
    }
    words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != ')')
        .to_string()
}

/// `data/city_aliases.csv`, grouped by (country, city).
pub(super) struct CityAliases {
    groups: Vec<AliasGroup>,
}

struct AliasGroup {
    country: String,
    city: String,
    /// Folded forms of the city and every alias.
    members: Vec<Vec<String>>,
    /// (alias, lang) for aliases that may be displayed.
    display: Vec<(String, String)>,
}

impl CityAliases {
    /// The list compiled into the binary.
    pub(super) fn embedded() -> CityAliases {
        CityAliases::parse(CITY_ALIASES_CSV)
    }

    fn parse(csv_text: &str) -> CityAliases {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(csv_text.as_bytes());
        let mut groups: Vec<AliasGroup> = Vec::new();
        for record in reader.records().filter_map(Result::ok) {
            let (Some(country), Some(city), Some(alias)) =
                (record.get(0), record.get(1), record.get(2))
            else {
                continue;
            };
            let lang = record.get(3).unwrap_or_default();
            let position = groups
                .iter()
                .position(|g| g.country == country && g.city == city);
            let group = if let Some(i) = position {
                &mut groups[i]
            } else {
                groups.push(AliasGroup {
                    country: country.to_string(),
                    city: city.to_string(),
                    members: vec![fold(city)],
                    display: Vec::new(),
                });
                groups.last_mut().expect("just pushed")
            };
            group.members.push(fold(alias));
            if !lang.is_empty() {
                group
                    .display
                    .push((alias.to_string(), lang.to_ascii_lowercase()));
            }
        }
        CityAliases { groups }
    }

    /// The city as shown in each label language, and every folded word it may be searched by.
    pub(super) fn city_names(
        &self,
        airport: &Airport,
    ) -> ([String; LABEL_LANGS.len()], BTreeSet<String>) {
        let city = fold(&airport.city);
        let mut terms: BTreeSet<String> = city.iter().cloned().collect();
        let mut shown = LABEL_LANGS.map(|_| airport.city.clone());
        for group in self
            .groups
            .iter()
            .filter(|g| g.country.eq_ignore_ascii_case(&airport.country))
        {
            let exact = group.members.contains(&city);
            let within = group
                .members
                .iter()
                .any(|m| !m.is_empty() && city.windows(m.len()).any(|w| w == m));
            if !(exact || within) {
                continue;
            }
            terms.extend(group.members.iter().flatten().cloned());
            if exact {
                for (slot, lang) in shown.iter_mut().zip(LABEL_LANGS) {
                    if let Some((alias, _)) = group.display.iter().find(|(_, l)| l == lang) {
                        alias.clone_into(slot);
                    } else if lang == "en" {
                        group.city.clone_into(slot);
                    }
                }
            }
        }
        (shown, terms)
    }
}
