//! The payload: what the page carries of a recording.
//!
//! - a [`Summary`], small plain JSON the viewer reads first (ids, times, person, windows);
//! - for each window, its events as one JSON array, gzip-compressed and base64-encoded, which
//!   the browser expands with its built-in `DecompressionStream`.
//!
//! Times in the summary are milliseconds from the recording's first event ("session time"),
//! except `startTimestamp`, which is the epoch time of that event.

use std::io::Write;

use anyhow::{Context, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use flate2::Compression;
use flate2::GzBuilder;
use serde::Serialize;
use serde_json::Value;

use crate::recording::{Recording, Window};

/// Version of the payload layout, read by the viewer and by tools that take bundles apart.
pub const FORMAT_VERSION: u32 = 1;

/// gzip level of the event data: zlib's default, a good trade of size against time.
const GZIP_LEVEL: u32 = 6;

/// What the viewer knows before it decompresses anything.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub format_version: u32,
    pub session_id: Option<String>,
    pub person: Option<Value>,
    /// Epoch milliseconds of the first event.
    pub start_timestamp: f64,
    /// Milliseconds from the first to the last event.
    pub duration: f64,
    pub first_url: Option<String>,
    /// Windows in order of first appearance.
    pub windows: Vec<WindowSummary>,
    /// Index in `windows` of the window where the session ends (where the page starts).
    pub initial_window: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowSummary {
    pub id: String,
    /// Session time of the window's first event.
    pub start: f64,
    /// Session time of the window's last event.
    pub end: f64,
    pub event_count: usize,
}

/// A recording packed for the page.
#[derive(Debug)]
pub struct Payload {
    pub summary: Summary,
    /// Per window, in the order of `summary.windows`: base64 of gzip of the JSON event array.
    pub window_data: Vec<String>,
}

impl Payload {
    pub fn new(recording: &Recording) -> Result<Payload> {
        let start = recording.start();
        let windows = recording
            .windows
            .iter()
            .map(|w| WindowSummary {
                id: w.id.clone(),
                start: w.start() - start,
                end: w.end() - start,
                event_count: w.events.len(),
            })
            .collect();
        let initial_window = recording
            .last_window()
            .and_then(|last| recording.windows.iter().position(|w| w.id == last.id))
            .unwrap_or(0);
        let window_data = recording
            .windows
            .iter()
            .map(|w| {
                pack_events(w)
                    .with_context(|| format!("could not compress the events of window {}", w.id))
            })
            .collect::<Result<_>>()?;
        Ok(Payload {
            summary: Summary {
                format_version: FORMAT_VERSION,
                session_id: recording.session_id.clone(),
                person: recording.person.clone(),
                start_timestamp: start,
                duration: recording.duration(),
                first_url: recording.first_url(),
                windows,
                initial_window,
            },
            window_data,
        })
    }
}

/// gzip (with no name and a zero time in its header, so output is reproducible) of the
/// window's events as a JSON array, in base64.
fn pack_events(window: &Window) -> Result<String> {
    let mut gz = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::new(GZIP_LEVEL));
    gz.write_all(b"[")?;
    for (i, event) in window.events.iter().enumerate() {
        if i > 0 {
            gz.write_all(b",")?;
        }
        gz.write_all(event.raw.get().as_bytes())?;
    }
    gz.write_all(b"]")?;
    Ok(BASE64.encode(gz.finish()?))
}

/// Reverses [`pack_events`]: the JSON text of a window's events.
pub fn unpack_events(data: &str) -> Result<String> {
    use std::io::Read;
    let gz = BASE64
        .decode(data.trim())
        .context("the event data is not base64")?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut json)
        .context("the event data is not gzip-compressed UTF-8")?;
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input;

    #[test]
    fn packs_each_window_and_sums_it_up() {
        let input = br#"[{"type":4,"data":{"href":"https://a/","width":10,"height":10},"timestamp":1000,"windowId":"a"},
            {"type":2,"data":{"node":{},"x":"\u00e9"},"timestamp":1000,"windowId":"a"},
            {"type":2,"data":{"node":{}},"timestamp":1500,"windowId":"b"},
            {"type":3,"data":{"source":1},"timestamp":3000,"windowId":"a"}]"#;
        let (_, rec) = input::read(input).unwrap();
        let payload = Payload::new(&rec).unwrap();
        let s = &payload.summary;
        assert_eq!((s.start_timestamp, s.duration), (1000.0, 2000.0));
        assert_eq!(s.first_url.as_deref(), Some("https://a/"));
        assert_eq!(s.initial_window, 0, "the session ends in window a");
        assert_eq!(
            (
                s.windows[1].id.as_str(),
                s.windows[1].start,
                s.windows[1].event_count
            ),
            ("b", 500.0, 2)
        );
        let a: Vec<Value> =
            serde_json::from_str(&unpack_events(&payload.window_data[0]).unwrap()).unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[1]["data"]["x"], "é");
    }
}
