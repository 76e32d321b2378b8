//! A bare JSON array of rrweb events: rrweb's own output (`rrweb.record` collected into an
//! array), and PostHog's "rrweb" export type. Events may carry `windowId`; without it, they all
//! belong to one unnamed window.

use anyhow::Result;
use serde_json::value::RawValue;

use crate::recording::{Recording, RecordingBuilder, Under};

/// Reads the entries of a JSON array of events.
pub fn read<'a>(events: &[&'a RawValue]) -> Result<Recording<'a>> {
    let mut builder = RecordingBuilder::new();
    builder.extend(events, Under::Own);
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
