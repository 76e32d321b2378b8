//! Mobile recordings replayed in real browsers (each engine of tests/browser/engines.mjs:
//! Chromium, Firefox and WebKit, through `tests/browser/mobile.mjs`): every wireframe and input
//! type is drawn, diffs end in the state the last one describes, iOS ticks play as a sequence of
//! frames, screenshots decode at their natural size, and damaged wireframes show as labelled
//! placeholders.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::{browser_available, bundle_with, fixture};

/// Opens a page in an engine (tests/browser/engines.mjs) and reads what the replayed screen
/// shows at each moment (ms of session time).
fn frames(engine: &str, page: &Path, moments: &[u64], extra: &[&str]) -> Vec<Value> {
    let mut command = Command::new("node");
    command
        .arg(common::repo().join("tests/browser/mobile.mjs"))
        .arg(page)
        .args(["--engine", engine]);
    for at in moments {
        command.args(["--at", &at.to_string()]);
    }
    let output = command.args(extra).output().expect("node runs");
    assert!(
        output.status.success(),
        "mobile.mjs failed in {engine}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    eprintln!("checking what {engine} shows");
    assert!(report["error"].is_null(), "{}", report["error"]);
    assert_eq!(report["ready"]["ok"], true, "{report}");
    assert_eq!(report["pageErrors"], serde_json::json!([]), "{report}");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "{report}");
    report["frames"].as_array().unwrap().clone()
}

fn bundled(dir: &Path, name: &str, options: &[&str]) -> std::path::PathBuf {
    let page = dir.join(format!("{name}.html"));
    bundle_with(&[fixture(&format!("mobile/{name}"))], &page, options);
    page
}

/// The entry of a frame's list (`boxes`, `inputs`, ...) for a wireframe id.
fn of<'a>(frame: &'a Value, list: &str, wireframe: &str) -> &'a Value {
    let key = if list == "boxes" { "id" } else { "wireframe" };
    frame[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry[key] == wireframe)
        .unwrap_or_else(|| panic!("no {list} entry for wireframe {wireframe}: {frame}"))
}

fn has(frame: &Value, wireframe: &str) -> bool {
    frame["boxes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["id"] == wireframe)
}

#[test]
fn every_wireframe_and_input_type_is_drawn() {
    if !browser_available() {
        return;
    }
    for engine in &common::browser_engines() {
        let engine = engine.as_str();
        let dir = tempfile::tempdir().unwrap();
        let page = bundled(dir.path(), "android-diffs.jsonl", &[]);
        let frame = &frames(engine, &page, &[0], &[])[0];
        assert_eq!(frame["mobile"], true, "drawn as a phone");
        assert_eq!(
            (frame["width"].as_u64(), frame["height"].as_u64()),
            (Some(411), Some(914))
        );

        let title = of(frame, "boxes", "102");
        assert_eq!(title["text"], "Checkout");
        assert_eq!(
            (title["left"].as_f64(), title["top"].as_f64()),
            (Some(16.0), Some(40.0))
        );
        assert_eq!(title["color"], "rgb(29, 31, 39)");
        assert_eq!(of(frame, "boxes", "101")["background"], "rgb(29, 74, 255)");
        assert_eq!(of(frame, "boxes", "103")["borderRadius"], "4px");
        assert_eq!(of(frame, "boxes", "121")["backgroundImage"], true);
        assert_eq!(
            of(frame, "boxes", "122")["text"],
            "Nested note",
            "a nested child"
        );

        let input = |id| of(frame, "inputs", id);
        assert_eq!(input("103")["value"], "Ada Lovelace");
        assert_eq!(input("104")["type"], "email");
        assert_eq!(input("105")["type"], "password");
        assert_eq!(input("106")["tag"], "textarea");
        assert_eq!(input("106")["value"], "Leave it at the door");
        assert_eq!(input("107")["value"], "Express");
        assert_eq!(
            input("107")["options"],
            serde_json::json!(["Standard", "Express", "Overnight"])
        );
        assert_eq!(input("108")["checked"], true);
        assert_eq!(input("108")["label"], "Gift wrap");
        assert_eq!(input("110")["checked"], false);
        assert_eq!(input("111")["checked"], true, "a radio of the radio group");
        assert_eq!(input("120")["tag"], "button");
        assert_eq!(input("120")["value"], "Pay 42,00 €");

        let toggle = of(frame, "toggles", "112");
        assert_eq!(
            (toggle["checked"].as_bool(), toggle["label"].as_str()),
            (Some(true), Some("Save card"))
        );
        assert_eq!(of(frame, "progress", "113")["value"], 0.4);
        assert_eq!(of(frame, "progress", "114")["kind"], "spinner");
        let stars = of(frame, "stars", "115");
        assert_eq!(
            (stars["on"].as_u64(), stars["all"].as_u64()),
            (Some(3), Some(5))
        );

        let image = of(frame, "images", "116");
        assert_eq!(image["complete"], true);
        assert_eq!(
            (
                image["naturalWidth"].as_u64(),
                image["naturalHeight"].as_u64()
            ),
            (Some(96), Some(64))
        );
        assert_eq!(of(frame, "boxes", "117")["placeholder"], "Map view");
        assert_eq!(
            of(frame, "boxes", "118")["placeholder"],
            "Web view: https://example.com/terms"
        );
        assert_eq!(
            of(frame, "boxes", "119")["background"],
            "rgb(204, 204, 204)"
        );
        let clock = frame["clock"].as_str().unwrap();
        assert!(clock.contains(':'), "a clock in the status bar: {clock}");
        assert_eq!(frame["navigation"], "◀⚪⬜");
    }
}

#[test]
fn diffs_keyboard_and_touches_end_in_the_state_the_last_diff_describes() {
    if !browser_available() {
        return;
    }
    for engine in &common::browser_engines() {
        let engine = engine.as_str();
        let dir = tempfile::tempdir().unwrap();
        let page = bundled(dir.path(), "android-diffs.jsonl", &[]);
        let frames = frames(engine, &page, &[950, 1600, 2200, 3500, 7100], &[]);
        let [touching, typing, unchecked, end_of_first, second] = frames.as_slice() else {
            panic!("five frames")
        };
        assert_eq!(touching["touch"]["touchDevice"], true);
        assert_eq!(
            (
                touching["touch"]["left"].as_f64(),
                touching["touch"]["top"].as_f64()
            ),
            (Some(200.0), Some(100.0))
        );
        assert_eq!(
            typing["keyboard"]["height"], 280.0,
            "the keyboard shows while open"
        );
        assert_eq!(of(typing, "boxes", "102")["text"], "Paying…", "an update");
        assert!(!has(typing, "117"), "a remove");
        assert_eq!(
            of(typing, "boxes", "140")["text"],
            "Card accepted",
            "an add"
        );
        assert!(has(typing, "141"), "an add's nested child");
        assert!(
            has(typing, "122"),
            "an update keeps children it does not list"
        );
        assert_eq!(of(unchecked, "inputs", "108")["checked"], false);
        assert!(end_of_first["keyboard"].is_null(), "the keyboard closed");
        // Nested adds that repeat their children: each drawn once, where the last add puts it.
        let ids: Vec<&str> = end_of_first["boxes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap())
            .collect();
        for id in [
            "142908405",
            "209272202",
            "52129787",
            "99571736",
            "52129787123",
        ] {
            assert_eq!(
                ids.iter().filter(|&&i| i == id).count(),
                1,
                "{id} in {ids:?}"
            );
        }
        // The order of the wireframes is kept through updates: the title is still first after the bar.
        assert_eq!(&ids[..3], ["100", "101", "102"]);
        // The second screen: a new full snapshot.
        assert_eq!(of(second, "boxes", "201")["text"], "Thank you");
        assert!(!has(second, "102"));
    }
}

#[test]
fn ios_ticks_play_as_a_sequence_of_frames() {
    if !browser_available() {
        return;
    }
    for engine in &common::browser_engines() {
        let engine = engine.as_str();
        let dir = tempfile::tempdir().unwrap();
        let page = bundled(
            dir.path(),
            "export-0191c63b-03ff-73b5-96be-40be2761621c.mobile.ph-recording.json",
            &[],
        );
        let frames = frames(engine, &page, &[100, 1100, 2600], &[]);
        for (n, frame) in frames.iter().enumerate() {
            assert_eq!(
                (frame["width"].as_u64(), frame["height"].as_u64()),
                (Some(393), Some(852))
            );
            assert_eq!(
                of(frame, "boxes", "4324378402")["text"],
                format!("Items in cart: {}", n + 1)
            );
            let image = of(frame, "images", "4324378403");
            assert_eq!(image["naturalWidth"], 64);
        }
    }
}

#[test]
fn screenshots_decode_at_their_natural_size_and_masked_images_keep_theirs() {
    if !browser_available() {
        return;
    }
    for engine in &common::browser_engines() {
        let engine = engine.as_str();
        let dir = tempfile::tempdir().unwrap();
        let page = bundled(dir.path(), "screenshots.jsonl", &[]);
        let frames_shown = frames(engine, &page, &[0, 1500, 2000], &[]);
        for frame in &frames_shown {
            let images = frame["images"].as_array().unwrap();
            assert_eq!(images.len(), 1, "one screenshot on screen: {frame}");
            assert_eq!(images[0]["kind"], "screenshot");
            assert_eq!(
                (
                    images[0]["naturalWidth"].as_u64(),
                    images[0]["naturalHeight"].as_u64()
                ),
                (Some(72), Some(128))
            );
        }
        let masked = dir.path().join("masked.html");
        bundle_with(
            &[fixture("mobile/screenshots.jsonl")],
            &masked,
            &["--mask-images"],
        );
        let frame = &frames(engine, &masked, &[0], &[])[0];
        let image = &frame["images"][0];
        assert_eq!(image["complete"], true);
        assert_eq!(
            of(frame, "boxes", "1")["width"],
            360.0,
            "the placeholder has the screenshot's size"
        );
    }
}

#[test]
fn a_web_view_window_plays_beside_the_app() {
    if !browser_available() {
        return;
    }
    for engine in &common::browser_engines() {
        let engine = engine.as_str();
        let dir = tempfile::tempdir().unwrap();
        let page = bundled(dir.path(), "mixed-web-and-app.jsonl", &[]);
        let app = &frames(
            engine,
            &page,
            &[1000],
            &["--window", "0191c63b-1a2b-7c3d-8e4f-a1b2c3d4e5f6"],
        )[0];
        assert_eq!(app["mobile"], true);
        assert_eq!(of(app, "boxes", "102")["text"], "Checkout");
        let web = &frames(engine, &page, &[3000], &["--window", "web-view-window"])[0];
        assert_eq!(web["mobile"], false, "the web page is drawn as a page");
    }
}

#[test]
fn damaged_and_unknown_wireframes_show_as_labelled_placeholders() {
    if !browser_available() {
        return;
    }
    for engine in &common::browser_engines() {
        let engine = engine.as_str();
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("damaged.jsonl");
        let snapshot = serde_json::json!({"type": 2, "timestamp": 1000, "data": {"wireframes": [
        {"id": 1, "x": 0, "y": 0, "width": 300, "height": 600, "childWireframes": [
            {"id": 2, "x": 0, "y": 0, "width": 100, "height": 50, "type": "hologram"},
            {"id": 3, "x": 0, "y": 60, "width": 100, "height": 50, "type": "input", "inputType": "slider"},
            {"id": 4, "x": 0, "y": 120, "width": 100, "height": 50, "type": "image"},
            {"id": 5, "x": 0, "y": 180, "width": 100, "height": 50, "type": "image", "base64": "data:image/jpeg;base64,/9j/4AAQSkZJR"},
            {"id": 6, "x": 0, "y": 240, "width": 100, "height": 50, "type": "input", "inputType": "progress", "style": {"bar": "rating"}},
            {"x": 0, "y": 300, "width": 100, "height": 20, "type": "text", "text": "no id"},
            {"id": 7, "type": "text", "text": "no size"},
            {"id": 2, "x": 0, "y": 400, "width": 10, "height": 10, "type": "text", "text": "repeated id"},
            "not a wireframe"
        ]}]}});
        let diff = serde_json::json!({"type": 3, "timestamp": 2000, "data": {"source": 0,
        "adds": [{"parentId": 99, "wireframe": {"id": 8, "x": 0, "y": 500, "width": 50, "height": 20, "type": "text", "text": "orphan"}},
                 {"parentId": 1, "wireframe": "broken"},
                 {"parentId": 3, "wireframe": {"id": 1, "width": 1, "height": 1}}],
        "removes": [{"parentId": 1, "id": 12345}]}});
        std::fs::write(&input, format!("[\"w\",{snapshot}]\n[\"w\",{diff}]\n")).unwrap();
        let page = dir.path().join("damaged.html");
        let output = bundle_with(&[&input], &page, &[]);
        let warnings = common::stderr(&output);
        for expected in [
            "unknown type (hologram)",
            "inputs of unknown type (slider)",
            "not base64 image data",
            "without an id",
            "without a width or height",
            "the id of another",
        ] {
            assert!(warnings.contains(expected), "{expected}: {warnings}");
        }
        let frames = frames(engine, &page, &[0, 1500], &[]);
        let first = &frames[0];
        assert_eq!(
            of(first, "boxes", "2")["placeholder"],
            "unknown wireframe: hologram"
        );
        assert_eq!(
            of(first, "boxes", "3")["placeholder"],
            "unknown input: slider"
        );
        assert_eq!(of(first, "boxes", "4")["placeholder"], "image");
        assert_eq!(of(first, "boxes", "6")["placeholder"], "rating");
        assert_eq!(
            of(first, "boxes", "5")["placeholder"],
            "image could not be decoded"
        );
        assert!(
            first["boxes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["text"] == "no id")
        );
        assert!(
            first["boxes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["text"] == "no size")
        );
        assert_eq!(
            first["boxes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|b| b["id"] == "2")
                .count(),
            1,
            "a repeated id is drawn once"
        );
        // After the diff: the orphan is drawn on the screen, the add of the root inside its own
        // child is refused, and the rest of the screen stays as it was.
        let second = &frames[1];
        assert_eq!(of(second, "boxes", "8")["text"], "orphan");
        assert_eq!(of(second, "boxes", "1")["width"], 300.0);
        assert!(has(second, "3"));
    }
}

/// A PNG of noise (which no compressor shrinks), 128 pixels wide and `height` high.
fn noise_png(seed: u64, height: u32) -> Vec<u8> {
    let width = 128u32;
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as u8
    };
    // Each row: filter type 0, then the row's pixels.
    let raw: Vec<u8> = (0..height)
        .flat_map(|_| std::iter::once(0).chain((0..width * 3).map(|_| next()).collect::<Vec<_>>()))
        .collect();
    let mut compressor = libdeflater::Compressor::new(libdeflater::CompressionLvl::fastest());
    let mut idat = vec![0; compressor.zlib_compress_bound(raw.len())];
    let written = compressor.zlib_compress(&raw, &mut idat).unwrap();
    idat.truncate(written);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let body = [kind, data].concat();
        png.extend_from_slice(&body);
        png.extend_from_slice(&libdeflater::crc32(&body).to_be_bytes());
    };
    let header = [
        &width.to_be_bytes()[..],
        &height.to_be_bytes(),
        &[8, 2, 0, 0, 0],
    ]
    .concat();
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &idat);
    chunk(b"IEND", &[]);
    png
}

#[test]
fn screenshot_mode_seeks_far_ahead_from_a_later_screenshot() {
    if !browser_available() {
        return;
    }
    use base64::Engine as _;
    // Screenshot mode as Android sends it: one full snapshot, then each frame (one a second)
    // as an update of the screenshot wireframe; frame n is 40 + n pixels high, to tell them apart.
    let shot = |n: u32| {
        let png = noise_png(u64::from(n), 40 + n);
        serde_json::json!({"id": 1, "x": 0, "y": 0, "width": 360, "height": 800, "type": "screenshot",
            "base64": format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))})
    };
    let start = 1_700_000_000_000u64;
    let mut lines = vec![
        serde_json::json!(["w", {"type": 4, "timestamp": start, "data": {"href": "Shots", "width": 360, "height": 800}}]),
        serde_json::json!(["w", {"type": 2, "timestamp": start, "data": {"wireframes": [shot(0)], "initialOffset": {"top": 0, "left": 0}}}]),
    ];
    for n in 1..90 {
        lines.push(
            serde_json::json!(["w", {"type": 3, "timestamp": start + u64::from(n) * 1000,
            "data": {"source": 0, "updates": [{"wireframe": shot(n)}]}}]),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("shots.jsonl");
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&input, text.join("\n")).unwrap();
    let page = dir.path().join("shots.html");
    bundle_with(&[&input], &page, &[]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.matches("\"snapshot\":true").count() >= 3,
        "later chunks start at a screenshot a player can start from"
    );
    for engine in &common::browser_engines() {
        let engine = engine.as_str();
        let shown = frames(engine, &page, &[89_000, 45_500, 500, 60_400], &[]);
        let heights: Vec<u64> = shown
            .iter()
            .map(|frame| {
                let images = frame["images"].as_array().unwrap();
                assert_eq!(images.len(), 1, "one screenshot on screen: {frame}");
                images[0]["naturalHeight"].as_u64().unwrap()
            })
            .collect();
        assert_eq!(heights, [40 + 89, 40 + 45, 40, 40 + 60], "in {engine}");
        assert!(shown.iter().all(|f| f["mobile"] == true));
    }
}
