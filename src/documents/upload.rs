//! Rocket glue for the claim wizard: from an upload to a [`StoredDocument`].
//!
//! Use a multipart form with a `TempFile` field:
//!
//! ```ignore
//! #[derive(FromForm)]
//! struct DocumentUpload<'r> { csrf: String, file: TempFile<'r> }
//!
//! #[post("/claims/<claim_ref>/documents", data = "<form>")]
//! async fn post_claim_document(form: Form<DocumentUpload<'_>>, store: &State<DocumentStore>, …) {
//!     let doc = save_temp_file(store, &form.file).await?;   // then insert the DB row
//! }
//! ```
//!
//! Limits (set in `app.rs`): Rocket spools a multipart file field to `temp_dir` on disk, capped by
//! the `file` limit (12 MiB); the whole multipart body is capped by `data-form` (12 MiB). Past
//! either, the `Form` guard fails with 413 Payload Too Large, which the app's 413 catcher renders.
//! (With `Form<Contextual<_>>` the guard succeeds instead: check `context.status()` and answer 413
//! yourself.) Between 10 and 12 MiB the upload reaches [`DocumentStore::save_stream`], which
//! refuses it with `DocumentError::TooLarge` → re-render the form with
//! `documents.error.too_large`. Neither path holds the upload in memory: `TempFile::open` reads
//! Rocket's spool file back in chunks.

use rocket::data::{Data, ToByteUnit as _};
use rocket::fs::TempFile;

use super::DocumentError;
use super::store::{DocumentStore, MAX_DOCUMENT_BYTES, StoredDocument};

/// Stores a multipart file field (already spooled to disk by Rocket), sniffing its content.
/// The field's file name and `Content-Type` are ignored on purpose.
pub async fn save_temp_file(
    store: &DocumentStore,
    file: &TempFile<'_>,
) -> Result<StoredDocument, DocumentError> {
    let reader = file.open().await?;
    store.save_stream(reader, MAX_DOCUMENT_BYTES).await
}

/// Stores a raw request body (`data = "<data>"` with `Data<'_>`), e.g. for a future JSON API.
/// Reads at most one byte past [`MAX_DOCUMENT_BYTES`], enough to tell "too large" apart.
pub async fn save_data(
    store: &DocumentStore,
    data: Data<'_>,
) -> Result<StoredDocument, DocumentError> {
    let stream = data.open((MAX_DOCUMENT_BYTES + 1).bytes());
    store.save_stream(stream, MAX_DOCUMENT_BYTES).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::sniff::tests::tiny_pdf;

    #[tokio::test]
    async fn temp_file_is_sniffed_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocumentStore::new(dir.path());
        let pdf = tiny_pdf();
        let file = TempFile::Buffered { content: &pdf };
        let doc = save_temp_file(&store, &file).await.unwrap();
        assert_eq!(doc.content_type, "application/pdf");

        let exe = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";
        let file = TempFile::Buffered { content: exe };
        assert!(matches!(
            save_temp_file(&store, &file).await,
            Err(DocumentError::WrongType)
        ));
    }
}
