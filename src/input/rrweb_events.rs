//! A bare JSON array of rrweb events: rrweb's own output (`rrweb.record` collected into an
//! array), and PostHog's "rrweb" export type. Events may carry `windowId`; without it, they all
//! belong to one unnamed window.

use anyhow::{Context, Result};
use serde_json::value::RawValue;

use crate::recording::{Recording, RecordingBuilder};

/// Reads a JSON array document of events.
pub fn read(document: &RawValue) -> Result<Recording<'_>> {
    let events: Vec<&RawValue> =
        serde_json::from_str(document.get()).context("it is a JSON array, but not of events")?;
    let mut builder = RecordingBuilder::new();
    for event in events {
        builder.push(event, None);
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use crate::input::Format;
    use crate::input::tests::read_leaked as read;

    #[test]
    fn reads_events_with_and_without_window_ids() {
        let input =
            br#"[{"type":4,"data":{"href":"https://a/","width":10,"height":10},"timestamp":1},
            {"type":2,"data":{"node":{}},"timestamp":1},
            {"type":2,"data":{"node":{}},"timestamp":2,"windowId":"b"}]"#;
        let (format, rec) = read(input).unwrap();
        assert_eq!(format, Format::RrwebEvents);
        let ids: Vec<_> = rec.windows.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["", "b"]);
    }

    #[test]
    fn refuses_an_empty_array() {
        let err = format!("{:#}", read(b"[]").unwrap_err());
        assert!(err.contains("no rrweb events"), "{err}");
    }
}
