//! Mobile recordings (PostHog's iOS, Android, React Native and Flutter SDKs): every input form
//! that carries wireframes is read, round-trips through a page, is inspected and redacted.
//! The replay itself is tested in the browser (tests/browser.rs).

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

use replay_html::{Format, Recording};

use common::{bundle_with, event_values as values, fixture, run_ok};

fn read(bytes: Vec<u8>) -> (Format, Recording<'static>) {
    common::read_recording(bytes, "a mobile recording")
}

fn read_fixture(name: &str) -> (Format, Recording<'static>) {
    read(fs::read(fixture(&format!("mobile/{name}"))).unwrap())
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `data.wireframes` of every full snapshot of a window.
fn snapshot_wireframes(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["type"] == 2)
        .map(|e| &e["data"]["wireframes"])
        .collect()
}

#[test]
fn reads_android_wireframe_lines_as_the_sdk_sent_them() {
    let (format, rec) = read_fixture("android-diffs.jsonl");
    assert_eq!(format, Format::SnapshotLines);
    assert_eq!(rec.windows.len(), 1);
    assert_eq!(rec.windows[0].id, "0191c63b-1a2b-7c3d-8e4f-a1b2c3d4e5f6");
    // The one damaged wireframe: an add of a text without width and height.
    assert_eq!(rec.warnings.len(), 1, "{:?}", rec.warnings);
    assert!(
        rec.warnings[0].contains("1 wireframe without a width or height is drawn"),
        "{:?}",
        rec.warnings
    );
    let text = fs::read_to_string(fixture("mobile/android-diffs.jsonl")).unwrap();
    let original: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()[1].clone())
        .collect();
    assert_eq!(values(&rec, 0), original, "every event, unchanged");
}

#[test]
fn reads_posthogs_own_ios_lines_with_upper_case_windows_and_seen() {
    let (format, rec) = read_fixture("posthog-encoded-snapshot-data.jsonl");
    assert_eq!(format, Format::SnapshotLines);
    assert_eq!(rec.windows[0].id, "0191C63B-03FF-73B5-96BE-40BE2761621C");
    let events = values(&rec, 0);
    assert_eq!(
        events
            .iter()
            .map(|e| e["type"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [6, 4, 2]
    );
    assert_eq!(events[2]["data"]["wireframes"][0]["type"], "screenshot");
    assert!(events[2].get("windowId").is_none());
}

#[test]
fn reads_snappy_blocks_of_mobile_lines_as_the_lines() {
    // Each block holds whole lines, as PostHog stores them.
    let text = fs::read_to_string(fixture("mobile/android-diffs.jsonl")).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut blocks = Vec::new();
    for part in lines.chunks(4) {
        let part = part.concat();
        let part = part.as_bytes();
        let compressed = snap::raw::Encoder::new().compress_vec(part).unwrap();
        blocks.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
        blocks.extend_from_slice(&compressed);
    }
    let (format, from_blocks) = read(blocks);
    let (_, from_lines) = read_fixture("android-diffs.jsonl");
    assert_eq!(format, Format::SnapshotLines);
    assert_eq!(values(&from_blocks, 0), values(&from_lines, 0));
}

#[test]
fn reads_an_old_mobile_export_of_ios_ticks() {
    let (format, rec) =
        read_fixture("export-0191c63b-03ff-73b5-96be-40be2761621c.mobile.ph-recording.json");
    assert_eq!(format, Format::PosthogExport20230428);
    let events = values(&rec, 0);
    assert_eq!(
        snapshot_wireframes(&events).len(),
        3,
        "a full snapshot each tick"
    );
    assert_eq!(events[0]["data"]["href"], "CartViewController");
}

#[test]
fn reads_mobile_capture_requests_whose_snapshot_data_is_a_list_or_one_event() {
    let (format, rec) = read_fixture("capture-mobile.json.gz");
    assert_eq!(format, Format::CaptureRequests);
    assert_eq!(
        rec.session_id.as_deref(),
        Some("0191c63b-5555-7c3d-8e4f-000000000001")
    );
    let events = values(&rec, 0);
    assert_eq!(events.len(), 4, "Meta, full snapshot, and two updates");
    assert_eq!(
        events[3]["data"]["updates"][0]["wireframe"]["type"],
        "screenshot"
    );
}

#[test]
fn a_screenshot_stream_without_meta_gets_one_of_the_screens_size() {
    let text = fs::read_to_string(fixture("mobile/screenshots.jsonl")).unwrap();
    let without_meta: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let (_, rec) = read(without_meta.into_bytes());
    let events = values(&rec, 0);
    assert_eq!(events[0]["type"], 4);
    assert_eq!(events[0]["data"]["width"], 360);
    assert_eq!(events[0]["data"]["height"], 640);
}

#[test]
fn reads_an_app_with_a_web_view_as_two_windows() {
    let (_, rec) = read_fixture("mixed-web-and-app.jsonl");
    let ids: Vec<&str> = rec.windows.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(
        ids,
        ["0191c63b-1a2b-7c3d-8e4f-a1b2c3d4e5f6", "web-view-window"]
    );
}

/// Every mobile fixture: bundle, extract, bundle again gives the same page; and the export
/// holds the SDK's own events.
#[test]
fn mobile_pages_round_trip_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "android-diffs.jsonl",
        "posthog-encoded-snapshot-data.jsonl",
        "export-0191c63b-03ff-73b5-96be-40be2761621c.mobile.ph-recording.json",
        "screenshots.jsonl",
        "capture-mobile.json.gz",
        "mixed-web-and-app.jsonl",
    ] {
        for options in [&[][..], &["--mask-text", "--mask-images"][..]] {
            let (first, export, second) = (
                dir.path().join("first.html"),
                dir.path().join("export.json"),
                dir.path().join("second.html"),
            );
            bundle_with(&[fixture(&format!("mobile/{name}"))], &first, options);
            run_ok(&["extract", path(&first), "-o", path(&export)]);
            bundle_with(&[&export], &second, options);
            assert!(
                fs::read(&first).unwrap() == fs::read(&second).unwrap(),
                "{name} with {options:?}: the page of the extracted export differs"
            );
        }
    }
    // Without options, the export holds the events the SDK sent.
    let page = dir.path().join("android.html");
    let export = dir.path().join("android.json");
    bundle_with(&[fixture("mobile/android-diffs.jsonl")], &page, &[]);
    run_ok(&["extract", path(&page), "-o", path(&export)]);
    let export: Value = serde_json::from_slice(&fs::read(&export).unwrap()).unwrap();
    let (_, rec) = read_fixture("android-diffs.jsonl");
    let extracted: Vec<Value> = export["data"]["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.as_object_mut().unwrap().remove("windowId");
            e
        })
        .collect();
    assert_eq!(extracted, values(&rec, 0));
}

/// Screenshot mode carries images that are compressed already (JPEG, WebP, PNG): a page that
/// holds them, UTF-16 as a page of this much data is written, costs at most 5% more than the
/// images' own bytes beside what any page holds (the player and the viewer, 0.8 MB in UTF-16),
/// and gives them back byte for byte.
#[test]
fn screenshots_cost_the_page_at_most_5_percent_over_their_bytes() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    // 100 frames of 40 kB that do not compress, one a second.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 24) as u8
    };
    let (frames, frame_bytes) = (100u64, 40_000);
    let window = "0191c63b-1a2b-7c3d-8e4f-a1b2c3d4e5f6";
    let start = 1_725_607_643_000u64;
    let mut lines = vec![
        serde_json::json!({"type": 4, "data": {"href": "Home", "width": 360, "height": 640}, "timestamp": start, "windowId": window}).to_string(),
    ];
    for frame in 0..frames {
        let image: Vec<u8> = (0..frame_bytes).map(|_| random()).collect();
        let url = format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&image)
        );
        // The first in a full snapshot, the others as updates of it, as the SDKs send them.
        let wireframe = serde_json::json!({"id": 1, "x": 0, "y": 0, "width": 360, "height": 640, "type": "screenshot", "base64": url});
        let (kind, data) = match frame {
            0 => (
                2,
                serde_json::json!({"wireframes": [wireframe], "initialOffset": {"top": 0, "left": 0}}),
            ),
            _ => (
                3,
                serde_json::json!({"source": 0, "updates": [{"wireframe": wireframe}]}),
            ),
        };
        lines.push(serde_json::json!({"type": kind, "data": data, "timestamp": start + 1000 * frame, "windowId": window}).to_string());
    }
    let (all, first) = (dir.path().join("all.jsonl"), dir.path().join("first.jsonl"));
    fs::write(&all, lines.join("\n")).unwrap();
    fs::write(&first, lines[..2].join("\n")).unwrap();
    let page = |input: &Path, name: &str, options: &[&str]| {
        let out = dir.path().join(name);
        bundle_with(&[input], &out, options);
        fs::read(&out).unwrap()
    };
    let whole = page(&all, "all.html", &[]);
    assert!(whole.starts_with(&[0xff, 0xfe]), "the page is not UTF-16");
    let one = page(&first, "first.html", &["--page-encoding", "utf-16"]);
    let more_images = ((frames - 1) * frame_bytes as u64) as f64;
    let cost = (whole.len() - one.len()) as f64 / more_images;
    assert!(
        cost <= 1.05,
        "99 more screenshots cost {cost:.3} times their bytes"
    );

    let export = dir.path().join("export.json");
    run_ok(&[
        "extract",
        path(&dir.path().join("all.html")),
        "-o",
        path(&export),
    ]);
    assert!(
        whole == page(&export, "again.html", &[]),
        "the page of the extracted export differs"
    );

    // In UTF-8, the same screenshots cost base-122's 8 bytes for 7.
    let whole = page(&all, "all-utf8.html", &["--page-encoding", "utf-8"]);
    let one = page(&first, "first-utf8.html", &["--page-encoding", "utf-8"]);
    let cost = (whole.len() - one.len()) as f64 / more_images;
    assert!(
        (1.12..1.2).contains(&cost),
        "in UTF-8, {cost:.3} times their bytes"
    );
}

fn inspect(name: &str) -> Value {
    let output = run_ok(&[
        "inspect",
        path(&fixture(&format!("mobile/{name}"))),
        "--json",
    ]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    report["recordings"][0].clone()
}

#[test]
fn inspect_tells_the_platform_screens_touches_and_wireframes() {
    let android = inspect("android-diffs.jsonl");
    assert_eq!(android["platform"], "android");
    assert_eq!(android["windows"][0]["platform"], "android");
    let mobile = &android["mobile"];
    assert_eq!(mobile["screens"], 2);
    assert_eq!(mobile["touches"], 2);
    assert_eq!(mobile["diffs"], 3);
    // 23 + 2 wireframes in the two full snapshots, and in the diffs: 3 + 1 + (4 + 3 + 1 + 1).
    assert_eq!(mobile["wireframes"], 39);
    let urls: Vec<&str> = android["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls, ["CheckoutActivity", "ReceiptActivity"]);

    let ios = inspect("export-0191c63b-03ff-73b5-96be-40be2761621c.mobile.ph-recording.json");
    assert_eq!(ios["platform"], "ios");
    assert_eq!(ios["mobile"]["touches"], 3);
    assert_eq!(ios["mobile"]["images"], 3);

    // Screenshot updates are Android's (posthog-ios sends full snapshots only).
    assert_eq!(inspect("screenshots.jsonl")["platform"], "android");
    // One screenshot from a lower-case window: nothing tells the platform.
    let dir = tempfile::tempdir().unwrap();
    let first_frame = dir.path().join("first-frame.jsonl");
    let text = fs::read_to_string(fixture("mobile/screenshots.jsonl")).unwrap();
    fs::write(
        &first_frame,
        text.lines().take(2).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let output = run_ok(&["inspect", path(&first_frame), "--json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["recordings"][0]["platform"], "unknown");

    let mixed = inspect("mixed-web-and-app.jsonl");
    assert_eq!(mixed["platform"], "android");
    let platforms: Vec<&str> = mixed["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["platform"].as_str().unwrap())
        .collect();
    assert_eq!(platforms, ["android", "web"]);

    let web = run_ok(&[
        "inspect",
        path(&fixture("real/snapshots-blob_v2.jsonl")),
        "--json",
    ]);
    let web: Value = serde_json::from_slice(&web.stdout).unwrap();
    assert_eq!(web["recordings"][0]["platform"], "web");
    assert!(web["recordings"][0]["mobile"].is_null());

    let text = run_ok(&["inspect", path(&fixture("mobile/android-diffs.jsonl"))]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("platform: android"), "{text}");
    assert!(
        text.contains("app: 2 screens, 2 touches, 39 wireframes"),
        "{text}"
    );
}

/// The events a page carries, by extracting it.
fn page_events(page: &Path) -> Vec<Value> {
    let export = page.with_extension("json");
    run_ok(&["extract", path(page), "-o", path(&export)]);
    let export: Value = serde_json::from_slice(&fs::read(&export).unwrap()).unwrap();
    export["data"]["snapshots"].as_array().unwrap().clone()
}

#[test]
fn redaction_masks_wireframe_texts_inputs_and_images() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("masked.html");
    bundle_with(
        &[fixture("mobile/android-diffs.jsonl")],
        &page,
        &["--mask-text", "--mask-images"],
    );
    let html = fs::read_to_string(&page).unwrap();
    let events = page_events(&page);
    let all = serde_json::to_string(&events).unwrap();
    for secret in [
        "Ada Lovelace",
        "ada@example.com",
        "Paying",
        "Gift wrap",
        "Express",
        "Thank you",
        "Card accepted",
        "iVBORw0KGgo",
    ] {
        assert!(
            !all.contains(secret),
            "{secret} is still in the page's events"
        );
    }
    assert!(!html.contains("Ada Lovelace"));
    let first = &snapshot_wireframes(&events)[0][0]["childWireframes"];
    assert_eq!(first[1]["text"], "********");
    assert_eq!(
        first[2]["value"], "************",
        "an input value, same length"
    );
    assert_eq!(first[13]["base64"], replay_html::mobile::MASKED_IMAGE);
    assert_eq!(first[13]["width"], 96, "the image keeps its size");

    // --mask-inputs alone: what the user typed goes, the app's texts and images stay.
    let inputs = dir.path().join("inputs.html");
    bundle_with(
        &[fixture("mobile/android-diffs.jsonl")],
        &inputs,
        &["--mask-inputs"],
    );
    let events = page_events(&inputs);
    let first = &snapshot_wireframes(&events)[0][0]["childWireframes"];
    assert_eq!(first[1]["text"], "Checkout");
    assert_eq!(first[2]["value"], "************");
    assert_eq!(first[6]["value"], "*******", "a select's value");
    assert_eq!(
        first[17]["value"], "Pay 42,00 €",
        "a button's text is the app's"
    );
    assert!(first[13]["base64"].as_str().unwrap().starts_with("iVBOR"));
}
