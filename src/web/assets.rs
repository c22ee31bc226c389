//! Static assets embedded with rust-embed, served under content-hashed URLs.
//!
//! At start-up every file under `assets/` is hashed (SHA-256, first 12 hex digits in the URL:
//! `css/app.css` → `/assets/css/app.3f2a9c1b0d4e.css`) and compressed once with brotli and gzip,
//! so a response is a memory copy. Hashed URLs are cached for a year (`immutable`); the `ETag` is
//! the hash. In debug builds rust-embed reads from disk, so a restart picks up edits.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::{State, get};
use rust_embed::RustEmbed;
use sha2::{Digest as _, Sha256};

#[derive(RustEmbed)]
#[folder = "assets/"]
// The PDF fonts are compiled into the documents module (`crate::pdf::font`), not served.
#[exclude = "fonts/*"]
struct AssetFiles;

/// One asset with its precompressed variants.
pub struct Asset {
    pub content_type: ContentType,
    pub etag: String,
    pub raw: Vec<u8>,
    pub gzip: Vec<u8>,
    pub brotli: Vec<u8>,
}

/// Every embedded asset, by hashed path and by logical path.
pub struct AssetStore {
    by_hashed: HashMap<String, Arc<Asset>>,
    hashed_url: HashMap<String, String>,
}

fn hashed_name(path: &str, hash: &str) -> String {
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}.{hash}.{ext}"),
        _ => format!("{path}.{hash}"),
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &data[..], &mut out, &params);
    out
}

fn is_compressible(ct: &ContentType) -> bool {
    ct.is_text()
        || ct.is_javascript()
        || ct.is_css()
        || ct.is_svg()
        || ct.is_json()
        || *ct == ContentType::Icon
}

impl AssetStore {
    pub fn load() -> Arc<AssetStore> {
        let mut by_hashed = HashMap::new();
        let mut hashed_url = HashMap::new();
        for path in AssetFiles::iter() {
            let Some(file) = AssetFiles::get(&path) else {
                continue;
            };
            let raw = file.data.into_owned();
            let hash = hex::encode(&Sha256::digest(&raw)[..6]);
            let ext = path.rsplit('.').next().unwrap_or("");
            let content_type = ContentType::from_extension(ext).unwrap_or(ContentType::Binary);
            let (gzip, brotli) = if is_compressible(&content_type) && raw.len() > 256 {
                (gzip(&raw), brotli(&raw))
            } else {
                (Vec::new(), Vec::new())
            };
            let hashed = hashed_name(&path, &hash);
            hashed_url.insert(path.to_string(), format!("/assets/{hashed}"));
            by_hashed.insert(
                hashed,
                Arc::new(Asset {
                    content_type,
                    etag: format!("\"{hash}\""),
                    raw,
                    gzip,
                    brotli,
                }),
            );
        }
        Arc::new(AssetStore {
            by_hashed,
            hashed_url,
        })
    }

    /// The hashed URL of a logical asset path such as `css/app.css`.
    pub fn url(&self, path: &str) -> Option<&str> {
        self.hashed_url.get(path).map(String::as_str)
    }

    pub fn get_hashed(&self, hashed_path: &str) -> Option<Arc<Asset>> {
        self.by_hashed.get(hashed_path).cloned()
    }

    /// Logical paths and their URLs, for tests and diagnostics.
    pub fn urls(&self) -> impl Iterator<Item = (&str, &str)> {
        self.hashed_url
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// What the client accepts, from `Accept-Encoding` and `If-None-Match`.
pub struct Negotiation {
    brotli: bool,
    gzip: bool,
    if_none_match: Option<String>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Negotiation {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let accept = req
            .headers()
            .get("Accept-Encoding")
            .collect::<Vec<_>>()
            .join(",");
        let has = |name: &str| {
            accept
                .split(',')
                .any(|p| p.split(';').next().is_some_and(|t| t.trim() == name))
        };
        Outcome::Success(Negotiation {
            brotli: has("br"),
            gzip: has("gzip"),
            if_none_match: req.headers().get_one("If-None-Match").map(str::to_string),
        })
    }
}

/// An asset response with caching and compression headers.
pub struct AssetResponse {
    asset: Arc<Asset>,
    neg: Negotiation,
    immutable: bool,
}

impl<'r> Responder<'r, 'static> for AssetResponse {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        let cache = if self.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=86400"
        };
        let mut builder = Response::build();
        builder
            .header(self.asset.content_type.clone())
            .raw_header("Cache-Control", cache)
            .raw_header("ETag", self.asset.etag.clone())
            .raw_header("Vary", "Accept-Encoding");
        if self.neg.if_none_match.as_deref() == Some(self.asset.etag.as_str()) {
            return builder.status(Status::NotModified).ok();
        }
        let (body, encoding) = if self.neg.brotli && !self.asset.brotli.is_empty() {
            (self.asset.brotli.clone(), Some("br"))
        } else if self.neg.gzip && !self.asset.gzip.is_empty() {
            (self.asset.gzip.clone(), Some("gzip"))
        } else {
            (self.asset.raw.clone(), None)
        };
        if let Some(enc) = encoding {
            builder.header(Header::new("Content-Encoding", enc));
        }
        builder
            .sized_body(body.len(), std::io::Cursor::new(body))
            .ok()
    }
}

#[get("/assets/<path..>")]
pub fn get_asset(
    path: PathBuf,
    store: &State<Arc<AssetStore>>,
    neg: Negotiation,
) -> Option<AssetResponse> {
    let key = path.to_str()?.replace('\\', "/");
    let asset = store.get_hashed(&key)?;
    Some(AssetResponse {
        asset,
        neg,
        immutable: true,
    })
}

#[get("/favicon.ico")]
pub fn get_favicon(store: &State<Arc<AssetStore>>, neg: Negotiation) -> Option<AssetResponse> {
    let url = store.url("img/favicon.svg")?;
    let asset = store.get_hashed(url.strip_prefix("/assets/")?)?;
    Some(AssetResponse {
        asset,
        neg,
        immutable: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_extension() {
        assert_eq!(hashed_name("css/app.css", "abc"), "css/app.abc.css");
        assert_eq!(hashed_name("LICENSE", "abc"), "LICENSE.abc");
    }

    #[test]
    fn every_asset_has_a_hashed_url_and_compresses() {
        let store = AssetStore::load();
        let url = store.url("css/app.css").expect("app.css embedded");
        let asset = store
            .get_hashed(url.trim_start_matches("/assets/"))
            .unwrap();
        assert!(!asset.brotli.is_empty() && asset.brotli.len() < asset.raw.len());
        assert!(!asset.gzip.is_empty() && asset.gzip.len() < asset.raw.len());
    }
}
