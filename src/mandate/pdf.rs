//! The signed mandate as a PDF the passenger can download: the text, then the signature block
//! (name, date/time UTC, IP, browser, SHA-256 of the text).
//!
//! Written with `pdf-writer` using the standard Helvetica/Courier fonts (no font embedded, every
//! reader has them) in `WinAnsiEncoding`, which covers French (é è à ç œ « » ’ …). A character
//! outside it is drawn as `?`, except `→` which becomes `->`. The PDF is a rendering: the
//! authoritative record is the text and the [`Signature`] stored in the database.

use pdf_writer::{Content, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr};

use super::sign::Signature;
use super::text::text;

const PAGE_WIDTH: f32 = 595.0; // A4 in points
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const BODY_SIZE: f32 = 10.0;
const LINE_FACTOR: f32 = 1.35;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
    Mono,
}

impl Font {
    fn resource(self) -> Name<'static> {
        match self {
            Self::Regular => Name(b"F1"),
            Self::Bold => Name(b"F2"),
            Self::Mono => Name(b"F3"),
        }
    }

    /// Advance width of `c` in 1/1000 em (Adobe AFM metrics of the standard fonts; bold is
    /// measured as regular plus 5 %, close enough to wrap lines).
    fn width(self, c: char) -> f32 {
        match self {
            Self::Mono => 600.0,
            Self::Regular => helvetica_width(c),
            Self::Bold => helvetica_width(c) * 1.05,
        }
    }
}

/// Helvetica widths for printable ASCII (Helvetica.afm); other characters are measured by their
/// unaccented form (`é` as `e`), or as a digit.
pub(crate) fn helvetica_width(c: char) -> f32 {
    const ASCII: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
        278, // ' '..'/'
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584,
        556, // '0'..'?'
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722,
        778, // '@'..'O'
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
        556, // 'P'..'_'
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556,
        556, // '`'..'o'
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 'p'..'~'
    ];
    let ascii = |c: char| {
        let i = (c as usize).checked_sub(32)?;
        ASCII.get(i).map(|w| f32::from(*w))
    };
    ascii(c)
        .or_else(|| {
            deunicode::deunicode_char(c)
                .and_then(|s| s.chars().next())
                .and_then(ascii)
        })
        .unwrap_or(556.0)
}

/// Windows-1252 bytes of `s`, the encoding the standard fonts use with `WinAnsiEncoding`.
pub(crate) fn win_ansi(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let byte = match c {
            ' '..='~' => c as u8,
            '\u{A0}'..='\u{FF}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            '\u{202F}' => 0xA0, // narrow no-break space (French typography)
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            '→' => {
                out.extend_from_slice(b"->");
                continue;
            }
            _ => b'?',
        };
        out.push(byte);
    }
    out
}

struct Line {
    font: Font,
    size: f32,
    text: String,
    /// Extra space above the line, in points (paragraph spacing).
    gap: f32,
}

fn text_width(font: Font, size: f32, s: &str) -> f32 {
    s.chars().map(|c| font.width(c)).sum::<f32>() * size / 1000.0
}

/// Greedy word wrap to [`TEXT_WIDTH`]; a word wider than a line is cut.
fn wrap(paragraph: &str, font: Font, size: f32, gap: f32, out: &mut Vec<Line>) {
    let start = out.len();
    let push = |text: String, out: &mut Vec<Line>| {
        let gap = if out.len() == start { gap } else { 0.0 };
        out.push(Line {
            font,
            size,
            text,
            gap,
        });
    };
    let mut current = String::new();
    for word in paragraph.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if text_width(font, size, &candidate) <= TEXT_WIDTH {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            push(std::mem::take(&mut current), out);
        }
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if text_width(font, size, &piece) > TEXT_WIDTH {
                let last = piece.pop().unwrap_or(c);
                push(std::mem::take(&mut piece), out);
                piece.push(last);
            }
        }
        current = piece;
    }
    if !current.is_empty() || out.len() == start {
        push(current, out);
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
    wrap(&heading, Font::Bold, 11.0, 18.0, out);
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
            Font::Regular,
            BODY_SIZE,
            2.0,
            out,
        );
    }
    wrap(&signature.text_sha256, Font::Mono, 9.0, 0.0, out);
}

/// The PDF of `mandate_text` (as returned by `render_mandate`: title, blank line, paragraphs)
/// signed by `signature`, labels in `locale`.
pub fn mandate_pdf(mandate_text: &str, signature: &Signature, locale: &str) -> Vec<u8> {
    let mut lines = Vec::new();
    for (i, paragraph) in mandate_text.split("\n\n").enumerate() {
        if i == 0 {
            wrap(paragraph, Font::Bold, 13.0, 0.0, &mut lines);
        } else {
            wrap(paragraph, Font::Regular, BODY_SIZE, 7.0, &mut lines);
        }
    }
    signature_lines(signature, locale, &mut lines);

    // Paginate: each page is a list of (line, baseline y).
    let mut pages: Vec<Vec<(&Line, f32)>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    for line in &lines {
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
            page.push((line, y));
        }
    }

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let fonts = [
        (Font::Regular, Ref::new(3), &b"Helvetica"[..]),
        (Font::Bold, Ref::new(4), &b"Helvetica-Bold"[..]),
        (Font::Mono, Ref::new(5), &b"Courier"[..]),
    ];
    let info = Ref::new(6);
    let page_refs: Vec<(Ref, Ref)> = (0..pages.len())
        .map(|i| {
            let i = i32::try_from(i).unwrap_or(i32::MAX / 2 - 8);
            (Ref::new(7 + 2 * i), Ref::new(8 + 2 * i))
        })
        .collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().map(|(page, _)| *page))
        .count(i32::try_from(page_refs.len()).unwrap_or(i32::MAX));
    for (_, id, base) in fonts {
        pdf.type1_font(id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let title = mandate_text.split("\n\n").next().unwrap_or_default();
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("FlightClaim"));

    for (page_lines, (page_id, content_id)) in pages.iter().zip(&page_refs) {
        let mut page = pdf.page(*page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        {
            let mut resources = page.resources();
            let mut dict = resources.fonts();
            for (font, id, _) in fonts {
                dict.pair(font.resource(), id);
            }
        }
        page.finish();

        let mut content = Content::new();
        for (line, y) in page_lines {
            content
                .begin_text()
                .set_font(line.font.resource(), line.size)
                .next_line(MARGIN, *y)
                .show(Str(&win_ansi(&line.text)))
                .end_text();
        }
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv6Addr};
    use std::process::Command;

    use chrono::DateTime;

    use super::*;
    use crate::mandate::sign::sign_at;
    use crate::mandate::text::{render_mandate, tests::context};

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
    fn win_ansi_handles_french() {
        assert_eq!(
            win_ansi("Élodie Ménard, aéroport"),
            b"\xC9lodie M\xE9nard, a\xE9roport"
        );
        assert_eq!(
            win_ansi("l’œuvre « 25 € »"),
            b"l\x92\x9Cuvre \xAB 25 \x80 \xBB"
        );
        assert_eq!(win_ansi("CDG → LIS ✈"), b"CDG -> LIS ?");
    }

    #[test]
    fn wrap_keeps_lines_within_the_text_width() {
        let mut lines = Vec::new();
        let long = "mot ".repeat(200) + &"x".repeat(300);
        wrap(&long, Font::Regular, BODY_SIZE, 0.0, &mut lines);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(
                text_width(Font::Regular, BODY_SIZE, &line.text) <= TEXT_WIDTH,
                "{}",
                line.text
            );
        }
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
        if Command::new("pdftotext").arg("-v").output().is_err() {
            eprintln!("pdftotext not installed (apt-get install poppler-utils): skipping");
            return;
        }
        for locale in ["fr", "en"] {
            let (_, sig, pdf) = signed(locale);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("mandate.pdf");
            std::fs::write(&path, &pdf).unwrap();
            let out = Command::new("pdftotext")
                .args(["-enc", "UTF-8"])
                .arg(&path)
                .arg("-")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let extracted = String::from_utf8(out.stdout).unwrap();
            for needle in [
                "Élodie Ménard",
                "AF 1234",
                "aéroport",
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
}
