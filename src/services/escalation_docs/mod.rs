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
    CourtPapers, Forum, ForumFacts, Place, choose_forum, competent_neb_country, forum_with_papers,
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

/// The forum the court papers are for, and which papers ([`forum_with_papers`]); a UK261
/// claim goes before a court of England & Wales (the default UK jurisdiction).
pub fn forum(ctx: &Context) -> Result<(Forum, CourtPapers), GenerateError> {
    let (from, to) = journey_ends(ctx);
    let none = || GenerateError::NoCourtPapers(String::new());
    let (from, _) = country_of(&from).ok_or_else(none)?;
    let (to, _) = country_of(&to).ok_or_else(none)?;
    let seat = RefData::embedded()
        .airline(&ctx.detail.airline)
        .map(|a| a.country.clone());
    let facts = ForumFacts {
        first_departure: &from,
        final_arrival: &to,
        carrier_seat: seat.as_deref(),
        passenger_residence: ctx.residence.as_deref(),
    };
    if ctx.detail.regime == "UK261" {
        let mut forum = choose_forum(&facts);
        forum.country = "GB".into();
        return Ok((forum, CourtPapers::EnglishParticulars));
    }
    forum_with_papers(&facts)
        .ok_or_else(|| GenerateError::NoCourtPapers(choose_forum(&facts).country))
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
            let (forum, papers) = forum(ctx)?;
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
    let (actor_id, actor) = match req.actor {
        Some(a) => (Some(a.user_id), a.email.as_str()),
        None => (None, req.actor_label),
    };
    let id = escalation_documents::insert(
        tx,
        &NewEscalationDocument {
            claim_id: ctx.detail.id,
            kind: req.kind.as_str(),
            variant: &variant,
            language: &language,
            sha256: &stored.sha256,
            size_bytes: i64::try_from(stored.size_bytes).unwrap_or(i64::MAX),
            created_by: actor_id,
            created_by_label: actor,
        },
    )?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::claims::NewClaim;
    use crate::db::{Db, documents, migrate, users};
    use crate::domain::eligibility::evaluate;
    use crate::pdf::tests::pdftotext;

    /// A claim by a passenger living in Spain, Madrid → Paris on Iberia, sent to the airline on
    /// 2025-07-01; returns the database, the store and the claim's reference.
    pub(super) fn setup(dir: &std::path::Path) -> (Db, DocumentStore, String) {
        let db = Db::open(&dir.join("t.sqlite3")).unwrap();
        migrate::run(&db).unwrap();
        let json = r#"{"legs":[{"flight_number":"IB3436","from_iata":"MAD","to_iata":"ORY",
            "scheduled_departure_local":"2025-06-14T10:30","scheduled_arrival_local":"2025-06-14T12:40"}],
            "passenger":{"residence_country":"ES"},
            "disruption":{"type":"cancellation","notice_days":2}}"#;
        let req = parse_request(json.as_bytes()).unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        let resp = evaluate(&req, RefData::embedded(), "en", today).unwrap();
        let claim_ref = db
            .write_blocking(move |tx| {
                let user = users::insert_passenger(tx, "p@example.com", "", "h", "es")?;
                let new = NewClaim {
                    user_id: user,
                    request_json: serde_json::to_string(&req).unwrap(),
                    result_json: serde_json::to_string(&resp).unwrap(),
                    amount_cents: 25_000,
                    currency: "EUR".into(),
                    regime: "EU261".into(),
                    reason_code: "ELIGIBLE_CANCELLATION".into(),
                    operating_carrier: "IB".into(),
                    flight_number: "IB3436".into(),
                    flight_date: "2025-06-14".into(),
                    route: "MAD → ORY".into(),
                    booking_ref: "K7QX2M".into(),
                    fee_percent: 25,
                    payout_iban: "ES9121000418450200051332".into(),
                    payout_holder: "Begoña Muñoz".into(),
                    lead_name_key: "begonamunoz".into(),
                };
                let passengers = vec![ClaimPassenger {
                    first_name: "Begoña".into(),
                    last_name: "Muñoz".into(),
                    birth_date: None,
                    is_minor: false,
                    email: None,
                    phone: None,
                }];
                let (id, r) = claims::insert(tx, &new, &passengers)
                    .map_err(|_| DbError::Conflict("insert".into()))?;
                tx.execute(
                    "INSERT INTO claim_events (claim_id, at, kind, from_status, to_status, body)
                     VALUES (?1, '2025-07-01T09:00:00Z', 'status', 'in_review', 'sent_to_airline', '')",
                    [id],
                )?;
                Ok(r.to_string())
            })
            .unwrap();
        (db, DocumentStore::new(dir), claim_ref)
    }

    #[test]
    fn the_daily_job_generates_and_stores_a_second_notice() {
        let dir = tempfile::tempdir().unwrap();
        let (db, store, claim_ref) = setup(dir.path());
        let today = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        let key = claim_ref.clone();
        let done = db
            .transact_blocking(|tx| {
                generate(
                    tx,
                    &store,
                    &Request {
                        claim_ref: &key,
                        kind: DocKind::SecondNotice,
                        actor: None,
                        actor_label: "daily-jobs",
                        today,
                        reply_days: 10,
                    },
                )
            })
            .unwrap();
        assert_eq!(
            (done.variant.as_str(), done.language.as_str()),
            ("ES", "en")
        );
        let row = db
            .read_blocking(|c| escalation_documents::find(c, 1, done.id))
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.created_by.as_str(), row.by_job, row.sha256.clone()),
            ("daily-jobs", true, done.stored.sha256.clone())
        );
        let (actor, after): (String, String) = db
            .read_blocking(|c| {
                Ok(c.query_row(
                    "SELECT actor, after FROM audit_log WHERE action = 'claim.escalation_document'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap();
        assert_eq!(actor, "daily-jobs");
        assert!(after.starts_with("second_notice ES en sha256:"), "{after}");
        // The unreferenced-files job keeps it.
        let kept = db.read_blocking(documents::referenced_hashes).unwrap();
        assert!(kept.contains(&done.stored.sha256));
        let pdf = std::fs::read(store.path_of(&done.stored.sha256).unwrap()).unwrap();
        let Some(text) = pdftotext(&pdf) else { return };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in [
            "SECOND NOTICE",
            &claim_ref,
            "On 1 Jul 2025 we wrote to you",
            "Begoña Muñoz",
            "IB3436",
            "within 10 days, that is by 11 Sep 2025",
            "Agencia Estatal de Seguridad Aérea (AESA)",
        ] {
            assert!(flat.contains(needle), "{needle:?} in {flat}");
        }
    }

    #[test]
    fn a_spanish_passenger_on_a_spanish_carrier_sues_at_the_arrival_in_france() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _, claim_ref) = setup(dir.path());
        let today = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        let ctx = db
            .read_blocking(|c| load(c, &claim_ref, today, 14))
            .unwrap()
            .unwrap();
        let (pdf, variant, lang) = render(&ctx, DocKind::CourtPapers).unwrap();
        assert_eq!((variant.as_str(), lang.as_str()), ("escp_form_a:FR", "fr"));
        let Some(text) = pdftotext(&pdf) else { return };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in [
            "Formulaire de demande A",
            "lieu d'arrivée du vol, ORY",
            "Résidence du demandeur : Espagne",
            "Siège du défendeur : Espagne",
            "Juridiction : France",
            "Begoña Muñoz",
            "250",
        ] {
            assert!(flat.contains(needle), "{needle:?} in {flat}");
        }
    }

    #[test]
    fn refusals_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (db, store, _) = setup(dir.path());
        let today = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        let req = |kind| Request {
            claim_ref: "FC-ZZZZZZ",
            kind,
            actor: None,
            actor_label: "daily-jobs",
            today,
            reply_days: 14,
        };
        let missing = db.transact_blocking(|tx| generate(tx, &store, &req(DocKind::NebComplaint)));
        assert!(matches!(missing, Err(GenerateError::NotFound)));
        assert_eq!(DocKind::parse("court_papers"), Some(DocKind::CourtPapers));
        assert_eq!(DocKind::parse("letter"), None);
        let rows: i64 = db
            .read_blocking(|c| {
                Ok(
                    c.query_row("SELECT count(*) FROM escalation_documents", [], |r| {
                        r.get(0)
                    })?,
                )
            })
            .unwrap();
        assert_eq!(rows, 0);
    }
}
