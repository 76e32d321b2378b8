//! Bundling many inputs into a folder, a page each (`bundle --out-dir`): on all cores, skipping
//! pages that are up to date, and going on past inputs that cannot be bundled.
//!
//! A page is named after its input (`export.json` gives `export.html`); capture requests give a
//! page per session, named after the session id. Names are unique in a run and do not depend on
//! which page is done first: inputs that share a name are numbered in the order given
//! (`export`, `export-2`, skipping a number another input's name takes), a name that had to be
//! changed to be a safe file name carries a digest of the original ([`files::safe_file_stem`]),
//! and a page whose name another page of the run holds gets a digest of where it comes from. A
//! page is up to date when it is newer than every input it is made from; changed options are
//! not noticed (`force` bundles again).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::files::{self, Source};
use crate::input::{self, Format, Input};
use crate::recording::Recording;
use crate::{Options, write_page};

/// How to run a batch.
pub struct Batch<'a> {
    pub out_dir: &'a Path,
    /// Bundle even pages that are up to date.
    pub force: bool,
    /// Only this session.
    pub session: Option<&'a str>,
    pub options: &'a Options,
}

/// What became of one page (or of an input that gave none).
#[derive(Debug)]
pub enum Outcome {
    Made {
        page: PathBuf,
        from: String,
        format: Format,
        warnings: Vec<String>,
    },
    Skipped {
        page: PathBuf,
        from: String,
    },
    Failed {
        from: String,
        error: String,
    },
}

impl Batch<'_> {
    /// Bundles every source; the outcomes come in the order of the sources, capture sessions
    /// last.
    pub fn run(&self, sources: &[Source]) -> Result<Vec<Outcome>> {
        fs::create_dir_all(self.out_dir).map_err(|e| {
            anyhow::anyhow!(
                "could not create the folder {}: {e}",
                self.out_dir.display()
            )
        })?;
        files::remove_stale_temporary_files(self.out_dir);
        let stems = page_stems(sources);
        let names = Names::default();
        for (source, stem) in sources.iter().zip(&stems) {
            names.claim(self.out_dir.join(format!("{stem}.html")), &source.name());
        }
        let results: Vec<(Vec<Outcome>, Option<Input>)> = sources
            .par_iter()
            .zip(&stems)
            .map(|(source, stem)| self.bundle_source(source, stem, &names))
            .collect();
        let mut outcomes = Vec::new();
        let mut captures = Vec::new();
        let mut capture_sources = Vec::new();
        for ((source_outcomes, deferred), source) in results.into_iter().zip(sources) {
            outcomes.extend(source_outcomes);
            if let Some(input) = deferred {
                captures.push(input);
                capture_sources.push(source);
            }
        }
        outcomes.extend(self.bundle_sessions(&captures, &capture_sources, &names));
        if let Some(session) = self.session
            && outcomes.is_empty()
        {
            bail!("no input holds session {session:?}");
        }
        Ok(outcomes)
    }

    /// Bundles one source, or hands it back when it holds capture requests, to be read with the
    /// others (its sessions may go on in them).
    fn bundle_source(
        &self,
        source: &Source,
        stem: &str,
        names: &Names,
    ) -> (Vec<Outcome>, Option<Input>) {
        let from = source.name();
        let failed = |error: anyhow::Error| Outcome::Failed {
            from: from.clone(),
            error: format!("{error:#}"),
        };
        // The usual page of a usual input: when it is up to date, the input need not be read.
        let page = self.out_dir.join(format!("{stem}.html"));
        if self.session.is_none() && !self.force && is_up_to_date(&page, &[source]) {
            return (vec![Outcome::Skipped { page, from }], None);
        }
        let input = match source.read().and_then(Input::new) {
            Ok(input) => input,
            Err(err) => return (vec![failed(err)], None),
        };
        let reads = input::read_inputs(std::slice::from_ref(&input));
        if reads.iter().all(|r| r.format == Format::CaptureRequests) {
            drop(reads);
            return (Vec::new(), Some(input));
        }
        let several = reads.len() > 1;
        let outcomes = reads
            .into_iter()
            .enumerate()
            .filter_map(|(n, read)| {
                let recording = match read.recording {
                    Ok(recording) => recording,
                    Err(err) => return Some(failed(err)),
                };
                if !self.wanted(&recording) {
                    return None;
                }
                let page = if several {
                    let id = recording.id_among(n);
                    let name = format!("{stem}-{}.html", files::safe_file_stem(&id));
                    names.claim(self.out_dir.join(name), &format!("{from}#{id}"))
                } else {
                    page.clone()
                };
                Some(self.write(page, from.clone(), read.format, recording, &[source]))
            })
            .collect();
        (outcomes, None)
    }

    /// Bundles the sessions of all capture requests, a page each.
    fn bundle_sessions(
        &self,
        captures: &[Input],
        sources: &[&Source],
        names: &Names,
    ) -> Vec<Outcome> {
        let reads: Vec<_> = input::read_inputs(captures)
            .into_iter()
            .filter(|read| match &read.recording {
                Ok(recording) => self.wanted(recording),
                // A session that cannot be read may be the one asked for: say why.
                Err(_) => true,
            })
            .collect();
        reads
            .into_par_iter()
            .map(|read| {
                let from: Vec<&Source> = read.inputs.iter().map(|&i| sources[i]).collect();
                let input_names: Vec<String> = from.iter().map(|s| s.name()).collect();
                let from_text = match input_names.as_slice() {
                    [one] => one.clone(),
                    many => format!("{} capture requests ({}, ...)", many.len(), many[0]),
                };
                match read.recording {
                    Err(err) => Outcome::Failed {
                        from: from_text,
                        error: format!("{err:#}"),
                    },
                    Ok(recording) => {
                        let id = recording.session_id.clone().unwrap_or_default();
                        let page = names.claim(
                            self.out_dir
                                .join(format!("{}.html", files::safe_file_stem(&id))),
                            &format!("session {id}"),
                        );
                        self.write(page, from_text, read.format, recording, &from)
                    }
                }
            })
            .collect()
    }

    fn wanted(&self, recording: &Recording) -> bool {
        self.session
            .is_none_or(|id| recording.session_id.as_deref() == Some(id))
    }

    fn write(
        &self,
        page: PathBuf,
        from: String,
        format: Format,
        recording: Recording,
        sources: &[&Source],
    ) -> Outcome {
        if let Err(err) = files::refuse_input_as_output(&page, sources.iter().copied()) {
            return Outcome::Failed {
                from,
                error: format!("{err:#}"),
            };
        }
        if !self.force && is_up_to_date(&page, sources) {
            return Outcome::Skipped { page, from };
        }
        let mut warnings = recording.warnings.clone();
        let written =
            files::write_atomically(&page, |out| write_page(&[recording], self.options, out));
        match written {
            Ok(more) => {
                warnings.extend(more);
                Outcome::Made {
                    page,
                    from,
                    format,
                    warnings,
                }
            }
            Err(err) => Outcome::Failed {
                from,
                error: format!("could not write {}: {err:#}", page.display()),
            },
        }
    }
}

/// The pages named so far in a run, each with whose it is.
#[derive(Default)]
struct Names(Mutex<HashMap<PathBuf, String>>);

impl Names {
    /// Claims a page's name for `owner` (who makes it) in this run: the name itself when no
    /// one else holds it, else the name with a digest of the owner.
    fn claim(&self, page: PathBuf, owner: &str) -> PathBuf {
        let mut claimed = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut candidate = page.clone();
        for n in 1.. {
            match claimed.get(&candidate) {
                Some(holder) if holder != owner => {}
                _ => break,
            }
            let stem = page
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            let digest = files::short_digest(&format!("{owner}#{n}"));
            candidate = page.with_file_name(format!("{stem}-{digest}.html"));
        }
        claimed.insert(candidate.clone(), owner.to_owned());
        candidate
    }
}

/// Each source's page name: its file name without the extension, numbered when two sources
/// share one (`export`, `export-2`), skipping numbers that another source's own name takes
/// (`a/export.json`, `b/export.json` and `export-2.json` give `export`, `export-3`, `export-2`).
fn page_stems(sources: &[Source]) -> Vec<String> {
    let own: Vec<String> = sources
        .iter()
        .map(|source| {
            source.path.file_stem().map_or("recording".to_owned(), |s| {
                files::safe_file_stem(&s.to_string_lossy())
            })
        })
        .collect();
    let mut taken: HashSet<String> = own.iter().cloned().collect();
    let mut given: HashSet<String> = HashSet::new();
    own.into_iter()
        .map(|stem| {
            if given.insert(stem.clone()) {
                return stem;
            }
            let numbered = (2..)
                .map(|n| format!("{stem}-{n}"))
                .find(|s| !taken.contains(s))
                .unwrap_or_default();
            taken.insert(numbered.clone());
            given.insert(numbered.clone());
            numbered
        })
        .collect()
}

/// Whether a page exists and is newer than every input it is made from.
fn is_up_to_date(page: &Path, sources: &[&Source]) -> bool {
    let Ok(written) = fs::metadata(page).and_then(|m| m.modified()) else {
        return false;
    };
    sources.iter().all(|s| {
        s.modified()
            .is_some_and(|changed: SystemTime| changed <= written)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_pages_whose_inputs_share_a_name() {
        let sources: Vec<Source> = [
            "a/export.json",
            "b/export.json",
            "c/other.jsonl",
            "d/export.json.gz",
            "export-2.json",
        ]
        .into_iter()
        .map(|p| Source { path: p.into() })
        .collect();
        assert_eq!(
            page_stems(&sources),
            ["export", "export-3", "other", "export.json", "export-2"]
        );
    }
}
