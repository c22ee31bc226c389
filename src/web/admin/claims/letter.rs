//! `GET /admin/claims/<ref>/letter.pdf`: the claim letter to the airline, in the airline's
//! language (French for an airline licensed in France, English otherwise), citing Regulation
//! (EC) No 261/2004 or its UK version, the flight, the passengers and the amount. The text is
//! written by [`crate::services::letters`], shared with the escalation documents.
//!
//! Drawn in the embedded `DejaVu Sans` like the mandate ([`crate::pdf`]), so every passenger's
//! name prints as typed.

use rocket::http::Header;
use rocket::{Responder, State, get};

use super::super::auth::StaffSession;
use super::detail;
use crate::db::claims;
use crate::db::{Db, audit};
use crate::pdf::{self, Face};
pub use crate::services::letters::{airline_language, letter_text};
use crate::web::AppError;

/// The PDF of the letter's paragraphs (the first one bold, as the subject).
pub fn letter_pdf(paragraphs: &[String]) -> Vec<u8> {
    let faced: Vec<(Face, String)> = paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| (if i == 0 { Face::Bold } else { Face::Regular }, p.clone()))
        .collect();
    let title = paragraphs.first().map_or("", String::as_str);
    pdf::paragraphs(title, &faced)
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
