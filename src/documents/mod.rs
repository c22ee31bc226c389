//! Passenger documents (boarding passes, booking confirmations, identity documents).
//!
//! * [`sniff`] decides what a file is from its first bytes, never from its name or declared type.
//! * [`store`] streams an upload to `<data_dir>/documents/<sha256 hex>`, the layout that
//!   [`crate::backup::documents::sync_dir`] replicates as is.
//! * [`upload`] is the Rocket glue: from a multipart `TempFile` (or a raw body) to the store.
//!
//! Errors carry an i18n key (`documents.error.*`) for the passenger; the cause goes to the log.

pub mod boarding_pass;
pub mod quota;
pub mod sniff;
pub mod store;
pub mod upload;

pub use sniff::{DocumentType, sniff};
pub use store::{DocumentStore, MAX_DOCUMENT_BYTES, StoredDocument};

/// Why a document was not stored or cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The stream went past the size cap; nothing was kept.
    #[error("document larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// The content is not a PDF, JPEG, PNG or HEIC/HEIF image.
    #[error("document content is not an accepted type")]
    WrongType,
    /// Zero bytes.
    #[error("empty document")]
    Empty,
    /// `open` was given something that is not a SHA-256 hex digest, or no such document exists.
    #[error("no such document")]
    NotFound,
    /// Disk error (full disk, permissions): the passenger sees a generic message, the log the cause.
    #[error("document storage: {0}")]
    Io(#[from] std::io::Error),
}

impl DocumentError {
    /// Translation key of the message shown to the passenger (`locales/documents.*.yml`).
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "documents.error.too_large",
            Self::WrongType => "documents.error.wrong_type",
            Self::Empty => "documents.error.empty",
            Self::NotFound => "documents.error.not_found",
            Self::Io(_) => "documents.error.io",
        }
    }
}
