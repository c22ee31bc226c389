//! The barcode of a boarding pass, read from a photo or a screenshot (issue 14).
//!
//! No I/O, but heavy: call it from `spawn_blocking`. The image (PNG or JPEG, sniffed, never
//! trusted from its name) is refused above [`MAX_PIXELS`] before any pixel is decoded (a small
//! file can declare a huge canvas), turned into 8-bit grey levels, and searched for a PDF417,
//! Aztec or QR code by `rxing` (the Rust port of the Java `ZXing`) trying hard. A large phone
//! photo or a pass photographed sideways gets more tries: scaled down step by step (the finder patterns of a code
//! that fills a 12-megapixel photo are too large for the detector's windows), then rotated a
//! quarter turn. The text found is then read by [`bcbp::parse`].
//!
//! PDFs are not read yet (no PDF reader is in the tree): the passenger is asked for a photo or
//! a screenshot of the pass instead.

use std::collections::HashSet;
use std::io::Cursor;

use image::{GrayImage, ImageFormat, ImageReader, Limits, imageops};
use rxing::{BarcodeFormat, DecodeHints};

use super::sniff::{DocumentType, sniff};
use crate::domain::bcbp::{self, BcbpError, BoardingPass};

/// Largest image read, in pixels (a 48-megapixel phone camera's full-size photo is refused,
/// its usual 12-megapixel one is read).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Largest side searched at full size (larger ones take seconds and are never found there).
const FULL_SIZE_SIDE: u32 = 2_400;
/// The largest side of the scaled-down copies searched, in order.
const SEARCH_SIDES: [u32; 5] = [1_600, 1_200, 800, 600, 400];
/// Most memory the image decoder may take (the decoded 40-megapixel RGB image fits).
const MAX_DECODER_BYTES: u64 = 256 * 1024 * 1024;

/// Why no boarding pass was read from a file. [`ScanError::key`] names its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// A PDF: not read yet, a photo or screenshot is needed.
    #[error("PDF boarding passes are not read yet")]
    Pdf,
    /// Not a PNG or JPEG image (HEIC, anything else).
    #[error("not a PNG or JPEG image")]
    NotAnImage,
    /// More than [`MAX_PIXELS`], or the decoder needed more memory than allowed.
    #[error("image too large to read")]
    TooLarge,
    /// An image in which no PDF417, Aztec or QR code was found (or a damaged file).
    #[error("no barcode found")]
    NoBarcode,
    /// A barcode whose text is not a boarding pass we can read.
    #[error("barcode text: {0}")]
    Bcbp(#[from] BcbpError),
}

impl ScanError {
    /// Translation key suffix (`bcbp.error.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::NotAnImage => "not_an_image",
            Self::TooLarge => "image_too_large",
            Self::NoBarcode => "no_barcode",
            Self::Bcbp(e) => e.key(),
        }
    }
}

/// The boarding pass in an image file.
pub fn read_boarding_pass(file: &[u8]) -> Result<BoardingPass, ScanError> {
    let text = read_barcode(file)?;
    Ok(bcbp::parse(&text)?)
}

/// The text of the first PDF417, Aztec or QR code found in a PNG or JPEG file.
pub fn read_barcode(file: &[u8]) -> Result<String, ScanError> {
    let grey = decode_image(file)?;
    // rxing is the port of a large Java library: a panic on a strange image must not take the
    // request (or a blocking thread's caller) down with it.
    std::panic::catch_unwind(|| search(&grey))
        .ok()
        .flatten()
        .ok_or(ScanError::NoBarcode)
}

/// The image as 8-bit grey levels, refused above [`MAX_PIXELS`] before decoding.
fn decode_image(file: &[u8]) -> Result<GrayImage, ScanError> {
    let format = match sniff(file) {
        Some(DocumentType::Png) => ImageFormat::Png,
        Some(DocumentType::Jpeg) => ImageFormat::Jpeg,
        Some(DocumentType::Pdf) => return Err(ScanError::Pdf),
        Some(DocumentType::Heic) | None => return Err(ScanError::NotAnImage),
    };
    let reader = |file| {
        let mut r = ImageReader::with_format(Cursor::new(file), format);
        let mut limits = Limits::default();
        limits.max_alloc = Some(MAX_DECODER_BYTES);
        r.limits(limits);
        r
    };
    let (w, h) = reader(file)
        .into_dimensions()
        .map_err(|_| ScanError::NoBarcode)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ScanError::TooLarge);
    }
    match reader(file).decode() {
        Ok(img) => Ok(img.into_luma8()),
        Err(image::ImageError::Limits(_)) => Err(ScanError::TooLarge),
        Err(_) => Err(ScanError::NoBarcode),
    }
}

/// Tries the image as is (unless very large), then scaled down step by step: the detectors
/// look for finder patterns and module edges in windows of a few dozen pixels, so a code that
/// fills a phone photo is found only once made small, and a blurred one sometimes only once
/// made smaller still. Last, a quarter turn (a pass photographed sideways).
fn search(grey: &GrayImage) -> Option<String> {
    let largest = grey.width().max(grey.height());
    let scaled = |side: u32| {
        let scale = f64::from(side) / f64::from(largest);
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "both sides are positive and at most `side`"
        )]
        let length = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
        imageops::resize(
            grey,
            length(grey.width()),
            length(grey.height()),
            imageops::FilterType::Triangle,
        )
    };
    if largest <= FULL_SIZE_SIDE
        && let Some(text) = detect(grey)
    {
        return Some(text);
    }
    for side in SEARCH_SIDES.into_iter().filter(|s| *s < largest) {
        if let Some(text) = detect(&scaled(side)) {
            return Some(text);
        }
    }
    let turn = SEARCH_SIDES[1];
    let upright = if largest > turn {
        scaled(turn)
    } else {
        grey.clone()
    };
    detect(&imageops::rotate90(&upright))
}

fn detect(img: &GrayImage) -> Option<String> {
    let mut hints = DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(HashSet::from([
            BarcodeFormat::PDF_417,
            BarcodeFormat::AZTEC,
            BarcodeFormat::QR_CODE,
        ])),
        ..DecodeHints::default()
    };
    let (w, h) = img.dimensions();
    rxing::helpers::detect_in_luma_with_hints(img.as_raw().clone(), w, h, None, &mut hints)
        .ok()
        .map(|r| r.getText().to_string())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, pixel: impl Fn(u32, u32) -> u8) -> Vec<u8> {
        let img = GrayImage::from_fn(w, h, |x, y| image::Luma([pixel(x, y)]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_blank_image_has_no_barcode() {
        let blank = png(200, 120, |_, _| 255);
        assert_eq!(read_barcode(&blank), Err(ScanError::NoBarcode));
        let stripes = png(300, 300, |x, _| if x % 7 < 3 { 0 } else { 255 });
        assert_eq!(read_barcode(&stripes), Err(ScanError::NoBarcode));
    }

    #[test]
    fn what_is_not_an_image_is_refused_before_decoding() {
        assert_eq!(read_barcode(b"%PDF-1.7\n..."), Err(ScanError::Pdf));
        assert_eq!(read_barcode(b"MZ\x90\0"), Err(ScanError::NotAnImage));
        assert_eq!(read_barcode(b""), Err(ScanError::NotAnImage));
        // A PNG signature and nothing readable after it.
        assert_eq!(
            read_barcode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(ScanError::NoBarcode)
        );
    }

    /// A decompression bomb: a few hundred bytes declaring 50,000 × 50,000 pixels.
    #[test]
    fn a_huge_canvas_is_refused_from_its_header() {
        let mut file = png(1, 1, |_, _| 0);
        // IHDR starts at byte 16: width and height, then the chunk's CRC at 29..33.
        file[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        file[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&file[12..29]);
        file[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(read_barcode(&file), Err(ScanError::TooLarge));
    }

    #[test]
    fn every_error_has_a_key() {
        let keys: Vec<_> = [
            ScanError::Pdf,
            ScanError::NotAnImage,
            ScanError::TooLarge,
            ScanError::NoBarcode,
            ScanError::Bcbp(BcbpError::NotBcbp),
        ]
        .iter()
        .map(|e| e.key())
        .collect();
        assert_eq!(
            keys,
            [
                "pdf",
                "not_an_image",
                "image_too_large",
                "no_barcode",
                "not_bcbp"
            ]
        );
    }
}
