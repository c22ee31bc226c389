//! `GET /admin/claims/<ref>/letter.pdf`: the claim letter to the airline, in the airline's
//! language (French for an airline licensed in France, English otherwise), citing Regulation
//! (EC) No 261/2004 or its UK version, the flight, the passengers and the amount.
//!
//! Drawn with `pdf-writer` and the standard Helvetica fonts in `WinAnsiEncoding`, like the
//! mandate (`src/mandate/pdf.rs`, whose encoder and metrics it reuses).

use rocket::http::Header;
use rocket::{Responder, State, get};

use super::super::auth::StaffSession;
use super::{detail, money_text};
use crate::db::claim_admin::ClaimDetail;
use crate::db::claims::{self, ClaimPassenger};
use crate::db::{Db, audit};
use crate::domain::eligibility::{evaluate, parse_request};
use crate::i18n::{Locale, translate};
use crate::mandate::pdf::{helvetica_width, win_ansi};
use crate::refdata::RefData;
use crate::web::AppError;
use crate::web::when::format_when;
use pdf_writer::{Content, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_WIDTH: f32 = 595.0; // A4 in points
const PAGE_HEIGHT: f32 = 842.0;
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

fn width(s: &str, size: f32) -> f32 {
    s.chars().map(helvetica_width).sum::<f32>() * size / 1000.0
}

/// Greedy word wrap to the text width.
fn wrap(paragraph: &str, size: f32) -> Vec<String> {
    let max = PAGE_WIDTH - 2.0 * MARGIN;
    let mut lines = Vec::new();
    for source in paragraph.lines() {
        let mut current = String::new();
        for word in source.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if width(&candidate, size) > max && !current.is_empty() {
                lines.push(std::mem::replace(&mut current, word.to_string()));
            } else {
                current = candidate;
            }
        }
        lines.push(current);
    }
    lines
}

/// The PDF of the letter's paragraphs (the first one bold, as the subject).
pub fn letter_pdf(paragraphs: &[String]) -> Vec<u8> {
    // (bold, text, y) per page.
    let mut pages: Vec<Vec<(bool, String, f32)>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    for (i, p) in paragraphs.iter().enumerate() {
        for line in wrap(p, SIZE) {
            if y < MARGIN {
                pages.push(Vec::new());
                y = PAGE_HEIGHT - MARGIN;
            }
            if let Some(page) = pages.last_mut() {
                page.push((i == 0, line, y));
            }
            y -= LEADING;
        }
        y -= LEADING * 0.6;
    }
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let refs: Vec<(Ref, Ref)> = (0..pages.len())
        .map(|i| {
            let i = i32::try_from(i).unwrap_or(1000);
            (Ref::new(6 + 2 * i), Ref::new(7 + 2 * i))
        })
        .collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(refs.iter().map(|(p, _)| *p))
        .count(i32::try_from(refs.len()).unwrap_or(1));
    for (id, base) in [(regular, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
        pdf.type1_font(id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let title = paragraphs.first().cloned().unwrap_or_default();
    pdf.document_info(info)
        .title(TextStr(&title))
        .producer(TextStr("FlightClaim"));
    for (lines, (page_id, content_id)) in pages.iter().zip(&refs) {
        let mut page = pdf.page(*page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        {
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), regular);
            fonts.pair(Name(b"F2"), bold);
        }
        page.finish();
        let mut content = Content::new();
        for (is_bold, text, y) in lines {
            let font = if *is_bold { Name(b"F2") } else { Name(b"F1") };
            content
                .begin_text()
                .set_font(font, SIZE)
                .next_line(MARGIN, *y)
                .show(Str(&win_ansi(text)))
                .end_text();
        }
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
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
