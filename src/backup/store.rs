//! The replica as an object store: `file:///path` is a [`LocalFileSystem`], `s3://bucket/prefix`
//! an [`AmazonS3`] configured from the standard `AWS_*` variables (`AWS_ENDPOINT_URL` for
//! S3-compatible stores). Query parameters `endpoint` and `region` are accepted too, so the very
//! URL given to `litestream restore` works here.
//!
//! Requests time out quickly and retry little: the replicator has its own backoff, and an upload
//! stuck for minutes inside the client would hide an outage from `/ready`. Files larger than
//! [`PART_SIZE`] (snapshots of a large database) are uploaded from a temporary file in parts
//! ([`Replica::put_ltx_file`], S3 multipart): the timeout and the retries apply to each part,
//! and memory stays at a few parts whatever the size.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::TryStreamExt as _;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjPath;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt as _,
    PutMultipartOptions, PutOptions, PutPayload, RetryConfig, WriteMultipart,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::layout::{self, Layout};
use super::ltx;

/// Size of one part of a multipart upload (S3 wants at least 5 MiB but for the last).
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts of one upload in flight at once.
const PARTS_IN_FLIGHT: usize = 2;

/// Replica I/O failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid replica URL `{0}`: {1}")]
    Url(String, String),
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// One LTX file found in a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileInfo {
    pub level: u8,
    pub min: u64,
    pub max: u64,
    pub size: u64,
    /// Modification time in ms (file replicas: the header timestamp; S3: upload time).
    pub modified_ms: i64,
}

/// An opened replica.
#[derive(Clone)]
pub struct Replica {
    store: Arc<dyn ObjectStore>,
    layout: Layout,
    /// Key prefix inside the bucket (S3) or empty (file: the store is rooted at the path).
    prefix: String,
    /// Root directory of a file replica (to set modification times).
    root: Option<std::path::PathBuf>,
    display: String,
}

impl std::fmt::Debug for Replica {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display)
    }
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// S3 credentials read from `AWS_*` variables or from the files their `AWS_*_FILE` variants name
/// (systemd's `LoadCredential=`: `AWS_SECRET_ACCESS_KEY_FILE=%d/aws_secret`). `None` fields are
/// left to the client: with `?credentials=instance` in the replica URL, the instance's role
/// (EC2 metadata service, container or web-identity credentials).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct S3Credentials {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
}

/// Resolves [`S3Credentials`] through `env` (a variable lookup, so that it is testable).
/// Missing credentials are an error with the fix, not a metadata-service timeout minutes later,
/// unless the URL asks for the instance's own credentials.
pub fn s3_credentials(
    query: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<S3Credentials, String> {
    let read = |name: &str| -> Result<Option<String>, String> {
        if let Some(value) = env(name).filter(|v| !v.is_empty()) {
            return Ok(Some(value));
        }
        let file_var = format!("{name}_FILE");
        let Some(path) = env(&file_var).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{file_var}={path} cannot be read: {e}"))?;
        let value = text.trim().to_string();
        if value.is_empty() {
            return Err(format!("{file_var}={path} is empty"));
        }
        Ok(Some(value))
    };
    let creds = S3Credentials {
        access_key_id: read("AWS_ACCESS_KEY_ID")?,
        secret_access_key: read("AWS_SECRET_ACCESS_KEY")?,
        session_token: read("AWS_SESSION_TOKEN")?,
    };
    let from_instance = query_param(query, "credentials") == Some("instance");
    match (&creds.access_key_id, &creds.secret_access_key) {
        (Some(_), Some(_)) => Ok(creds),
        (None, None) if from_instance => Ok(creds),
        (Some(_), None) => Err("AWS_ACCESS_KEY_ID is set but not AWS_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY_FILE)".into()),
        (None, Some(_)) => Err("AWS_SECRET_ACCESS_KEY is set but not AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID_FILE)".into()),
        (None, None) => Err("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or their _FILE variants naming a file that holds the value); on a cloud instance with a role, add ?credentials=instance to the replica URL".into()),
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// What can be told of a replica URL without touching the store (`check-config` and `serve`
/// both run it, through the configuration's validation): its form, and for S3 that credentials
/// are there.
pub fn check_url(url: &str) -> Result<(), String> {
    check_url_form(url)?;
    match url.split_once('?') {
        Some((base, query)) if base.starts_with("s3://") => {
            s3_credentials(query, &process_env).map(drop)
        }
        None if url.starts_with("s3://") => s3_credentials("", &process_env).map(drop),
        _ => Ok(()),
    }
}

fn check_url_form(url: &str) -> Result<(), String> {
    let base = url.split_once('?').map_or(url, |(b, _)| b);
    if let Some(path) = base.strip_prefix("file://") {
        if !path.starts_with('/') {
            return Err(format!(
                "a file replica needs an absolute path (file://{path} is relative: {path} is read as a host name)"
            ));
        }
        return Ok(());
    }
    let Some(rest) = base.strip_prefix("s3://") else {
        return Err("only file:// and s3:// replicas are supported".into());
    };
    if rest.split('/').next().unwrap_or_default().is_empty() {
        return Err("missing bucket name: s3://bucket/prefix".into());
    }
    Ok(())
}

impl Replica {
    /// Opens the replica named by `url` (creating a file replica's root directory).
    pub fn open(url: &str) -> Result<Replica, StoreError> {
        let bad = |why: &str| StoreError::Url(url.to_string(), why.to_string());
        check_url_form(url).map_err(|why| bad(&why))?;
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        if let Some(path) = base.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(bad(
                    "a file replica needs an absolute path: file:///var/backups/flightclaim",
                ));
            }
            std::fs::create_dir_all(path)?;
            let fs = LocalFileSystem::new_with_prefix(path)?;
            return Ok(Replica {
                store: Arc::new(fs),
                layout: Layout::File,
                prefix: String::new(),
                root: Some(path.into()),
                display: base.to_string(),
            });
        }
        let rest = base
            .strip_prefix("s3://")
            .ok_or_else(|| bad("only file:// and s3:// replicas are supported"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(bad("missing bucket name: s3://bucket/prefix"));
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let region = query_param(query, "region")
            .map(str::to_string)
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let creds = s3_credentials(query, &process_env).map_err(|why| bad(&why))?;
        let mut builder = AmazonS3Builder::from_env();
        if let (Some(id), Some(secret)) = (creds.access_key_id, creds.secret_access_key) {
            builder = builder
                .with_access_key_id(id)
                .with_secret_access_key(secret);
        }
        if let Some(token) = creds.session_token {
            builder = builder.with_token(token);
        }
        let mut builder = builder
            .with_bucket_name(bucket)
            .with_region(region)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(1),
                    base: 2.0,
                },
                max_retries: 2,
                retry_timeout: Duration::from_secs(5),
            })
            .with_client_options(
                ClientOptions::new()
                    .with_timeout(Duration::from_secs(20))
                    .with_connect_timeout(Duration::from_secs(3)),
            );
        let endpoint = query_param(query, "endpoint")
            .map(str::to_string)
            .or_else(|| env("AWS_ENDPOINT_URL_S3"))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| env("AWS_ENDPOINT"));
        if let Some(endpoint) = endpoint {
            // S3-compatible stores (MinIO, Garage, moto) want path-style requests.
            builder = builder
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false)
                .with_endpoint(endpoint);
        }
        let store = builder.build()?;
        Ok(Replica {
            store: Arc::new(store),
            layout: Layout::S3,
            prefix: prefix.trim_matches('/').to_string(),
            root: None,
            display: base.to_string(),
        })
    }

    /// The URL without query parameters (safe to log).
    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    fn key(&self, rel: &str) -> ObjPath {
        if self.prefix.is_empty() {
            ObjPath::from(rel)
        } else {
            ObjPath::from(format!("{}/{rel}", self.prefix))
        }
    }

    fn ltx_key(&self, level: u8, min: u64, max: u64) -> ObjPath {
        self.key(&self.layout.ltx_key(level, min, max))
    }

    /// Every LTX file of one level, ordered by `(max, min)`.
    pub async fn list_level(&self, level: u8) -> Result<Vec<FileInfo>, StoreError> {
        let dir = self.key(&self.layout.level_dir(level));
        let listing = match self.store.list_with_delimiter(Some(&dir)).await {
            Ok(l) => l,
            Err(object_store::Error::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut files: Vec<FileInfo> = listing
            .objects
            .iter()
            .filter_map(|o| {
                let (min, max) = layout::parse_file_name(o.location.filename()?)?;
                Some(FileInfo {
                    level,
                    min,
                    max,
                    size: o.size,
                    modified_ms: o.last_modified.timestamp_millis(),
                })
            })
            .collect();
        // By last TXID: `.last()` is the newest file even when a snapshot (`1-N`, shipped at
        // start-up or to heal the chain) sits among single-TXID files.
        files.sort_by_key(|f| (f.max, f.min));
        Ok(files)
    }

    /// Highest TXID anywhere in the replica (0 when empty).
    pub async fn max_txid(&self) -> Result<u64, StoreError> {
        let mut max = 0;
        for level in (0..=layout::SNAPSHOT_LEVEL).rev() {
            if let Some(f) = self.list_level(level).await?.last() {
                max = max.max(f.max);
            }
        }
        Ok(max)
    }

    /// Uploads one LTX file. File replicas get the header timestamp as modification time and
    /// S3 objects the `litestream-timestamp` metadata, both read by point-in-time restores.
    pub async fn put_ltx(
        &self,
        level: u8,
        header: &ltx::Header,
        bytes: Vec<u8>,
    ) -> Result<(), StoreError> {
        let key = self.ltx_key(level, header.min_txid, header.max_txid);
        match self.layout {
            Layout::S3 => {
                let opts = PutOptions {
                    attributes: self.timestamp_attributes(header),
                    ..PutOptions::default()
                };
                self.store
                    .put_opts(&key, PutPayload::from(bytes), opts)
                    .await?;
            }
            Layout::File => {
                self.store.put(&key, PutPayload::from(bytes)).await?;
                self.set_file_time(&key, header).await?;
            }
        }
        Ok(())
    }

    /// `litestream-timestamp` metadata of an S3 object (file replicas: none).
    fn timestamp_attributes(&self, header: &ltx::Header) -> Attributes {
        let mut attributes = Attributes::new();
        if self.layout == Layout::S3 {
            let ts =
                chrono::DateTime::from_timestamp_millis(header.timestamp_ms).unwrap_or_default();
            attributes.insert(
                Attribute::Metadata("litestream-timestamp".into()),
                ts.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
                    .into(),
            );
        }
        attributes
    }

    /// A file replica's copy gets the header timestamp as modification time.
    async fn set_file_time(&self, key: &ObjPath, header: &ltx::Header) -> Result<(), StoreError> {
        if let Some(root) = &self.root {
            let path = root.join(key.as_ref());
            let when = SystemTime::UNIX_EPOCH
                + Duration::from_millis(u64::try_from(header.timestamp_ms).unwrap_or(0));
            tokio::task::spawn_blocking(move || {
                std::fs::File::options()
                    .write(true)
                    .open(&path)
                    .and_then(|f| f.set_modified(when))
            })
            .await
            .map_err(std::io::Error::other)??;
        }
        Ok(())
    }

    /// Uploads the LTX file at `path` (written by `snapshot::Image::write_ltx`): in one request
    /// up to [`PART_SIZE`], in parts of [`PART_SIZE`] beyond, reading the file as it goes.
    pub async fn put_ltx_file(
        &self,
        level: u8,
        header: &ltx::Header,
        path: &std::path::Path,
    ) -> Result<(), StoreError> {
        let size = tokio::fs::metadata(path).await?.len();
        if size <= PART_SIZE as u64 {
            let bytes = tokio::fs::read(path).await?;
            return self.put_ltx(level, header, bytes).await;
        }
        let key = self.ltx_key(level, header.min_txid, header.max_txid);
        let opts = PutMultipartOptions {
            attributes: self.timestamp_attributes(header),
            ..PutMultipartOptions::default()
        };
        let upload = self.store.put_multipart_opts(&key, opts).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let sent = async {
            let mut file = tokio::fs::File::open(path).await?;
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
                writer.write(&buf[..n]);
            }
            Ok::<_, StoreError>(())
        }
        .await;
        match sent {
            Ok(()) => {
                writer.finish().await?;
            }
            Err(e) => {
                let _ = writer.abort().await;
                return Err(e);
            }
        }
        if self.layout == Layout::File {
            self.set_file_time(&key, header).await?;
        }
        Ok(())
    }

    /// Copies an LTX file to another level within the store (S3: server side, metadata kept):
    /// the snapshot shipped at start-up goes to level 9 without a second upload.
    pub async fn copy_ltx(
        &self,
        from_level: u8,
        to_level: u8,
        header: &ltx::Header,
    ) -> Result<(), StoreError> {
        let from = self.ltx_key(from_level, header.min_txid, header.max_txid);
        let to = self.ltx_key(to_level, header.min_txid, header.max_txid);
        self.store.copy(&from, &to).await?;
        if self.layout == Layout::File {
            self.set_file_time(&to, header).await?;
        }
        Ok(())
    }

    /// Downloads one LTX file.
    pub async fn get_ltx(&self, f: &FileInfo) -> Result<Vec<u8>, StoreError> {
        let key = self.ltx_key(f.level, f.min, f.max);
        Ok(self.store.get(&key).await?.bytes().await?.to_vec())
    }

    /// Downloads one LTX file into the file `to` as it arrives (memory: one chunk).
    pub async fn download_ltx(&self, f: &FileInfo, to: &std::path::Path) -> Result<(), StoreError> {
        let key = self.ltx_key(f.level, f.min, f.max);
        let mut stream = self.store.get(&key).await?.into_stream();
        let mut out = tokio::fs::File::create(to).await?;
        while let Some(chunk) = stream.try_next().await? {
            out.write_all(&chunk).await?;
        }
        out.flush().await?;
        Ok(())
    }

    /// Reads just the header of one LTX file.
    pub async fn get_ltx_header(&self, f: &FileInfo) -> Result<Vec<u8>, StoreError> {
        let key = self.ltx_key(f.level, f.min, f.max);
        let n = (ltx::HEADER_SIZE as u64).min(f.size);
        Ok(self.store.get_range(&key, 0..n).await?.to_vec())
    }

    pub async fn delete_ltx(&self, f: &FileInfo) -> Result<(), StoreError> {
        let key = self.ltx_key(f.level, f.min, f.max);
        match self.store.delete(&key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores raw bytes under a key below the root (documents).
    pub async fn put_raw(&self, rel: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.store
            .put(&self.key(rel), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    pub async fn get_raw(&self, rel: &str) -> Result<Vec<u8>, StoreError> {
        Ok(self
            .store
            .get(&self.key(rel))
            .await?
            .bytes()
            .await?
            .to_vec())
    }

    /// Like [`Replica::get_raw`], `None` when the key does not exist.
    pub async fn get_raw_opt(&self, rel: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.store.get(&self.key(rel)).await {
            Ok(r) => Ok(Some(r.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether a key exists below the root.
    pub async fn exists(&self, rel: &str) -> Result<bool, StoreError> {
        match self.store.head(&self.key(rel)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// File names (last path segment) of every object under a directory below the root.
    pub async fn list_names(&self, rel_dir: &str) -> Result<Vec<String>, StoreError> {
        let dir = self.key(rel_dir);
        let objects: Vec<_> = match self.store.list(Some(&dir)).try_collect().await {
            Ok(o) => o,
            Err(object_store::Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        Ok(objects
            .iter()
            .filter_map(|o| o.location.filename().map(str::to_string))
            .collect())
    }
}

#[cfg(test)]
mod credential_tests {
    use std::collections::HashMap;

    use super::{S3Credentials, s3_credentials};

    fn resolve(query: &str, vars: &[(&str, &str)]) -> Result<S3Credentials, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        s3_credentials(query, &|name: &str| map.get(name).cloned())
    }

    #[test]
    fn keys_come_from_variables_or_from_the_files_their_file_variants_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let secret = dir.path().join("aws_secret");
        std::fs::write(&secret, "s3cr3t\n").expect("write");
        let secret = secret.to_string_lossy().into_owned();
        let got = resolve(
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "AKIA1"),
                ("AWS_SECRET_ACCESS_KEY_FILE", &secret),
            ],
        )
        .expect("resolved");
        assert_eq!(got.access_key_id.as_deref(), Some("AKIA1"));
        assert_eq!(got.secret_access_key.as_deref(), Some("s3cr3t"), "trimmed");
        // The plain variable wins over its _FILE variant.
        let got = resolve(
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "AKIA1"),
                ("AWS_SECRET_ACCESS_KEY", "plain"),
                ("AWS_SECRET_ACCESS_KEY_FILE", &secret),
            ],
        )
        .expect("resolved");
        assert_eq!(got.secret_access_key.as_deref(), Some("plain"));
    }

    #[test]
    fn missing_or_half_credentials_are_refused_with_the_fix() {
        let none = resolve("region=eu-west-3", &[]).expect_err("refused");
        assert!(none.contains("AWS_ACCESS_KEY_ID") && none.contains("credentials=instance"));
        let half = resolve("", &[("AWS_ACCESS_KEY_ID", "AKIA1")]).expect_err("refused");
        assert!(half.contains("AWS_SECRET_ACCESS_KEY"), "{half}");
        let unreadable = resolve(
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "AKIA1"),
                ("AWS_SECRET_ACCESS_KEY_FILE", "/nonexistent/aws_secret"),
            ],
        )
        .expect_err("refused");
        assert!(unreadable.contains("AWS_SECRET_ACCESS_KEY_FILE=/nonexistent/aws_secret"));
        // An instance role is asked for explicitly.
        let role = resolve("credentials=instance", &[]).expect("instance role");
        assert_eq!(role, S3Credentials::default());
    }
}
