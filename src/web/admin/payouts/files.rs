//! A batch's files: the SEPA credit-transfer file as exported (`pain001.xml`, served from the
//! stored bytes: downloading again never writes a new file) and the payouts to make by hand as
//! CSV.

use rocket::http::Header;
use rocket::{Responder, State, get};

use super::{FinanceSession, parse_id};
use crate::db::Db;
use crate::services::payout_batches::{self as batches, BatchDetail};
use crate::web::AppError;
use crate::web::admin::claims::queue::csv_cell;

/// A file download.
#[derive(Responder)]
pub struct Download {
    body: String,
    content_type: Header<'static>,
    disposition: Header<'static>,
    cache: Header<'static>,
}

impl Download {
    fn new(body: String, content_type: &'static str, filename: String) -> Download {
        Download {
            body,
            content_type: Header::new("Content-Type", content_type),
            disposition: Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{filename}\""),
            ),
            cache: Header::new("Cache-Control", "no-store"),
        }
    }
}

async fn load(db: &Db, raw_id: &str) -> Result<BatchDetail, AppError> {
    let id = parse_id(raw_id)?;
    db.read(move |c| batches::detail(c, id))
        .await?
        .ok_or(AppError::NotFound)
}

/// The exported file; 404 before the batch was exported.
#[get("/admin/payouts/<id>/pain001.xml")]
pub async fn get_admin_payout_file(
    _finance: FinanceSession,
    id: &str,
    db: &State<Db>,
) -> Result<Download, AppError> {
    let d = load(db, id).await?;
    let xml = d.batch.sepa_xml.ok_or(AppError::NotFound)?;
    Ok(Download::new(
        xml,
        "application/xml; charset=utf-8",
        format!("flightclaim-payouts-{}.xml", d.batch.id),
    ))
}

/// The manual transfers (pounds, accounts outside SEPA) as CSV: UTF-8 with a BOM for
/// spreadsheets, one line per payout with the reference to type.
pub fn manual_csv(d: &BatchDetail) -> String {
    let mut out = String::from('\u{feff}');
    let mut line = |cells: &[&str]| {
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    };
    line(&[
        "claim",
        "holder",
        "iban",
        "currency",
        "amount",
        "fee_withheld",
        "reference",
        "message",
    ]);
    for i in d.manual_items() {
        line(&[
            &i.claim_ref,
            &i.holder,
            &i.iban,
            i.net.currency.code(),
            &i.net.plain(),
            &i.fee.plain(),
            &i.end_to_end_id,
            &i.remittance,
        ]);
    }
    out
}

#[get("/admin/payouts/<id>/manual.csv")]
pub async fn get_admin_payout_manual_csv(
    _finance: FinanceSession,
    id: &str,
    db: &State<Db>,
) -> Result<Download, AppError> {
    let d = load(db, id).await?;
    Ok(Download::new(
        manual_csv(&d),
        "text/csv; charset=utf-8",
        format!("flightclaim-payouts-{}-manual.csv", d.batch.id),
    ))
}
