//! `/admin/claims/<ref>`: everything about one claim — journey, the engine's answer and a
//! re-run with today's rules, passengers, payout, timeline with internal notes — and the forms
//! of every action an agent can take from here.

use rocket::http::Status;
use rocket::{State, get, post};
use serde::Serialize;
use serde_json::Value;

use super::super::auth::StaffSession;
use super::{mask_iban, money_text, parse_ref};
use crate::config::AppConfig;
use crate::db::claim_admin::{self, ClaimDetail, DocumentRequest, StaffEvent};
use crate::db::claim_queue::{self, StaffMember};
use crate::db::claims::{self, ClaimPassenger};
use crate::db::{Db, DbError, audit};
use crate::domain::claim::{self, ClaimStatus, Transition};
use crate::domain::deadlines::Deadline;
use crate::domain::eligibility::{self, EligibilityRequest};
use crate::i18n::{Locale, translate};
use crate::mail::messages::{DocumentKind, RejectionReason};
use crate::refdata::RefData;
use crate::web::AppError;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;

/// The transitions an agent can ask for, by form name, with a sample of what each needs (to
/// ask the state machine which ones the current status allows).
pub const TRANSITIONS: [&str; 12] = [
    "start_review",
    "send_to_airline",
    "send_reminder",
    "record_answer",
    "neb_complaint",
    "adr",
    "court",
    "lawyer",
    "approve",
    "reject",
    "close",
    "reopen",
];

fn sample(name: &str) -> Option<Transition> {
    Some(match name {
        "start_review" => Transition::StartReview,
        "send_to_airline" => Transition::SendToAirline,
        "record_answer" => Transition::RecordAirlineAnswer {
            summary: "x".into(),
        },
        "approve" => Transition::Approve { amount_cents: 1 },
        "reject" => Transition::Reject { reason: "x".into() },
        "close" => Transition::Close,
        "send_reminder" => Transition::SendReminder,
        "neb_complaint" => Transition::ComplainToNeb,
        "adr" => Transition::ReferToAdr,
        "court" => Transition::GoToCourt,
        "lawyer" => Transition::HandToLawyer,
        "reopen" => Transition::Reopen { reason: "x".into() },
        _ => return None,
    })
}

/// The daily job's timeline entries (`auto:<event>:<date>`) in `lang`; others as written.
fn translate_events(events: Vec<StaffEvent>, lang: &str) -> Vec<StaffEvent> {
    events
        .into_iter()
        .map(|mut e| {
            if let Some(rest) = e.body.strip_prefix("auto:") {
                let (event, date) = rest.split_once(':').unwrap_or((rest, ""));
                let date = crate::web::when::format_when(date, lang);
                e.body = translate(
                    lang,
                    &format!("admin.chasers.event.{event}"),
                    &[("date", &date)],
                );
            }
            e
        })
        .collect()
}

/// "Next deadline: <date> — <what happens then>" for the claim page.
#[derive(Serialize)]
struct DeadlineView {
    date: String,
    what: String,
    passed: bool,
}

fn deadline_view(
    d: Option<Deadline>,
    today: chrono::NaiveDate,
    lang: &str,
) -> Option<DeadlineView> {
    let d = d?;
    Some(DeadlineView {
        date: crate::web::when::format_when(&d.on.to_string(), lang),
        what: translate(lang, &format!("admin.deadline.{}", d.kind.name()), &[]),
        passed: d.on < today,
    })
}

/// Transitions the state machine allows from `status`.
pub fn allowed_transitions(status: &str) -> Vec<&'static str> {
    let Some(from) = ClaimStatus::parse(status) else {
        return Vec::new();
    };
    TRANSITIONS
        .into_iter()
        .filter(|n| sample(n).is_some_and(|t| claim::apply(from, &t).is_ok()))
        .collect()
}

/// The `snake_case` name of a serde enum value.
pub fn enum_name<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[derive(Serialize)]
struct Choice {
    code: String,
    label: String,
}

#[derive(Serialize)]
struct LegView {
    flight_number: String,
    from: String,
    to: String,
    departure: String,
    arrival: String,
    carrier: String,
    /// The licence the passenger declared ("operated by"), when they were asked.
    declared: Option<String>,
}

#[derive(Serialize)]
struct Journey {
    legs: Vec<LegView>,
    disruption: String,
    delay_minutes: Option<i64>,
    reason: String,
}

fn journey(request_json: &str, lang: &str) -> Option<Journey> {
    let req: EligibilityRequest = serde_json::from_str(request_json).ok()?;
    let legs = req
        .legs
        .iter()
        .map(|l| LegView {
            flight_number: l.flight_number.clone(),
            from: l.from_iata.clone(),
            to: l.to_iata.clone(),
            departure: l
                .scheduled_departure_local
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            arrival: l
                .scheduled_arrival_local
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            carrier: l.operating_carrier().to_string(),
            declared: l
                .operating_carrier_iata
                .as_deref()
                .map(|c| crate::web::check::flights::operator_label(c, lang)),
        })
        .collect();
    Some(Journey {
        legs,
        disruption: enum_name(req.disruption.kind),
        delay_minutes: req.disruption.arrival_delay_minutes,
        // The airline's reason in words (the code itself when it has no label).
        reason: req
            .disruption
            .reason
            .map(enum_name)
            .map(|code| {
                crate::i18n::lookup(lang, &format!("check.reason.{code}"))
                    .map_or(code, std::borrow::Cow::into_owned)
            })
            .unwrap_or_default(),
    })
}

/// The engine's answer, old or new, as the page compares them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngineView {
    pub eligible: bool,
    pub regime: String,
    pub amount: String,
    pub currency: String,
    pub reason_code: String,
    pub explanation: String,
}

fn engine_view(result: &Value) -> EngineView {
    let text = |k: &str| {
        result
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    EngineView {
        eligible: result
            .get("eligible")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        regime: text("regime"),
        amount: result
            .get("amount")
            .map(Value::to_string)
            .unwrap_or_default(),
        currency: text("currency"),
        reason_code: text("reason_code"),
        explanation: text("explanation"),
    }
}

/// The stored answer next to today's.
#[derive(Debug, Serialize)]
pub struct Rerun {
    pub before: EngineView,
    pub after: Option<EngineView>,
    pub changed: bool,
}

/// Evaluates the stored request again with today's rules and reference data.
pub fn rerun(detail: &ClaimDetail, lang: &str) -> Rerun {
    let stored: Value = serde_json::from_str(&detail.result_json).unwrap_or(Value::Null);
    let before = engine_view(&stored);
    let after = serde_json::from_str::<EligibilityRequest>(&detail.request_json)
        .ok()
        .and_then(|req| {
            let today = chrono::Utc::now().date_naive();
            eligibility::evaluate(&req, RefData::embedded(), lang, today).ok()
        })
        .and_then(|resp| serde_json::to_value(resp).ok())
        .map(|v| engine_view(&v));
    let changed = after.as_ref().is_none_or(|a| {
        (a.eligible, &a.regime, &a.amount, &a.reason_code)
            != (
                before.eligible,
                &before.regime,
                &before.amount,
                &before.reason_code,
            )
    });
    Rerun {
        before,
        after,
        changed,
    }
}

#[derive(Serialize)]
struct DocRequestView {
    id: i64,
    labels: Vec<String>,
    note: String,
    requested_at: String,
    waiting_since: Option<String>,
}

/// Labels of document kind names, in `lang`.
pub fn document_labels(kinds: &[String], lang: &str) -> Vec<String> {
    kinds
        .iter()
        .filter_map(|k| DocumentKind::ALL.into_iter().find(|d| enum_name(*d) == *k))
        .map(|d| translate(lang, d.key(), &[]))
        .collect()
}

pub fn document_requests_view(requests: &[DocumentRequest], lang: &str) -> Vec<impl Serialize> {
    requests
        .iter()
        .map(|r| DocRequestView {
            id: r.id,
            labels: document_labels(&r.kinds, lang),
            note: r.note.clone(),
            requested_at: r.requested_at.clone(),
            waiting_since: r.waiting_since.clone(),
        })
        .collect()
}

struct Loaded {
    detail: ClaimDetail,
    passengers: Vec<ClaimPassenger>,
    events: Vec<StaffEvent>,
    thread: Vec<crate::db::messages::ThreadEntry>,
    requests: Vec<DocumentRequest>,
    staff: Vec<StaffMember>,
    documents: Vec<crate::db::documents::Document>,
    mandates: Vec<crate::db::mandates::Mandate>,
    money: Option<crate::services::money::ClaimMoney>,
    offer: Option<crate::db::settlements::Offer>,
    escalation: Vec<crate::db::escalation_documents::EscalationDocument>,
    signals: Vec<crate::db::claim_signals::Signal>,
    invoices: Vec<crate::db::invoices::InvoiceRow>,
}

/// Loads a claim by the reference in the path (404 when there is none).
pub async fn load(db: &Db, raw_ref: &str) -> Result<ClaimDetail, AppError> {
    let key = parse_ref(raw_ref)?.to_string();
    db.read(move |c| claim_admin::find_detail(c, &key))
        .await?
        .ok_or(AppError::NotFound)
}

/// Everything the claim page shows besides the claim itself, read in one go.
fn load_all(c: &rusqlite::Connection, detail: ClaimDetail) -> Result<Loaded, DbError> {
    let id = detail.id;
    Ok(Loaded {
        passengers: claims::passengers(c, id)?,
        events: claim_admin::events(c, id)?,
        thread: crate::db::messages::thread(c, id)?,
        requests: claim_admin::open_document_requests(c, id)?,
        staff: claim_queue::staff_members(c)?,
        documents: crate::db::documents::list_for_claim(c, id)?,
        mandates: crate::db::mandates::list_for_claim(c, id)?,
        money: crate::services::money::load(c, &detail.claim_ref)?,
        offer: crate::db::settlements::find_latest(c, id)?,
        escalation: crate::db::escalation_documents::list_for_claim(c, id)?,
        signals: crate::db::claim_signals::list_for(c, &[id])?,
        invoices: crate::db::invoices::list_for_claim(c, id)?,
        detail,
    })
}

/// The rejection reasons and document kinds the forms offer, in `lang`.
fn choices(lang: &str) -> (Vec<Choice>, Vec<Choice>) {
    let reasons = RejectionReason::ALL
        .into_iter()
        .map(|r| {
            let code = enum_name(r);
            Choice {
                label: translate(lang, &format!("mail.reason.{code}"), &[]),
                code,
            }
        })
        .collect();
    let kinds = DocumentKind::ALL
        .into_iter()
        .map(|k| Choice {
            code: enum_name(k),
            label: translate(lang, k.key(), &[]),
        })
        .collect();
    (reasons, kinds)
}

/// The detail page of `raw_ref` for `staff`; handlers add an error or a re-run to it.
pub async fn claim_page(
    db: &Db,
    staff: &StaffSession,
    raw_ref: &str,
    locale: Locale,
) -> Result<Page, AppError> {
    let detail = load(db, raw_ref).await?;
    let loaded = db.read(move |c| load_all(c, detail)).await?;
    let lang = locale.as_str();
    let d = &loaded.detail;
    let passenger_names: Vec<String> = loaded
        .passengers
        .iter()
        .map(|p| format!("{} {}", p.first_name, p.last_name))
        .collect();
    let count = i64::try_from(loaded.passengers.len().max(1)).unwrap_or(1);
    let total = d.amount_cents.saturating_mul(count);
    let stored: Value = serde_json::from_str(&d.result_json).unwrap_or(Value::Null);
    let iban = if staff.is_admin() {
        d.payout_iban.clone()
    } else {
        mask_iban(&d.payout_iban)
    };
    let (reasons, kinds) = choices(lang);
    let approved = d.approved_cents.unwrap_or(total);
    let plain = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    Ok(Page::new("admin/claim.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("me", &staff.user.user_id)
        .with("claim", d)
        .with("iban", &iban)
        .with("journey", &journey(&d.request_json, lang))
        .with("engine", &engine_view(&stored))
        .with("passengers", &loaded.passengers)
        .with(
            "amounts",
            &crate::web::claims::progress::amount_items(
                &loaded.passengers,
                d.amount_cents,
                &d.currency,
                d.fee_percent,
                locale,
            ),
        )
        .with("events", &translate_events(loaded.events, lang))
        .with("thread", &loaded.thread)
        .with("requests", &document_requests_view(&loaded.requests, lang))
        .with(
            "documents",
            &crate::web::claims::uploads::items(&loaded.documents, &passenger_names, lang),
        )
        .with(
            "mandates",
            &crate::web::claims::view::mandate_items(&loaded.mandates),
        )
        .with("staff_list", &loaded.staff)
        .with("signals", &loaded.signals)
        .with("transitions", &allowed_transitions(&d.status))
        .with("reasons", &reasons)
        .with("document_kinds", &kinds)
        .with(
            "amount_text",
            &money_text(d.amount_cents, &d.currency, locale),
        )
        .with("total_text", &money_text(total, &d.currency, locale))
        .with(
            "approved_text",
            &d.approved_cents.map(|c| money_text(c, &d.currency, locale)),
        )
        .with(
            "money",
            &loaded.money.as_ref().map(|m| {
                super::money::view(m, loaded.offer.as_ref(), &loaded.passengers, staff, locale)
            }),
        )
        .with(
            "escalation",
            &super::escalation::views(&loaded.escalation, lang),
        )
        .with("total_plain", &plain(total))
        .with("approved_plain", &plain(approved))
        .with("can_invoice", &staff.can_record_money())
        .with(
            "invoices",
            &super::super::invoices::views(&loaded.invoices, locale),
        ))
}

#[get("/admin/claims/<claim_ref>")]
pub async fn get_admin_claim(
    staff: StaffSession,
    claim_ref: &str,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
) -> Result<Page, AppError> {
    let page = claim_page(db, &staff, claim_ref, locale).await?;
    let id = load(db, claim_ref).await?.id;
    let rules = cfg.deadline_rules();
    let next = db
        .read(move |c| crate::services::daily_jobs::next_deadline(c, id, &rules))
        .await?;
    let today = chrono::Utc::now().date_naive();
    Ok(page.with("deadline_shown", &true).with(
        "next_deadline",
        &deadline_view(next, today, locale.as_str()),
    ))
}

/// Re-runs the engine on the stored request and shows both answers; audited (the claim itself
/// is not changed: an agent decides what to do with a different answer).
#[post("/admin/claims/<claim_ref>/rerun", data = "<_form>")]
pub async fn post_admin_claim_rerun(
    staff: StaffSession,
    claim_ref: &str,
    _form: CsrfForm<CsrfOnly>,
    locale: Locale,
    db: &State<Db>,
) -> Result<Page, AppError> {
    let detail = load(db, claim_ref).await?;
    let result = rerun(&detail, locale.as_str());
    let summary = |e: &EngineView| format!("{} {} {}", e.reason_code, e.amount, e.currency);
    let before = summary(&result.before);
    let after = result
        .after
        .as_ref()
        .map_or_else(|| "error".to_string(), summary);
    let (actor, actor_id) = (staff.user.email.clone(), staff.user.user_id);
    let target = format!("claim:{}", detail.claim_ref);
    db.write(move |tx| {
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "claim.rerun",
            &target,
            Some(&before),
            Some(&after),
        )
    })
    .await?;
    Ok(claim_page(db, &staff, claim_ref, locale)
        .await?
        .with("rerun", &result)
        .status(Status::Ok))
}
