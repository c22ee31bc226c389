//! Store tests against a real temporary directory.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt as _, ReadBuf};

use super::*;
use crate::documents::sniff::tests::{tiny_jpeg, tiny_png};

fn store() -> (DocumentStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (DocumentStore::new(dir.path()), dir)
}

/// Names in the documents directory, temporary files included.
fn entries(store: &DocumentStore) -> Vec<String> {
    match std::fs::read_dir(store.dir()) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// A PNG header followed by `len` zero bytes in total, produced on the fly in `chunk`-byte
/// reads, so the test itself holds no large buffer.
struct ChunkedPng {
    head: Vec<u8>,
    pos: u64,
    len: u64,
    chunk: usize,
}

impl ChunkedPng {
    fn new(len: u64, chunk: usize) -> Self {
        Self {
            head: tiny_png(),
            pos: 0,
            len,
            chunk,
        }
    }
}

impl AsyncRead for ChunkedPng {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let left = self.len - self.pos;
        let n = usize::try_from(left)
            .unwrap_or(usize::MAX)
            .min(self.chunk)
            .min(buf.remaining());
        for i in 0..n {
            let at = usize::try_from(self.pos).unwrap() + i;
            buf.put_slice(&[self.head.get(at).copied().unwrap_or(0)]);
        }
        self.pos += n as u64;
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn png_is_stored_under_its_hash() {
    let (store, _dir) = store();
    let png = tiny_png();
    let doc = store
        .save_stream(png.as_slice(), MAX_DOCUMENT_BYTES)
        .await
        .unwrap();
    assert_eq!(doc.sha256, crate::backup::documents::sha256_hex(&png));
    assert_eq!(doc.kind, DocumentType::Png);
    assert_eq!(doc.content_type, "image/png");
    assert_eq!(doc.size_bytes, png.len() as u64);
    assert_eq!(entries(&store), vec![doc.sha256.clone()]);
    assert_eq!(std::fs::read(store.dir().join(&doc.sha256)).unwrap(), png);

    let mut back = Vec::new();
    store
        .open(&doc.sha256)
        .await
        .unwrap()
        .read_to_end(&mut back)
        .await
        .unwrap();
    assert_eq!(back, png);
}

#[tokio::test]
async fn same_file_twice_is_stored_once() {
    let (store, _dir) = store();
    let jpeg = tiny_jpeg();
    let a = store
        .save_stream(jpeg.as_slice(), MAX_DOCUMENT_BYTES)
        .await
        .unwrap();
    let b = store
        .save_stream(jpeg.as_slice(), MAX_DOCUMENT_BYTES)
        .await
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(entries(&store), vec![a.sha256]);
}

#[tokio::test]
async fn one_byte_over_the_cap_is_refused_and_leaves_nothing() {
    let (store, _dir) = store();
    let reader = ChunkedPng::new(MAX_DOCUMENT_BYTES + 1, 64 * 1024);
    let err = store
        .save_stream(reader, MAX_DOCUMENT_BYTES)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DocumentError::TooLarge { max_bytes } if max_bytes == MAX_DOCUMENT_BYTES)
    );
    assert_eq!(err.i18n_key(), "documents.error.too_large");
    assert!(entries(&store).is_empty(), "{:?}", entries(&store));
}

#[tokio::test]
async fn exactly_the_cap_is_accepted() {
    let (store, _dir) = store();
    let reader = ChunkedPng::new(MAX_DOCUMENT_BYTES, 64 * 1024);
    let doc = store.save_stream(reader, MAX_DOCUMENT_BYTES).await.unwrap();
    assert_eq!(doc.size_bytes, MAX_DOCUMENT_BYTES);
}

#[tokio::test]
async fn nine_mib_in_small_chunks_streams_through() {
    let (store, _dir) = store();
    let len = 9 * 1024 * 1024;
    let reader = ChunkedPng::new(len, 1000);
    let doc = store.save_stream(reader, MAX_DOCUMENT_BYTES).await.unwrap();
    assert_eq!(doc.size_bytes, len);
    let on_disk = std::fs::metadata(store.dir().join(&doc.sha256)).unwrap();
    assert_eq!(on_disk.len(), len);
    assert_eq!(entries(&store).len(), 1, "no temporary file left");
}

#[tokio::test]
async fn renamed_executable_is_refused() {
    // What the browser would send for `invoice.pdf` with `Content-Type: application/pdf`:
    // the store never sees the name or the declared type, only the bytes.
    let (store, _dir) = store();
    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    exe.resize(4096, 0);
    let err = store
        .save_stream(exe.as_slice(), MAX_DOCUMENT_BYTES)
        .await
        .unwrap_err();
    assert!(matches!(err, DocumentError::WrongType), "{err:?}");
    assert_eq!(err.i18n_key(), "documents.error.wrong_type");
    assert!(entries(&store).is_empty());
}

#[tokio::test]
async fn short_unknown_file_is_refused() {
    let (store, _dir) = store();
    let err = store
        .save_stream(&b"#!/bin/sh\n"[..], MAX_DOCUMENT_BYTES)
        .await
        .unwrap_err();
    assert!(matches!(err, DocumentError::WrongType));
    assert!(entries(&store).is_empty());
}

#[tokio::test]
async fn empty_file_is_refused() {
    let (store, _dir) = store();
    let err = store
        .save_stream(&b""[..], MAX_DOCUMENT_BYTES)
        .await
        .unwrap_err();
    assert!(matches!(err, DocumentError::Empty));
    assert_eq!(err.i18n_key(), "documents.error.empty");
    assert!(entries(&store).is_empty());
}

#[tokio::test]
async fn open_refuses_anything_but_a_digest() {
    let (store, dir) = store();
    std::fs::write(dir.path().join("secret"), b"x").unwrap();
    let hostile = [
        "../secret",
        "..",
        "/etc/passwd",
        "",
        "documents/../../secret",
        &"A".repeat(64),
        &format!("{}/", "a".repeat(63)),
        &format!("../{}", "a".repeat(61)),
    ];
    for id in hostile {
        assert!(
            matches!(store.open(id).await, Err(DocumentError::NotFound)),
            "{id:?} must be refused"
        );
    }
    // A well-formed digest that is not stored.
    assert!(matches!(
        store.open(&"0".repeat(64)).await,
        Err(DocumentError::NotFound)
    ));
}

#[tokio::test]
async fn stored_files_are_what_the_replicator_ships() {
    let (store, _dir) = store();
    let doc = store
        .save_stream(tiny_png().as_slice(), MAX_DOCUMENT_BYTES)
        .await
        .unwrap();
    // Same directory name and naming rule as backup::documents (64 lowercase hex, no extension).
    assert!(store.dir().ends_with(crate::backup::documents::DIR));
    let bytes = std::fs::read(store.dir().join(&doc.sha256)).unwrap();
    assert_eq!(crate::backup::documents::sha256_hex(&bytes), doc.sha256);
}
