//! replay-html turns a session-recording export into one self-contained HTML file that replays
//! the session offline.
//!
//! Data flows one way, one module a step:
//!
//! 1. [`input`] finds the format of the input and reads it;
//! 2. into a [`recording::Recording`]: windows of time-ordered rrweb events, which
//!    [`redact`] strips of personal data when asked;
//! 3. [`payload`] packs it for the page (a summary, and gzip + base64 event data);
//! 4. [`page`] renders the page around it, with the vendored player and the viewer inlined.
//!
//! ```no_run
//! let input = std::fs::read("export-ph-recording.json")?;
//! let bundle = replay_html::bundle(&input, &replay_html::Options::default())?;
//! std::fs::write("replay.html", bundle.html)?;
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod input;
mod json;
pub mod page;
pub mod payload;
pub mod recording;
pub mod redact;

use anyhow::Result;

pub use input::Format;
pub use recording::Recording;
pub use redact::{Redaction, Selector};

/// Title used when the recording names neither a session nor a page.
const FALLBACK_TITLE: &str = "Session replay";

/// How to bundle a recording.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Page title; by default the session id, else the first URL of the recording.
    pub title: Option<String>,
    /// Block every remote image, font and stylesheet of the recorded site: opening the page
    /// then makes no network request at all.
    pub offline: bool,
    /// Personal data to remove from the file before it is written.
    pub redaction: Redaction,
}

/// A bundled recording.
#[derive(Debug)]
pub struct Bundle {
    /// The page, one self-contained UTF-8 HTML document.
    pub html: String,
    /// The format the input was read as.
    pub format: Format,
    /// Problems in the input that were recovered from, worded for the user.
    pub warnings: Vec<String>,
}

/// Reads a recording from the bytes of an input file, whatever its supported format.
pub fn read_recording(input: &[u8]) -> Result<(Format, Recording)> {
    input::read(input)
}

/// Bundles the bytes of an input file into a page.
pub fn bundle(input: &[u8], options: &Options) -> Result<Bundle> {
    let (format, recording) = read_recording(input)?;
    let html = render(&recording, options)?;
    Ok(Bundle {
        html,
        format,
        warnings: recording.warnings,
    })
}

/// Renders the page of a recording, redacted as the options ask.
pub fn render(recording: &Recording, options: &Options) -> Result<String> {
    let redacted;
    let recording = if options.redaction.is_none() {
        recording
    } else {
        let mut copy = recording.clone();
        options.redaction.apply(&mut copy)?;
        redacted = copy;
        &redacted
    };
    let payload = payload::Payload::new(recording)?;
    let title = options
        .title
        .clone()
        .or_else(|| recording.session_id.clone())
        .or_else(|| recording.first_url())
        .unwrap_or_else(|| FALLBACK_TITLE.to_owned());
    page::render(
        &payload,
        &page::PageOptions {
            title: &title,
            offline: options.offline,
        },
    )
}
