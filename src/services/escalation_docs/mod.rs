//! Escalation documents (issue 16): what the team sends or files when the airline does not pay
//! after the first letter — the second notice to the airline, the complaint to the competent
//! national enforcement body (NEB), and court papers for a lawyer or the passenger to review.
//! None is sent or filed by the application: each is generated, stored "as sent" (the PDF in
//! the document store under its SHA-256, a row in `escalation_documents` with who and when),
//! audited, and offered to staff for download.
//!
//! [`generate`] is the one entry point, for the staff buttons and for the daily job:
//! 1. load the claim, its passengers, the first letter's date and the airline's answer;
//! 2. decide the addressee and language: the airline's language for the notice
//!    ([`crate::services::letters::airline_language`]); the competent NEB
//!    ([`crate::domain::escalation::competent_neb_country`]) and French when it works in French,
//!    English otherwise; the forum ([`crate::domain::escalation::choose_forum`]) and its papers;
//! 3. write the text ([`texts`]) and draw the PDF ([`crate::pdf::paragraphs`]);
//! 4. store the PDF ([`DocumentStore::save_bytes_blocking`]), insert the row, audit
//!    `claim.escalation_document`.

pub mod texts;

use chrono::NaiveDate;
use rusqlite::Transaction;
use serde::Serialize;

use super::staff::Actor;
use crate::db::claim_admin::{self, ClaimDetail};
use crate::db::claims::{self, ClaimPassenger};
use crate::db::escalation_documents::{self, NewEscalationDocument};
use crate::db::{DbError, audit};
use crate::documents::{DocumentError, DocumentStore, StoredDocument};
use crate::domain::eligibility::{EligibilityRequest, parse_request};
use crate::domain::escalation::{
    CourtPapers, Forum, ForumFacts, Place, choose_forum, competent_neb_country, court_papers,
};
use crate::pdf;
use crate::refdata::{EnforcementBody, RefData, TerritoryStatus};
use crate::services::letters::airline_language;

/// Default days the second notice gives the airline to pay.
pub const DEFAULT_REPLY_DAYS: i64 = 14;

/// The documents that can be generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    SecondNotice,
    NebComplaint,
    CourtPapers,
}

impl DocKind {
    pub const ALL: [DocKind; 3] = [Self::SecondNotice, Self::NebComplaint, Self::CourtPapers];

    /// The stored name (`escalation_documents.kind`) and the URL segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SecondNotice => "second_notice",
            Self::NebComplaint => "neb_complaint",
            Self::CourtPapers => "court_papers",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why no document was generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("no such claim")]
    NotFound,
    /// Regulation 261/2004 gives no NEB for this flight (neither end in a state applying it),
    /// or our table has none for the state.
    #[error("no competent enforcement body")]
    NoCompetentBody,
    /// A domestic case outside France and England & Wales, or a court outside the ESCP.
    #[error("no court papers for a case in {0}")]
    NoCourtPapers(String),
    #[error(transparent)]
    Store(#[from] DocumentError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl GenerateError {
    /// Translation key of the message staff see.
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::NotFound => "escalation.error.not_found",
            Self::NoCompetentBody => "escalation.error.no_body",
            Self::NoCourtPapers(_) => "escalation.error.no_court_papers",
            Self::Store(_) | Self::Db(_) => "escalation.error.internal",
        }
    }
}

/// Everything a document says, loaded from the claim.
pub struct Context {
    pub detail: ClaimDetail,
    pub passengers: Vec<ClaimPassenger>,
    pub request: Option<EligibilityRequest>,
    /// When the claim was first sent to the airline (RFC 3339).
    pub first_letter: Option<String>,
    /// The airline's answer as recorded; `None` = silence.
    pub airline_answer: Option<String>,
    /// The passenger's country of residence (from the claim's request), when declared.
    pub residence: Option<String>,
    pub today: NaiveDate,
    pub reply_days: i64,
}

/// A generated and stored document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Generated {
    /// `escalation_documents.id`.
    pub id: i64,
    pub kind: DocKind,
    /// The NEB's country, or `<papers>:<forum country>` for court papers.
    pub variant: String,
    pub language: String,
    pub stored: StoredDocument,
}

/// What to generate, for whom.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub claim_ref: &'a str,
    pub kind: DocKind,
    /// The staff member; `None` = an automatic job (recorded as `actor_label`).
    pub actor: Option<&'a Actor>,
    /// How the audit log names a job (`daily-jobs`); ignored when `actor` is set.
    pub actor_label: &'a str,
    pub today: NaiveDate,
    /// Days the second notice gives the airline ([`DEFAULT_REPLY_DAYS`]).
    pub reply_days: i64,
}

fn country_of(iata: &str) -> Option<(String, TerritoryStatus)> {
    let data = RefData::embedded();
    let a = data.airport(iata)?;
    Some((a.country.clone(), data.territory(&a.country)?.status))
}

/// The first departure and final arrival airports of the booking (`CDG`, `JFK`).
pub fn journey_ends(ctx: &Context) -> (String, String) {
    ctx.request
        .as_ref()
        .and_then(|r| {
            Some((
                r.legs.first()?.from_iata.clone(),
                r.legs.last()?.to_iata.clone(),
            ))
        })
        .unwrap_or_default()
}

/// The NEB competent for the claim's disrupted flight (Art 16).
pub fn competent_body(ctx: &Context) -> Option<&'static EnforcementBody> {
    let req = ctx.request.as_ref()?;
    let leg = req.legs.get(req.disrupted_leg()).or(req.legs.first())?;
    let (from, from_status) = country_of(&leg.from_iata)?;
    let (to, to_status) = country_of(&leg.to_iata)?;
    let country = competent_neb_country(
        &ctx.detail.regime,
        Place {
            country: &from,
            status: from_status,
        },
        Place {
            country: &to,
            status: to_status,
        },
    )?;
    RefData::embedded().neb(&country)
}

/// The forum the court papers are for.
pub fn forum(ctx: &Context) -> Option<Forum> {
    let (from, to) = journey_ends(ctx);
    let (from, _) = country_of(&from)?;
    let (to, _) = country_of(&to)?;
    let seat = RefData::embedded()
        .airline(&ctx.detail.airline)
        .map(|a| a.country.clone());
    let mut forum = choose_forum(&ForumFacts {
        first_departure: &from,
        final_arrival: &to,
        carrier_seat: seat.as_deref(),
        passenger_residence: ctx.residence.as_deref(),
    });
    // A UK261 claim goes before a court of England & Wales (the default UK jurisdiction).
    if ctx.detail.regime == "UK261" && forum.country != "GB" {
        forum.country = "GB".into();
    }
    Some(forum)
}

/// The language of a complaint to `body`: French when it works in French, English otherwise
/// (the only two languages we write).
pub fn language_for(body: &EnforcementBody) -> &'static str {
    if body.language_list().any(|l| l == "fr") {
        "fr"
    } else {
        "en"
    }
}

/// Loads what the documents of `claim_ref` say; `None` when there is no such claim.
pub fn load(
    conn: &rusqlite::Connection,
    claim_ref: &str,
    today: NaiveDate,
    reply_days: i64,
) -> Result<Option<Context>, DbError> {
    let Some(detail) = claim_admin::find_detail(conn, claim_ref)? else {
        return Ok(None);
    };
    let request = parse_request(detail.request_json.as_bytes()).ok();
    let residence = request
        .as_ref()
        .and_then(|r| r.passenger.residence_country.clone());
    Ok(Some(Context {
        passengers: claims::passengers(conn, detail.id)?,
        first_letter: escalation_documents::first_sent_to_airline(conn, detail.id)?,
        airline_answer: escalation_documents::airline_answer(conn, detail.id)?
            .map(|n| n.split_once(": ").map_or(n.clone(), |(_, a)| a.to_owned())),
        request,
        residence,
        detail,
        today,
        reply_days,
    }))
}

/// The PDF of a document for `ctx`, with its variant and language (nothing stored).
pub fn render(ctx: &Context, kind: DocKind) -> Result<(Vec<u8>, String, String), GenerateError> {
    let (paragraphs, variant, lang) = match kind {
        DocKind::SecondNotice => {
            let lang = airline_language(&ctx.detail.airline);
            let neb = competent_body(ctx);
            let variant = neb.map(|b| b.country.clone()).unwrap_or_default();
            (texts::second_notice(ctx, neb, lang), variant, lang)
        }
        DocKind::NebComplaint => {
            let body = competent_body(ctx).ok_or(GenerateError::NoCompetentBody)?;
            let lang = language_for(body);
            (
                texts::neb_complaint(ctx, body, lang),
                body.country.clone(),
                lang,
            )
        }
        DocKind::CourtPapers => {
            let forum = forum(ctx).ok_or(GenerateError::NoCourtPapers(String::new()))?;
            let papers = court_papers(&forum)
                .ok_or_else(|| GenerateError::NoCourtPapers(forum.country.clone()))?;
            let lang = if papers == CourtPapers::EnglishParticulars || forum.country != "FR" {
                "en"
            } else {
                "fr"
            };
            let name = serde_json::to_value(papers)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let variant = format!("{name}:{}", forum.country);
            (
                texts::court_papers(ctx, &forum, papers, lang),
                variant,
                lang,
            )
        }
    };
    let title = paragraphs
        .first()
        .map_or("", |(_, t)| t.as_str())
        .to_owned();
    Ok((
        pdf::paragraphs(&title, &paragraphs),
        variant,
        lang.to_owned(),
    ))
}

/// Generates the document `req.kind` for `req.claim_ref`, stores it as sent and audits it, in
/// the caller's transaction (a refusal or an error leaves no row; a stored file without a row
/// is removed by the unreferenced-files job). The daily job calls it with `actor: None`.
pub fn generate(
    tx: &Transaction<'_>,
    store: &DocumentStore,
    req: &Request<'_>,
) -> Result<Generated, GenerateError> {
    let ctx = load(tx, req.claim_ref, req.today, req.reply_days)?.ok_or(GenerateError::NotFound)?;
    let (bytes, variant, language) = render(&ctx, req.kind)?;
    let stored = store.save_bytes_blocking(&bytes)?;
    let id = escalation_documents::insert(
        tx,
        &NewEscalationDocument {
            claim_id: ctx.detail.id,
            kind: req.kind.as_str(),
            variant: &variant,
            language: &language,
            sha256: &stored.sha256,
            size_bytes: i64::try_from(stored.size_bytes).unwrap_or(i64::MAX),
            created_by: req.actor.map(|a| a.user_id),
        },
    )?;
    let (actor_id, actor) = match req.actor {
        Some(a) => (Some(a.user_id), a.email.as_str()),
        None => (None, req.actor_label),
    };
    audit::record(
        tx,
        actor_id,
        actor,
        "claim.escalation_document",
        &format!("claim:{}", ctx.detail.claim_ref),
        None,
        Some(&format!(
            "{} {variant} {language} sha256:{}",
            req.kind.as_str(),
            stored.sha256
        )),
    )?;
    Ok(Generated {
        id,
        kind: req.kind,
        variant,
        language,
        stored,
    })
}
