//! Airport autocomplete: a read-only tantivy index in RAM, built once at start-up.
//!
//! This is the only module that touches tantivy. Build one [`AirportIndex`] with
//! [`AirportIndex::build`] and share it (it is `Send + Sync`, wrap it in an `Arc` or hand it
//! to Rocket's `manage`); [`AirportIndex::suggest`] serves the JSON autocomplete and
//! [`AirportIndex::resolve`] the no-JavaScript form path.
//!
//! # What is indexed
//!
//! One document per airport that has an IATA code (a claim is always about a scheduled flight,
//! which is identified by IATA codes), plus one per retired or re-assigned code of
//! `data/airports_retired.csv` (SXF, KIV, IST as Atatürk): claims run for years, so these stay
//! findable, labelled with their last day, ranked below every current airport
//! (`RETIRED_PRIOR`) and reached by code only when no current airport has it (`IST` is today's
//! airport; [`AirportIndex::get_on`] gives the one of a flight's date). Text is analysed here, in Rust, not by a tantivy
//! tokenizer: [`fold`] splits on anything that is not a letter or digit, transliterates to ASCII
//! with `deunicode` (`Zürich` → `zurich`, `Kraków` → `krakow`, `北京` → `beijing`) and
//! lower-cases. Each resulting word is stored as a raw term, so queries are built from the
//! very same function and never go through tantivy's `QueryParser`: `*`, `:`, `"`, `(`, `~`,
//! `^`, `+`, `-` and `\` are just separators. Fields (all raw, multi-valued):
//!
//! * `code` — IATA and ICAO codes;
//! * `city` — the city, plus the other names of that city from `data/city_aliases.csv`
//!   (`Londres`, `München`, `Le Caire`…);
//! * `name` — the airport name;
//! * `country` — the country's name in every label language (`France`, `Allemagne`, `Germany`);
//! * `any` — the union of the three word fields, for typo (fuzzy) lookups;
//! * `city_p`, `name_p`, `country_p` — edge n-grams: every prefix (1 to
//!   [`MAX_PREFIX_CHARS`] characters) of every word of the field above. A prefix lookup is thus
//!   one term lookup, which is cheaper than a `RegexQuery` and keeps regex syntax out of the
//!   way.
//!
//! # Scoring
//!
//! Each query word `w` becomes a `DisjunctionMaxQuery` (the best way it matches counts, not the
//! sum) of constant-score clauses:
//!
//! | clause                                    | points |
//! |-------------------------------------------|-------:|
//! | `w` is the IATA or ICAO code              | 100    |
//! | `w` is a word of the city / name / country | 10 / 8 / 6 |
//! | `w` is a prefix of a word of city / name / country | 6 / 5 / 3 |
//! | typo (4+ letters): any word within edit distance 1 (2 from 8 letters; a transposition counts 1) | 2.5 |
//! | typo while typing (last word, 5+ letters): a prefix of any word within edit distance 1 | 2 |
//!
//! Typos are looked for only among words with the same first letter (`typo.rs` says why: it
//! makes the typo path several times cheaper, and first-letter typos are rare).
//!
//! The words are combined with `Must` (every word has to match somewhere) and their points
//! added. If that finds nothing and the query has several words, it is run again with `Should`
//! (any word), so a stray word (`nice aeroport`) does not empty the list. Linking words
//! (`de`, `la`, `the`, `airport`, …) are dropped unless they are the last word, which is still
//! being typed.
//!
//! An airport prior is then added (`tweak_score`): large 4, medium 2, small 1, other 0, plus 0.5
//! when it has scheduled service. The gaps are chosen so that, in this order:
//!
//! 1. an exact code always wins (100 dwarfs everything else);
//! 2. an exact word beats a prefix of a word in the same field on any airport with scheduled
//!    service (10 − 6 = 4 > 4.5 − 1.5, the largest prior gap between scheduled airports), and
//!    always beats a typo (2.5 + 4.5 < 10 … 6): `nice` → NCE before Niceville, `rome` → FCO
//!    before Romeoville; a large airport's prefix may outrank an unscheduled field's exact word;
//! 3. among equally good text matches, big commercial airports come first (`london` → LHR,
//!    LGW… before London Ontario; `frankfurt` → FRA before HHN; `paris` → CDG, ORY first);
//! 4. remaining ties keep the reference-data order (tantivy breaks ties by ascending doc id).
//!
//! [`AirportIndex::resolve`] calls an input "clearly best" when the top result is at least
//! [`CLEAR_WIN_MARGIN`] points ahead of the second one (`frankfurt` → FRA, `paris` → ambiguous),
//! and never picks alone from the `Should` fallback.
//!
//! # Labels
//!
//! `label` is `City – Short name (IATA), Country`, with the city and country in the requested
//! language when `data/city_aliases.csv` / the reference data know it, and the airport name
//! stripped of the city and of the generic words `Airport`/`International` (the name in the
//! reference data is English). The label is data, not a UI message: the punctuation is the only
//! thing this module adds.
//!
//! # Limits
//!
//! Queries are truncated to [`MAX_QUERY_CHARS`] characters and [`MAX_QUERY_WORDS`] words, and
//! `limit` is capped at [`MAX_LIMIT`]; nothing in here panics on user input. The whole index
//! (about 7 900 airports) takes a few MB of RAM.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, STRING, Schema};
use tantivy::{
    DocId, Index, IndexReader, ReloadPolicy, Score, Searcher, SegmentReader, TantivyDocument, Term,
};

use chrono::NaiveDate;

use crate::i18n::{date_words, translate};
use crate::refdata::{Airport, AirportSize, RefData};

mod names;
mod typo;

pub use names::fold;
use names::{CityAliases, short_name, truncate};
use typo::TypoQuery;

/// Longest query looked at; the rest is ignored (callers reject longer input anyway).
pub const MAX_QUERY_CHARS: usize = 100;
/// Most words of a query looked at.
pub const MAX_QUERY_WORDS: usize = 8;
/// Most suggestions returned by one call.
pub const MAX_LIMIT: usize = 50;
/// Longest prefix indexed in the edge n-gram fields; longer query words are cut to it there.
pub const MAX_PREFIX_CHARS: usize = 20;
/// Points by which the best match must lead the second for `resolve` to pick it alone.
pub const CLEAR_WIN_MARGIN: f32 = 3.0;
/// Languages whose country and city names are indexed and precomputed for labels.
pub const LABEL_LANGS: [&str; 3] = ["en", "fr", "de"];
/// Language used for labels when the requested one is not in [`LABEL_LANGS`].
const DEFAULT_LANG: &str = "en";
/// Writer arena for the one-off build (freed after the commit).
const WRITER_MEMORY_BYTES: usize = 30_000_000;

/// Prior of a retired code's airport: below every current airport (whose prior is 0 to 4.5),
/// so a search for "Berlin" or "IST" shows today's airport first.
const RETIRED_PRIOR: Score = -1.0;
const SCORE_CODE: Score = 100.0;
const SCORE_EXACT: [Score; 3] = [10.0, 8.0, 6.0];
const SCORE_PREFIX: [Score; 3] = [6.0, 5.0, 3.0];
const SCORE_TYPO: Score = 2.5;
const SCORE_TYPO_PREFIX: Score = 2.0;
const MIN_TYPO_CHARS: usize = 4;
const TWO_TYPOS_FROM_CHARS: usize = 8;
const MIN_TYPO_PREFIX_CHARS: usize = 5;

/// Words that carry no meaning on their own in an airport query (folded form).
const LINKING_WORDS: &[&str] = &[
    "a",
    "aeroport",
    "aeroporto",
    "aeropuerto",
    "airport",
    "am",
    "d",
    "de",
    "del",
    "des",
    "di",
    "du",
    "el",
    "flughafen",
    "international",
    "intl",
    "l",
    "la",
    "le",
    "les",
    "of",
    "the",
];
/// One autocomplete entry, serialised as-is by the JSON endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub iata: String,
    pub icao: String,
    /// Airport name as in the reference data.
    pub name: String,
    /// City, in the requested language when known.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Country name in the requested language.
    pub country_name: String,
    pub lat: f64,
    pub lon: f64,
    /// IANA time zone, e.g. `Europe/Paris`.
    pub tz: String,
    /// What the widget shows and writes back into the field, e.g.
    /// `Paris – Charles de Gaulle (CDG), France`; a retired code's label ends with its dates
    /// (`Berlin – Schönefeld (SXF), Germany — code used until 24 Oct 2020`).
    pub label: String,
    /// A retired or re-assigned code (`data/airports_retired.csv`): `valid_to` and
    /// `replaced_by` in the JSON, absent for a current airport.
    #[serde(flatten)]
    pub retired: Option<Box<RetiredCode>>,
}

/// The dates of a retired or re-assigned code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetiredCode {
    /// The last day the code meant this airport.
    pub valid_to: NaiveDate,
    /// The code that replaced it.
    pub replaced_by: String,
}

/// Outcome of [`AirportIndex::resolve`].
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// A code, a label, or a single / clearly best match.
    Exact(Suggestion),
    /// Several plausible airports, best first: ask the user to pick one.
    Ambiguous(Vec<Suggestion>),
    /// Nothing matches.
    NotFound,
}

/// Which text field a clause looks at; the index into the score tables.
#[derive(Clone, Copy)]
enum Source {
    City = 0,
    Name = 1,
    Country = 2,
}

const SOURCES: [Source; 3] = [Source::City, Source::Name, Source::Country];

#[derive(Clone, Copy)]
struct Fields {
    ord: Field,
    code: Field,
    words: [Field; 3],
    prefixes: [Field; 3],
    /// Every word of city, name and country: one fuzzy automaton per query word, not three.
    any: Field,
}

/// Label parts of one airport, per language in [`LABEL_LANGS`] order.
#[derive(Debug)]
struct Entry {
    iata: String,
    icao: String,
    name: String,
    short_name: String,
    country: String,
    lat: f64,
    lon: f64,
    tz: String,
    cities: [String; LABEL_LANGS.len()],
    country_names: [String; LABEL_LANGS.len()],
    /// For a retired code: the dates it meant this airport, and its replacement.
    retired: Option<Retired>,
}

#[derive(Debug)]
struct Retired {
    valid_from: Option<NaiveDate>,
    valid_to: NaiveDate,
    replaced_by: String,
}

/// The airport search index. Read-only once built; cheap to query from many threads.
pub struct AirportIndex {
    fields: Fields,
    /// Kept so that the index has exactly one reader for its whole life.
    _reader: IndexReader,
    searcher: Searcher,
    entries: Vec<Entry>,
    priors: Arc<[Score]>,
    by_code: HashMap<String, usize>,
}

impl std::fmt::Debug for AirportIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AirportIndex")
            .field("airports", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl AirportIndex {
    /// Builds the RAM index from the reference data (airports without an IATA code are left out).
    ///
    /// Panics only if tantivy fails on an in-RAM index, which is a bug, not a runtime condition.
    pub fn build(data: &RefData) -> AirportIndex {
        let aliases = CityAliases::embedded();
        let mut schema = Schema::builder();
        let fields = Fields {
            ord: schema.add_u64_field("ord", FAST),
            code: schema.add_text_field("code", STRING),
            words: [
                schema.add_text_field("city", STRING),
                schema.add_text_field("name", STRING),
                schema.add_text_field("country", STRING),
            ],
            prefixes: [
                schema.add_text_field("city_p", STRING),
                schema.add_text_field("name_p", STRING),
                schema.add_text_field("country_p", STRING),
            ],
            any: schema.add_text_field("any", STRING),
        };
        let index = Index::create_in_ram(schema.build());
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY_BYTES)
            .expect("airport index: in-RAM writer");

        let mut country_names: HashMap<&str, [String; LABEL_LANGS.len()]> = HashMap::new();
        let mut entries = Vec::new();
        let mut priors = Vec::new();
        let mut by_code = HashMap::new();
        // Current airports first, so that a re-assigned code (IST) finds today's airport and a
        // retired one (SXF, KIV) finds the only airport it meant; retired entries rank below
        // current ones for the same words (`RETIRED_PRIOR`).
        let current = data
            .airports()
            .iter()
            .filter(|a| !a.iata.trim().is_empty())
            .map(|a| (a, None));
        let retired = data.retired_airports().iter().map(|r| {
            (
                &r.airport,
                Some(Retired {
                    valid_from: r.valid_from,
                    valid_to: r.valid_to,
                    replaced_by: r.replaced_by.clone(),
                }),
            )
        });
        for (airport, retired) in current.chain(retired) {
            let countries = country_names
                .entry(airport.country.as_str())
                .or_insert_with(|| {
                    LABEL_LANGS.map(|lang| data.country_name(&airport.country, lang))
                })
                .clone();
            let ord = entries.len();
            let (cities, city_terms) = aliases.city_names(airport);
            writer
                .add_document(document(&fields, ord, airport, &city_terms, &countries))
                .expect("airport index: add document");
            by_code
                .entry(airport.iata.trim().to_ascii_uppercase())
                .or_insert(ord);
            if !airport.icao.trim().is_empty() {
                by_code
                    .entry(airport.icao.trim().to_ascii_uppercase())
                    .or_insert(ord);
            }
            priors.push(if retired.is_some() {
                RETIRED_PRIOR
            } else {
                prior(airport)
            });
            entries.push(Entry {
                iata: airport.iata.trim().to_ascii_uppercase(),
                icao: airport.icao.trim().to_ascii_uppercase(),
                name: airport.name.clone(),
                short_name: short_name(&airport.name, &airport.city, &city_terms),
                country: airport.country.clone(),
                lat: airport.lat,
                lon: airport.lon,
                tz: airport.tz.name().to_string(),
                cities,
                country_names: countries,
                retired,
            });
        }
        writer.commit().expect("airport index: commit");
        drop(writer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .expect("airport index: reader");
        let searcher = reader.searcher();
        AirportIndex {
            fields,
            _reader: reader,
            searcher,
            entries,
            priors: priors.into(),
            by_code,
        }
    }

    /// Number of airports in the index.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the reference data had no airport with an IATA code.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes taken by the tantivy index itself (postings, term dictionaries, fast fields).
    pub fn index_bytes(&self) -> u64 {
        self.searcher
            .space_usage()
            .map_or(0, |usage| usage.total().get_bytes())
    }

    /// Up to `limit` airports matching `q`, best first, labelled in `lang`.
    /// An empty or whitespace-only query gives an empty list.
    pub fn suggest(&self, q: &str, lang: &str, limit: usize) -> Vec<Suggestion> {
        self.search(q, limit)
            .0
            .into_iter()
            .map(|(_, ord)| self.suggestion(ord, lang))
            .collect()
    }

    /// The form of `q` that [`suggest`](Self::suggest) actually searches: folded words joined
    /// by one space. Two queries with the same key get the same answer (callers cache on it).
    pub fn query_key(q: &str) -> String {
        names::fold(truncate(q, MAX_QUERY_CHARS)).join(" ")
    }

    /// The airport with this IATA or ICAO code (case-insensitive), for `/api/v1/airports/<IATA>`.
    pub fn get(&self, code: &str, lang: &str) -> Option<Suggestion> {
        let code = code.trim();
        if !(3..=4).contains(&code.len()) {
            return None;
        }
        let ord = *self.by_code.get(&code.to_ascii_uppercase())?;
        Some(self.suggestion(ord, lang))
    }

    /// Turns what a user typed without JavaScript into an airport: an IATA or ICAO code, the
    /// widget's own label (`… (CDG), France`), or the single / clearly best match.
    pub fn resolve(&self, input: &str, lang: &str) -> Resolution {
        let input = truncate(input.trim(), MAX_QUERY_CHARS);
        if let Some(ord) = self.code_of(input) {
            return Resolution::Exact(self.suggestion(ord, lang));
        }
        let (hits, partial) = self.search(input, 8);
        match hits.as_slice() {
            [] => Resolution::NotFound,
            // Some words matched nothing: never guess, let the user pick.
            _ if partial => Resolution::Ambiguous(
                hits.iter()
                    .map(|(_, ord)| self.suggestion(*ord, lang))
                    .collect(),
            ),
            [(_, ord)] => Resolution::Exact(self.suggestion(*ord, lang)),
            [(best, ord), (second, _), ..] if best - second >= CLEAR_WIN_MARGIN => {
                Resolution::Exact(self.suggestion(*ord, lang))
            }
            _ => Resolution::Ambiguous(
                hits.iter()
                    .map(|(_, ord)| self.suggestion(*ord, lang))
                    .collect(),
            ),
        }
    }

    /// A bare IATA/ICAO code, or a label ending in `(IATA)` optionally followed by `, Country`.
    fn code_of(&self, input: &str) -> Option<usize> {
        let bare = input.trim();
        if (3..=4).contains(&bare.len()) && bare.chars().all(|c| c.is_ascii_alphanumeric()) {
            return self.by_code.get(&bare.to_ascii_uppercase()).copied();
        }
        let open = input.rfind('(')?;
        let close = open + input[open..].find(')')?;
        let code = &input[open + 1..close];
        if code.len() != 3 {
            return None;
        }
        let ord = *self.by_code.get(&code.to_ascii_uppercase())?;
        // Only trust the code when the rest looks like the label we produced, so that a typed
        // "Paris (CDG) or Orly" is not silently turned into CDG.
        let before = fold(&input[..open]);
        let entry = &self.entries[ord];
        let name_ok = entry
            .cities
            .iter()
            .chain([&entry.name, &entry.short_name])
            .any(|s| fold(s).first().is_some_and(|w| before.first() == Some(w)));
        name_ok.then_some(ord)
    }

    /// Scored matches (score, entry index), best first, and whether they only match some of
    /// the words (the `Should` fallback).
    fn search(&self, q: &str, limit: usize) -> (Vec<(Score, usize)>, bool) {
        let limit = limit.min(MAX_LIMIT);
        let words = query_words(truncate(q, MAX_QUERY_CHARS));
        if words.is_empty() || limit == 0 {
            return (Vec::new(), false);
        }
        let hits = self.run(&words, Occur::Must, limit);
        if hits.is_empty() && words.len() > 1 {
            return (self.run(&words, Occur::Should, limit), true);
        }
        (hits, false)
    }

    fn run(&self, words: &[QueryWord], occur: Occur, limit: usize) -> Vec<(Score, usize)> {
        let clauses = words
            .iter()
            .map(|w| (occur, word_query(&self.fields, w)))
            .collect();
        let query = BooleanQuery::new(clauses);
        let priors = Arc::clone(&self.priors);
        let collector = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
            let ords = segment
                .fast_fields()
                .u64("ord")
                .ok()
                .map(|c| c.first_or_default_col(0));
            let priors = Arc::clone(&priors);
            move |doc: DocId, score: Score| {
                let prior = ords
                    .as_ref()
                    .and_then(|o| usize::try_from(o.get_val(doc)).ok())
                    .and_then(|i| priors.get(i).copied())
                    .unwrap_or(0.0);
                score + prior
            }
        });
        let Ok(top) = self.searcher.search(&query, &collector) else {
            return Vec::new();
        };
        top.into_iter()
            .filter_map(|(score, addr)| {
                let column = self
                    .searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .u64("ord")
                    .ok()?;
                let ord = usize::try_from(column.first(addr.doc_id)?).ok()?;
                (ord < self.entries.len()).then_some((score, ord))
            })
            .collect()
    }

    fn suggestion(&self, ord: usize, lang: &str) -> Suggestion {
        let e = &self.entries[ord];
        let l = lang_slot(lang);
        let city = e.cities[l].clone();
        let country_name = e.country_names[l].clone();
        let mut label = if e.short_name.is_empty() {
            format!("{city} ({}), {country_name}", e.iata)
        } else {
            format!("{city} – {} ({}), {country_name}", e.short_name, e.iata)
        };
        if let Some(r) = &e.retired {
            let until = date_words(r.valid_to, lang);
            label = translate(
                lang,
                "airports.retired.label",
                &[("label", &label), ("until", &until)],
            );
        }
        Suggestion {
            iata: e.iata.clone(),
            icao: e.icao.clone(),
            name: e.name.clone(),
            city,
            country: e.country.clone(),
            country_name,
            lat: e.lat,
            lon: e.lon,
            tz: e.tz.clone(),
            label,
            retired: e.retired.as_ref().map(|r| {
                Box::new(RetiredCode {
                    valid_to: r.valid_to,
                    replaced_by: r.replaced_by.clone(),
                })
            }),
        }
    }

    /// The airport `code` meant on `date`: a retired entry in use that day (IST before
    /// 6 April 2019 is Atatürk), else [`get`](Self::get) — which may be a retired entry
    /// outside its dates (SXF in 2023): check it with [`in_use_on`](Self::in_use_on).
    pub fn get_on(&self, code: &str, date: NaiveDate, lang: &str) -> Option<Suggestion> {
        let code = code.trim().to_ascii_uppercase();
        self.entries
            .iter()
            .position(|e| {
                e.iata == code
                    && e.retired.as_ref().is_some_and(|r| {
                        r.valid_from.is_none_or(|f| f <= date) && date <= r.valid_to
                    })
            })
            .map(|ord| self.suggestion(ord, lang))
            .or_else(|| self.get(&code, lang))
    }

    /// Whether a suggestion's code was in use on `date` (always, for a current airport).
    pub fn in_use_on(s: &Suggestion, date: NaiveDate) -> bool {
        s.retired.as_ref().is_none_or(|r| date <= r.valid_to)
    }
}

fn lang_slot(lang: &str) -> usize {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    LABEL_LANGS
        .iter()
        .position(|l| *l == primary)
        .or_else(|| LABEL_LANGS.iter().position(|l| *l == DEFAULT_LANG))
        .unwrap_or(0)
}

fn prior(airport: &Airport) -> Score {
    let size = match airport.size {
        AirportSize::Large => 4.0,
        AirportSize::Medium => 2.0,
        AirportSize::Small => 1.0,
        AirportSize::Other => 0.0,
    };
    size + if airport.scheduled { 0.5 } else { 0.0 }
}

fn document(
    fields: &Fields,
    ord: usize,
    airport: &Airport,
    city_terms: &BTreeSet<String>,
    countries: &[String],
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.ord, ord as u64);
    for code in [&airport.iata, &airport.icao] {
        let code = code.trim().to_ascii_lowercase();
        if !code.is_empty() {
            doc.add_text(fields.code, &code);
        }
    }
    let name_terms: BTreeSet<String> = fold(&airport.name).into_iter().collect();
    let country_terms: BTreeSet<String> = countries.iter().flat_map(|c| fold(c)).collect();
    let mut any = BTreeSet::new();
    for (source, terms) in SOURCES
        .iter()
        .zip([city_terms, &name_terms, &country_terms])
    {
        let mut prefixes = BTreeSet::new();
        for term in terms {
            doc.add_text(fields.words[*source as usize], term);
            any.insert(term.as_str());
            for (i, _) in term.char_indices().skip(1).take(MAX_PREFIX_CHARS - 1) {
                prefixes.insert(&term[..i]);
            }
            prefixes.insert(truncate(term, MAX_PREFIX_CHARS));
        }
        for prefix in prefixes {
            doc.add_text(fields.prefixes[*source as usize], prefix);
        }
    }
    for term in any {
        doc.add_text(fields.any, term);
    }
    doc
}

/// A query word and whether it is the last one (still being typed).
struct QueryWord {
    text: String,
    last: bool,
}

fn query_words(q: &str) -> Vec<QueryWord> {
    let mut words = fold(q);
    words.truncate(MAX_QUERY_WORDS);
    let n = words.len();
    // The last word is always kept: it is being typed, "de" may become "de Gaulle".
    words
        .iter()
        .enumerate()
        .filter(|(i, w)| *i + 1 == n || !LINKING_WORDS.contains(&w.as_str()))
        .map(|(i, w)| QueryWord {
            text: w.clone(),
            last: i + 1 == n,
        })
        .collect()
}

fn word_query(fields: &Fields, word: &QueryWord) -> Box<dyn Query> {
    let w = word.text.as_str();
    let len = w.chars().count();
    let constant = |q: Box<dyn Query>, score: Score| -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(q, score))
    };
    let term = |field: Field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    };
    let mut clauses: Vec<Box<dyn Query>> = Vec::new();
    if (3..=4).contains(&len) {
        clauses.push(constant(term(fields.code, w), SCORE_CODE));
    }
    let prefix = truncate(w, MAX_PREFIX_CHARS);
    for source in SOURCES {
        let s = source as usize;
        clauses.push(constant(term(fields.words[s], w), SCORE_EXACT[s]));
        clauses.push(constant(term(fields.prefixes[s], prefix), SCORE_PREFIX[s]));
    }
    if len >= MIN_TYPO_CHARS {
        let distance = if len >= TWO_TYPOS_FROM_CHARS { 2 } else { 1 };
        if let Some(typo) = TypoQuery::new(fields.any, w, distance, false) {
            clauses.push(constant(Box::new(typo), SCORE_TYPO));
        }
    }
    if word.last
        && len >= MIN_TYPO_PREFIX_CHARS
        && let Some(typo) = TypoQuery::new(fields.any, w, 1, true)
    {
        clauses.push(constant(Box::new(typo), SCORE_TYPO_PREFIX));
    }
    Box::new(DisjunctionMaxQuery::new(clauses))
}

#[cfg(test)]
mod tests;
