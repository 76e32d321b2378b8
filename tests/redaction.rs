//! Redaction removes personal data from the file itself: the tests decompress what the page
//! carries and search all of it, and the whole file, for what must be gone.

mod common;

use std::fs;

use serde_json::{Value, json};

use common::{bundle_with, fixture, page_contents, run, stderr};

/// Bundles `input` with `args` and returns the page and everything it carries, decompressed.
fn bundle_and_read(input: &std::path::Path, args: &[&str]) -> (String, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    bundle_with(&[input], &page, args);
    let html = fs::read_to_string(&page).unwrap();
    let (summary, windows) = page_contents(&html);
    (html, summary, windows.join("\n"))
}

fn real_export() -> std::path::PathBuf {
    fixture("real/export-2023-04-28-uuid-windows.json")
}

fn events(payload: &str) -> Vec<Value> {
    payload
        .lines()
        .flat_map(|w| serde_json::from_str::<Vec<Value>>(w).unwrap())
        .collect()
}

fn plugin_events<'a>(events: &'a [Value], plugin: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["type"] == 6 && e["data"]["plugin"] == plugin)
        .collect()
}

/// Strings of the real session that identify Ada or her order.
const PERSONAL: [&str; 8] = [
    "Ada Lovelace",
    "ada@example.com",
    "ada-lovelace",
    "Thank you, Ada",
    "#1042",
    "\\\"orderId\\\":1042",
    "could not load recommendations",
    "articles match",
];

#[test]
fn the_real_recording_carries_personal_data_without_redaction() {
    // The check below can fail: without redaction, all of it is in the file.
    let (html, summary, payload) = bundle_and_read(&real_export(), &[]);
    let everything = format!("{html}\n{summary}\n{payload}");
    for text in PERSONAL {
        assert!(
            everything.contains(text),
            "{text:?} is not in the unredacted file"
        );
    }
}

#[test]
fn full_redaction_leaves_no_personal_string_anywhere_in_the_file() {
    let flags = [
        "--strip-console",
        "--strip-network",
        "--strip-person",
        "--mask-inputs",
        "--mask-text",
    ];
    let (html, summary, payload) = bundle_and_read(&real_export(), &flags);
    let everything = format!("{html}\n{summary}\n{payload}");
    for text in PERSONAL
        .iter()
        .chain(&["placing order", "slow network", "Help centre", "refund"])
    {
        assert!(!everything.contains(text), "{text:?} survived redaction");
    }
    // The page's styles are not text: the replay still looks like the page.
    assert!(payload.contains("_cssText"), "inlined stylesheets are kept");
}

#[test]
fn strip_console_and_strip_network_remove_their_own_events_only() {
    let cases = [
        (
            "--strip-console",
            "rrweb/console@1",
            "rrweb/network@1",
            ["placing order", "slow network detected"],
        ),
        (
            "--strip-network",
            "rrweb/network@1",
            "rrweb/console@1",
            ["/api/order", "/api/missing"],
        ),
    ];
    for (flag, removed, kept, gone) in cases {
        let (_, _, payload) = bundle_and_read(&real_export(), &[flag]);
        let events = events(&payload);
        assert!(
            plugin_events(&events, removed).is_empty(),
            "{flag} left {removed} events"
        );
        assert!(
            !plugin_events(&events, kept).is_empty(),
            "{flag} removed {kept} events too"
        );
        for text in gone {
            assert!(!payload.contains(text), "{flag} left {text:?}");
        }
    }
}

#[test]
fn strip_network_bodies_keeps_timings_and_drops_headers_and_bodies() {
    let (_, _, plain) = bundle_and_read(&real_export(), &[]);
    let (_, _, payload) = bundle_and_read(&real_export(), &["--strip-network-bodies"]);
    let requests = |payload: &str| -> Vec<Value> {
        plugin_events(&events(payload), "rrweb/network@1")
            .iter()
            .flat_map(|e| e["data"]["payload"]["requests"].as_array().unwrap().clone())
            .collect()
    };
    let (before, after) = (requests(&plain), requests(&payload));
    assert_eq!(before.len(), after.len());
    assert!(
        before.iter().any(|r| r.get("requestBody").is_some()),
        "the recording has bodies to strip"
    );
    for request in &after {
        for field in [
            "requestHeaders",
            "requestBody",
            "responseHeaders",
            "responseBody",
        ] {
            assert!(request.get(field).is_none(), "{field} kept in {request}");
        }
        assert!(request.get("duration").is_some() && request.get("name").is_some());
    }
    assert!(
        !payload.contains("Ada Lovelace"),
        "the order body named her"
    );
}

#[test]
fn strip_person_removes_the_person_from_the_summary() {
    let (html, summary, _) = bundle_and_read(&real_export(), &["--strip-person"]);
    assert_eq!(summary["person"], Value::Null);
    assert!(!html.contains("ada-lovelace") && !html.contains("Ada Lovelace"));
}

/// rrweb's serialized DOM for the masking tests: numbered nodes under html > body.
fn page(body: Value) -> Value {
    json!({"type": 0, "id": 1, "childNodes": [
        {"type": 2, "id": 2, "tagName": "html", "attributes": {}, "childNodes": [
            {"type": 2, "id": 3, "tagName": "head", "attributes": {}, "childNodes": [
                {"type": 2, "id": 4, "tagName": "style", "attributes": {}, "childNodes": [
                    {"type": 3, "id": 5, "textContent": ".secret-css-rule { color: red }", "isStyle": true}]}]},
            {"type": 2, "id": 6, "tagName": "body", "attributes": {}, "childNodes": body}]}]})
}

fn mutation(data: Value, timestamp: u64) -> Value {
    let mut data = data;
    data["source"] = json!(0);
    for field in ["texts", "attributes", "removes", "adds"] {
        if data.get(field).is_none() {
            data[field] = json!([]);
        }
    }
    json!({"type": 3, "data": data, "timestamp": timestamp})
}

fn masking_recording() -> Value {
    let body = json!([
        {"type": 2, "id": 10, "tagName": "h1", "attributes": {}, "childNodes": [{"type": 3, "id": 11, "textContent": "Visible heading"}]},
        {"type": 2, "id": 12, "tagName": "input", "attributes": {"value": "typed-in-snapshot", "placeholder": "Your card"}, "childNodes": []},
        {"type": 2, "id": 13, "tagName": "div", "attributes": {"class": "box pii"}, "childNodes": [
            {"type": 3, "id": 14, "textContent": "selected-text"},
            {"type": 2, "id": 15, "tagName": "input", "attributes": {"value": "selected-input"}, "childNodes": []}]},
        {"type": 2, "id": 16, "tagName": "p", "attributes": {}, "childNodes": [{"type": 3, "id": 17, "textContent": "later-pii-text"}]},
        {"type": 2, "id": 18, "tagName": "textarea", "attributes": {"value": "textarea-value"}, "childNodes": [{"type": 3, "id": 19, "textContent": "textarea-text"}]}
    ]);
    json!([
        {"type": 4, "data": {"href": "https://shop.test/", "width": 800, "height": 600}, "timestamp": 1000},
        {"type": 2, "data": {"node": page(body), "initialOffset": {"left": 0, "top": 0}}, "timestamp": 1000},
        {"type": 3, "data": {"source": 5, "id": 12, "text": "typed-in-event", "isChecked": false}, "timestamp": 2000},
        mutation(json!({"attributes": [{"id": 12, "attributes": {"value": "typed-in-mutation"}}]}), 3000),
        mutation(json!({"adds": [{"parentId": 13, "nextId": null, "node": {"type": 3, "id": 20, "textContent": "added-under-pii"}},
                                   {"parentId": 6, "nextId": null, "node": {"type": 2, "id": 21, "tagName": "input", "attributes": {"value": "added-input"}, "childNodes": []}}]}), 4000),
        mutation(json!({"texts": [{"id": 14, "value": "changed-under-pii"}, {"id": 11, "value": "Visible heading, changed"}]}), 5000),
        mutation(json!({"attributes": [{"id": 16, "attributes": {"class": "pii"}}]}), 6000),
        mutation(json!({"texts": [{"id": 17, "value": "changed-after-class-pii"}]}), 7000),
        {"type": 3, "data": {"source": 5, "id": 15, "text": "typed-under-pii", "isChecked": false}, "timestamp": 8000},
    ])
}

fn masking_input() -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), masking_recording().to_string()).unwrap();
    file
}

#[test]
fn mask_inputs_masks_every_input_value_wherever_it_appears() {
    let input = masking_input();
    let (html, _, payload) = bundle_and_read(input.path(), &["--mask-inputs"]);
    for secret in [
        "typed-in-snapshot",
        "typed-in-event",
        "typed-in-mutation",
        "added-input",
        "selected-input",
        "textarea-value",
        "textarea-text",
        "typed-under-pii",
    ] {
        assert!(
            !payload.contains(secret) && !html.contains(secret),
            "{secret} survived --mask-inputs"
        );
    }
    // Same length, in stars.
    assert!(payload.contains(&format!("\"{}\"", "*".repeat("typed-in-snapshot".len()))));
    for kept in [
        "Visible heading",
        "selected-text",
        "Your card",
        ".secret-css-rule",
    ] {
        assert!(
            payload.contains(kept),
            "{kept} should stay with --mask-inputs only"
        );
    }
}

#[test]
fn mask_text_masks_every_text_and_keeps_styles() {
    let input = masking_input();
    let (_, _, payload) = bundle_and_read(input.path(), &["--mask-text"]);
    for secret in [
        "Visible heading",
        "selected-text",
        "added-under-pii",
        "changed-under-pii",
        "later-pii-text",
        "Your card",
    ] {
        assert!(!payload.contains(secret), "{secret} survived --mask-text");
    }
    assert!(
        payload.contains("******* *******"),
        "spaces are kept: {payload}"
    );
    assert!(
        payload.contains(".secret-css-rule { color: red }"),
        "CSS is not text"
    );
    assert!(
        payload.contains("typed-in-snapshot"),
        "inputs are --mask-inputs' job"
    );
}

#[test]
fn mask_selector_masks_matching_subtrees_in_snapshots_and_later_mutations() {
    let input = masking_input();
    let (_, _, payload) = bundle_and_read(input.path(), &["--mask-selector", ".pii"]);
    for secret in [
        "selected-text",
        "selected-input",
        "added-under-pii",
        "changed-under-pii",
        "changed-after-class-pii",
        "typed-under-pii",
    ] {
        assert!(
            !payload.contains(secret),
            "{secret} survived --mask-selector .pii"
        );
    }
    for kept in [
        "Visible heading, changed",
        "typed-in-snapshot",
        "added-input",
        "later-pii-text",
    ] {
        // later-pii-text was shown before its element was given the class.
        assert!(
            payload.contains(kept),
            "{kept} is outside .pii when it is recorded"
        );
    }
}

#[test]
fn an_unsupported_selector_is_refused_with_what_is_supported() {
    let output = run(&["bundle", "x.json", "--mask-selector", "div > p"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("\"div > p\"") && message.contains("[attr=value]"),
        "{message}"
    );
}

#[test]
fn a_redacted_page_still_plays() {
    if !common::browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("redacted.html");
    let flags = [
        "--strip-console",
        "--strip-network",
        "--strip-person",
        "--mask-inputs",
        "--mask-text",
        "--offline",
    ];
    bundle_with(&[real_export()], &page, &flags);
    for report in common::drive(&page, &[]) {
        common::assert_plays_cleanly(&report);
        let end = report["atEnd"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_str()
            .unwrap();
        assert!(
            end.contains("*******") && !end.contains("Receipt sent"),
            "{end}"
        );
    }
}
