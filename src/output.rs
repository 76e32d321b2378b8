//! Where pages go (a local file, or an object in object storage), and what the page already
//! there says of itself: its fingerprint, for [`crate::batch`] to skip pages that are up to
//! date. A page is replaced only by a complete one.

use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::files::{self, Durability};
use crate::fingerprint;
use crate::source::object_storage::{self, ObjectUrl};

/// A page's place, or a folder's: a local path, or an object (a prefix, for a folder) in object
/// storage (`s3://`, `gs://`, `az://`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    File(PathBuf),
    Object(ObjectUrl),
}

/// A page's `<meta>` fingerprint is in its first few hundred bytes; this is plenty.
const HEAD_BYTES: u64 = 16 << 10;

impl Place {
    pub fn parse(path: &Path) -> Result<Place> {
        match path.to_str().and_then(ObjectUrl::parse) {
            Some(url) => Ok(Place::Object(url?)),
            None => Ok(Place::File(path.to_owned())),
        }
    }

    /// The page called `name` in this folder.
    pub fn join(&self, name: &str) -> Place {
        match self {
            Place::File(dir) => Place::File(dir.join(name)),
            Place::Object(prefix) => Place::Object(prefix.join(name)),
        }
    }

    /// Makes the folder (object storage has none to make).
    pub fn create_folder(&self) -> Result<()> {
        match self {
            Place::File(dir) => fs::create_dir_all(dir)
                .with_context(|| format!("could not create the folder {}", dir.display())),
            Place::Object(_) => Ok(()),
        }
    }

    /// The fingerprint the page already there records; `None` when there is no page, or one
    /// that records none. An object's is read from its metadata, with no download.
    pub fn fingerprint(&self) -> Result<Option<String>> {
        match self {
            Place::Object(url) => object_storage::fingerprint(url),
            Place::File(path) => {
                let file = match fs::File::open(path) {
                    Ok(file) => file,
                    Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
                    Err(err) => {
                        return Err(err).with_context(|| format!("could not read {self}"));
                    }
                };
                let mut start = Vec::new();
                file.take(HEAD_BYTES)
                    .read_to_end(&mut start)
                    .with_context(|| format!("could not read {self}"))?;
                Ok(fingerprint::recorded_in(&start))
            }
        }
    }

    /// Writes the page through `write`, recording `fingerprint` (which the page's `<meta>`
    /// holds too) in an object's metadata; returns what `write` returned and the bytes written.
    pub fn write<T>(
        &self,
        fingerprint: Option<&str>,
        write: impl FnOnce(&mut dyn Write) -> Result<T>,
    ) -> Result<(T, u64)> {
        self.write_as("text/html; charset=utf-8", fingerprint, write)
    }

    /// Writes a recording's JSON export (`extract`) through `write`, replacing what is there only
    /// once complete, as a page is.
    pub fn write_export(&self, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        self.write_as("application/json", None, write).map(drop)
    }

    fn write_as<T>(
        &self,
        content_type: &'static str,
        fingerprint: Option<&str>,
        write: impl FnOnce(&mut dyn Write) -> Result<T>,
    ) -> Result<(T, u64)> {
        match self {
            // Its errors name the object already.
            Place::Object(url) => object_storage::write(url, content_type, fingerprint, write),
            Place::File(path) => {
                // A page with a fingerprint is a batch's: a later run trusts it as finished
                // when the fingerprint matches, so it must be whole on disk, not only renamed.
                let durability = match fingerprint {
                    Some(_) => Durability::System,
                    None => Durability::Process,
                };
                files::write_atomically(path, durability, |out| {
                    let mut counted = Counted { out, bytes: 0 };
                    let value = write(&mut counted)?;
                    Ok((value, counted.bytes))
                })
                .with_context(|| format!("could not write {self}"))
            }
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File(path) => write!(f, "{}", path.display()),
            Place::Object(url) => write!(f, "{url}"),
        }
    }
}

/// A writer that counts what goes through it.
struct Counted<'a> {
    out: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
