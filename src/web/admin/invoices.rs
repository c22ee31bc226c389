//! Fee invoices and credit notes for staff (issue 15): the list at `/admin/invoices` (by year),
//! its CSV export (UTF-8 with a BOM; `?sep=semicolon` for European spreadsheets, with decimal
//! commas), the stored PDFs, and the two corrections on the claim page — cancel an invoice
//! with a credit note (reason required), then issue the corrected invoice. Finance staff and
//! admins only: agents get 403 on every route. Each handler parses, runs one
//! `services::invoices` use case (or one read) and renders or redirects.

use chrono::Utc;
use rocket::form::FromForm;
use rocket::http::{CookieJar, Header, Status};
use rocket::response::Redirect;
use rocket::{Responder, State, get, post};
use serde::Serialize;

use super::auth::StaffSession;
use super::claims::detail;
use crate::config::AppConfig;
use crate::db::Db;
use crate::db::invoices::{self, InvoiceRow, RegisterLine};
use crate::domain::invoice::{Series, rate_text};
use crate::domain::money::{Money, parse_amount};
use crate::i18n::{Locale, translate};
use crate::services::invoices::{Correction, InvoiceError, Issuer, cancel, correct};
use crate::services::staff::Actor;
use crate::web::claims::uploads::Download;
use crate::web::csv::{amount_cell, text_cell};
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::{AppError, flash};

/// Invoices listed on one page.
const LIST_MAX: u32 = 1000;

/// One invoice as the pages show it.
#[derive(Debug, Serialize)]
pub struct InvoiceView {
    pub id: i64,
    pub number: String,
    pub date: String,
    pub claim_ref: String,
    pub customer: String,
    pub customer_address: String,
    pub net: String,
    pub vat: String,
    pub rate: String,
    pub vat_mention: String,
    pub total: String,
    pub currency: String,
    pub replaces: Option<String>,
    pub credit_note_id: Option<i64>,
    pub credit_note: Option<String>,
    pub reason: Option<String>,
    /// Cancelled and not corrected yet: the corrected invoice may be issued.
    pub correctable: bool,
    pub net_plain: String,
}

/// The views of `rows` (one claim's, or a year's) in the reader's language.
pub fn views(rows: &[InvoiceRow], locale: Locale) -> Vec<InvoiceView> {
    let f = |m: Money| m.format_exact(locale);
    rows.iter()
        .map(|r| InvoiceView {
            id: r.id,
            number: r.number.clone(),
            date: r.issued_at.get(..10).unwrap_or(&r.issued_at).to_string(),
            claim_ref: r.claim_ref.clone(),
            customer: r.customer_name.clone(),
            customer_address: r.customer_address.clone(),
            net: f(r.net),
            vat: f(r.vat),
            rate: rate_text(r.vat_rate_bp, locale.as_str() == "fr"),
            vat_mention: r.vat_mention.clone(),
            total: f(r.total),
            currency: r.net.currency.to_string(),
            replaces: r.replaces.clone(),
            credit_note_id: r.credit_note.as_ref().map(|n| n.id),
            credit_note: r.credit_note.as_ref().map(|n| n.number.clone()),
            reason: r.credit_note.as_ref().map(|n| n.reason.clone()),
            correctable: r.credit_note.is_some()
                && !rows
                    .iter()
                    .any(|o| o.replaces.as_deref() == Some(r.number.as_str())),
            net_plain: r.net.plain(),
        })
        .collect()
}

/// The signed-in staff member as the use cases' actor, when they handle invoices (finance
/// and admins; 403 for agents).
fn finance(staff: &StaffSession) -> Result<Actor, AppError> {
    if !staff.can_record_money() {
        return Err(AppError::Forbidden);
    }
    Ok(Actor {
        user_id: staff.user.user_id,
        email: staff.user.email.clone(),
    })
}

/// `?year=2026` (empty: every year); anything else is 404 like an unknown page.
fn year_param(year: Option<&str>) -> Result<Option<i32>, AppError> {
    match year.map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(None),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=9999).contains(y))
            .map(Some)
            .ok_or(AppError::NotFound),
    }
}

fn id_param(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

#[get("/admin/invoices?<year>")]
pub async fn get_admin_invoices(
    staff: StaffSession,
    year: Option<&str>,
    locale: Locale,
    db: &State<Db>,
) -> Result<Page, AppError> {
    finance(&staff)?;
    let year = year_param(year)?;
    let (rows, years) = db
        .read(move |c| Ok((invoices::list(c, year, LIST_MAX)?, invoices::years(c)?)))
        .await?;
    let query = year.map(|y| format!("year={y}&")).unwrap_or_default();
    Ok(Page::new("admin/invoices/list.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("can_invoice", &true)
        .with("invoices", &views(&rows, locale))
        .with("years", &years)
        .with("year", &year)
        .with("csv_url", &format!("/admin/invoices.csv?{query}sep=comma"))
        .with(
            "csv_semicolon_url",
            &format!("/admin/invoices.csv?{query}sep=semicolon"),
        ))
}

/// A CSV download.
#[derive(Responder)]
#[response(content_type = "text/csv")]
pub struct CsvFile {
    body: String,
    disposition: Header<'static>,
    cache: Header<'static>,
}

/// The register as CSV: a BOM, a header, one line per invoice and credit note.
pub fn register_csv(lines: &[RegisterLine], sep: char) -> String {
    let header = [
        "type",
        "number",
        "issued_at",
        "claim",
        "customer",
        "net",
        "vat_rate_percent",
        "vat",
        "total",
        "currency",
        "status",
        "related",
    ];
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(&sep.to_string()));
    out.push_str("\r\n");
    for l in lines {
        let kind = match l.series {
            Series::Invoice => "invoice",
            Series::CreditNote => "credit_note",
        };
        let status = match (l.series, l.cancelled) {
            (Series::Invoice, true) => "cancelled",
            _ => "issued",
        };
        let rate = Money::new(i64::from(l.vat_rate_bp), l.net.currency);
        let cells = [
            kind.to_string(),
            text_cell(&l.number, sep),
            text_cell(&l.issued_at, sep),
            text_cell(&l.claim_ref, sep),
            text_cell(&l.customer_name, sep),
            amount_cell(l.net, sep),
            amount_cell(rate, sep),
            amount_cell(l.vat, sep),
            amount_cell(l.total, sep),
            l.net.currency.to_string(),
            status.to_string(),
            text_cell(&l.related, sep),
        ];
        out.push_str(&cells.join(&sep.to_string()));
        out.push_str("\r\n");
    }
    out
}

#[get("/admin/invoices.csv?<year>&<sep>")]
pub async fn get_admin_invoices_csv(
    staff: StaffSession,
    year: Option<&str>,
    sep: Option<&str>,
    db: &State<Db>,
) -> Result<CsvFile, AppError> {
    finance(&staff)?;
    let year = year_param(year)?;
    let sep = match sep.unwrap_or("comma") {
        "comma" | "" => ',',
        "semicolon" => ';',
        _ => return Err(AppError::BadRequest),
    };
    let lines = db.read(move |c| invoices::register(c, year)).await?;
    let name = year.map_or_else(|| "all".to_string(), |y| y.to_string());
    Ok(CsvFile {
        body: register_csv(&lines, sep),
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"flightclaim-invoices-{name}.csv\""),
        ),
        cache: Header::new("Cache-Control", "no-store"),
    })
}

async fn stored_pdf(db: &Db, series: Series, id: i64) -> Result<Download, AppError> {
    let stored = db
        .read(move |c| invoices::pdf(c, series, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Download::pdf(stored.pdf, format!("{}.pdf", stored.number)).inline())
}

#[get("/admin/invoices/<id>/pdf")]
pub async fn get_admin_invoice_pdf(
    staff: StaffSession,
    id: &str,
    db: &State<Db>,
) -> Result<Download, AppError> {
    finance(&staff)?;
    stored_pdf(db, Series::Invoice, id_param(id)?).await
}

#[get("/admin/credit-notes/<id>/pdf")]
pub async fn get_admin_credit_note_pdf(
    staff: StaffSession,
    id: &str,
    db: &State<Db>,
) -> Result<Download, AppError> {
    finance(&staff)?;
    stored_pdf(db, Series::CreditNote, id_param(id)?).await
}

/// The translated refusal and its status.
fn refusal(err: &InvoiceError, lang: &str) -> Result<(Status, String), AppError> {
    let (status, key) = match err {
        InvoiceError::NotFound => return Err(AppError::NotFound),
        InvoiceError::Db(e) => return Err(AppError::Internal(e.to_string())),
        InvoiceError::AlreadyCancelled => (Status::Conflict, "invoices.error.cancelled"),
        InvoiceError::NotCorrectable => (Status::Conflict, "invoices.error.not_correctable"),
        InvoiceError::ReasonRequired => (Status::UnprocessableEntity, "invoices.error.reason"),
        InvoiceError::NameRequired => (Status::UnprocessableEntity, "invoices.error.name"),
        InvoiceError::AmountRequired | InvoiceError::Money(_) => {
            (Status::UnprocessableEntity, "invoices.error.amount")
        }
    };
    Ok((status, translate(lang, key, &[])))
}

/// After a correction: back to the claim page with a flash, or the claim page with the
/// refusal.
async fn finish(
    outcome: Result<crate::services::invoices::Issued, InvoiceError>,
    (db, staff, claim_ref, locale): (&Db, &StaffSession, &str, Locale),
    cookies: &CookieJar<'_>,
    flash_key: &'static str,
) -> Result<Result<Redirect, Page>, AppError> {
    match outcome {
        Ok(_) => {
            flash::set(cookies, flash_key);
            Ok(Ok(Redirect::to(format!("/admin/claims/{claim_ref}"))))
        }
        Err(err) => {
            let (status, text) = refusal(&err, locale.as_str())?;
            Ok(Err(detail::claim_page(db, staff, claim_ref, locale)
                .await?
                .with("error", &text)
                .status(status)))
        }
    }
}

/// The invoice's claim reference (404 when there is no such invoice).
async fn claim_of(db: &Db, id: i64) -> Result<String, AppError> {
    db.read(move |c| invoices::find(c, id))
        .await?
        .map(|i| i.claim_ref)
        .ok_or(AppError::NotFound)
}

#[derive(Debug, FromForm)]
pub struct CancelForm {
    #[field(default = String::new())]
    pub reason: String,
}

#[post("/admin/invoices/<id>/cancel", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_admin_invoice_cancel(
    staff: StaffSession,
    id: &str,
    form: CsrfForm<CancelForm>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let actor = finance(&staff)?;
    let id = id_param(id)?;
    let claim_ref = claim_of(db, id).await?;
    let issuer = Issuer::from_config(cfg);
    let reason = form.0.reason;
    let outcome = db
        .transact(move |tx| cancel(tx, &issuer, &actor, id, &reason, Utc::now()))
        .await;
    let ctx = (db.inner(), &staff, claim_ref.as_str(), locale);
    finish(outcome, ctx, cookies, "invoices.flash.cancelled").await
}

#[derive(Debug, FromForm)]
pub struct CorrectForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub address: String,
    #[field(default = String::new())]
    pub net: String,
}

#[post("/admin/invoices/<id>/correct", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_admin_invoice_correct(
    staff: StaffSession,
    id: &str,
    form: CsrfForm<CorrectForm>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let actor = finance(&staff)?;
    let id = id_param(id)?;
    let invoice = db
        .read(move |c| invoices::find(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let issuer = Issuer::from_config(cfg);
    let f = form.0;
    let outcome = match parse_amount(&f.net) {
        None => Err(InvoiceError::AmountRequired),
        Some(minor) => {
            let input = Correction {
                invoice_id: id,
                net: Money::new(minor, invoice.net.currency),
                customer_name: f.name,
                customer_address: f.address,
            };
            db.transact(move |tx| correct(tx, &issuer, &actor, &input, Utc::now()))
                .await
        }
    };
    let ctx = (db.inner(), &staff, invoice.claim_ref.as_str(), locale);
    finish(outcome, ctx, cookies, "invoices.flash.corrected").await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        series: Series,
        number: &str,
        customer: &str,
        net: i64,
        cancelled: bool,
    ) -> RegisterLine {
        let m = |x| Money::eur(x);
        RegisterLine {
            series,
            number: number.into(),
            issued_at: "2026-03-01T10:00:00Z".into(),
            claim_ref: "FC-7K3M9Q".into(),
            customer_name: customer.into(),
            net: m(net),
            vat_rate_bp: 2000,
            vat: m(net / 5),
            total: m(net + net / 5),
            related: String::new(),
            cancelled,
        }
    }

    #[test]
    fn the_register_has_a_bom_and_both_separators() {
        let lines = [
            line(
                Series::Invoice,
                "2026-000001",
                "Jeanne Martin; Paris",
                15_000,
                true,
            ),
            line(
                Series::CreditNote,
                "CN-2026-000001",
                "=HYPERLINK(1)",
                -15_000,
                false,
            ),
        ];
        let comma = register_csv(&lines, ',');
        assert!(comma.starts_with("\u{feff}type,number,"));
        assert!(comma.contains("invoice,2026-000001,2026-03-01T10:00:00Z,FC-7K3M9Q,Jeanne Martin; Paris,150.00,20.00,30.00,180.00,EUR,cancelled,"));
        assert!(comma.contains(",'=HYPERLINK(1),-150.00,20.00,-30.00,-180.00,EUR,issued,"));
        let semi = register_csv(&lines, ';');
        assert!(semi.starts_with("\u{feff}type;number;"));
        assert!(
            semi.contains(";\"Jeanne Martin; Paris\";150,00;20,00;30,00;180,00;EUR;cancelled;")
        );
        assert!(semi.contains(";-150,00;"));
    }
}
