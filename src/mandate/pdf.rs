//! The signed mandate as a PDF the passenger can download: the text, then the signature block
//! (name, date/time UTC, IP, browser, SHA-256 of the text).
//!
//! Drawn in the embedded `DejaVu Sans` ([`crate::pdf`]), which prints every name of the EU's
//! official languages as typed (Latin, Greek, Cyrillic); names in another script are refused
//! when entered. The PDF is a rendering: the authoritative record is the text and the
//! [`Signature`] stored in the database.

use super::sign::Signature;
use super::text::text;
use crate::pdf::{self, Face, PAGE_HEIGHT, PAGE_WIDTH, Run};

const MARGIN: f32 = 56.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const BODY_SIZE: f32 = 10.0;
const LINE_FACTOR: f32 = 1.35;

struct Line {
    face: Face,
    size: f32,
    text: String,
    /// Extra space above the line, in points (paragraph spacing).
    gap: f32,
}

/// Wraps `paragraph` to [`TEXT_WIDTH`], the first line `gap` points below the previous one.
fn wrap(paragraph: &str, face: Face, size: f32, gap: f32, out: &mut Vec<Line>) {
    for (i, text) in pdf::wrap(paragraph, face, size, TEXT_WIDTH)
        .into_iter()
        .enumerate()
    {
        out.push(Line {
            face,
            size,
            text,
            gap: if i == 0 { gap } else { 0.0 },
        });
    }
}

fn signature_lines(signature: &Signature, locale: &str, out: &mut Vec<Line>) {
    let signed_at = signature
        .signed_at
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string();
    let ip = signature.ip.to_string();
    let args: [(&str, &str); 4] = [
        ("name", &signature.signer_name),
        ("signed_at", &signed_at),
        ("ip", &ip),
        ("user_agent", &signature.user_agent),
    ];
    let heading = text(locale, "mandate.pdf.signature_heading", &args);
    wrap(&heading, Face::Bold, 11.0, 18.0, out);
    for key in [
        "mandate.pdf.signed_by",
        "mandate.pdf.signed_at",
        "mandate.pdf.ip",
        "mandate.pdf.user_agent",
        "mandate.pdf.consent",
        "mandate.pdf.text_sha256",
    ] {
        wrap(
            &text(locale, key, &args),
            Face::Regular,
            BODY_SIZE,
            2.0,
            out,
        );
    }
    wrap(&signature.text_sha256, Face::Regular, 9.0, 0.0, out);
}

/// The PDF of `mandate_text` (as returned by `render_mandate`: title, blank line, paragraphs)
/// signed by `signature`, labels in `locale`.
pub fn mandate_pdf(mandate_text: &str, signature: &Signature, locale: &str) -> Vec<u8> {
    let mut lines = Vec::new();
    for (i, paragraph) in mandate_text.split("\n\n").enumerate() {
        if i == 0 {
            wrap(paragraph, Face::Bold, 13.0, 0.0, &mut lines);
        } else {
            wrap(paragraph, Face::Regular, BODY_SIZE, 7.0, &mut lines);
        }
    }
    signature_lines(signature, locale, &mut lines);

    // Paginate: each page is a list of runs at their baseline.
    let mut pages: Vec<Vec<Run>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    for line in lines {
        let step = line.gap + line.size * LINE_FACTOR;
        if y - step < MARGIN {
            pages.push(Vec::new());
            y = PAGE_HEIGHT - MARGIN;
        }
        y -= if pages.last().is_some_and(Vec::is_empty) {
            line.size * LINE_FACTOR
        } else {
            step
        };
        if let Some(page) = pages.last_mut() {
            page.push(Run {
                face: line.face,
                size: line.size,
                x: MARGIN,
                y,
                text: line.text,
            });
        }
    }
    let title = mandate_text.split("\n\n").next().unwrap_or_default();
    pdf::document(title, &pages)
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv6Addr};

    use chrono::DateTime;

    use super::*;
    use crate::mandate::sign::sign_at;
    use crate::mandate::text::{MandateContext, render_mandate, tests::context};
    use crate::pdf::tests::{EU_NAMES, pdftotext};

    fn signed(locale: &str) -> (String, Signature, Vec<u8>) {
        let text = render_mandate(&context(), locale);
        let at = DateTime::parse_from_rfc3339("2026-03-20T10:15:00Z")
            .unwrap()
            .to_utc();
        let ip = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
        let sig = sign_at(
            &text,
            "Élodie Ménard",
            true,
            "Élodie Ménard",
            ip,
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
            at,
        )
        .unwrap();
        let pdf = mandate_pdf(&text, &sig, locale);
        (text, sig, pdf)
    }

    #[test]
    fn output_is_a_pdf() {
        let (_, _, pdf) = signed("fr");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    }

    #[test]
    fn long_text_flows_onto_more_pages() {
        let (text, sig, _) = signed("en");
        let long = std::iter::repeat_n(text.as_str(), 4)
            .collect::<Vec<_>>()
            .join("\n\n");
        let pdf = mandate_pdf(&long, &sig, "en");
        let raw = String::from_utf8_lossy(&pdf);
        let count: u32 = raw
            .split("/Count ")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .expect("page tree /Count");
        assert!(count >= 3, "{count} pages for four copies of the mandate");
    }

    /// Extracts the text with poppler's `pdftotext` (Debian `poppler-utils`, installed by
    /// `scripts/test`); skipped with a note when it is not installed.
    #[test]
    fn pdftotext_reads_name_flight_and_hash() {
        for locale in ["fr", "en"] {
            let (_, sig, pdf) = signed(locale);
            let Some(extracted) = pdftotext(&pdf) else {
                return;
            };
            for needle in [
                "Élodie Ménard",
                "AF 1234",
                "aéroport",
                "→",
                "2001:db8::1",
                "2026-03-20 10:15:00 UTC",
                sig.text_sha256.as_str(),
            ] {
                assert!(
                    extracted.contains(needle),
                    "{locale}: {needle:?} not in\n{extracted}"
                );
            }
        }
    }

    #[test]
    fn every_eu_language_name_comes_out_as_typed() {
        let at = DateTime::parse_from_rfc3339("2026-03-20T10:15:00Z")
            .unwrap()
            .to_utc();
        let ip = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
        for name in EU_NAMES {
            assert_eq!(crate::pdf::font::missing_chars(name), Vec::<char>::new());
            let ctx = MandateContext {
                passenger_name: name.into(),
                ..context()
            };
            let text = render_mandate(&ctx, "en");
            let sig = sign_at(&text, name, true, name, ip, "Firefox", at).unwrap();
            let pdf = mandate_pdf(&text, &sig, "en");
            let Some(extracted) = pdftotext(&pdf) else {
                return;
            };
            // A line break inside the name (wrapping) reads as a space.
            let flat = extracted.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                flat.matches(name).count() >= 2,
                "{name:?}: parties and signature line in\n{extracted}"
            );
            assert!(!flat.contains('?'), "{name:?}: a '?' in\n{extracted}");
        }
    }
}
