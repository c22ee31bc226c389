//! Step 1's shortcut: "Start from your boarding pass" (issue 14). A multipart form (works
//! without JavaScript; CSRF token in the query string, checked before the body is read; rate
//! limited and size capped like every upload) sends a photo or screenshot of the pass; its
//! barcode is read ([`crate::documents::boarding_pass`]) and the flights, the booking reference
//! and the lead passenger's name are filled in, the file kept as the draft's boarding-pass
//! document. What cannot be read says why, with the flights form still there.

use rocket::form::Form;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::tokio::io::AsyncReadExt as _;
use rocket::{State, post};
use serde::{Deserialize, Serialize};

use super::{StepResponse, go, page, require, user_id};
use crate::config::AppConfig;
use crate::db::Db;
use crate::db::documents::{self, Owner};
use crate::documents::boarding_pass::{ScanError, read_boarding_pass};
use crate::documents::quota::DailyUploads;
use crate::documents::{DocumentError, MAX_DOCUMENT_BYTES};
use crate::domain::bcbp::{self, BoardingPass};
use crate::i18n::{Locale, translate};
use crate::ratelimit::{RateLimit, Upload};
use crate::search::airports::AirportIndex;
use crate::web::AppError;
use crate::web::check::form::{CheckForm, Errors, LegForm};
use crate::web::claims::draft::{DraftData, PassengerData};
use crate::web::claims::uploads::{self, Budget, UploadForm};
use crate::web::eligibility_api::today;
use crate::web::flash;
use crate::web::guards::{ClientIp, QueryCsrf, TimedData};
use crate::web::session::UserSession;

/// The id of the file field (errors point at it).
pub const FIELD: &str = "bp-file";

/// What was read from the pass, shown above the flights to be checked.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScannedPass {
    pub passenger: String,
    pub booking_ref: String,
    pub flights: usize,
}

/// Reads a boarding pass and fills the draft with it.
#[post("/claims/new/boarding-pass", data = "<form>")]
pub async fn post_claim_boarding_pass(
    _csrf: QueryCsrf,
    _quota: RateLimit<Upload>,
    client: ClientIp,
    form: TimedData<Form<UploadForm<'_>>>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    index: &State<std::sync::Arc<AirportIndex>>,
    daily: &State<DailyUploads>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let lang = locale.as_str();
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    let mut form = form.0.into_inner();
    let pass = match read(&form).await {
        Ok(pass) => pass,
        Err(key) => {
            let reason = translate(lang, key, &[]);
            let mut errors = Errors::default();
            errors.add(
                FIELD,
                if key.starts_with("bcbp.") {
                    translate(lang, "bcbp.unreadable", &[("reason", &reason)])
                } else {
                    reason
                },
            );
            let view = super::flights_view(&mut d.data.check_form(), &errors, &[], &d.data, lang);
            return Ok(page(view.status(Status::UnprocessableEntity)));
        }
    };
    fill(&mut d.data, &pass, index, lang);
    // Keep the file as the draft's boarding pass (a quota refusal loses only the copy).
    form.kind = "boarding_pass".into();
    form.passenger = "0".into();
    let id = d.id;
    let budget = Budget::of_draft(db, id, client.0, daily).await?;
    let kept = uploads::accept(&form, cfg, 1, user_id(me.as_ref()), &budget, lang).await;
    if let Ok(new) = kept {
        db.write(move |tx| documents::insert(tx, Owner::Draft(id), &new))
            .await?;
        flash::set(cookies, "bcbp.flash.read");
    } else {
        flash::set(cookies, "bcbp.flash.read_not_kept");
    }
    super::super::draft::save(db, &d, user_id(me.as_ref()), "flights").await?;
    Ok(go("flights"))
}

/// The pass in the uploaded file, or the translation key of why not.
async fn read(form: &UploadForm<'_>) -> Result<BoardingPass, &'static str> {
    let Some(file) = form.file.as_ref().filter(|f| f.len() > 0) else {
        return Err("documents.error.missing");
    };
    if file.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge {
            max_bytes: MAX_DOCUMENT_BYTES,
        }
        .i18n_key());
    }
    let mut bytes = Vec::new();
    let opened = file.open().await;
    let Ok(reader) = opened else {
        return Err("documents.error.io");
    };
    if reader
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .await
        .is_err()
    {
        return Err("documents.error.io");
    }
    match rocket::tokio::task::spawn_blocking(move || read_boarding_pass(&bytes)).await {
        Ok(Ok(pass)) => Ok(pass),
        Ok(Err(e)) => {
            tracing::info!(error = %e, "boarding pass not read");
            Err(error_key(e))
        }
        Err(_) => Err(error_key(ScanError::NoBarcode)),
    }
}

/// `bcbp.error.<key>` of a scan error.
fn error_key(e: ScanError) -> &'static str {
    match e.key() {
        "pdf" => "bcbp.error.pdf",
        "not_an_image" => "bcbp.error.not_an_image",
        "image_too_large" => "bcbp.error.image_too_large",
        "not_bcbp" => "bcbp.error.not_bcbp",
        "too_long" => "bcbp.error.too_long",
        "truncated" => "bcbp.error.truncated",
        "invalid" => "bcbp.error.invalid",
        _ => "bcbp.error.no_barcode",
    }
}

/// `DESMARAIS` → `Desmarais`, `ANNE MARIE` → `Anne Marie`, `LE-GALL` → `Le-Gall`.
fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, ' ' | '-' | '\'');
    }
    out
}

/// The draft filled from the pass: flights (number, date, route), booking reference, the lead
/// passenger's name. What the pass does not say is left as it was.
fn fill(data: &mut DraftData, pass: &BoardingPass, index: &AirportIndex, lang: &str) {
    let label = |code: &str| {
        index
            .get(code, lang)
            .map_or_else(|| code.to_string(), |s| s.label)
    };
    let mut form: CheckForm = data.check_form();
    form.legs = pass
        .legs
        .iter()
        .map(|l| LegForm {
            flight: Some(l.flight()),
            date: bcbp::resolve_date(l.day_of_year, pass.issue_date, today())
                .map(|d| d.format("%Y-%m-%d").to_string()),
            from: Some(label(&l.from)),
            from_iata: Some(l.from.clone()),
            to: Some(label(&l.to)),
            to_iata: Some(l.to.clone()),
            ..LegForm::default()
        })
        .collect();
    let references: std::collections::BTreeSet<&str> = pass
        .legs
        .iter()
        .map(|l| l.booking_reference.as_str())
        .collect();
    if pass.legs.len() > 1 {
        form.booking = Some(
            if references.len() == 1 {
                "single"
            } else {
                "separate"
            }
            .into(),
        );
    }
    data.set_check_form(&form);
    data.request_token = None;
    data.flight_facts = None;
    if let Some(first) = pass.legs.first() {
        data.booking_ref.clone_from(&first.booking_reference);
    }
    let name = PassengerData {
        first_name: title_case(&pass.name.given),
        last_name: title_case(&pass.name.surname),
        ..PassengerData::default()
    };
    match data.passengers.first_mut() {
        Some(lead) => {
            lead.first_name = name.first_name;
            lead.last_name = name.last_name;
        }
        None => data.passengers.push(name),
    }
    data.scanned = Some(ScannedPass {
        passenger: format!(
            "{} {}",
            data.passengers[0].first_name, data.passengers[0].last_name
        )
        .trim()
        .to_string(),
        booking_ref: data.booking_ref.clone(),
        flights: pass.legs.len(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_written_as_people_write_them() {
        assert_eq!(title_case("DESMARAIS"), "Desmarais");
        assert_eq!(title_case("ANNE MARIE"), "Anne Marie");
        assert_eq!(title_case("LE-GALL"), "Le-Gall");
        assert_eq!(title_case("O'NEILL"), "O'Neill");
    }

    #[test]
    fn every_scan_error_has_a_message_key() {
        for e in [
            ScanError::Pdf,
            ScanError::NotAnImage,
            ScanError::TooLarge,
            ScanError::NoBarcode,
            ScanError::Bcbp(bcbp::BcbpError::NotBcbp),
            ScanError::Bcbp(bcbp::BcbpError::TooLong),
            ScanError::Bcbp(bcbp::BcbpError::Truncated("x")),
            ScanError::Bcbp(bcbp::BcbpError::Invalid("x")),
        ] {
            assert_eq!(error_key(e), format!("bcbp.error.{}", e.key()));
        }
    }
}
