//! `GET /admin/claims/<ref>/letter.pdf`: the claim letter to the airline, in the airline's
//! language (French for an airline licensed in France, English otherwise), citing Regulation
//! (EC) No 261/2004 or its UK version, the flight, the passengers and the amount.
//!
//! Drawn in the embedded `DejaVu Sans` like the mandate ([`crate::pdf`]), so every passenger's
//! name prints as typed.

use rocket::http::Header;
use rocket::{Responder, State, get};

use super::super::auth::StaffSession;
use super::{detail, money_text};
use crate::db::claim_admin::ClaimDetail;
use crate::db::claims::{self, ClaimPassenger};
use crate::db::{Db, audit};
use crate::domain::eligibility::{evaluate, parse_request};
use crate::i18n::{Locale, translate};
use crate::pdf::{self, Face, PAGE_HEIGHT, PAGE_WIDTH, Run};
use crate::refdata::RefData;
use crate::web::AppError;
use crate::web::when::format_when;

const MARGIN: f32 = 64.0;
const SIZE: f32 = 10.5;
const LEADING: f32 = 14.5;

/// The language of the letter for an airline (IATA code).
pub fn airline_language(airline: &str) -> &'static str {
    match RefData::embedded().airline(airline) {
        Some(a) if a.country == "FR" => "fr",
        _ => "en",
    }
}

/// The letter as paragraphs (first is the subject line).
pub fn letter_text(d: &ClaimDetail, passengers: &[ClaimPassenger], lang: &str) -> Vec<String> {
    let t =
        |key: &str, args: &[(&str, &str)]| translate(lang, &format!("admin.letter.{key}"), args);
    let locale = Locale::from_tag(lang).unwrap_or_default();
    let count = i64::try_from(passengers.len().max(1)).unwrap_or(1);
    let total = d
        .approved_cents
        .unwrap_or(d.amount_cents.saturating_mul(count));
    let per = money_text(d.amount_cents, &d.currency, locale);
    let total = money_text(total, &d.currency, locale);
    let airline = RefData::embedded()
        .airline(&d.airline)
        .map_or_else(|| d.airline.clone(), |a| format!("{} ({})", a.name, a.iata));
    let regulation = if d.regime == "UK261" {
        t("regulation_uk", &[])
    } else {
        t("regulation_eu", &[])
    };
    let names: Vec<String> = passengers
        .iter()
        .map(|p| format!("{} {}", p.first_name, p.last_name))
        .collect();
    let route = d.route.replace('→', "-");
    let today_date = chrono::Utc::now().date_naive();
    let today = format_when(&today_date.to_string(), lang);
    let flight_date = format_when(&d.flight_date, lang);
    let facts = facts(d, lang, today_date);
    vec![
        t(
            "subject",
            &[
                ("claim_ref", &d.claim_ref),
                ("flight", &d.flight_number),
                ("date", &flight_date),
            ],
        ),
        t("to", &[("airline", &airline)]),
        t("date_line", &[("date", &today)]),
        t("greeting", &[]),
        t("intro", &[("regulation", &regulation)]),
        t(
            "flight",
            &[
                ("flight", &d.flight_number),
                ("date", &flight_date),
                ("route", &route),
            ],
        ),
        t("booking", &[("booking_ref", &d.booking_ref)]),
        facts,
        t("passengers", &[("names", &names.join(", "))]),
        t(
            "amount",
            &[
                ("per", &per),
                ("total", &total),
                ("regulation", &regulation),
            ],
        ),
        t("request", &[]),
        t("mandate", &[]),
        t("closing", &[]),
        t("signature", &[("claim_ref", &d.claim_ref)]),
    ]
}

/// The flights as booked (scheduled local times) and what happened, with its legal reading: the
/// engine's explanation of the declared facts, in the letter's language.
fn facts(d: &ClaimDetail, lang: &str, today: chrono::NaiveDate) -> String {
    let Ok(req) = parse_request(d.request_json.as_bytes()) else {
        return String::new();
    };
    let legs: Vec<String> = req
        .legs
        .iter()
        .map(|l| {
            translate(
                lang,
                "admin.letter.leg",
                &[
                    ("flight", &l.flight_number),
                    ("from", &l.from_iata),
                    ("to", &l.to_iata),
                    (
                        "departure",
                        &format_when(
                            &l.scheduled_departure_local.format("%Y-%m-%d").to_string(),
                            lang,
                        ),
                    ),
                    (
                        "dep_time",
                        &l.scheduled_departure_local.format("%H:%M").to_string(),
                    ),
                    (
                        "arr_time",
                        &l.scheduled_arrival_local.format("%H:%M").to_string(),
                    ),
                ],
            )
        })
        .collect();
    let reading = evaluate(&req, RefData::embedded(), lang, today)
        .map(|r| r.explanation)
        .unwrap_or_default();
    let mut text = translate(lang, "admin.letter.facts", &[]);
    for leg in legs {
        text.push('\n');
        text.push_str(&leg);
    }
    if !reading.is_empty() {
        text.push('\n');
        text.push_str(&reading);
    }
    text
}

/// The PDF of the letter's paragraphs (the first one bold, as the subject).
pub fn letter_pdf(paragraphs: &[String]) -> Vec<u8> {
    let max = PAGE_WIDTH - 2.0 * MARGIN;
    let mut pages: Vec<Vec<Run>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    for (i, p) in paragraphs.iter().enumerate() {
        let face = if i == 0 { Face::Bold } else { Face::Regular };
        for source in p.lines() {
            for text in pdf::wrap(source, face, SIZE, max) {
                if y < MARGIN {
                    pages.push(Vec::new());
                    y = PAGE_HEIGHT - MARGIN;
                }
                if let Some(page) = pages.last_mut() {
                    page.push(Run {
                        face,
                        size: SIZE,
                        x: MARGIN,
                        y,
                        text,
                    });
                }
                y -= LEADING;
            }
        }
        y -= LEADING * 0.6;
    }
    let title = paragraphs.first().map_or("", String::as_str);
    pdf::document(title, &pages)
}

#[derive(Responder)]
#[response(content_type = "application/pdf")]
pub struct PdfFile {
    body: Vec<u8>,
    disposition: Header<'static>,
    cache: Header<'static>,
}

#[get("/admin/claims/<claim_ref>/letter.pdf")]
pub async fn get_admin_claim_letter(
    staff: StaffSession,
    claim_ref: &str,
    db: &State<Db>,
) -> Result<PdfFile, AppError> {
    let d = detail::load(db, claim_ref).await?;
    let id = d.id;
    let passengers = db.read(move |c| claims::passengers(c, id)).await?;
    let lang = airline_language(&d.airline);
    let body = letter_pdf(&letter_text(&d, &passengers, lang));
    let (actor, actor_id) = (staff.user.email.clone(), staff.user.user_id);
    let target = format!("claim:{}", d.claim_ref);
    db.write(move |tx| {
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "claim.letter",
            &target,
            None,
            Some(lang),
        )
    })
    .await?;
    Ok(PdfFile {
        body,
        disposition: Header::new(
            "Content-Disposition",
            format!("inline; filename=\"{}-letter.pdf\"", d.claim_ref),
        ),
        cache: Header::new("Cache-Control", "no-store"),
    })
}

#[cfg(test)]
mod tests {
    use super::letter_pdf;
    use crate::pdf::tests::{EU_NAMES, pdftotext};

    #[test]
    fn the_letter_prints_every_passenger_name_as_typed() {
        let paragraphs = vec![
            "Claim FC-TEST – Flight LO 281 – Łukasz Wąsowski".to_string(),
            format!("Passengers: {}.", EU_NAMES.join(", ")),
        ];
        let pdf = letter_pdf(&paragraphs);
        let Some(text) = pdftotext(&pdf) else { return };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Łukasz Wąsowski"), "{flat}");
        for name in EU_NAMES {
            assert!(flat.contains(name), "{name:?} not in {flat}");
        }
    }
}
