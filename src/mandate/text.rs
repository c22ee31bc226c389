//! The mandate text, assembled from `locales/mandate.*.yml` in the passenger's locale.
//!
//! The text is a mandate (the passenger authorises the agency to claim, receive payment and
//! litigate in the passenger's name), not an assignment of the claim: the passenger stays the
//! creditor, which keeps withdrawal and revocation simple. What is signed is the exact string
//! [`render_mandate`] returns; its SHA-256 goes into the [`super::sign::Signature`].

use chrono::NaiveDate;
use serde::Serialize;

use crate::i18n::lookup;

/// The paragraphs of the mandate, in order (each a key of `locales/mandate.*.yml`); the flight
/// paragraph (`mandate.flight` or `mandate.flight_no_booking`) comes after `mandate.parties`.
pub const MANDATE_PARAGRAPHS: [&str; 9] = [
    "mandate.clause.object",
    "mandate.clause.payment",
    "mandate.clause.proceedings",
    "mandate.clause.fee",
    "mandate.clause.passenger",
    "mandate.clause.revocation",
    "mandate.clause.data",
    "mandate.clause.law",
    "mandate.closing",
];

/// What the mandate names: who, which flight, which fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MandateContext {
    /// Full name of the passenger as on the claim (also what they must type to sign).
    pub passenger_name: String,
    /// Legal name of the operator of this instance (the agent).
    pub agency: String,
    /// Flight number as printed, e.g. `AF 1234`.
    pub flight_number: String,
    /// Scheduled departure date, local time.
    pub flight_date: NaiveDate,
    /// Departure and arrival airports as shown to the passenger, e.g. `CDG` / `LIS`.
    pub departure: String,
    pub arrival: String,
    /// Booking reference (PNR), when the passenger gave one.
    pub booking_ref: Option<String>,
    /// Fee in percent of the recovered amount, VAT included.
    pub fee_percent: u8,
    /// For a minor: the adult who signs as their legal representative (the lead passenger).
    pub representative: Option<String>,
}

/// The full mandate text in `locale` (`fr`, `en`; others fall back to English), paragraphs
/// separated by a blank line, the title first.
pub fn render_mandate(ctx: &MandateContext, locale: &str) -> String {
    let date = match locale {
        "fr" => ctx.flight_date.format("%d/%m/%Y").to_string(),
        _ => ctx.flight_date.format("%-d %B %Y").to_string(),
    };
    let route = format!("{} → {}", ctx.departure, ctx.arrival);
    let fee = ctx.fee_percent.to_string();
    let representative = ctx.representative.as_deref().unwrap_or("");
    let args: [(&str, &str); 9] = [
        ("passenger_name", &ctx.passenger_name),
        ("agency", &ctx.agency),
        ("flight", &ctx.flight_number),
        ("date", &date),
        ("route", &route),
        ("booking_ref", ctx.booking_ref.as_deref().unwrap_or("")),
        ("fee_percent", &fee),
        ("expected", ""),
        ("representative", representative),
    ];
    let parties_key = if representative.trim().is_empty() {
        "mandate.parties"
    } else {
        "mandate.parties_minor"
    };
    let flight_key = if ctx
        .booking_ref
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
    {
        "mandate.flight"
    } else {
        "mandate.flight_no_booking"
    };
    ["mandate.title", parties_key, flight_key]
        .into_iter()
        .chain(MANDATE_PARAGRAPHS)
        .map(|key| text(locale, key, &args))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A translation with `%{name}` placeholders replaced in one pass, so a value that itself
/// contains `%{…}` (a passenger can type anything as their name) is never expanded again.
pub(crate) fn text(locale: &str, key: &str, args: &[(&str, &str)]) -> String {
    let template = lookup(locale, key).unwrap_or_else(|| key.to_owned().into());
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest: &str = &template;
    while let Some(start) = rest.find("%{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        match args.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + 3 + end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn context() -> MandateContext {
        MandateContext {
            passenger_name: "Élodie Ménard".into(),
            agency: "FlightClaim".into(),
            flight_number: "AF 1234".into(),
            flight_date: NaiveDate::from_ymd_opt(2026, 3, 14).unwrap(),
            departure: "Paris, aéroport Charles-de-Gaulle (CDG)".into(),
            arrival: "Lisbonne (LIS)".into(),
            booking_ref: Some("XK7Q2P".into()),
            fee_percent: 25,
            representative: None,
        }
    }

    #[test]
    fn a_minor_is_represented_by_the_signing_adult() {
        let ctx = MandateContext {
            passenger_name: "Léo Dupont".into(),
            representative: Some("Jeanne Dupont".into()),
            ..context()
        };
        let fr = render_mandate(&ctx, "fr");
        assert!(
            fr.contains("Léo Dupont, mineur, représenté par Jeanne Dupont, son représentant légal"),
            "{fr}"
        );
        let en = render_mandate(&ctx, "en");
        assert!(
            en.contains(
                "Léo Dupont, a minor, represented by Jeanne Dupont, their legal representative"
            ),
            "{en}"
        );
    }

    #[test]
    fn french_text_names_everything() {
        let text = render_mandate(&context(), "fr");
        assert!(text.starts_with("Mandat de réclamation"), "{text}");
        for needle in [
            "Élodie Ménard",
            "FlightClaim",
            "AF 1234 du 14/03/2026",
            "Paris, aéroport Charles-de-Gaulle (CDG) → Lisbonne (LIS)",
            "réservation XK7Q2P",
            "25 % TTC",
            "261/2004",
            "UK261",
            "révoquer",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(!text.contains("%{"), "unreplaced placeholder in\n{text}");
        assert_eq!(text.split("\n\n").count(), 3 + MANDATE_PARAGRAPHS.len());
    }

    #[test]
    fn english_text_and_no_booking_reference() {
        let mut ctx = context();
        ctx.booking_ref = None;
        let text = render_mandate(&ctx, "en");
        assert!(text.starts_with("Claim mandate"), "{text}");
        assert!(text.contains("AF 1234 on 14 March 2026"), "{text}");
        assert!(text.contains("25% (VAT included)"), "{text}");
        assert!(!text.contains("booking"), "{text}");
        assert!(!text.contains("%{"), "{text}");
    }

    #[test]
    fn placeholders_in_values_are_not_expanded() {
        let mut ctx = context();
        ctx.passenger_name = "%{fee_percent} Bob".into();
        let text = render_mandate(&ctx, "en");
        assert!(text.contains("Between %{fee_percent} Bob"), "{text}");
    }

    #[test]
    fn same_context_same_text() {
        // The signature hashes the text: rendering must be deterministic.
        assert_eq!(
            render_mandate(&context(), "fr"),
            render_mandate(&context(), "fr")
        );
    }
}
