//! What the wizard (step 5) and the claim page share about documents: the multipart upload
//! form and its checks, and the download responses (documents and signed-mandate PDFs).
//!
//! Uploads: Rocket spools the multipart file to its temp dir (limit `file`, 12 MiB, `app.rs`;
//! past it the `Form` guard fails with 413 and the catcher renders the 413 page), then
//! [`crate::documents::upload::save_temp_file`] streams it into the content-addressed store,
//! sniffing the content (never the name or the declared type) and refusing more than 10 MB.
//! The original file name is kept only as metadata, sanitised by [`sanitize_name`].

use std::io::Cursor;
use std::net::IpAddr;

use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::ContentType;
use rocket::response::{self, Responder, Response};
use rocket::{Request, State};
use serde::Serialize;

use crate::config::AppConfig;
use crate::db::documents::{Document, KINDS, NewDocument};
use crate::documents::quota::{self, DailyUploads, Usage};
use crate::documents::{DocumentError, DocumentStore, upload};
use crate::i18n::translate;
use crate::web::AppError;
use crate::web::check::form::{Errors, Field};

/// Longest original file name kept (characters).
pub const MAX_NAME_CHARS: usize = 120;

/// The multipart upload form (`enctype="multipart/form-data"`).
#[derive(FromForm)]
pub struct UploadForm<'r> {
    #[field(default = String::new())]
    pub csrf_token: String,
    #[field(default = String::new())]
    pub kind: String,
    /// Position of the passenger an identity document belongs to.
    #[field(default = String::new())]
    pub passenger: String,
    pub file: Option<TempFile<'r>>,
}

/// The typed values of the form, re-shown after an error.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UploadValues {
    pub kind: String,
    pub passenger: String,
}

/// The fields of the upload form for a template.
#[derive(Debug, Clone, Serialize)]
pub struct UploadView {
    pub kind: Field,
    pub passenger: Field,
    pub file: Field,
    /// `[value, label]` options of the kind select.
    pub kinds: Vec<[String; 2]>,
    /// `[position, name]` of each passenger, for identity documents.
    pub passengers: Vec<[String; 2]>,
    /// How many files and bytes may still be added (empty when not known).
    pub left: String,
    /// No more file may be added: the form is not shown.
    pub full: bool,
}

impl UploadView {
    pub fn new(
        values: &UploadValues,
        errors: &Errors,
        passenger_names: &[String],
        lang: &str,
    ) -> Self {
        let kinds = KINDS
            .iter()
            .map(|k| {
                [
                    (*k).to_string(),
                    translate(lang, &format!("documents.kind.{k}"), &[]),
                ]
            })
            .collect();
        let passengers = passenger_names
            .iter()
            .enumerate()
            .map(|(i, n)| [i.to_string(), n.clone()])
            .collect();
        UploadView {
            kind: Field::new("doc-kind", "kind", &values.kind, errors),
            passenger: Field::new("doc-passenger", "passenger", &values.passenger, errors),
            file: Field::new("doc-file", "file", "", errors),
            kinds,
            passengers,
            left: String::new(),
            full: false,
        }
    }

    /// Says how much may still be uploaded.
    #[must_use]
    pub fn with_usage(mut self, usage: Usage, lang: &str) -> Self {
        self.left = left_message(usage, lang);
        self.full = usage.files_left() == 0;
        self
    }
}

/// A document as listed on a page.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentItem {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub passenger: Option<String>,
    pub size: String,
    pub uploaded_at: String,
    /// `image` or `pdf` when a browser shows the file itself (staff previews), else "".
    pub preview: &'static str,
}

/// The list rows of `docs`, with the passenger named for identity documents.
pub fn items(docs: &[Document], passenger_names: &[String], lang: &str) -> Vec<DocumentItem> {
    docs.iter()
        .map(|d| DocumentItem {
            id: d.id,
            name: d.original_name.clone(),
            kind: d.kind.clone(),
            passenger: d
                .passenger_position
                .and_then(|p| usize::try_from(p).ok())
                .and_then(|p| passenger_names.get(p).cloned()),
            size: human_size(d.size_bytes, lang),
            preview: match d.content_type.as_str() {
                "image/png" | "image/jpeg" => "image",
                "application/pdf" => "pdf",
                _ => "",
            },
            uploaded_at: d
                .uploaded_at
                .get(..10)
                .unwrap_or(&d.uploaded_at)
                .to_string(),
        })
        .collect()
}

fn human_size(bytes: i64, lang: &str) -> String {
    if bytes >= 1024 * 1024 {
        #[allow(clippy::cast_precision_loss)]
        let mb = format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
        let mb = if lang == "fr" {
            mb.replace('.', ",")
        } else {
            mb
        };
        translate(lang, "documents.size.mb", &[("n", &mb)])
    } else {
        let kb = ((bytes + 1023) / 1024).to_string();
        translate(lang, "documents.size.kb", &[("n", &kb)])
    }
}

/// A file name as the passenger's device gave it, made harmless to keep and show: the last
/// path component, no control or bidirectional-override characters, no leading dots, at most
/// [`MAX_NAME_CHARS`]; `document` when nothing is left.
pub fn sanitize_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .take(MAX_NAME_CHARS)
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    if clean.is_empty() {
        "document".to_string()
    } else {
        clean.to_string()
    }
}

/// What an upload may still take: the draft's or claim's usage, and the client's daily bytes.
pub struct Budget<'a> {
    pub usage: Usage,
    pub client: IpAddr,
    pub daily: &'a DailyUploads,
}

impl<'a> Budget<'a> {
    /// What a draft's uploads may still take.
    pub async fn of_draft(
        db: &crate::db::Db,
        draft_id: i64,
        client: IpAddr,
        daily: &'a DailyUploads,
    ) -> Result<Budget<'a>, AppError> {
        let owner = crate::db::documents::Owner::Draft(draft_id);
        let (files, bytes) = db
            .read(move |c| crate::db::documents::usage(c, owner))
            .await?;
        Ok(Budget {
            usage: Usage { files, bytes },
            client,
            daily,
        })
    }
}

/// Checks the form and the quotas, stores the file and returns the row to insert; or the
/// form's errors (translated, by field id). The CSRF token was checked before the body was
/// read ([`crate::web::guards::QueryCsrf`]).
pub async fn accept(
    form: &UploadForm<'_>,
    cfg: &State<AppConfig>,
    passengers: usize,
    uploaded_by: Option<i64>,
    budget: &Budget<'_>,
    lang: &str,
) -> Result<NewDocument, Errors> {
    let mut errors = Errors::default();
    let t = |k: &str| translate(lang, k, &[]);
    let kind = form.kind.as_str();
    if !KINDS.contains(&kind) {
        errors.add("doc-kind", t("documents.error.kind"));
    }
    let mut position = None;
    if kind == "id" {
        match form.passenger.parse::<usize>() {
            Ok(p) if p < passengers => position = i64::try_from(p).ok(),
            _ => errors.add("doc-passenger", t("documents.error.passenger")),
        }
    }
    let Some(file) = form.file.as_ref().filter(|f| {
        f.raw_name()
            .is_some_and(|n| !n.dangerous_unsafe_unsanitized_raw().as_str().is_empty())
            || f.len() > 0
    }) else {
        errors.add("doc-file", t("documents.error.missing"));
        return Err(errors);
    };
    if let Some(key) = quota_refusal(budget, file.len()) {
        errors.add("doc-file", quota_message(key, lang));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let store = DocumentStore::new(&cfg.data_dir);
    let stored = match upload::save_temp_file(&store, file).await {
        Ok(s) => s,
        Err(e) => {
            if let DocumentError::Io(cause) = &e {
                tracing::error!(error = %cause, "document upload failed");
            }
            errors.add("doc-file", t(e.i18n_key()));
            return Err(errors);
        }
    };
    budget.daily.record(budget.client, stored.size_bytes);
    let raw = file
        .raw_name()
        .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
        .unwrap_or_default();
    Ok(NewDocument {
        kind: kind.to_string(),
        passenger_position: position,
        sha256: stored.sha256,
        size_bytes: i64::try_from(stored.size_bytes).unwrap_or(i64::MAX),
        content_type: stored.content_type.to_string(),
        original_name: sanitize_name(&raw),
        uploaded_by,
    })
}

fn quota_refusal(budget: &Budget<'_>, size: u64) -> Option<&'static str> {
    budget.usage.refusal(size).or_else(|| {
        (!budget.daily.allows(budget.client, size)).then_some("documents.error.daily_quota")
    })
}

/// The message of a quota refusal, with the limits in it.
fn quota_message(key: &str, lang: &str) -> String {
    let files = quota::MAX_FILES.to_string();
    let max_mb = (quota::MAX_BYTES / (1024 * 1024)).to_string();
    translate(lang, key, &[("n", &files), ("mb", &max_mb)])
}

/// "You can still add N documents (X MB)." for the upload form.
pub fn left_message(usage: Usage, lang: &str) -> String {
    if usage.files_left() == 0 {
        let n = quota::MAX_FILES.to_string();
        return translate(lang, "documents.quota.full", &[("n", &n)]);
    }
    let files = usage.files_left().to_string();
    let left_mb = human_size(usage.bytes_left(), lang);
    translate(
        lang,
        "documents.quota.left",
        &[("files", &files), ("size", &left_mb)],
    )
}

/// The extension that goes with a stored content type.
fn extension_of(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/heic" | "image/heif" => "heic",
        _ => "bin",
    }
}

/// The name to download a document under: its original name, with the extension of its real
/// type added when the name says otherwise (`x.exe` holding a PDF downloads as `x.exe.pdf`).
pub fn download_name(doc: &Document) -> String {
    let ext = extension_of(&doc.content_type);
    let given = std::path::Path::new(&doc.original_name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let matches = match ext {
        "jpg" => given == "jpg" || given == "jpeg",
        "heic" => given == "heic" || given == "heif",
        other => given == other,
    };
    if matches {
        doc.original_name.clone()
    } else {
        format!("{}.{ext}", doc.original_name)
    }
}

/// `Content-Disposition: attachment` with an ASCII `filename` and the exact UTF-8 name in
/// `filename*` (RFC 6266 / RFC 5987).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = deunicode::deunicode(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

enum Body {
    File(tokio::fs::File),
    Bytes(Vec<u8>),
}

/// A file sent as an attachment: never rendered by the browser, never sniffed, never cached.
pub struct Download {
    body: Body,
    content_type: ContentType,
    filename: String,
    /// Shown in the browser (staff previews) rather than saved.
    inline: bool,
}

impl Download {
    /// A stored document (404 when its file is missing).
    pub async fn document(cfg: &AppConfig, doc: &Document) -> Result<Download, AppError> {
        let store = DocumentStore::new(&cfg.data_dir);
        let file = store.open(&doc.sha256).await.map_err(|e| match e {
            DocumentError::NotFound => AppError::NotFound,
            other => AppError::Internal(other.to_string()),
        })?;
        Ok(Download {
            body: Body::File(file),
            content_type: ContentType::parse_flexible(&doc.content_type)
                .unwrap_or(ContentType::Binary),
            filename: download_name(doc),
            inline: false,
        })
    }

    /// Shown by the browser instead of saved: only for the types browsers display themselves
    /// (sniffed at upload, so the stored type is what the bytes are).
    #[must_use]
    pub fn inline(mut self) -> Download {
        let ct = self.content_type.to_string();
        self.inline = ["image/png", "image/jpeg", "application/pdf"]
            .iter()
            .any(|t| ct.starts_with(t));
        self
    }

    /// A generated PDF.
    pub fn pdf(bytes: Vec<u8>, filename: String) -> Download {
        Download {
            body: Body::Bytes(bytes),
            content_type: ContentType::PDF,
            filename,
            inline: false,
        }
    }
}

impl<'r> Responder<'r, 'static> for Download {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        let mut res = Response::build();
        let mut disposition = content_disposition(&self.filename);
        if self.inline {
            disposition = disposition.replacen("attachment", "inline", 1);
        }
        res.header(self.content_type)
            .raw_header("Content-Disposition", disposition)
            .raw_header("X-Content-Type-Options", "nosniff")
            .raw_header("Cache-Control", "private, no-store");
        match self.body {
            Body::File(f) => res.sized_body(None, f),
            Body::Bytes(b) => res.sized_body(b.len(), Cursor::new(b)),
        };
        res.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitize_name("C:\\Users\\me\\carte.pdf"), "carte.pdf");
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("..."), "document");
        assert_eq!(sanitize_name("a\u{202E}fdp.exe"), "afdp.exe");
        assert_eq!(sanitize_name("x\ny.pdf"), "xy.pdf");
        assert_eq!(
            sanitize_name(&"é".repeat(300)).chars().count(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn disposition_has_ascii_and_utf8_names() {
        assert_eq!(
            content_disposition("carte d'embarquement é.pdf"),
            "attachment; filename=\"carte d_embarquement e.pdf\"; \
             filename*=UTF-8''carte%20d%27embarquement%20%C3%A9.pdf"
        );
        assert!(content_disposition("a\"b.pdf").starts_with("attachment; filename=\"a_b.pdf\""));
    }
}
