//! Files: the inputs named on a command line (files, folders, glob patterns, standard input),
//! and writing a file so that it is replaced only by a complete one.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

use crate::input::container;
use crate::source::object_storage::{self, Object, ObjectUrl};

/// An input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file, or `-` for standard input; for an object, its address (`s3://bucket/key`).
    pub path: PathBuf,
    /// The object in object storage it is, if it is one.
    pub object: Option<Object>,
}

impl Source {
    /// A file, or `-` for standard input.
    pub fn file(path: impl Into<PathBuf>) -> Source {
        Source {
            path: path.into(),
            object: None,
        }
    }

    /// An object in object storage.
    pub fn object(object: Object) -> Source {
        Source {
            path: PathBuf::from(object.url.to_string()),
            object: Some(object),
        }
    }

    /// What identifies its content without reading it, when that can be known: for an object,
    /// its size and the store's tag. Otherwise the content's hash is taken once it is read.
    pub fn identity(&self) -> Option<String> {
        self.object.as_ref().and_then(Object::identity)
    }

    /// Its size, when known without reading it.
    pub fn size(&self) -> Option<u64> {
        match &self.object {
            Some(object) => Some(object.size),
            None if self.is_stdin() => None,
            None => fs::metadata(&self.path).ok().map(|m| m.len()),
        }
    }

    pub fn is_stdin(&self) -> bool {
        self.path == Path::new("-")
    }

    /// How messages name it.
    pub fn name(&self) -> String {
        if self.is_stdin() {
            "standard input".to_owned()
        } else {
            self.path.display().to_string()
        }
    }

    /// Its bytes: at most [`container::max_input_bytes`], and refused at once when its first
    /// bytes are no input's (`/dev/zero`), so that an endless input does not fill the memory.
    pub fn read(&self) -> Result<Vec<u8>> {
        if let Some(object) = &self.object {
            return object.read();
        }
        let name = self.name();
        let file = match self.is_stdin() {
            true => None,
            false => {
                Some(fs::File::open(&self.path).with_context(|| format!("could not read {name}"))?)
            }
        };
        let mut reader: Box<dyn Read> = match &file {
            None => Box::new(io::stdin().lock()),
            Some(file) => Box::new(file),
        };
        let size = fs::metadata(&self.path).map_or(0, |m| m.len());
        let limit = container::max_input_bytes();
        let mut bytes = Vec::with_capacity(size.min(limit) as usize);
        (&mut reader)
            .take(64 << 10)
            .read_to_end(&mut bytes)
            .with_context(|| format!("could not read {name}"))?;
        container::check_start(&bytes).with_context(|| format!("could not read {name}"))?;
        if let Some(file) = &file
            && size <= limit
            && let Some(whole) = read_on_all_cores(file, &bytes, size)
        {
            bytes = whole;
            // Whatever was added to the file since its size was taken, read as usual.
            io::Seek::seek(&mut &*file, io::SeekFrom::Start(size))
                .with_context(|| format!("could not read {name}"))?;
        }
        reader
            .take(limit.saturating_add(1).saturating_sub(bytes.len() as u64))
            .read_to_end(&mut bytes)
            .with_context(|| format!("could not read {name}"))?;
        if bytes.len() as u64 > limit {
            return Err(container::too_large(limit))
                .with_context(|| format!("could not read {name}"));
        }
        Ok(bytes)
    }

    /// When it was last changed (`None` for standard input, or when the system cannot tell).
    pub fn modified(&self) -> Option<SystemTime> {
        if self.is_stdin() || self.object.is_some() {
            return None;
        }
        fs::metadata(&self.path).and_then(|m| m.modified()).ok()
    }
}

/// A big file's bytes, read in pieces on all cores straight into their place: `head` (its
/// first bytes, already read) and the rest up to `size`. Most of the time reading a big file
/// takes goes to the memory it fills, which the system maps and zeroes page by page as it is
/// first written, and cores share that work well. `None` for a small file, on a system
/// without positioned reads, or when the file is not as long as its size said (it changed
/// while being read): the caller then reads it as a stream.
fn read_on_all_cores(file: &fs::File, head: &[u8], size: u64) -> Option<Vec<u8>> {
    use rayon::prelude::*;
    /// Below this a file reads as fast as a stream.
    const BIG: u64 = 4 << 20;
    const PIECE: usize = 1 << 20;
    #[cfg(unix)]
    fn read_at(file: &fs::File, piece: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(file, piece, offset)
    }
    #[cfg(not(unix))]
    fn read_at(_: &fs::File, _: &mut [u8], _: u64) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
    if size < BIG || (head.len() as u64) >= size {
        return None;
    }
    // Zeroed memory from the system is not written (or touched) until a piece is read into it.
    let mut bytes = vec![0u8; usize::try_from(size).ok()?];
    bytes[..head.len()].copy_from_slice(head);
    let start = head.len();
    bytes[start..]
        .par_chunks_mut(PIECE)
        .enumerate()
        .try_for_each(|(i, piece)| read_at(file, piece, (start + i * PIECE) as u64))
        .ok()?;
    Some(bytes)
}

/// The inputs the command line names, in order: files as they are, folders replaced by the
/// files directly in them (in name order, hidden files left out), and glob patterns (`*.json`,
/// when the shell did not expand them) by the files they match. `-` is standard input, alone.
/// Object storage addresses (`s3://`, `gs://`, `az://`) are read alike: an object, a prefix
/// ending in `/` as a folder, or a pattern within a prefix ([`object_storage::objects`]).
pub fn sources(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    if inputs.len() > 1 && inputs.iter().any(|p| p == Path::new("-")) {
        bail!("standard input (-) can only be the one input");
    }
    let mut sources = Vec::new();
    for path in inputs {
        if let Some(url) = path.to_str().and_then(ObjectUrl::parse) {
            let objects = object_storage::objects(&url?)?;
            sources.extend(objects.into_iter().map(Source::object));
            continue;
        }
        let found = if path == Path::new("-") || path.is_file() {
            vec![path.clone()]
        } else if path.is_dir() {
            folder_files(path)?
        } else if is_pattern(path) {
            pattern_files(path)?
        } else {
            // Not there: reading it says so, naming it.
            vec![path.clone()]
        };
        sources.extend(found.into_iter().map(Source::file));
    }
    Ok(sources)
}

fn folder_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(folder)
        .with_context(|| format!("could not read the folder {}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !is_hidden(p))
        .collect();
    if files.is_empty() {
        bail!("the folder {} holds no file to read", folder.display());
    }
    files.sort();
    Ok(files)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn is_pattern(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

fn pattern_files(pattern: &Path) -> Result<Vec<PathBuf>> {
    let text = pattern.to_string_lossy();
    // As a shell matches: `*` does not match a leading dot.
    let options = glob::MatchOptions {
        require_literal_leading_dot: true,
        ..glob::MatchOptions::new()
    };
    let mut files: Vec<PathBuf> = glob::glob_with(&text, options)
        .with_context(|| format!("{text} is not a file, a folder, or a pattern this tool reads"))?
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    if files.is_empty() {
        bail!("no file matches {text}");
    }
    files.sort();
    Ok(files)
}

/// Longest file stem [`safe_file_stem`] makes, in bytes: with `.html` and a disambiguating
/// suffix it stays well under the 255 bytes most file systems allow a name.
const MAX_STEM_BYTES: usize = 120;

/// A file name made from text the recording holds (a session id): kept when it is made of
/// letters, digits, `.`, `-` and `_` and is not too long. Otherwise each other character
/// becomes `_`, the stem is cut to [`MAX_STEM_BYTES`], and a short digest of the whole text is
/// added, so that texts that differ never share a name (`a/b` and `a:b` give `a_b-…` twice,
/// with different digests, and neither is `a_b`), whatever else a run names.
pub fn safe_file_stem(text: &str) -> String {
    let mut stem: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = stem.trim_start_matches('.').len();
    stem.drain(..stem.len() - trimmed);
    if stem == text && !stem.is_empty() && stem.len() <= MAX_STEM_BYTES {
        return stem;
    }
    stem.truncate(MAX_STEM_BYTES);
    if stem.is_empty() {
        stem.push_str("recording");
    }
    format!("{stem}-{}", short_digest(text))
}

/// Eight hex digits of the SHA-256 of a text: a stable way to tell apart names that would
/// otherwise be the same.
pub fn short_digest(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Fails when `output` is one of the inputs (the same file, by any name): writing it would
/// destroy the input.
pub fn refuse_input_as_output<'a>(
    output: &Path,
    sources: impl IntoIterator<Item = &'a Source>,
) -> Result<()> {
    let sources: Vec<&Source> = sources.into_iter().collect();
    if let Some(source) = sources
        .iter()
        .find(|s| s.object.is_some() && s.path == output)
    {
        bail!(
            "{} is the input itself: writing it would destroy the input; choose another output (-o or --out-dir)",
            source.name()
        );
    }
    let Ok(output) = fs::canonicalize(output) else {
        return Ok(());
    };
    if let Some(source) = sources
        .into_iter()
        .filter(|s| !s.is_stdin() && s.object.is_none())
        .find(|s| fs::canonicalize(&s.path).ok().as_ref() == Some(&output))
    {
        bail!(
            "{} is the input itself ({}): writing it would destroy the input; choose another output (-o or --out-dir)",
            output.display(),
            source.name()
        );
    }
    Ok(())
}

/// Where writing a file really goes.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A regular file (new or existing), replaced whole once the new one is complete.
    Replace(PathBuf),
    /// A FIFO, a device, a socket, or standard output by name (`/dev/stdout`): written
    /// directly, never renamed over.
    Direct(PathBuf),
}

/// Most symbolic links followed to find the file a path names, as the system does.
const MAX_LINKS: usize = 40;

fn target(path: &Path) -> Result<Target> {
    if path.as_os_str().to_string_lossy().ends_with('/') || path.is_dir() {
        bail!(
            "{} is a folder: name a file to write (or give --out-dir for a file each)",
            path.display()
        );
    }
    let mut real = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&real) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&real)
                    .with_context(|| format!("could not follow the link {}", real.display()))?;
                real = match real.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => break,
        }
    }
    let special = [path, real.as_path()]
        .iter()
        .any(|p| p.starts_with("/dev") || p.starts_with("/proc"));
    match fs::metadata(&real) {
        Ok(meta) if !meta.is_file() => Ok(Target::Direct(real)),
        _ if special => Ok(Target::Direct(real)),
        _ => Ok(Target::Replace(real)),
    }
}

/// Temporary files being written now, removed by [`remove_temporary_files`] when the process
/// is stopped (Ctrl-C) before they are complete.
static IN_PROGRESS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn in_progress() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    IN_PROGRESS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes the temporary files this process is writing: for a signal handler, before the
/// process exits.
pub fn remove_temporary_files() {
    for path in in_progress().drain(..) {
        let _ = fs::remove_file(path);
    }
}

/// The prefix of the temporary files [`write_atomically`] makes, followed by the process id.
const TEMPORARY_PREFIX: &str = ".replay-html-";

/// Removes temporary files that an earlier run stopped by force (`kill -9`, a power cut) left
/// in a folder: those whose process is gone, or, where that cannot be told, older than a day.
/// Returns how many it removed.
pub fn remove_stale_temporary_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(TEMPORARY_PREFIX)
            .filter(|_| name.ends_with(".tmp"))
        else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let stale = match pid {
            Some(pid) if pid == std::process::id() => false,
            Some(pid) if Path::new("/proc/self").exists() => {
                !Path::new(&format!("/proc/{pid}")).exists()
            }
            _ => entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 3600),
        };
        if stale && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// What a file [`write_atomically`] finishes must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Whatever becomes of this process (Ctrl-C, a full disk, a crash), the file is complete or
    /// not there. A crash of the whole system just after may still lose it, as it may lose what
    /// `gzip` or `cp` just wrote: the usual for a command's output.
    Process,
    /// The file is complete or not there after a system crash or a power cut too: it is on disk
    /// before it takes its name. For files a later run trusts as finished (a batch's pages,
    /// skipped when up to date); it costs a wait for the disk, several milliseconds a file.
    System,
}

/// Writes a file through `write`, so that a failed run never leaves a partial file and never
/// replaces an existing one: into a temporary file beside the target that is renamed over the
/// target once complete (and, for [`Durability::System`], on disk). The file gets the mode of
/// the file it replaces, or else the usual mode for a new file (0666 less the umask: readable by
/// a web server), not the temporary file's 0600. A symbolic link is written through (its target
/// is replaced and the link stays); a FIFO, a device or `/dev/stdout` is written directly,
/// never replaced.
pub fn write_atomically<T>(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let path = match target(path)? {
        Target::Replace(path) => path,
        Target::Direct(path) => {
            let file = fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&path)
                .with_context(|| format!("could not open {}", path.display()))?;
            let mut out = io::BufWriter::with_capacity(1 << 20, file);
            let value = write(&mut out)?;
            out.flush()?;
            return Ok(value);
        }
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let prefix = format!("{TEMPORARY_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let file = builder.tempfile_in(dir).with_context(|| {
        format!(
            "could not create a temporary file in {} (is it a folder you may write to?)",
            dir.display()
        )
    })?;
    let temporary = file.path().to_path_buf();
    in_progress().push(temporary.clone());
    let written = (|| {
        let mut out = io::BufWriter::with_capacity(1 << 20, file);
        let value = write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        if durability == Durability::System {
            file.as_file().sync_all()?;
        }
        file.persist(&path).map_err(|e| e.error)?;
        Ok(value)
    })();
    in_progress().retain(|p| *p != temporary);
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_big_file_whole_in_pieces_and_a_small_one_as_a_stream() {
        let dir = tempfile::tempdir().unwrap();
        // Not a whole number of pieces, with every byte telling where it is.
        for size in [100, (9 << 20) + 123] {
            let text: Vec<u8> = std::iter::once(b'[')
                .chain((1..size).map(|i| b"0123456789abcdef"[(i * 7 + i / 4096) % 16]))
                .collect();
            let path = dir.path().join(format!("{size}.json"));
            fs::write(&path, &text).unwrap();
            let read = Source::file(&path).read().unwrap();
            assert!(read == text, "{size} bytes read back differently");
        }
    }

    #[test]
    fn expands_folders_and_patterns_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.json", "a.json", ".hidden.json", "c.jsonl"] {
            fs::write(dir.path().join(name), "[]").unwrap();
        }
        let names = |paths: &[PathBuf]| -> Vec<String> {
            sources(paths)
                .unwrap()
                .iter()
                .map(|s| s.path.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(&[dir.path().to_owned()]),
            ["a.json", "b.json", "c.jsonl"]
        );
        assert_eq!(names(&[dir.path().join("*.json")]), ["a.json", "b.json"]);
        assert!(
            sources(&[dir.path().join("*.txt")])
                .unwrap_err()
                .to_string()
                .contains("no file matches")
        );
        assert!(sources(&["-".into(), "a.json".into()]).is_err());
    }

    #[test]
    fn makes_safe_file_stems() {
        assert_eq!(safe_file_stem("01a20384-0938-75f7"), "01a20384-0938-75f7");
        assert!(safe_file_stem("../../etc/passwd").starts_with("_.._etc_passwd-"));
        assert!(safe_file_stem("a b/c").starts_with("a_b_c-"));
        assert!(safe_file_stem("").starts_with("recording-"));
        assert!(safe_file_stem("...").starts_with("recording-"));
        let colliding = ["a/b", "a_b", "a b", "a:b"].map(safe_file_stem);
        let unique: std::collections::HashSet<_> = colliding.iter().collect();
        assert_eq!(unique.len(), 4, "{colliding:?}");
        assert_eq!(colliding[1], "a_b");
        let long = safe_file_stem(&"x".repeat(300));
        assert!(
            long.len() < 140 && long != safe_file_stem(&"x".repeat(301)),
            "{long}"
        );
    }

    #[test]
    fn replaces_a_file_only_once_it_is_whole_in_either_durability() {
        for durability in [Durability::Process, Durability::System] {
            let dir = tempfile::tempdir().unwrap();
            let page = dir.path().join("page.html");
            fs::write(&page, "old").unwrap();
            let failed: Result<()> = write_atomically(&page, durability, |out| {
                out.write_all(b"half a pa")?;
                anyhow::bail!("the input ended early")
            });
            assert!(failed.is_err());
            assert_eq!(fs::read_to_string(&page).unwrap(), "old", "{durability:?}");
            write_atomically(&page, durability, |out| Ok(out.write_all(b"new")?)).unwrap();
            assert_eq!(fs::read_to_string(&page).unwrap(), "new", "{durability:?}");
            // No temporary file is left beside it.
            assert_eq!(
                fs::read_dir(dir.path()).unwrap().count(),
                1,
                "{durability:?}"
            );
        }
    }

    #[test]
    fn writes_through_links_and_into_fifos_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.html");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.html");
        std::os::unix::fs::symlink("real.html", &link).unwrap();
        write_atomically(&link, Durability::Process, |out| Ok(out.write_all(b"new")?)).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(
            target(Path::new("/dev/null")).unwrap(),
            Target::Direct("/dev/null".into())
        );
        write_atomically(Path::new("/dev/null"), Durability::Process, |out| {
            Ok(out.write_all(b"x")?)
        })
        .unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
        assert!(matches!(
            target(Path::new("/dev/stdout")).unwrap(),
            Target::Direct(_)
        ));
        let err = write_atomically(dir.path(), Durability::System, |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
