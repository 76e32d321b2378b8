//! Object storage, as a source of inputs and as a place for pages: `s3://` (AWS and any
//! S3-compatible store: MinIO, R2, Ceph, ...), `gs://` (Google Cloud Storage) and `az://`
//! (Azure Blob Storage), through the `object_store` crate.
//!
//! That crate is asynchronous; this module keeps it behind a blocking facade: one small
//! current-thread runtime, which every caller (a rayon thread of a batch, or the main thread)
//! enters with `block_on`. Nothing outside this module sees a future.
//!
//! Credentials and endpoints come from each cloud's standard variables, as `object_store` reads
//! them: for S3 `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP=true` for a plain-HTTP endpoint, a profile of
//! `~/.aws/credentials` and `~/.aws/config` (see [`super::aws_profile`]), web identity and
//! container credentials, or the instance's role; for Google Cloud
//! `GOOGLE_APPLICATION_CREDENTIALS` or `GOOGLE_SERVICE_ACCOUNT`, or the instance's account; for
//! Azure `AZURE_STORAGE_ACCOUNT_NAME` with `AZURE_STORAGE_ACCOUNT_KEY`, a SAS token or a service
//! principal.
//!
//! Reads stream the object (the readers take whole inputs, so it is collected in memory, up to
//! the input limit); pages are uploaded as they are written, in parts once they pass
//! [`PART_BYTES`], and an object only appears, or is replaced, once the whole page is there: a
//! failed or interrupted upload is never completed.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};

use ::object_store::path::Path as Key;
use ::object_store::{
    Attribute, Attributes, GetOptions, MultipartUpload, ObjectStore, ObjectStoreExt,
    PutMultipartOptions, PutOptions, PutPayload,
};
use anyhow::{Context, Result, anyhow, bail};
use futures::StreamExt;

use crate::input::container;

/// The object metadata (`x-amz-meta-…` on S3) that holds a page's fingerprint.
pub const FINGERPRINT_METADATA: &str = "replay-html-fingerprint";

/// A page is kept in memory up to this size and put in one request; larger ones are uploaded
/// in parts of this size (S3 wants at least 5 MiB a part).
pub const PART_BYTES: usize = 8 << 20;

/// The kind of store an address names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scheme {
    S3,
    Gcs,
    Azure,
}

impl Scheme {
    fn prefix(self) -> &'static str {
        match self {
            Scheme::S3 => "s3",
            Scheme::Gcs => "gs",
            Scheme::Azure => "az",
        }
    }

    /// What to check when the store refuses the credentials, or none are found.
    fn credentials_hint(self) -> &'static str {
        match self {
            Scheme::S3 => {
                "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile or instance role), and AWS_ENDPOINT_URL for a store other than AWS"
            }
            Scheme::Gcs => {
                "check GOOGLE_APPLICATION_CREDENTIALS (a service account's key file) or the instance's service account"
            }
            Scheme::Azure => {
                "check AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY (or a SAS token or service principal)"
            }
        }
    }
}

/// An object, or a prefix of objects, in object storage: `s3://bucket/key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectUrl {
    scheme: Scheme,
    bucket: String,
    key: String,
}

impl ObjectUrl {
    /// `Some` when `text` names object storage (`s3://`, `gs://`, `az://`), with an error when
    /// it does so wrongly; `None` for anything else (a local path).
    pub fn parse(text: &str) -> Option<Result<ObjectUrl>> {
        let (scheme, rest) = [
            ("s3://", Scheme::S3),
            ("gs://", Scheme::Gcs),
            ("az://", Scheme::Azure),
        ]
        .into_iter()
        .find_map(|(prefix, scheme)| Some((scheme, text.strip_prefix(prefix)?)))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Some(Err(anyhow!(
                "{text} names no bucket: write {}://BUCKET/KEY",
                scheme.prefix()
            )));
        }
        Some(Ok(ObjectUrl {
            scheme,
            bucket: bucket.to_owned(),
            key: key.trim_start_matches('/').to_owned(),
        }))
    }

    /// Whether it names a prefix (a "folder": empty, or ending in `/`) rather than one object.
    pub fn is_prefix(&self) -> bool {
        self.key.is_empty() || self.key.ends_with('/')
    }

    /// The object called `name` in this prefix.
    pub fn join(&self, name: &str) -> ObjectUrl {
        let key = if self.is_prefix() {
            format!("{}{name}", self.key)
        } else {
            format!("{}/{name}", self.key)
        };
        ObjectUrl {
            key,
            ..self.clone()
        }
    }

    fn with_key(&self, key: &Key) -> ObjectUrl {
        ObjectUrl {
            key: key.to_string(),
            ..self.clone()
        }
    }

    fn location(&self) -> Key {
        Key::from(self.key.trim_end_matches('/'))
    }

    fn store(&self) -> Result<Arc<dyn ObjectStore>> {
        store(self.scheme, &self.bucket)
    }
}

impl fmt::Display for ObjectUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}/{}", self.scheme.prefix(), self.bucket, self.key)
    }
}

/// An object found by listing, with what its fingerprint needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub url: ObjectUrl,
    pub size: u64,
    /// The store's tag of the object's content, when it gives one.
    pub e_tag: Option<String>,
}

impl Object {
    /// What identifies its content, for a page's fingerprint, without reading it: its size
    /// and the store's tag (`None` when the store gives no tag).
    pub fn identity(&self) -> Option<String> {
        let tag = self.e_tag.as_deref()?.trim_matches('"');
        Some(format!("{}:etag:{tag}", self.size))
    }

    /// Its bytes, streamed from the store: at most [`container::max_input_bytes`], and refused
    /// at once when its first bytes are no input's.
    pub fn read(&self) -> Result<Vec<u8>> {
        let url = &self.url;
        let store = url.store()?;
        let location = url.location();
        let limit = container::max_input_bytes();
        if self.size > limit {
            return Err(container::too_large(limit))
                .with_context(|| format!("could not read {url}"));
        }
        let streamed = block_on(async {
            let result = store.get(&location).await?;
            let mut bytes = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
            let mut stream = result.into_stream();
            let mut checked = false;
            while let Some(chunk) = stream.next().await {
                bytes.extend_from_slice(&chunk?);
                if !checked && bytes.len() >= 64 << 10 {
                    checked = true;
                    if let Err(err) = container::check_start(&bytes) {
                        return Ok(Err(err));
                    }
                }
                if bytes.len() as u64 > limit {
                    return Ok(Err(container::too_large(limit)));
                }
            }
            if !checked && let Err(err) = container::check_start(&bytes) {
                return Ok(Err(err));
            }
            Ok::<_, ::object_store::Error>(Ok(bytes))
        });
        streamed
            .map_err(|err| explain(err, "could not read", url))?
            .with_context(|| format!("could not read {url}"))
    }
}

/// The objects an address names, in key order: one object; the objects directly in a prefix
/// (`s3://bucket/exports/`, hidden names left out), as a folder's files; or the objects whose
/// keys match a glob pattern (`s3://bucket/exports/*.json`; `*` stays within a `/`).
pub fn objects(url: &ObjectUrl) -> Result<Vec<Object>> {
    let found = match url.key.find(['*', '?', '[']) {
        Some(first) => matching(url, first)?,
        None if url.is_prefix() => under(url)?,
        None => match head(url)? {
            Some(object) => vec![object],
            // `s3://bucket/exports` for `s3://bucket/exports/`: a folder without its slash.
            None => {
                let folder = ObjectUrl {
                    key: format!("{}/", url.key),
                    ..url.clone()
                };
                let objects = under(&folder)?;
                if objects.is_empty() {
                    bail!("there is no object {url} (nor any in {folder})");
                }
                objects
            }
        },
    };
    if found.is_empty() {
        if url.is_prefix() {
            bail!("{url} holds no object to read");
        }
        bail!("no object matches {url}");
    }
    Ok(found)
}

fn under(prefix: &ObjectUrl) -> Result<Vec<Object>> {
    let store = prefix.store()?;
    let location = prefix.location();
    let listing = block_on(store.list_with_delimiter(Some(&location)))
        .map_err(|err| explain(err, "could not list", prefix))?;
    let visible = listing.objects.into_iter().filter(|meta| {
        meta.location
            .filename()
            .is_some_and(|name| !name.starts_with('.'))
    });
    Ok(sorted_objects(prefix, visible))
}

/// The listed objects of `url`'s bucket, in the order of their keys.
fn sorted_objects(
    url: &ObjectUrl,
    listed: impl IntoIterator<Item = ::object_store::ObjectMeta>,
) -> Vec<Object> {
    let mut objects: Vec<Object> = listed
        .into_iter()
        .map(|meta| Object {
            url: url.with_key(&meta.location),
            size: meta.size,
            e_tag: meta.e_tag,
        })
        .collect();
    objects.sort_by(|a, b| a.url.key.cmp(&b.url.key));
    objects
}

fn matching(url: &ObjectUrl, first_wildcard: usize) -> Result<Vec<Object>> {
    let pattern = glob::Pattern::new(&url.key)
        .with_context(|| format!("{url} is not a pattern this tool reads"))?;
    let options = glob::MatchOptions {
        require_literal_separator: true,
        require_literal_leading_dot: true,
        ..glob::MatchOptions::new()
    };
    let prefix_end = url.key[..first_wildcard].rfind('/').map_or(0, |i| i + 1);
    let prefix = ObjectUrl {
        key: url.key[..prefix_end].to_owned(),
        ..url.clone()
    };
    let store = url.store()?;
    let location = prefix.location();
    let listed = block_on(async {
        let mut listing = store.list((!prefix.key.is_empty()).then_some(&location));
        let mut found = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            if pattern.matches_with(meta.location.as_ref(), options) {
                found.push(meta);
            }
        }
        Ok::<_, ::object_store::Error>(found)
    })
    .map_err(|err| explain(err, "could not list", &prefix))?;
    Ok(sorted_objects(url, listed))
}

/// The object at `url`; `None` when there is none.
fn head(url: &ObjectUrl) -> Result<Option<Object>> {
    let store = url.store()?;
    match block_on(store.head(&url.location())) {
        Ok(meta) => Ok(Some(Object {
            url: url.clone(),
            size: meta.size,
            e_tag: meta.e_tag,
        })),
        Err(::object_store::Error::NotFound { .. }) => Ok(None),
        Err(err) => Err(explain(err, "could not read", url)),
    }
}

/// The fingerprint recorded in the metadata of the page at `url`; `None` when there is no
/// page there or it records none.
pub fn fingerprint(url: &ObjectUrl) -> Result<Option<String>> {
    let store = url.store()?;
    let options = GetOptions {
        head: true,
        ..GetOptions::default()
    };
    match block_on(store.get_opts(&url.location(), options)) {
        Ok(result) => Ok(result
            .attributes
            .get(&Attribute::Metadata(FINGERPRINT_METADATA.into()))
            .map(|value| value.to_string())),
        Err(::object_store::Error::NotFound { .. }) => Ok(None),
        Err(err) => Err(explain(err, "could not look at", url)),
    }
}

/// Writes the object at `url` through `write`, with its content type (an HTML page, a JSON
/// export) and `fingerprint` in its metadata: uploaded as it is written, and in place only once
/// complete. Returns what `write` returned and the bytes written.
pub fn write<T>(
    url: &ObjectUrl,
    content_type: &'static str,
    fingerprint: Option<&str>,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<(T, u64)> {
    let mut attributes = Attributes::new();
    attributes.insert(Attribute::ContentType, content_type.into());
    if let Some(fingerprint) = fingerprint {
        attributes.insert(
            Attribute::Metadata(FINGERPRINT_METADATA.into()),
            fingerprint.to_owned().into(),
        );
    }
    let mut upload = Upload {
        store: url.store()?,
        location: url.location(),
        attributes,
        part: Vec::new(),
        parts: None,
        bytes: 0,
    };
    let value = write(&mut upload).with_context(|| format!("could not write {url}"))?;
    let bytes = upload
        .finish()
        .map_err(|err| explain(err, "could not write", url))?;
    Ok((value, bytes))
}

/// A page on its way to the store: kept in memory up to a part's size, then uploaded in parts.
/// Dropped before [`Upload::finish`], it aborts the parts, and no object appears.
struct Upload {
    store: Arc<dyn ObjectStore>,
    location: Key,
    attributes: Attributes,
    part: Vec<u8>,
    parts: Option<Box<dyn MultipartUpload>>,
    bytes: u64,
}

impl Upload {
    fn send_part(&mut self) -> ::object_store::Result<()> {
        let payload = PutPayload::from(std::mem::take(&mut self.part));
        let parts = match &mut self.parts {
            Some(parts) => parts,
            None => {
                let options = PutMultipartOptions {
                    attributes: self.attributes.clone(),
                    ..PutMultipartOptions::default()
                };
                let started = block_on(self.store.put_multipart_opts(&self.location, options))?;
                self.parts.insert(started)
            }
        };
        block_on(parts.put_part(payload))
    }

    fn finish(mut self) -> ::object_store::Result<u64> {
        if self.parts.is_none() {
            let options = PutOptions {
                attributes: std::mem::take(&mut self.attributes),
                ..PutOptions::default()
            };
            let payload = PutPayload::from(std::mem::take(&mut self.part));
            block_on(self.store.put_opts(&self.location, payload, options))?;
            return Ok(self.bytes);
        }
        if !self.part.is_empty() {
            self.send_part()?;
        }
        if let Some(mut parts) = self.parts.take()
            && let Err(err) = block_on(parts.complete())
        {
            let _ = block_on(parts.abort());
            return Err(err);
        }
        Ok(self.bytes)
    }
}

impl Write for Upload {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.part.extend_from_slice(buf);
        self.bytes += buf.len() as u64;
        if self.part.len() >= PART_BYTES {
            self.send_part().map_err(io::Error::other)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(mut parts) = self.parts.take() {
            // Never completed: abort it, so that the store drops the parts it holds (an upload
            // that is not completed never becomes an object either way).
            let _ = block_on(parts.abort());
        }
    }
}

/// The store for a bucket, made once and shared (it keeps the connections).
fn store(scheme: Scheme, bucket: &str) -> Result<Arc<dyn ObjectStore>> {
    type Stores = Mutex<HashMap<(Scheme, String), Arc<dyn ObjectStore>>>;
    static STORES: OnceLock<Stores> = OnceLock::new();
    let mut stores = STORES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = (scheme, bucket.to_owned());
    if let Some(store) = stores.get(&key) {
        return Ok(Arc::clone(store));
    }
    // The stores' HTTPS goes through rustls with ring's cryptography (see Cargo.toml). Installing
    // it as the process's default fails only when one is installed already, which serves as well.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = format!("{}://{bucket}", scheme.prefix());
    let built: ::object_store::Result<Arc<dyn ObjectStore>> = match scheme {
        Scheme::S3 => s3_builder()?
            .with_url(&url)
            .build()
            .map(|s| Arc::new(s) as _),
        Scheme::Gcs => ::object_store::gcp::GoogleCloudStorageBuilder::from_env()
            .with_url(&url)
            .build()
            .map(|s| Arc::new(s) as _),
        Scheme::Azure => ::object_store::azure::MicrosoftAzureBuilder::from_env()
            .with_url(&url)
            .build()
            .map(|s| Arc::new(s) as _),
    };
    let store = built.map_err(|err| {
        anyhow!(
            "could not set up access to {url}: {} ({})",
            one_line(&err.to_string()),
            scheme.credentials_hint()
        )
    })?;
    stores.insert(key, Arc::clone(&store));
    Ok(store)
}

/// S3's settings: the environment's variables, and what the selected AWS profile of
/// `~/.aws/credentials` and `~/.aws/config` adds where a variable is not set.
fn s3_builder() -> Result<::object_store::aws::AmazonS3Builder> {
    let mut builder = ::object_store::aws::AmazonS3Builder::from_env();
    let Some(profile) = super::aws_profile::load()? else {
        return Ok(builder);
    };
    let unset = |names: &[&str]| names.iter().all(|name| std::env::var_os(name).is_none());
    if let (Some(id), Some(secret), true) = (
        profile.access_key_id,
        profile.secret_access_key,
        unset(&["AWS_ACCESS_KEY_ID"]),
    ) {
        builder = builder
            .with_access_key_id(id)
            .with_secret_access_key(secret);
        if let Some(token) = profile.session_token {
            builder = builder.with_token(token);
        }
    }
    if let (Some(region), true) = (profile.region, unset(&["AWS_REGION", "AWS_DEFAULT_REGION"])) {
        builder = builder.with_region(region);
    }
    if let (Some(endpoint), true) = (
        profile.endpoint_url,
        unset(&["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT"]),
    ) {
        builder = builder.with_endpoint(endpoint);
    }
    Ok(builder)
}

/// Runs a future of the object store to its end, on the module's runtime: a current-thread
/// runtime, which any thread may enter (the first to do so drives the network for the others).
fn block_on<F: Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> =
        OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| err.to_string())
    });
    match runtime {
        Ok(runtime) => runtime.block_on(future),
        Err(err) => {
            // Only when the system refuses a timer or an event queue: nothing can go on.
            eprintln!("replay-html: error: could not start the network runtime: {err}");
            std::process::exit(1)
        }
    }
}

/// A store's message on one line, and not too long (an answer may hold an XML body).
fn one_line(text: &str) -> String {
    let mut line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = line.char_indices().nth(300) {
        line.truncate(cut);
        line.push_str(" …");
    }
    line
}

/// One sentence for the user: what failed, where, and for refused credentials what to check.
fn explain(err: ::object_store::Error, doing: &str, url: &ObjectUrl) -> anyhow::Error {
    use ::object_store::Error;
    if let Error::NotFound { .. } = err {
        return anyhow!("there is no such object (or bucket) as {url}");
    }
    let text = err.to_string();
    let refused = matches!(
        err,
        Error::PermissionDenied { .. } | Error::Unauthenticated { .. }
    ) || [
        "403 Forbidden",
        "401 Unauthorized",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "credential",
        "Credential",
        // No keys: the instance metadata endpoint, asked for a role, did not answer.
        "/latest/api/token",
        "/latest/meta-data",
    ]
    .iter()
    .any(|sign| text.contains(sign));
    if refused {
        return anyhow!(
            "{doing} {url}: the credentials are wrong or missing ({}): {}",
            url.scheme.credentials_hint(),
            one_line(&text)
        );
    }
    anyhow!("{doing} {url}: {}", one_line(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_addresses_of_objects_and_prefixes() {
        let url = ObjectUrl::parse("s3://bucket/exports/a.json")
            .unwrap()
            .unwrap();
        assert_eq!(url.to_string(), "s3://bucket/exports/a.json");
        assert!(!url.is_prefix());
        let prefix = ObjectUrl::parse("gs://bucket/pages/").unwrap().unwrap();
        assert!(prefix.is_prefix());
        assert_eq!(
            prefix.join("a.html").to_string(),
            "gs://bucket/pages/a.html"
        );
        let bucket = ObjectUrl::parse("az://container").unwrap().unwrap();
        assert!(bucket.is_prefix());
        assert_eq!(bucket.join("a.html").to_string(), "az://container/a.html");
        assert!(ObjectUrl::parse("s3:///key").unwrap().is_err());
        assert!(ObjectUrl::parse("exports/a.json").is_none());
        assert!(ObjectUrl::parse("http://host/a.json").is_none());
    }

    #[test]
    fn identifies_objects_by_size_and_tag() {
        let url = ObjectUrl::parse("s3://b/k.json").unwrap().unwrap();
        let object = Object {
            url,
            size: 10,
            e_tag: Some("\"abc\"".into()),
        };
        assert_eq!(object.identity().as_deref(), Some("10:etag:abc"));
        let untagged = Object {
            e_tag: None,
            ..object
        };
        assert_eq!(untagged.identity(), None);
    }
}
