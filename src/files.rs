//! Files: the inputs named on a command line (files, folders, glob patterns, standard input),
//! and writing a file so that it is replaced only by a complete one.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

/// An input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file, or `-` for standard input.
    pub path: PathBuf,
}

impl Source {
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

    /// Its bytes.
    pub fn read(&self) -> Result<Vec<u8>> {
        let bytes = if self.is_stdin() {
            let mut bytes = Vec::new();
            io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes)
        } else {
            fs::read(&self.path)
        };
        bytes.with_context(|| format!("could not read {}", self.name()))
    }

    /// When it was last changed (`None` for standard input, or when the system cannot tell).
    pub fn modified(&self) -> Option<SystemTime> {
        if self.is_stdin() {
            return None;
        }
        fs::metadata(&self.path).and_then(|m| m.modified()).ok()
    }
}

/// The inputs the command line names, in order: files as they are, folders replaced by the
/// files directly in them (in name order, hidden files left out), and glob patterns (`*.json`,
/// when the shell did not expand them) by the files they match. `-` is standard input, alone.
pub fn sources(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    if inputs.len() > 1 && inputs.iter().any(|p| p == Path::new("-")) {
        bail!("standard input (-) can only be the one input");
    }
    let mut sources = Vec::new();
    for path in inputs {
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
        sources.extend(found.into_iter().map(|path| Source { path }));
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

/// A file name made from text the recording holds (a session id): kept when it is made of
/// letters, digits, `.`, `-` and `_`; anything else becomes `_`.
pub fn safe_file_stem(text: &str) -> String {
    let stem: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match stem.trim_start_matches('.') {
        "" => "recording".to_owned(),
        stem => stem.to_owned(),
    }
}

/// Writes a file through `write`, into a temporary file beside the target that is renamed over
/// the target once complete: a failed run never leaves a partial file and never replaces an
/// existing one. The file gets the mode of the file it replaces, or else the usual mode for a
/// new file (0666 less the umask: readable by a web server), not the temporary file's 0600.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".replay-html-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let file = builder
        .tempfile_in(dir)
        .context("could not create a temporary file beside it")?;
    let mut out = io::BufWriter::with_capacity(1 << 20, file);
    let value = write(&mut out)?;
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(safe_file_stem("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_stem("a b/c"), "a_b_c");
        assert_eq!(safe_file_stem(""), "recording");
        assert_eq!(safe_file_stem("..."), "recording");
    }
}
