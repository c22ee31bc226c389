//! The letter to the airline as text (paragraphs, in the airline's language): the web's
//! `letter.pdf` and the escalation documents ([`super::escalation_docs`]) share it.

use crate::db::claim_admin::ClaimDetail;
use crate::db::claims::ClaimPassenger;
use crate::domain::eligibility::{evaluate, parse_request};
use crate::domain::money::{Currency, Money};
use crate::i18n::{Locale, translate};
use crate::refdata::RefData;
use crate::web::when::format_when;

/// An amount for people, in `locale`.
pub fn money_text(cents: i64, currency: &str, locale: Locale) -> String {
    Money::new(cents, Currency::stored(currency)).format(locale)
}

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
pub fn facts(d: &ClaimDetail, lang: &str, today: chrono::NaiveDate) -> String {
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
