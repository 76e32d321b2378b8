//! Writing a recording back out as a PostHog "Export to file" JSON, version 2023-04-28: the
//! file PostHog's "Load from file" opens, and that replay-html reads back to the same
//! recording, so that bundling it again gives the same page byte for byte.
//!
//! `{"version":"2023-04-28","data":{"id":…,"person":…,"snapshots":[…]}}`: the events of all
//! windows merged by time, each with its window as `windowId` (a number when the id is one, as
//! newer PostHog exports write it), added as the last member of the event's own text.

use std::io::Write;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::recording::Recording;

/// Writes the export of a recording.
pub fn write_export(recording: &Recording, out: &mut dyn Write) -> Result<()> {
    write!(
        out,
        r#"{{"version":"2023-04-28","data":{{"id":{},"person":{},"snapshots":["#,
        serde_json::to_string(&recording.session_id)?,
        serde_json::to_string(&recording.person)?,
    )?;
    let window_ids: Vec<String> = recording
        .windows
        .iter()
        .map(|w| window_id_json(&w.id))
        .collect();
    for (n, (_, w, i)) in recording.events_in_time_order().into_iter().enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        let text = recording.windows[w].events[i]
            .json
            .text()
            .with_context(|| {
                format!(
                    "could not expand an event of window {}",
                    recording.windows[w].id
                )
            })?;
        write_with_window(&text, &window_ids[w], out)?;
    }
    out.write_all(b"]}}\n")?;
    Ok(())
}

/// A window id as the export writes it: a number when it is one (`7`), else a string.
fn window_id_json(id: &str) -> String {
    match id.parse::<u64>() {
        Ok(n) if n.to_string() == id => n.to_string(),
        _ => Value::from(id).to_string(),
    }
}

/// Writes an event's text with `"windowId"` added as its last member.
fn write_with_window(event: &str, window_id: &str, out: &mut dyn Write) -> Result<()> {
    let body = event.trim_end();
    let body = body
        .strip_suffix('}')
        .context("an event is not a JSON object")?;
    let empty = body.trim_end() == "{";
    out.write_all(body.as_bytes())?;
    if !empty {
        out.write_all(b",")?;
    }
    write!(out, r#""windowId":{window_id}}}"#)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::read_leaked;

    #[test]
    fn writes_an_export_that_reads_back_to_the_same_recording() {
        let input =
            br#"{"version":"2022-12-02","data":{"person":{"name":"Ada"},"snapshotsByWindowId":{
            "w-b":[{"type":2,"data":{"node":{}},"timestamp":1500}],
            "7":[{"type":4,"data":{"href":"https://a/","width":10,"height":10},"timestamp":1000},
                 {"type":2,"data":{"node":{}} ,"timestamp":1000},
                 {"type":3,"data":{"source":1},"timestamp":2000}]}}}"#;
        let (_, recording) = read_leaked(input).unwrap();
        let mut export = Vec::new();
        write_export(&recording, &mut export).unwrap();
        let text = String::from_utf8(export).unwrap();
        assert!(text.starts_with(r#"{"version":"2023-04-28","data":{"id":null,"person":{"name":"Ada"},"snapshots":[{"type":4"#), "{text}");
        assert!(text.contains(r#""timestamp":1000,"windowId":7}"#), "{text}");
        assert!(
            text.contains(r#""timestamp":1500,"windowId":"w-b"}"#),
            "{text}"
        );

        let (_, again) = read_leaked(text.as_bytes()).unwrap();
        assert_eq!(again.person, recording.person);
        for (a, b) in recording.windows.iter().zip(&again.windows) {
            assert_eq!(a.id, b.id);
            let texts = |w: &crate::recording::Window| -> Vec<String> {
                w.events
                    .iter()
                    .map(|e| e.json.text().unwrap().into_owned())
                    .collect()
            };
            assert_eq!(texts(a), texts(b));
        }
    }

    #[test]
    fn numbers_only_canonical_integer_ids() {
        assert_eq!(window_id_json("7"), "7");
        assert_eq!(window_id_json("07"), r#""07""#);
        assert_eq!(window_id_json(""), r#""""#);
        assert_eq!(window_id_json("a\"b"), r#""a\"b""#);
    }
}
