//! Every input format, on the real recording: each reads to the same session, with the facts
//! `expected.json` derived from what posthog-js sent.

mod common;

use std::fs;

use serde_json::Value;

use replay_html::{Format, Input, Recording};

use common::{event_values as values, expected};

fn read(name: &str) -> (Format, Recording<'static>) {
    common::read_recording(
        fs::read(common::fixture(&format!("real/{name}"))).unwrap(),
        name,
    )
}

/// The window ids a format gives the two windows: posthog-js UUIDs, or the export's integers.
fn window_ids(expected: &Value, by_integer: bool) -> Vec<String> {
    expected["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            if by_integer {
                w["intId"].to_string()
            } else {
                w["windowId"].as_str().unwrap().to_owned()
            }
        })
        .collect()
}

const ALL_WINDOWS: [(&str, Format, bool); 10] = [
    (
        "export-2023-04-28-int-windows.json",
        Format::PosthogExport20230428,
        true,
    ),
    (
        "export-2023-04-28-uuid-windows.json",
        Format::PosthogExport20230428,
        false,
    ),
    (
        "export-2023-04-28-no-id-person-undefined.json",
        Format::PosthogExport20230428,
        false,
    ),
    (
        "export-2022-12-02.json",
        Format::PosthogExport20221202,
        false,
    ),
    ("snapshots-blob_v2.jsonl", Format::SnapshotLines, false),
    (
        "snapshots-windowid-lines.jsonl",
        Format::SnapshotLines,
        false,
    ),
    ("snapshots-blob_v1.jsonl", Format::SnapshotLines, false),
    // The same lines, snappy-compressed by snappyjs as PostHog's storage holds them.
    (
        "snapshots-decompress-false.bin",
        Format::SnapshotLines,
        false,
    ),
    ("snapshots-long-term.snappy", Format::SnapshotLines, false),
    ("rrweb-events.json", Format::RrwebEvents, false),
];

#[test]
fn every_format_reads_to_the_recorded_session() {
    let expected = expected();
    let (_, reference) = read("export-2023-04-28-int-windows.json");
    for (name, format, by_integer) in ALL_WINDOWS {
        let (detected, recording) = read(name);
        assert_eq!(detected, format, "{name}");
        assert!(
            recording.warnings.is_empty(),
            "{name}: {:?}",
            recording.warnings
        );
        let ids: Vec<&str> = recording.windows.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(
            ids,
            window_ids(&expected, by_integer),
            "{name}: windows in order of first appearance"
        );
        for (i, window) in recording.windows.iter().enumerate() {
            let facts = &expected["windows"][i];
            assert_eq!(
                window.events.len() as u64,
                facts["eventCount"].as_u64().unwrap(),
                "{name} window {i}"
            );
            assert_eq!(
                window.start(),
                facts["firstTimestamp"].as_f64().unwrap(),
                "{name} window {i}"
            );
            assert_eq!(
                window.end(),
                facts["lastTimestamp"].as_f64().unwrap(),
                "{name} window {i}"
            );
            assert_eq!(
                values(&recording, i),
                values(&reference, i),
                "{name} window {i}: events differ from the export's"
            );
        }
        assert_eq!(
            recording.duration(),
            expected["durationMs"].as_f64().unwrap(),
            "{name}"
        );
        assert_eq!(
            recording.first_url().as_deref(),
            expected["firstUrl"].as_str(),
            "{name}"
        );
        let end = recording.last_window().unwrap();
        assert_eq!(
            end.id,
            window_ids(&expected, by_integer)[0],
            "{name}: the session ends in window A"
        );
    }
}

#[test]
fn compressed_events_are_expanded_and_no_event_keeps_its_window_field() {
    let expected = expected();
    assert!(
        expected["cvCompressedInCapture"].as_u64().unwrap() > 0,
        "the capture holds cv events"
    );
    let blob = fs::read_to_string(common::fixture("real/snapshots-blob_v2.jsonl")).unwrap();
    assert!(blob.contains("\"cv\":\"2024-10\""));
    let (_, recording) = read("snapshots-blob_v2.jsonl");
    for window in &recording.windows {
        for event in &window.events {
            let value: Value = serde_json::from_str(&event.json.text().unwrap()).unwrap();
            assert!(
                value.get("cv").is_none() && value.get("windowId").is_none(),
                "{value}"
            );
            if event.kind == 2 {
                assert!(value["data"]["node"].is_object(), "snapshot data expanded");
            }
        }
    }
    // The texts the page showed at its end are there once expanded, and not before.
    let all: String = recording
        .windows
        .iter()
        .flat_map(|w| w.events.iter().map(|e| e.json.text().unwrap().into_owned()))
        .collect();
    for text in expected["finalText"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|t| t.as_array().unwrap())
    {
        let text = text.as_str().unwrap();
        assert!(all.contains(text), "{text}");
        assert!(!blob.contains(text), "{text} was compressed in the capture");
    }
}

#[test]
fn exports_carry_session_id_and_person() {
    let expected = expected();
    let (_, recording) = read("export-2023-04-28-uuid-windows.json");
    assert_eq!(
        recording.session_id.as_deref(),
        expected["sessionId"].as_str()
    );
    let person = recording.person.unwrap();
    assert_eq!(person["distinct_ids"][0], expected["distinctId"]);
    assert_eq!(person["properties"]["email"], "ada@example.com");

    let (_, recording) = read("export-2023-04-28-no-id-person-undefined.json");
    assert_eq!((recording.session_id, recording.person), (None, None));
}

#[test]
fn an_array_without_window_ids_is_one_window() {
    let expected = expected();
    let (format, recording) = read("rrweb-events-one-window-no-windowid.json");
    assert_eq!(format, Format::RrwebEvents);
    assert_eq!(recording.windows.len(), 1);
    assert_eq!(recording.windows[0].id, "");
    assert_eq!(
        recording.windows[0].events.len() as u64,
        expected["windows"][0]["eventCount"].as_u64().unwrap()
    );
}

#[test]
fn the_committed_example_is_the_real_export() {
    let example = fs::read(common::repo().join("examples/demo-ph-recording.json")).unwrap();
    let fixture = fs::read(common::fixture("real/export-2023-04-28-int-windows.json")).unwrap();
    assert!(
        example == fixture,
        "examples/demo-ph-recording.json differs from the fixture it was recorded as"
    );
}

#[test]
fn bundling_the_real_recording_twice_gives_the_same_bytes() {
    let input = fs::read(common::repo().join("examples/demo-ph-recording.json")).unwrap();
    let a = replay_html::bundle(&input, &replay_html::Options::default()).unwrap();
    let b = replay_html::bundle(&input, &replay_html::Options::default()).unwrap();
    assert!(a.html == b.html);
}

/// The `/s/` request bodies posthog-js sent while recording, read together: the same session
/// as the export, with the person's distinct id.
#[test]
fn capture_requests_read_to_the_recorded_session() {
    let expected = expected();
    let mut bodies: Vec<_> = fs::read_dir(common::fixture("real/capture"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "body"))
        .collect();
    bodies.sort();
    assert_eq!(
        bodies.len() as u64,
        expected["snapshotRequests"].as_u64().unwrap()
    );
    let inputs: Vec<Input> = bodies
        .iter()
        .map(|p| Input::new(fs::read(p).unwrap()).unwrap())
        .collect();
    let reads = replay_html::input::read_inputs(&inputs);
    assert_eq!(reads.len(), 1, "one session");
    let session = &reads[0];
    assert_eq!(session.format, Format::CaptureRequests);
    assert_eq!(session.inputs, (0..bodies.len()).collect::<Vec<_>>());
    let recording = session.recording.as_ref().unwrap();
    assert!(recording.warnings.is_empty(), "{:?}", recording.warnings);
    assert_eq!(
        recording.session_id.as_deref(),
        expected["sessionId"].as_str()
    );
    assert_eq!(
        recording.person.as_ref().unwrap()["distinct_ids"][0],
        expected["distinctId"]
    );
    let (_, reference) = read("export-2023-04-28-uuid-windows.json");
    assert_eq!(recording.windows.len(), reference.windows.len());
    for i in 0..recording.windows.len() {
        assert_eq!(recording.windows[i].id, reference.windows[i].id);
        assert_eq!(values(recording, i), values(&reference, i), "window {i}");
    }
}

/// A page replay-html wrote reads back as an input: the same session.
#[test]
fn a_page_reads_back_to_the_session_it_holds() {
    let (_, reference) = read("export-2023-04-28-uuid-windows.json");
    let export = fs::read(common::fixture("real/export-2023-04-28-uuid-windows.json")).unwrap();
    let page = replay_html::bundle(&export, &replay_html::Options::default()).unwrap();
    let input = Input::new(page.html).unwrap();
    let (format, recording) = input.read().unwrap();
    assert_eq!(format, Format::Page);
    assert_eq!(recording.session_id, reference.session_id);
    assert_eq!(recording.person, reference.person);
    assert_eq!(recording.windows.len(), reference.windows.len());
    for i in 0..reference.windows.len() {
        assert_eq!(recording.windows[i].id, reference.windows[i].id);
        assert_eq!(values(&recording, i), values(&reference, i), "window {i}");
    }
}
