//! Content sniffing: the type of a document is what its first bytes say it is.
//!
//! An allow-list, not a deny-list: PDF, JPEG, PNG and HEIC/HEIF are accepted, everything else
//! (executables, scripts, ZIP/Office files, HTML/SVG that a browser would run, empty files) is
//! refused. The file name and the declared `Content-Type` are never consulted, so a Windows
//! executable named `boarding-pass.pdf` is refused.

use serde::Serialize;

/// How many leading bytes [`sniff`] needs to decide (the `ftyp` box of a HEIC file lists its
/// compatible brands in its first few dozen bytes).
pub const SNIFF_BYTES: usize = 64;

/// An accepted document type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentType {
    Pdf,
    Jpeg,
    Png,
    /// HEIC/HEIF, what iPhones save photos as.
    Heic,
}

impl DocumentType {
    /// The `Content-Type` to serve the stored file with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Heic => "image/heic",
        }
    }

    /// A file extension for downloads (stored files have none).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Heic => "heic",
        }
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// ISO-BMFF brands of HEIF images (ISO/IEC 23008-12 annex B): `mif1`/`msf1` are the generic
/// image/sequence brands, `heic`/`heix`/`hevc` the HEVC-coded ones.
const HEIF_BRANDS: [&[u8; 4]; 5] = [b"heic", b"heix", b"mif1", b"msf1", b"hevc"];

/// The type of a document from its first bytes (at least [`SNIFF_BYTES`] of them when the file
/// is that long), or `None` when it is not an accepted type.
pub fn sniff(head: &[u8]) -> Option<DocumentType> {
    if head.starts_with(b"%PDF-") {
        Some(DocumentType::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(DocumentType::Jpeg)
    } else if head.starts_with(PNG_SIGNATURE) {
        Some(DocumentType::Png)
    } else if is_heif(head) {
        Some(DocumentType::Heic)
    } else {
        None
    }
}

/// An ISO-BMFF file starts with a `ftyp` box: size (u32 BE), `ftyp`, major brand, minor
/// version, then compatible brands up to the end of the box.
fn is_heif(head: &[u8]) -> bool {
    if head.len() < 16 || &head[4..8] != b"ftyp" {
        return false;
    }
    let box_size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    if box_size < 16 {
        return false;
    }
    let major = &head[8..12];
    let compatible = head[16..box_size.min(head.len())].chunks_exact(4);
    std::iter::once(major)
        .chain(compatible)
        .any(|brand| HEIF_BRANDS.iter().any(|b| b.as_slice() == brand))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A complete 1×1 PNG (signature, IHDR, IDAT, IEND), as a camera app would never make but
    /// every decoder accepts.
    pub(crate) fn tiny_png() -> Vec<u8> {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[
            0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15,
            0xC4, 0x89, 0, 0, 0, 13, b'I', b'D', b'A', b'T', 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1,
            0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
        ]);
        png
    }

    /// A minimal JPEG: SOI, an APP0/JFIF segment, EOI.
    pub(crate) fn tiny_jpeg() -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        jpeg.extend_from_slice(b"JFIF\0");
        jpeg.extend_from_slice(&[1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9]);
        jpeg
    }

    /// A minimal one-page PDF.
    pub(crate) fn tiny_pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n\
          2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n\
          3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n\
          trailer <</Root 1 0 R>>\n%%EOF\n"
            .to_vec()
    }

    /// The `ftyp` box of an iPhone photo: major brand `heic`, compatible `mif1`, `heic`.
    fn ftyp(major: [u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = u32::try_from(16 + 4 * compatible.len()).unwrap();
        let mut b = size.to_be_bytes().to_vec();
        b.extend_from_slice(b"ftyp");
        b.extend_from_slice(&major);
        b.extend_from_slice(&[0, 0, 0, 0]);
        for c in compatible {
            b.extend_from_slice(*c);
        }
        b.extend_from_slice(&[0, 0, 0, 8, b'm', b'e', b't', b'a']);
        b
    }

    #[test]
    fn accepted_types() {
        let cases: Vec<(&str, Vec<u8>, DocumentType)> = vec![
            ("png", tiny_png(), DocumentType::Png),
            ("jpeg", tiny_jpeg(), DocumentType::Jpeg),
            ("pdf", tiny_pdf(), DocumentType::Pdf),
            (
                "heic",
                ftyp(*b"heic", &[b"mif1", b"heic"]),
                DocumentType::Heic,
            ),
            ("heix", ftyp(*b"heix", &[]), DocumentType::Heic),
            ("mif1 major", ftyp(*b"mif1", &[b"heic"]), DocumentType::Heic),
            ("msf1", ftyp(*b"msf1", &[b"hevc"]), DocumentType::Heic),
            (
                "heic as compatible brand",
                ftyp(*b"XXXX", &[b"heic"]),
                DocumentType::Heic,
            ),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(sniff(&bytes), Some(expected), "{name}");
        }
    }

    #[test]
    fn refused_types() {
        let mut pe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
        pe.extend_from_slice(b"This program cannot be run in DOS mode.");
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            ("ELF", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec()),
            ("MZ/PE", pe),
            ("Mach-O 64", vec![0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1]),
            ("Mach-O fat", vec![0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2]),
            ("shell script", b"#!/bin/sh\nrm -rf /\n".to_vec()),
            ("zip/docx", b"PK\x03\x04\x14\0\x06\0\x08\0".to_vec()),
            ("html", b"<!DOCTYPE html><script>alert(1)</script>".to_vec()),
            (
                "svg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>".to_vec(),
            ),
            (
                "xml svg",
                b"<?xml version=\"1.0\"?><svg onload=\"x()\"/>".to_vec(),
            ),
            ("pdf not at start", b" %PDF-1.4".to_vec()),
            ("truncated png", PNG_SIGNATURE[..6].to_vec()),
            ("mp4 ftyp", ftyp(*b"isom", &[b"mp41", b"avc1"])),
            ("avif", ftyp(*b"avif", &[b"avis"])),
            ("ftyp too short", b"\0\0\0\x08ftypheic".to_vec()),
            ("gif", b"GIF89a\x01\0\x01\0".to_vec()),
            ("plain text", b"boarding pass".to_vec()),
        ];
        for (name, bytes) in cases {
            assert_eq!(sniff(&bytes), None, "{name} must be refused");
        }
    }

    #[test]
    fn content_types_and_extensions() {
        assert_eq!(DocumentType::Pdf.content_type(), "application/pdf");
        assert_eq!(DocumentType::Heic.extension(), "heic");
    }
}
