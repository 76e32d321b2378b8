//! replay-html turns a session-recording export into one self-contained HTML file that replays
//! the session offline.
//!
//! Data flows one way, one module a step:
//!
//! 1. [`input`] finds the format of the input and reads it;
//! 2. into a [`recording::Recording`]: windows of time-ordered rrweb events, borrowed from the
//!    input, which [`redact`] strips of personal data when asked;
//! 3. [`payload`] packs it for the page: a summary with the timeline [`analysis`] works out,
//!    and the events and inspector rows compressed with gzip;
//! 4. [`page`] renders the page around it, with the vendored player and the viewer inlined,
//!    the compressed data written as text ([`base122`] in a UTF-8 page, [`utf16_text`] in a
//!    UTF-16 one).
//!
//! A recording can also go back out as a PostHog export ([`export`], `replay-html extract`) or
//! be reported on ([`inspect`]); [`batch`] bundles many inputs into a folder, a page each, and
//! [`files`] finds the inputs a command line names and writes files atomically; a batch skips
//! pages whose [`fingerprint`] is unchanged, writes them through [`output`], and may be one
//! [`shard`] of many.
//!
//! ```no_run
//! use replay_html::{Input, Options};
//!
//! let input = Input::new(std::fs::read("export-ph-recording.json")?)?;
//! let (format, recording) = input.read()?;
//! let page = std::fs::File::create("replay.html")?;
//! let warnings = replay_html::write_page(&[recording], &Options::default(), page)?;
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod analysis;
pub mod base122;
pub mod batch;
pub mod clip;
pub mod export;
pub mod files;
pub mod fingerprint;
pub mod input;
pub mod inspect;
mod json;
pub mod mobile;
pub mod notes;
pub mod output;
pub mod page;
pub mod payload;
pub mod pii;
pub mod recording;
pub mod redact;
pub mod shard;
pub mod source;
pub mod terminal;
pub mod utf16_text;

use std::io::Write;

use anyhow::Result;

pub use input::{Format, Input};
pub use page::{Theme, ViewerSettings};
pub use recording::Recording;
pub use redact::{Redaction, Selector};

/// Title used when the recording names neither a session nor a page.
const FALLBACK_TITLE: &str = "Session replay";

/// How far writing a page has gone, for a progress bar: the page's events are compressed in
/// chunks, and each chunk done is reported with the bytes of events it held.
pub trait Progress: Sync + Send {
    /// Compressing starts, with `total` bytes of events to go.
    fn start(&self, total: u64);
    /// A chunk of `bytes` is done.
    fn advance(&self, bytes: u64);
}

/// How to bundle a recording.
#[derive(Clone, Default)]
pub struct Options {
    /// Page title; by default the session id, else the first URL of the recording.
    pub title: Option<String>,
    /// Block every remote image, font and stylesheet of the recorded site: opening the page
    /// then makes no network request at all.
    pub offline: bool,
    /// Personal data to remove from the file before it is written.
    pub redaction: Redaction,
    /// How the viewer starts.
    pub viewer: ViewerSettings,
    /// Told how far writing the page has gone.
    pub progress: Option<std::sync::Arc<dyn Progress>>,
    /// What to do when the page would carry personal data ([`pii`]).
    pub pii: PiiCheck,
    /// Recorded in the page's `<meta name="replay-html-fingerprint">`: see [`fingerprint`].
    pub fingerprint: Option<String>,
    /// Only this stretch of each recording ([`clip`]).
    pub clip: clip::Clip,
    /// Notes to pin to moments of the recording (of one recording only), in its session time.
    pub notes: Vec<notes::Note>,
    /// The page's encoding: by default, the one that makes the smaller file.
    pub encoding: page::PageEncoding,
}

/// What bundling does about personal data the page would carry (after redaction).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PiiCheck {
    /// Do not look.
    Skip,
    /// Say what was found, in one warning with the counts, and write the page.
    #[default]
    Warn,
    /// Write no page: fail with [`pii::Found`].
    Fail,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("title", &self.title)
            .field("offline", &self.offline)
            .field("redaction", &self.redaction)
            .field("viewer", &self.viewer)
            .field("progress", &self.progress.is_some())
            .field("pii", &self.pii)
            .field("fingerprint", &self.fingerprint)
            .field("clip", &self.clip)
            .field("notes", &self.notes)
            .field("encoding", &self.encoding)
            .finish()
    }
}

/// A page bundled in memory.
#[derive(Debug)]
pub struct Bundle {
    /// The page, one self-contained HTML document: UTF-8, or UTF-16 with a byte-order mark
    /// when that is smaller (see [`page::Encoding`]).
    pub html: Vec<u8>,
    /// The format the input was read as.
    pub format: Format,
    /// Problems in the input that were recovered from, worded for the user.
    pub warnings: Vec<String>,
}

/// Bundles the bytes of an input file into a page, in memory.
pub fn bundle(input: &[u8], options: &Options) -> Result<Bundle> {
    let input = Input::new(input.to_vec())?;
    let (format, recording) = input.read()?;
    let mut html = Vec::new();
    let mut warnings = recording.warnings.clone();
    warnings.extend(write_page(&[recording], options, &mut html)?);
    Ok(Bundle {
        html,
        format,
        warnings,
    })
}

/// Writes the page of one recording, or of a collection of several, redacted as the options
/// ask. Returns the problems met while writing (damaged compressed events); the recordings'
/// own warnings are theirs to report.
pub fn write_page(
    recordings: &[Recording],
    options: &Options,
    out: impl Write,
) -> Result<Vec<String>> {
    let redacted: Vec<Recording> =
        if options.redaction.is_none() && options.clip.is_whole() && options.notes.is_empty() {
            Vec::new()
        } else {
            if !options.notes.is_empty() && recordings.len() > 1 {
                anyhow::bail!(
                    "notes go on a page of one recording, not of {}",
                    recordings.len()
                );
            }
            recordings
                .iter()
                .map(|recording| prepare(recording, options))
                .collect::<Result<_>>()?
        };
    let recordings = if redacted.is_empty() {
        recordings
    } else {
        &redacted
    };
    let mut warnings = Vec::new();
    // --fail-on-pii must know before the page is written (it may go to standard output, or a
    // pipe): it scans first. A warning can wait: the events are scanned as their chunks are
    // compressed, on all cores, each expanded once.
    if options.pii == PiiCheck::Fail {
        let findings: Vec<pii::Finding> = recordings.iter().flat_map(pii::scan).collect();
        if !findings.is_empty() {
            return Err(pii::Found { findings }.into());
        }
    }
    // The player and the viewer get each recording's timeline; the events far outside it ride
    // along in the page's data (see `recording::outliers`).
    let timelines: Vec<_> = recordings.iter().map(Recording::timeline).collect();
    let payloads = recordings
        .iter()
        .zip(&timelines)
        .map(|(recording, timeline)| {
            let title = match (&options.title, recordings.len()) {
                (Some(title), 1) => title.clone(),
                _ => recording_title(recording),
            };
            payload::Payload::new(timeline, &title)?.with_outliers(recording)
        })
        .collect::<Result<Vec<_>>>()?;
    let title = match (&options.title, payloads.as_slice()) {
        (Some(title), _) => title.clone(),
        (None, [only]) => only.summary.title.clone(),
        (None, all) => format!("{} session replays", all.len()),
    };
    let scan = options.pii == PiiCheck::Warn;
    let rendered = page::render(
        &payloads,
        &page::PageOptions {
            title: &title,
            offline: options.offline,
            viewer: &options.viewer,
            fingerprint: options.fingerprint.as_deref(),
            pii: scan,
            encoding: options.encoding,
        },
        out,
        options.progress.as_deref(),
    )?;
    if scan {
        let people = recordings.iter().flat_map(pii::person).collect();
        let findings = pii::in_order(people, rendered.findings);
        if !findings.is_empty() {
            warnings.push(format!(
                "the page carries what looks like personal data: {} (replay-html inspect --pii tells where, and which redaction options remove it)",
                pii::counts(&findings)
            ));
        }
    }
    warnings.extend(rendered.warnings);
    Ok(warnings)
}

/// What the personal-data check finds in the page [`write_page`] would make of a recording
/// with these options (after its clip, notes and redaction), with times in the page's time
/// (`inspect --pii`).
pub fn find_pii(recording: &Recording, options: &Options) -> Result<Vec<pii::Finding>> {
    Ok(pii::scan(&prepare(recording, options)?))
}

/// The recording as the page carries it: its notes added, cut to the clip, and redacted.
fn prepare<'a>(recording: &Recording<'a>, options: &Options) -> Result<Recording<'a>> {
    let mut copy = recording.clone();
    if !options.notes.is_empty() {
        let duration = copy.duration();
        let from = options.clip.from.unwrap_or(0.0);
        let to = options.clip.to.unwrap_or(duration);
        let what = if options.clip.is_whole() {
            "recording"
        } else {
            "clip"
        };
        notes::check_within(&options.notes, from, to.min(duration), what)?;
        notes::add(&mut copy, &options.notes)?;
    }
    options.clip.apply(&mut copy)?;
    options.redaction.apply(&mut copy)?;
    Ok(copy)
}

/// The plural ending of a word counted `n` times in a message: "1 event", "2 events".
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A recording's own title: its session id, else its first URL.
fn recording_title(recording: &Recording) -> String {
    recording
        .session_id
        .clone()
        .or_else(|| recording.first_url())
        .unwrap_or_else(|| FALLBACK_TITLE.to_owned())
}
