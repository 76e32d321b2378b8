//! Properties of the input readers over generated inputs: no input makes them panic, whatever
//! they accept is a playable recording, one session reads the same from every format (capture
//! requests and snappy blocks included), and a page reads back to what it was bundled from.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use serde_json::{Value, json};

use replay_html::{Input, Options, Recording, Redaction};

/// A generated event: its window, and the event itself.
type Generated = (u8, Value);

/// A recording's content as comparable data: each window's id and its events.
type Windows = Vec<(String, Vec<Value>)>;

/// Events that look like rrweb's, with the awkward cases mixed in: every type, odd timestamps,
/// snapshots without a page, posthog-js compressed fields, and entries that are no event.
fn event() -> impl Strategy<Value = Generated> {
    let timestamp = prop_oneof![
        8 => (0u64..10_000).prop_map(|t| json!(1_700_000_000_000u64 + t)),
        1 => Just(json!("soon")),
        1 => Just(json!(-5)),
        1 => Just(json!(1.5e300)),
        1 => Just(Value::Null),
    ];
    let data = prop_oneof![
        3 => Just(json!({"node": {"type": 0, "id": 1, "childNodes": [
            {"type": 2, "id": 2, "tagName": "p", "attributes": {"class": "pii"}, "childNodes": [{"type": 3, "id": 3, "textContent": "hi"}]}]},
            "initialOffset": {"left": 0, "top": 0}})),
        2 => (0u64..16).prop_map(|source| json!({"source": source, "id": 3, "text": "typed", "texts": [{"id": 3, "value": "x"}],
            "adds": [{"parentId": 2, "node": {"type": 3, "id": 9, "textContent": "added"}}], "removes": [], "attributes": []})),
        1 => Just(json!({"href": "https://a.test/", "width": 800, "height": 600})),
        1 => Just(json!({"plugin": "rrweb/console@1", "payload": {"level": "error", "payload": ["\"boom\""]}})),
        1 => Just(json!({"plugin": "rrweb/network@1", "payload": {"requests": [{"name": "https://a.test/x", "requestBody": "secret"}]}})),
        1 => any::<String>().prop_map(Value::String),
        1 => Just(Value::Null),
    ];
    (0u8..3, 0u8..9, timestamp, data, any::<bool>(), any::<u8>()).prop_map(
        |(window, kind, timestamp, data, compress, shape)| {
            let mut event = json!({"type": kind, "data": data, "timestamp": timestamp});
            if compress && (kind == 2 || kind == 3) {
                let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
                gz.write_all(event["data"].to_string().as_bytes()).unwrap();
                let packed: String = gz.finish().unwrap().into_iter().map(char::from).collect();
                event["data"] = json!(packed);
                event["cv"] = json!("2024-10");
            }
            match shape {
                0 => (window, json!([1, 2])),
                1 => (window, json!("not an event")),
                _ => (window, event),
            }
        },
    )
}

fn events() -> impl Strategy<Value = Vec<Generated>> {
    prop::collection::vec(event(), 0..40)
}

/// The same events written as each input format the tool reads.
fn formats(events: &[Generated]) -> Vec<(&'static str, Vec<u8>)> {
    let window_id = |w: u8| format!("window-{w}");
    let with_window = |(w, e): &Generated| {
        let mut e = e.clone();
        if let Some(object) = e.as_object_mut() {
            object.insert("windowId".into(), json!(window_id(*w)));
        }
        e
    };
    let mut by_window = serde_json::Map::new();
    for (w, e) in events {
        by_window
            .entry(window_id(*w))
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .unwrap()
            .push(e.clone());
    }
    let lines = |line: &dyn Fn(&Generated) -> Value| -> Vec<u8> {
        events
            .iter()
            .map(|g| line(g).to_string() + "\n")
            .collect::<String>()
            .into_bytes()
    };
    vec![
        ("export 2023-04-28", json!({"version": "2023-04-28", "data": {"id": "s", "person": null,
            "snapshots": events.iter().map(with_window).collect::<Vec<_>>()}}).to_string().into_bytes()),
        ("export 2022-12-02", json!({"version": "2022-12-02", "data": {"person": null, "snapshotsByWindowId": by_window}}).to_string().into_bytes()),
        ("blob_v2 lines", lines(&|(w, e)| json!([window_id(*w), e]))),
        ("windowId lines", lines(&with_window)),
        ("rrweb array", json!(events.iter().map(with_window).collect::<Vec<_>>()).to_string().into_bytes()),
        ("capture requests", json!(events.iter().map(|(w, e)| json!({"event": "$snapshot",
            "properties": {"$session_id": "s", "$window_id": window_id(*w), "$snapshot_data": [e]}})).collect::<Vec<_>>())
            .to_string().into_bytes()),
        ("snappy blocks", snappy_blocks(&lines(&|(w, e)| json!([window_id(*w), e])))),
    ]
}

/// JSONL as PostHog's snapshot API gives it with decompress=false: two length-prefixed raw
/// snappy blocks of whole lines.
fn snappy_blocks(jsonl: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(jsonl.to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (first, second) = lines.split_at(lines.len() / 2);
    let mut out = Vec::new();
    for block in [first, second] {
        if block.is_empty() {
            continue;
        }
        let compressed = snap::raw::Encoder::new()
            .compress_vec(block.join("\n").as_bytes())
            .unwrap();
        out.extend((compressed.len() as u32).to_be_bytes());
        out.extend(compressed);
    }
    out
}

/// What a playable recording must be.
fn assert_playable(recording: &Recording) {
    assert!(!recording.windows.is_empty());
    for window in &recording.windows {
        assert!(
            window
                .events
                .windows(2)
                .all(|p| p[0].timestamp <= p[1].timestamp),
            "events in time order"
        );
        for (i, event) in window.events.iter().enumerate() {
            if event.kind == 2 {
                assert!(
                    i > 0 && window.events[i - 1].kind == 4,
                    "a Meta event before every full snapshot"
                );
            }
            // Every event expands (a damaged compressed one was made a note when read), and
            // is written without its window.
            let text = event.json.text().expect("every event expands");
            let value: Value = serde_json::from_str(&text).unwrap();
            assert!(
                value.get("cv").is_none_or(|cv| cv != "2024-10"),
                "compressed events are expanded"
            );
            assert!(value.get("windowId").is_none());
            if event.kind == 2 {
                assert!(
                    value["data"]["node"].is_object(),
                    "a full snapshot holds a page"
                );
            }
        }
        assert!(window.events.iter().any(|e| e.kind == 2));
    }
    assert!(recording.duration() >= 0.0);
}

/// The recording's content, comparable across formats.
fn content(recording: &Recording) -> Windows {
    let mut windows: Vec<_> = recording
        .windows
        .iter()
        .map(|w| {
            (
                w.id.clone(),
                w.events
                    .iter()
                    .map(|e| match e.json.text() {
                        Ok(text) => serde_json::from_str(&text).unwrap(),
                        Err(_) => Value::Null,
                    })
                    .collect(),
            )
        })
        .collect();
    windows.sort_by(|a: &(String, Vec<Value>), b| a.0.cmp(&b.0));
    windows
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(input) = Input::new(bytes) {
            let _ = input.read();
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[\\[\\]{}\",:0-9a-z \\n\\\\]{0,400}") {
        if let Ok(input) = Input::new(text.into_bytes()) {
            let _ = input.read();
        }
    }

    #[test]
    fn generated_sessions_read_alike_in_every_format_and_are_playable(events in events()) {
        let mut accepted: Vec<(&str, Windows)> = Vec::new();
        for (name, bytes) in formats(&events) {
            match Input::new(bytes).and_then(|input| {
                let (_, recording) = input.read()?;
                assert_playable(&recording);
                Ok(content(&recording))
            }) {
                Ok(content) => accepted.push((name, content)),
                Err(err) => prop_assert!(accepted.is_empty(), "{name} refused what another format took: {err:#}"),
            }
        }
        for (name, windows) in &accepted[1.min(accepted.len())..] {
            prop_assert_eq!(windows, &accepted[0].1, "{} reads differently from {}", name, accepted[0].0);
        }
    }

    #[test]
    fn a_page_reads_back_to_the_recording_it_was_bundled_from(events in events()) {
        let Ok(input) = Input::new(formats(&events).remove(0).1) else { return Ok(()) };
        let Ok((_, recording)) = input.read() else { return Ok(()) };
        let mut html = Vec::new();
        replay_html::write_page(std::slice::from_ref(&recording), &Options::default(), &mut html)
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let page = Input::new(html).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let (_, again) = page.read().map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        // Every event, a damaged compressed one too: reading made it a note, which the page
        // carries like any event.
        let written = |r: &Recording| -> Windows {
            r.windows.iter().map(|w| (w.id.clone(), w.events.iter()
                .map(|e| serde_json::from_str(&e.json.text().unwrap()).unwrap()).collect())).collect()
        };
        prop_assert_eq!(written(&again), written(&recording));
        prop_assert_eq!(again.session_id, recording.session_id);
    }

    #[test]
    fn bundling_with_any_redaction_never_panics_and_keeps_windows(events in events(), flags in any::<[bool; 7]>()) {
        let Ok(input) = Input::new(formats(&events).remove(0).1) else { return Ok(()) };
        let Ok((_, recording)) = input.read() else { return Ok(()) };
        let options = Options {
            redaction: Redaction {
                strip_console: flags[0],
                strip_network: flags[1],
                strip_network_bodies: flags[2],
                strip_person: flags[3],
                mask_inputs: flags[4],
                mask_text: flags[5],
                mask_selectors: vec![".pii".parse().unwrap()],
                mask_images: flags[6],
            },
            ..Options::default()
        };
        // (The timeline's windows: one whose events lie all far outside the session is left out.)
        let windows = recording.timeline().windows.len();
        let mut html = Vec::new();
        replay_html::write_page(&[recording], &options, &mut html).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let page = replay_html::input::bundle::read_page_file(&html).unwrap();
        prop_assert_eq!(page[0].windows.len(), windows);
    }
}
