//! `replay-html inspect`: what an input or a page holds, checked against what posthog-js
//! recorded (tests/fixtures/real/expected.json).

mod common;

use std::fs;

use serde_json::{Value, json};

use common::{expected, fixture, run, run_ok, window_uuids};

fn inspect_json(args: &[&str]) -> Value {
    let mut all = vec!["inspect", "--json"];
    all.extend_from_slice(args);
    let output = run_ok(&all);
    serde_json::from_slice(&output.stdout).expect("inspect --json prints JSON")
}

/// The facts every input format of the real session must report alike.
fn assert_reports_the_real_session(expected: &Value, report: &Value, windows: &[String]) {
    assert_eq!(report["duration_ms"], expected["durationMs"]);
    assert_eq!(report["start_timestamp"], expected["firstTimestamp"]);
    assert_eq!(report["start"], "2026-11-22T13:48:34.677Z");
    let counts: Vec<(String, u64)> = report["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().to_owned(),
                w["events"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected_counts: Vec<(String, u64)> = windows
        .iter()
        .zip(expected["windows"].as_array().unwrap())
        .map(|(id, w)| (id.clone(), w["eventCount"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, expected_counts);
    assert_eq!(
        report["events_by_plugin"],
        json!({"rrweb/console@1": 3, "rrweb/network@1": 6})
    );
    assert_eq!(
        report["console_by_level"],
        json!(expected["consoleByLevel"])
    );
    let errors = report["console_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["text"], "could not load recommendations: 404");
    let failures = report["network_failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(
        (
            failures[0]["method"].as_str(),
            failures[0]["url"].as_str(),
            failures[0]["status"].as_u64()
        ),
        (
            Some("GET"),
            Some("http://127.0.0.1:43599/api/missing"),
            Some(404)
        )
    );
    assert_eq!(
        report["network_requests"].as_u64().unwrap(),
        expected["networkRequests"].as_array().unwrap().len() as u64
    );
    let urls: Vec<&str> = report["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "http://127.0.0.1:43599/",
            "http://127.0.0.1:43599/thanks",
            "http://127.0.0.1:43599/help"
        ]
    );
    assert_eq!(report["problems"], json!([]));
}

#[test]
fn reports_the_real_session_from_an_export_jsonl_snappy_and_a_page() {
    let expected = expected();
    let uuids = window_uuids(&expected);
    let export = inspect_json(&[fixture("real/export-2023-04-28-uuid-windows.json")
        .to_str()
        .unwrap()]);
    assert_eq!(export["inputs"][0]["container"], "plain");
    let report = &export["recordings"][0];
    assert_eq!(report["format"], "PostHog export (version 2023-04-28)");
    assert_eq!(report["session_id"], expected["sessionId"]);
    assert_eq!(report["person"]["properties"]["email"], "ada@example.com");
    assert_reports_the_real_session(&expected, report, &uuids);

    let jsonl = inspect_json(&[fixture("real/snapshots-blob_v2.jsonl").to_str().unwrap()]);
    assert_reports_the_real_session(&expected, &jsonl["recordings"][0], &uuids);
    // Its compressed events are counted expanded: the same bytes as the export's events.
    assert_eq!(jsonl["recordings"][0]["event_bytes"], report["event_bytes"]);

    let snappy = inspect_json(&[fixture("real/snapshots-decompress-false.bin")
        .to_str()
        .unwrap()]);
    assert_eq!(snappy["inputs"][0]["container"], "snappy blocks");
    assert_reports_the_real_session(&expected, &snappy["recordings"][0], &uuids);

    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    common::bundle(&fixture("real/export-2023-04-28-uuid-windows.json"), &page);
    let bundled = inspect_json(&[page.to_str().unwrap()]);
    assert_eq!(bundled["recordings"][0]["format"], "replay-html page");
    assert_reports_the_real_session(&expected, &bundled["recordings"][0], &uuids);
}

#[test]
fn reports_capture_requests_as_one_session_with_its_inputs() {
    let report = inspect_json(&[fixture("real/capture/*.body").to_str().unwrap()]);
    assert_eq!(report["inputs"].as_array().unwrap().len(), 5);
    assert_eq!(report["inputs"][0]["container"], "gzip");
    let recording = &report["recordings"][0];
    assert_eq!(recording["inputs"], json!([0, 1, 2, 3, 4]));
    assert_eq!(recording["format"], "posthog-js capture requests");
    let expected = expected();
    assert_reports_the_real_session(&expected, recording, &window_uuids(&expected));
}

#[test]
fn names_the_problems_it_put_right() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reversed.json");
    let mut events: Vec<Value> =
        serde_json::from_slice(&fs::read(fixture("real/rrweb-events.json")).unwrap()).unwrap();
    events.reverse();
    events.push(json!({"type": 3, "data": {"source": 1}, "timestamp": 1, "windowId": "lost"}));
    fs::write(&input, serde_json::to_vec(&events).unwrap()).unwrap();
    let report = inspect_json(&[input.to_str().unwrap()]);
    let problems: Vec<&str> = report["recordings"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("left out window \"lost\"")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("came after a later event")),
        "{problems:?}"
    );
}

#[test]
fn text_output_reads_at_a_glance() {
    let output = run_ok(&[
        "inspect",
        fixture("real/export-2023-04-28-int-windows.json")
            .to_str()
            .unwrap(),
    ]);
    let text = String::from_utf8(output.stdout).unwrap();
    for line in [
        "format: PostHog export (version 2023-04-28)",
        "session: 01a20384-0938-75f7-a5c4-807abbf7900f",
        "person: Ada Lovelace, ada@example.com, ada-lovelace",
        "duration: 0:16",
        "  error at 0:04: could not load recommendations: 404",
        "  404 at 0:04: GET http://127.0.0.1:43599/api/missing",
        "problems: none",
    ] {
        assert!(
            text.lines().any(|l| l.trim_end() == line),
            "{line:?} not in:\n{text}"
        );
    }
}

#[test]
fn an_input_that_cannot_be_read_is_reported_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("broken.json");
    fs::write(&input, "{\"version\":").unwrap();
    let output = run(&["inspect", input.to_str().unwrap()]);
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains("broken.json") && text.contains("cut short"),
        "{text}"
    );
}

#[test]
fn json_is_always_one_document_with_recordings_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture("real/export-2023-04-28-int-windows.json");
    let empty = dir.path().join("empty.json");
    fs::write(&empty, "").unwrap();
    let cut = dir.path().join("cut.json");
    let export = fs::read(&good).unwrap();
    fs::write(&cut, &export[..export.len() / 2]).unwrap();
    let missing = dir.path().join("missing.json");
    for (bad, says) in [
        (&empty, "it is empty"),
        (&cut, "cut short"),
        (&missing, "No such file"),
    ] {
        let output = run(&[
            "inspect",
            "--json",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
        ]);
        assert!(!output.status.success(), "a failed input fails the run");
        let report: Value = serde_json::from_slice(&output.stdout)
            .expect("inspect --json prints one JSON document");
        assert_eq!(
            report["recordings"].as_array().unwrap().len(),
            1,
            "{report}"
        );
        assert_eq!(report["recordings"][0]["inputs"], json!([0]));
        let failures = report["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 1, "{report}");
        assert_eq!(failures[0]["inputs"], json!([1]));
        assert!(
            failures[0]["error"].as_str().unwrap().contains(says),
            "{report}"
        );
        assert_eq!(report["inputs"].as_array().unwrap().len(), 2);
    }
}
