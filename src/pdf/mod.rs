//! Writing the PDFs the application generates (the signed mandate, the letter to the airline).
//!
//! Callers lay out their text as [`Run`]s (one line each, already wrapped and paginated) and
//! [`document`] writes the file: the glyphs used, and only those, of `DejaVu Sans` ([`font`]) are
//! embedded as a subset in a CID font (`Type0` + `CIDFontType2`, `Identity-H`), with a
//! `ToUnicode` map so copying or extracting the text (`pdftotext`) gives back exactly the
//! characters that were drawn: `Łukasz Wąsowski`, `Γιώργος`, `Светлана`.
//!
//! No shaping: one character, one glyph, advanced by its width. Enough for the alphabetic
//! scripts the font covers; [`font::covers`] is what input validation checks against.

pub mod font;

use std::collections::BTreeMap;
use std::io::Write as _;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

pub use font::Face;

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;

/// One line of text at a position (baseline of its start, in points from the bottom left).
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub face: Face,
    pub size: f32,
    pub x: f32,
    pub y: f32,
    pub text: String,
}

/// The glyphs a document uses from one face, numbered as in the subset (CID = new glyph id).
struct Used {
    remapper: GlyphRemapper,
    /// CID → the character it was drawn for (for `ToUnicode`).
    chars: BTreeMap<u16, char>,
}

impl Used {
    fn new() -> Self {
        Self {
            remapper: GlyphRemapper::new(),
            chars: BTreeMap::new(),
        }
    }

    /// `text` as big-endian 2-byte CIDs (`Identity-H`), recording the glyphs it needs.
    fn encode(&mut self, face: Face, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let cid = self.remapper.remap(face.glyph(c));
            if cid != 0 {
                self.chars.entry(cid).or_insert(c);
            }
            out.extend_from_slice(&cid.to_be_bytes());
        }
        out
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Six capital letters naming the subset (PDF 32000 §9.6.4), derived from the glyphs in it.
fn subset_tag(face: Face, used: &Used) -> String {
    let mut hash: u32 = 2_166_136_261; // FNV-1a
    for gid in used.remapper.remapped_gids() {
        for byte in gid.to_be_bytes() {
            hash = (hash ^ u32::from(byte)).wrapping_mul(16_777_619);
        }
    }
    hash ^= u32::try_from(face.index()).unwrap_or(0);
    (0..6)
        .map(|i| {
            let letter = (hash >> (i * 5)) % 26;
            char::from(b'A' + u8::try_from(letter).unwrap_or(0))
        })
        .collect()
}

/// Writes the font objects of `face` (Type0, `CIDFont`, descriptor, font file, `ToUnicode`) with
/// the Type0 font at `type0` and the others at the next free ids from `next`.
fn write_font(pdf: &mut Pdf, face: Face, used: &Used, type0: Ref, next: &mut i32) {
    let mut alloc = || {
        let r = Ref::new(*next);
        *next += 1;
        r
    };
    let (cid_ref, descriptor_ref, file_ref, cmap_ref) = (alloc(), alloc(), alloc(), alloc());
    let ttf = face.ttf();
    let base = format!("{}+{}", subset_tag(face, used), face.postscript_name());
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };

    pdf.type0_font(type0)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_ref)
        .to_unicode(cmap_ref);

    let widths: Vec<f32> = used
        .remapper
        .remapped_gids()
        .map(|gid| face.glyph_width(gid))
        .collect();
    let mut cid = pdf.cid_font(cid_ref);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(system_info)
        .font_descriptor(descriptor_ref)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, widths);
    cid.finish();

    let scale = |v: i16| f32::from(v) * 1000.0 / f32::from(ttf.units_per_em());
    let bbox = ttf.global_bounding_box();
    pdf.font_descriptor(descriptor_ref)
        .name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(ttf.ascender()))
        .descent(scale(ttf.descender()))
        .cap_height(scale(ttf.capital_height().unwrap_or(ttf.ascender())))
        .stem_v(if face == Face::Bold { 140.0 } else { 80.0 })
        .font_file2(file_ref);

    // The embedded font is a build-time constant that subsets in the tests: a failure here is
    // a broken build, and the PDF then shows no text rather than no PDF at all.
    let subset = subsetter::subset(face.data(), 0, &used.remapper).unwrap_or_default();
    let compressed = deflate(&subset);
    pdf.stream(file_ref, &compressed)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (cid, c) in &used.chars {
        cmap.pair(*cid, *c);
    }
    pdf.cmap(cmap_ref, &cmap.finish());
}

fn resource(face: Face) -> Name<'static> {
    match face {
        Face::Regular => Name(b"F1"),
        Face::Bold => Name(b"F2"),
    }
}

/// The PDF of `pages` (A4), with `title` in the document information.
pub fn document(title: &str, pages: &[Vec<Run>]) -> Vec<u8> {
    let mut used = [Used::new(), Used::new()];
    let contents: Vec<Vec<u8>> = pages
        .iter()
        .map(|runs| {
            let mut content = Content::new();
            for run in runs {
                let encoded = used[run.face.index()].encode(run.face, &run.text);
                content
                    .begin_text()
                    .set_font(resource(run.face), run.size)
                    .next_line(run.x, run.y)
                    .show(Str(&encoded))
                    .end_text();
            }
            content.finish().to_vec()
        })
        .collect();

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let font_refs = [Ref::new(4), Ref::new(5)];
    let mut next = 6;
    let page_refs: Vec<(Ref, Ref)> = (0..pages.len().max(1))
        .map(|_| {
            let refs = (Ref::new(next), Ref::new(next + 1));
            next += 2;
            refs
        })
        .collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().map(|(page, _)| *page))
        .count(i32::try_from(page_refs.len()).unwrap_or(i32::MAX));
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("FlightClaim"));
    for face in Face::ALL {
        write_font(
            &mut pdf,
            face,
            &used[face.index()],
            font_refs[face.index()],
            &mut next,
        );
    }
    let empty = Vec::new();
    for (i, (page_id, content_id)) in page_refs.iter().enumerate() {
        let mut page = pdf.page(*page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        {
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for face in Face::ALL {
                fonts.pair(resource(face), font_refs[face.index()]);
            }
        }
        page.finish();
        let content = contents.get(i).unwrap_or(&empty);
        pdf.stream(*content_id, &deflate(content))
            .filter(Filter::FlateDecode);
    }
    pdf.finish()
}

/// Margin, size and leading of [`paragraphs`] (those of the airline letter).
const MARGIN: f32 = 64.0;
const SIZE: f32 = 10.5;
const LEADING: f32 = 14.5;

/// An A4 document of paragraphs, each in its face, wrapped to the page width and paginated;
/// a `\n` inside a paragraph starts a new line. `title` goes to the document information.
pub fn paragraphs(title: &str, paragraphs: &[(Face, String)]) -> Vec<u8> {
    let max = PAGE_WIDTH - 2.0 * MARGIN;
    let mut pages: Vec<Vec<Run>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    for (face, p) in paragraphs {
        for source in p.lines() {
            for text in wrap(source, *face, SIZE, max) {
                if y < MARGIN {
                    pages.push(Vec::new());
                    y = PAGE_HEIGHT - MARGIN;
                }
                if let Some(page) = pages.last_mut() {
                    page.push(Run {
                        face: *face,
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
    document(title, &pages)
}

/// Greedy word wrap of `paragraph` to `max` points; a word wider than a line is cut.
pub fn wrap(paragraph: &str, face: Face, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in paragraph.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if face.text_width(&candidate, size) <= max {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if face.text_width(&piece, size) > max && piece.chars().count() > 1 {
                let last = piece.pop().unwrap_or(c);
                lines.push(std::mem::take(&mut piece));
                piece.push(last);
            }
        }
        current = piece;
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
pub(crate) mod tests {
    use std::process::Command;

    use super::*;

    /// A name from each of the 24 official languages of the EU, in its own script.
    pub(crate) const EU_NAMES: [&str; 24] = [
        "Łukasz Wąsowski",      // Polish
        "Jiří Dvořák",          // Czech
        "Ľubomír Šťastný",      // Slovak
        "Tjaša Žnidaršič",      // Slovenian
        "Đurđica Kovačević",    // Croatian
        "Győző Szőllősi",       // Hungarian
        "Ștefan Țăranu",        // Romanian
        "Светлана Иванова",     // Bulgarian
        "Γιώργος Παπαδόπουλος", // Greek
        "Ģirts Ķēniņš",         // Latvian
        "Rūta Šimkūnienė",      // Lithuanian
        "Tõnu Õunapuu",         // Estonian
        "Ġużeppi Ħili Żammit",  // Maltese
        "Seán Ó Súilleabháin",  // Irish
        "Jyrki Hämäläinen",     // Finnish
        "Åsa Öberg",            // Swedish
        "Søren Kjærgaard",      // Danish
        "Jürgen Weiß",          // German
        "Anaïs Lefèvre-Cœur",   // French
        "Begoña Muñoz",         // Spanish
        "João Conceição",       // Portuguese
        "Niccolò Carità",       // Italian
        "Chloë van ’t Veld",    // Dutch
        "Siobhan O'Connor",     // English
    ];

    /// The text `pdftotext` extracts from `pdf`; `None` (with a note) when poppler's
    /// `pdftotext` is not installed.
    pub(crate) fn pdftotext(pdf: &[u8]) -> Option<String> {
        if Command::new("pdftotext").arg("-v").output().is_err() {
            eprintln!("pdftotext not installed (apt-get install poppler-utils): skipping");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, pdf).unwrap();
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
        Some(String::from_utf8(out.stdout).unwrap())
    }

    #[test]
    fn wrap_keeps_lines_within_the_width() {
        let long = "mot ".repeat(200) + &"x".repeat(300);
        let lines = wrap(&long, Face::Regular, 10.0, 300.0);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(Face::Regular.text_width(line, 10.0) <= 300.0, "{line}");
        }
    }

    #[test]
    fn text_round_trips_through_pdftotext() {
        let runs = vec![
            Run {
                face: Face::Bold,
                size: 13.0,
                x: 56.0,
                y: 780.0,
                text: "Mandat — Łukasz Wąsowski".into(),
            },
            Run {
                face: Face::Regular,
                size: 10.0,
                x: 56.0,
                y: 760.0,
                text: "Γιώργος Παπαδόπουλος, Светлана Иванова, CDG → LIS".into(),
            },
        ];
        let pdf = document("Test", &[runs.clone(), runs]);
        assert!(pdf.starts_with(b"%PDF-"));
        let Some(text) = pdftotext(&pdf) else { return };
        for needle in [
            "Mandat — Łukasz Wąsowski",
            "Γιώργος Παπαδόπουλος, Светлана Иванова, CDG → LIS",
        ] {
            assert_eq!(text.matches(needle).count(), 2, "{needle:?} in\n{text}");
        }
    }

    #[test]
    fn only_the_glyphs_used_are_embedded() {
        let pdf = document(
            "a",
            &[vec![Run {
                face: Face::Regular,
                size: 10.0,
                x: 56.0,
                y: 700.0,
                text: "abc".into(),
            }]],
        );
        assert!(pdf.len() < 40_000, "{} bytes", pdf.len());
    }
}
