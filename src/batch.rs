//! Bundling many inputs into a folder, a page each (`bundle --out-dir`): on all cores, skipping
//! pages that are up to date, and going on past inputs that cannot be bundled.
//!
//! A page is named after its input (`export.json` gives `export.html`); capture requests give a
//! page per session, named after the session id. Names are unique in a run and do not depend on
//! which page is done first: inputs that share a name are numbered in the order given
//! (`export`, `export-2`, skipping a number another input's name takes), a name that had to be
//! changed to be a safe file name carries a digest of the original ([`files::safe_file_stem`]),
//! and a page whose name another page of the run holds gets a digest of where it comes from.
//!
//! A page is up to date when the fingerprint it records is the one it would be written with now
//! (see [`crate::fingerprint`]): the same inputs, options and version. A batch may be one shard of many ([`Shard`]), and
//! tells each outcome as it comes, for a report.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Result, bail};
use rayon::prelude::*;
use serde::Serialize;

use crate::files::{self, Source};
use crate::fingerprint;
use crate::input::{self, Format, Input};
use crate::output::Place;
use crate::recording::Recording;
use crate::shard::Shard;
use crate::{Options, write_page};

/// How to run a batch.
pub struct Batch<'a> {
    /// The folder the pages go into.
    pub out_dir: &'a Place,
    /// Bundle even pages that are up to date.
    pub force: bool,
    /// Only this session.
    pub session: Option<&'a str>,
    pub options: &'a Options,
    /// Only the inputs of this shard.
    pub shard: Option<Shard>,
    /// Told of each outcome as soon as it is known.
    pub on_outcome: Option<&'a (dyn Fn(&Outcome) + Sync)>,
}

/// What became of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Made,
    /// Up to date: the page there records the fingerprint it would be written with.
    Skipped,
    Failed,
}

/// What became of one page (or of an input that gave none): a line of `--report`.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The input (or inputs, for a session of capture requests).
    pub input: String,
    /// The page, unless the input failed before one was named.
    pub page: Option<String>,
    pub status: Status,
    pub error: Option<String>,
    /// The format the input was read as, for a page made.
    pub format: Option<String>,
    /// Problems recovered from, worded for the user.
    pub warnings: Vec<String>,
    /// Time spent on it: reading, bundling and writing.
    pub seconds: f64,
    /// Bytes of input read (or known, for a skipped page) and of the page written.
    pub bytes_in: u64,
    pub bytes_out: u64,
}

impl Outcome {
    fn failed(
        input: String,
        page: Option<&Place>,
        error: &anyhow::Error,
        started: Instant,
    ) -> Self {
        Outcome {
            input,
            page: page.map(ToString::to_string),
            status: Status::Failed,
            error: Some(format!("{error:#}")),
            format: None,
            warnings: Vec::new(),
            seconds: started.elapsed().as_secs_f64(),
            bytes_in: 0,
            bytes_out: 0,
        }
    }

    fn skipped(input: String, page: &Place, bytes_in: u64, started: Instant) -> Self {
        Outcome {
            input,
            page: Some(page.to_string()),
            status: Status::Skipped,
            error: None,
            format: None,
            warnings: Vec::new(),
            seconds: started.elapsed().as_secs_f64(),
            bytes_in,
            bytes_out: 0,
        }
    }
}

/// Capture requests, kept to be read together once every input is.
struct Deferred {
    input: Input,
    identity: String,
    bytes: u64,
}

impl Batch<'_> {
    /// Bundles every source (of the shard); the outcomes come in the order of the sources,
    /// capture sessions last.
    pub fn run(&self, sources: &[Source]) -> Result<Vec<Outcome>> {
        self.out_dir.create_folder()?;
        if let Place::File(dir) = self.out_dir {
            files::remove_stale_temporary_files(dir);
        }
        let stems = page_stems(sources);
        // Every input's name is claimed, this shard's or not, so that names are the same in
        // every shard.
        let names = Names::default();
        for (source, stem) in sources.iter().zip(&stems) {
            names.claim(format!("{stem}.html"), &source.name());
        }
        let mine: Vec<(&Source, &String)> = sources
            .iter()
            .zip(&stems)
            .filter(|(source, _)| self.shard.is_none_or(|shard| shard.takes(&source.name())))
            .collect();
        let results: Vec<(Vec<Outcome>, Option<Deferred>)> = mine
            .par_iter()
            .map(|&(source, stem)| {
                let (outcomes, deferred) = self.bundle_source(source, stem, &names);
                outcomes.iter().for_each(|outcome| self.tell(outcome));
                (outcomes, deferred)
            })
            .collect();
        let mut outcomes = Vec::new();
        let mut captures = Vec::new();
        let mut capture_sources = Vec::new();
        for ((source_outcomes, deferred), (source, _)) in results.into_iter().zip(&mine) {
            outcomes.extend(source_outcomes);
            if let Some(deferred) = deferred {
                captures.push(deferred);
                capture_sources.push(*source);
            }
        }
        outcomes.extend(self.bundle_sessions(captures, &capture_sources, &names));
        if let Some(session) = self.session
            && outcomes.is_empty()
            && self.shard.is_none()
        {
            bail!("no input holds session {session:?}");
        }
        Ok(outcomes)
    }

    fn tell(&self, outcome: &Outcome) {
        if let Some(tell) = self.on_outcome {
            tell(outcome);
        }
    }

    /// Bundles one source, or hands it back when it holds capture requests, to be read with the
    /// others (its sessions may go on in them).
    fn bundle_source(
        &self,
        source: &Source,
        stem: &str,
        names: &Names,
    ) -> (Vec<Outcome>, Option<Deferred>) {
        let started = Instant::now();
        let from = source.name();
        // The usual page of a usual input: when it is up to date, the input need not be bundled.
        let page = self.out_dir.join(&format!("{stem}.html"));
        let skip_early = self.session.is_none() && !self.force;
        // An object's identity is known from its listing: an up-to-date page is skipped without
        // downloading its input.
        let known = source.identity();
        if skip_early
            && let Some(identity) = &known
            && self.is_up_to_date(&page, &[identity.as_str()])
        {
            let bytes_in = source.size().unwrap_or_default();
            return (vec![Outcome::skipped(from, &page, bytes_in, started)], None);
        }
        let bytes = match source.read() {
            Ok(bytes) => bytes,
            Err(err) => return (vec![Outcome::failed(from, None, &err, started)], None),
        };
        let bytes_in = bytes.len() as u64;
        let looked_at = known.is_some();
        let identity = known.unwrap_or_else(|| fingerprint::of_bytes(&bytes));
        if skip_early && !looked_at && self.is_up_to_date(&page, &[identity.as_str()]) {
            return (vec![Outcome::skipped(from, &page, bytes_in, started)], None);
        }
        let input = match Input::new(bytes) {
            Ok(input) => input,
            Err(err) => return (vec![Outcome::failed(from, None, &err, started)], None),
        };
        let reads = input::read_inputs(std::slice::from_ref(&input));
        if reads.iter().all(|r| r.format == Format::CaptureRequests) {
            drop(reads);
            let deferred = Deferred {
                input,
                identity,
                bytes: bytes_in,
            };
            return (Vec::new(), Some(deferred));
        }
        let several = reads.len() > 1;
        let outcomes = reads
            .into_iter()
            .enumerate()
            .filter_map(|(n, read)| {
                let recording = match read.recording {
                    Ok(recording) => recording,
                    Err(err) => return Some(Outcome::failed(from.clone(), None, &err, started)),
                };
                if !self.wanted(&recording) {
                    return None;
                }
                let page = if several {
                    let id = recording.id_among(n);
                    let name = format!("{stem}-{}.html", files::safe_file_stem(&id));
                    self.out_dir
                        .join(&names.claim(name, &format!("{from}#{id}")))
                } else {
                    page.clone()
                };
                let made = Made {
                    from: from.clone(),
                    format: read.format,
                    identities: vec![identity.as_str()],
                    sources: vec![source],
                    bytes_in,
                    started,
                    // The usual page was looked at already.
                    looked_at: skip_early && !several,
                };
                Some(self.write(page, made, recording))
            })
            .collect();
        (outcomes, None)
    }

    /// Bundles the sessions of all capture requests, a page each.
    fn bundle_sessions(
        &self,
        captures: Vec<Deferred>,
        sources: &[&Source],
        names: &Names,
    ) -> Vec<Outcome> {
        let started = Instant::now();
        let (inputs, held): (Vec<Input>, Vec<(String, u64)>) = captures
            .into_iter()
            .map(|d| (d.input, (d.identity, d.bytes)))
            .unzip();
        let reads: Vec<_> = input::read_inputs(&inputs)
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
                let input_names: Vec<String> =
                    read.inputs.iter().map(|&i| sources[i].name()).collect();
                let from = match input_names.as_slice() {
                    [one] => one.clone(),
                    many => format!("{} capture requests ({}, ...)", many.len(), many[0]),
                };
                let outcome = match read.recording {
                    Err(err) => Outcome::failed(from, None, &err, started),
                    Ok(recording) => {
                        let id = recording.session_id.clone().unwrap_or_default();
                        let name = format!("{}.html", files::safe_file_stem(&id));
                        let page = self
                            .out_dir
                            .join(&names.claim(name, &format!("session {id}")));
                        let made = Made {
                            from,
                            format: read.format,
                            identities: read.inputs.iter().map(|&i| held[i].0.as_str()).collect(),
                            sources: read.inputs.iter().map(|&i| sources[i]).collect(),
                            bytes_in: read.inputs.iter().map(|&i| held[i].1).sum(),
                            started,
                            looked_at: false,
                        };
                        self.write(page, made, recording)
                    }
                };
                self.tell(&outcome);
                outcome
            })
            .collect()
    }

    fn wanted(&self, recording: &Recording) -> bool {
        self.session
            .is_none_or(|id| recording.session_id.as_deref() == Some(id))
    }

    /// Whether the page there records the fingerprint it would be written with now.
    fn is_up_to_date(&self, page: &Place, identities: &[&str]) -> bool {
        let wanted = fingerprint::of_page(self.options, identities);
        page.fingerprint()
            .ok()
            .flatten()
            .is_some_and(|there| there == wanted)
    }

    fn write(&self, page: Place, made: Made, recording: Recording) -> Outcome {
        let path = match &page {
            Place::File(path) => path.clone(),
            Place::Object(url) => url.to_string().into(),
        };
        if let Err(err) = files::refuse_input_as_output(&path, made.sources.iter().copied()) {
            return Outcome::failed(made.from, Some(&page), &err, made.started);
        }
        let fingerprint = fingerprint::of_page(self.options, &made.identities);
        if !self.force && !made.looked_at && self.is_up_to_date(&page, &made.identities) {
            return Outcome::skipped(made.from, &page, made.bytes_in, made.started);
        }
        let mut warnings = recording.warnings.clone();
        let options = Options {
            fingerprint: Some(fingerprint.clone()),
            ..self.options.clone()
        };
        let written = page.write(Some(fingerprint.as_str()), |out| {
            write_page(&[recording], &options, out)
        });
        match written {
            Ok((more, bytes_out)) => {
                warnings.extend(more);
                Outcome {
                    input: made.from,
                    page: Some(page.to_string()),
                    status: Status::Made,
                    error: None,
                    format: Some(made.format.to_string()),
                    warnings,
                    seconds: made.started.elapsed().as_secs_f64(),
                    bytes_in: made.bytes_in,
                    bytes_out,
                }
            }
            Err(err) => {
                let mut outcome = Outcome::failed(made.from, Some(&page), &err, made.started);
                outcome.bytes_in = made.bytes_in;
                outcome
            }
        }
    }
}

/// What a page is made from.
struct Made<'a> {
    from: String,
    format: Format,
    identities: Vec<&'a str>,
    sources: Vec<&'a Source>,
    bytes_in: u64,
    started: Instant,
    /// Whether the page there was found out of date already.
    looked_at: bool,
}

/// The pages named so far in a run, each with whose it is.
#[derive(Default)]
struct Names(Mutex<HashMap<String, String>>);

impl Names {
    /// Claims a page's file name for `owner` (who makes it) in this run: the name itself when
    /// no one else holds it, else the name with a digest of the owner.
    fn claim(&self, name: String, owner: &str) -> String {
        let mut claimed = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stem = name.strip_suffix(".html").unwrap_or(&name).to_owned();
        let mut candidate = name;
        for n in 1.. {
            match claimed.get(&candidate) {
                Some(holder) if holder != owner => {}
                _ => break,
            }
            let digest = files::short_digest(&format!("{owner}#{n}"));
            candidate = format!("{stem}-{digest}.html");
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
        .map(Source::file)
        .collect();
        assert_eq!(
            page_stems(&sources),
            ["export", "export-3", "other", "export.json", "export-2"]
        );
    }
}
