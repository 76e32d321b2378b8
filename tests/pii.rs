//! The personal-data check (`inspect --pii`, `bundle --fail-on-pii`): planted values of each
//! kind in each place of a recording are found where they are, look-alikes are not, redaction
//! removes what it says it removes, and a bundle that fails on findings writes nothing.

mod common;

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use common::{fixture, run, run_ok, stderr};

/// A PostHog export whose events carry `planted` values: (place, value) pairs.
fn export_with(planted: &[(&str, &str)], person: Value) -> Value {
    let t0 = 1_700_000_000_000_u64;
    let mut texts = Vec::new();
    let mut events = vec![
        json!({"type": 4, "data": {"href": "https://shop.example/", "width": 800, "height": 600}, "timestamp": t0}),
    ];
    let mut later = Vec::new();
    let mut id = 10;
    for (n, (place, value)) in planted.iter().enumerate() {
        let t = t0 + 1000 * (n as u64 + 1);
        id += 1;
        match *place {
            "text" => texts.push(json!({"type": 2, "tagName": "p", "attributes": {}, "id": id,
                "childNodes": [{"type": 3, "textContent": value, "id": id + 1000}]})),
            "attribute" => texts.push(json!({"type": 2, "tagName": "input", "attributes": {"placeholder": value}, "id": id, "childNodes": []})),
            "link" => texts.push(json!({"type": 2, "tagName": "a", "attributes": {"href": format!("https://shop.example/?q={value}")}, "id": id, "childNodes": []})),
            "input" => later.push(json!({"type": 3, "data": {"source": 5, "id": 5, "text": value, "isChecked": false}, "timestamp": t})),
            "mutation" => later.push(json!({"type": 3, "data": {"source": 0, "texts": [{"id": 4, "value": value}], "attributes": [], "removes": [], "adds": []}, "timestamp": t})),
            "console" => later.push(json!({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": "log", "payload": [json!(value).to_string()], "trace": []}}, "timestamp": t})),
            "network-url" => later.push(json!({"type": 6, "data": {"plugin": "rrweb/network@1", "payload": {"requests": [{"name": format!("https://api.example/v1?x={value}"), "method": "GET", "responseStatus": 200, "startTime": 1, "endTime": 2}]}}, "timestamp": t})),
            "network-body" => later.push(json!({"type": 6, "data": {"plugin": "rrweb/network@1", "payload": {"requests": [{"name": "https://api.example/v1", "method": "POST", "responseStatus": 200, "startTime": 1, "endTime": 2, "requestBody": json!({"note": value}).to_string()}]}}, "timestamp": t})),
            "network-header" => later.push(json!({"type": 6, "data": {"plugin": "rrweb/network@1", "payload": {"requests": [{"name": "https://api.example/v1", "method": "GET", "responseStatus": 200, "startTime": 1, "endTime": 2, "requestHeaders": {"Authorization": value}}]}}, "timestamp": t})),
            "custom" => later.push(json!({"type": 5, "data": {"tag": "checkout", "payload": {"note": value}}, "timestamp": t})),
            other => panic!("no place {other}"),
        }
    }
    let mut body = vec![
        json!({"type": 2, "tagName": "p", "attributes": {}, "id": 6, "childNodes": [{"type": 3, "textContent": "hi", "id": 4}]}),
        json!({"type": 2, "tagName": "input", "attributes": {"value": ""}, "id": 5, "childNodes": []}),
    ];
    body.extend(texts);
    events.push(
        json!({"type": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": [
        {"type": 2, "tagName": "html", "attributes": {}, "id": 2, "childNodes": [
            {"type": 2, "tagName": "body", "attributes": {}, "id": 3, "childNodes": body}]}]},
        "initialOffset": {"left": 0, "top": 0}}, "timestamp": t0}),
    );
    events.extend(later);
    let snapshots: Vec<Value> = events
        .into_iter()
        .map(|mut e| {
            e["windowId"] = json!("w1");
            e
        })
        .collect();
    json!({"version": "2023-04-28", "data": {"id": "s1", "person": person, "snapshots": snapshots}})
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    fs::write(&path, value.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

fn findings(input: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["inspect", "--pii", "--json", input];
    args.extend(extra);
    let out = run_ok(&args);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["recordings"][0]["pii"].as_array().unwrap().clone()
}

/// Each planted value: its place, the value, the kind and place expected.
const PLANTED: [(&str, &str, &str, &str); 18] = [
    ("text", "Contact jane.doe@example.org", "email", "text"),
    ("mutation", "card 4111 1111 1111 1111", "card", "text"),
    ("input", "DE89 3704 0044 0532 0130 00", "iban", "input"),
    ("attribute", "+44 20 7946 0958", "phone", "attribute"),
    ("link", "123-45-6789", "ssn", "attribute"),
    (
        "console",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "jwt",
        "console",
    ),
    (
        "network-header",
        "Bearer abcdef0123456789abcdef",
        "bearer",
        "network",
    ),
    (
        "network-body",
        "phx_abcdefghijklmnopqrstuvwxyz012345",
        "secret",
        "network",
    ),
    ("network-url", "8.8.8.8", "ip", "network"),
    (
        "custom",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "secret",
        "custom",
    ),
    ("console", "AKIAIOSFODNN7EXAMPLE", "secret", "console"),
    (
        "text",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "secret",
        "text",
    ),
    ("input", "xoxb-123456789012-abcdefghijkl", "secret", "input"),
    ("text", "2001:4860:4860::8888", "ip", "text"),
    ("mutation", "378282246310005", "card", "text"),
    ("input", "GB82WEST12345698765432", "iban", "input"),
    ("console", "+1 415 555 0100", "phone", "console"),
    (
        "custom",
        "reach me at a.b+c@mail.example.co.uk",
        "email",
        "custom",
    ),
];

#[test]
fn finds_each_kind_in_each_place() {
    let dir = tempfile::tempdir().unwrap();
    let planted: Vec<(&str, &str)> = PLANTED.iter().map(|p| (p.0, p.1)).collect();
    let person = json!({"distinct_ids": ["u1"], "properties": {"email": "ada@example.com", "$ip": "81.2.69.160"}});
    let input = write(dir.path(), "planted.json", &export_with(&planted, person));
    let found = findings(&input, &[]);
    let got: Vec<(String, String)> = found
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["where"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut expected: Vec<(String, String)> = vec![
        ("email".into(), "person".into()),
        ("ip".into(), "person".into()),
    ];
    expected.extend(PLANTED.iter().map(|p| (p.2.to_owned(), p.3.to_owned())));
    let sorted = |mut v: Vec<(String, String)>| {
        v.sort();
        v
    };
    assert_eq!(sorted(got), sorted(expected), "{found:#?}");
    // Samples are masked, with a time and a window for what is in the events.
    let email = found
        .iter()
        .find(|f| f["where"] == "text" && f["kind"] == "email")
        .unwrap();
    assert_eq!(email["sample"], "j***@e***.org");
    assert_eq!(email["window"], "w1");
    assert!(email["t"].is_number());
    let card = found.iter().find(|f| f["sample"] == "4111 **** **** 1111");
    assert!(card.is_some(), "{found:#?}");
    let text = String::from_utf8(run_ok(&["inspect", "--pii", &input]).stdout).unwrap();
    for line in [
        "personal data: ",
        "summary:",
        "removed by",
        "--mask-inputs",
        "--strip-console",
        "which no option removes",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    assert!(!text.contains("jane.doe"), "samples are masked:\n{text}");
}

#[test]
fn does_not_find_look_alikes() {
    let dir = tempfile::tempdir().unwrap();
    let look_alikes = [
        ("text", "Order 1234-5678-9012-3456 shipped"),
        ("text", "at 1712345678901 (epoch ms) and 1712345678"),
        (
            "console",
            "replay-html 1.2.3, build 10.0.19045.2965, v4.2.1-beta",
        ),
        ("input", "550e8400-e29b-41d4-a716-446655440000"),
        ("network-body", "phc_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("network-url", "127.0.0.1"),
        ("console", "connecting to 192.168.1.20 and 10.0.0.7 and ::1"),
        ("text", "**** **** **** **** and ********@*******.***"),
        ("custom", "2024-01-15T12:30:45+02:00"),
        ("text", "SKU ABCD-1234-EFGH, qty 3, total 1,299.00"),
        ("text", "+3 points, a::before"),
    ];
    let input = write(
        dir.path(),
        "look-alikes.json",
        &export_with(&look_alikes, Value::Null),
    );
    assert_eq!(findings(&input, &[]), Vec::<Value>::new());
}

#[test]
fn redaction_options_remove_what_the_summary_says() {
    let real = fixture("real/export-2023-04-28-uuid-windows.json");
    let real = real.to_str().unwrap();
    let before = findings(real, &[]);
    assert!(before.iter().any(|f| f["kind"] == "email"), "{before:#?}");
    let after = findings(
        real,
        &["--mask-text", "--strip-network-bodies", "--strip-person"],
    );
    assert_eq!(after, Vec::<Value>::new());
}

#[test]
fn bundle_warns_with_counts_and_fail_on_pii_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let real = fixture("real/export-2023-04-28-uuid-windows.json");
    let real = real.to_str().unwrap();
    let page = dir.path().join("page.html");
    let page_arg = page.to_str().unwrap();

    let out = run_ok(&["bundle", real, "-o", page_arg]);
    let warning = stderr(&out);
    assert!(
        warning.contains("personal data: 5 email addresses"),
        "{warning}"
    );
    assert!(page.exists());
    fs::remove_file(&page).unwrap();

    let out = run(&["bundle", real, "-o", page_arg, "--fail-on-pii"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("email addresses (1 text, 1 attribute, 1 network, 2 person)"),
        "{message}"
    );
    assert!(message.contains("--strip-person"), "{message}");
    assert!(!page.exists(), "no page is written");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nor a temporary file"
    );

    // Redacted, the page carries none of it, and is written.
    let out = run_ok(&[
        "bundle",
        real,
        "-o",
        page_arg,
        "--fail-on-pii",
        "--mask-text",
        "--strip-network-bodies",
        "--strip-person",
    ]);
    assert!(!stderr(&out).contains("personal data"), "{}", stderr(&out));
    assert!(page.exists());
}

#[test]
fn finds_what_a_mobile_apps_wireframes_show() {
    let android = fixture("mobile/android-diffs.jsonl");
    let android = android.to_str().unwrap();
    let found = findings(android, &[]);
    assert!(
        found.iter().any(|f| f["kind"] == "email"
            && f["where"] == "mobile"
            && f["sample"] == "a***@e***.com"),
        "{found:#?}"
    );
    assert_eq!(findings(android, &["--mask-inputs"]), Vec::<Value>::new());
}

/// Bundling scans each event as its chunk is compressed (on all cores, expanding compressed
/// events once), `inspect --pii` and `--fail-on-pii` scan the recording first: both find the
/// same, in the same order, on planted values of every kind and on the real recordings
/// (posthog-js compressed events among them).
#[test]
fn the_scan_while_bundling_finds_what_the_scan_of_the_recording_finds() {
    use replay_html::{Input, page, payload, pii};
    let dir = tempfile::tempdir().unwrap();
    let planted: Vec<(&str, &str)> = PLANTED.iter().map(|(p, v, _, _)| (*p, *v)).collect();
    let person = json!({"properties": {"email": "ada@example.com"}, "distinct_ids": ["x"]});
    let planted = write(dir.path(), "planted.json", &export_with(&planted, person));
    let inputs = [
        planted.into(),
        fixture("real/export-2023-04-28-uuid-windows.json"),
        fixture("real/snapshots-blob_v2.jsonl"),
        fixture("mobile/android-diffs.jsonl"),
    ];
    for path in inputs {
        let input = Input::new(fs::read(&path).unwrap()).unwrap();
        let (_, recording) = input.read().unwrap();
        let expected = pii::scan(&recording);
        assert!(
            !expected.is_empty() || path.ends_with("android-diffs.jsonl"),
            "{path:?}"
        );
        let payload = payload::Payload::new(&recording, "t").unwrap();
        let viewer = replay_html::ViewerSettings::default();
        let options = page::PageOptions {
            title: "t",
            offline: false,
            viewer: &viewer,
            fingerprint: None,
            pii: true,
            encoding: page::PageEncoding::Smaller,
        };
        let rendered = page::render(&[payload], &options, Vec::new(), None).unwrap();
        let found = pii::in_order(pii::person(&recording), rendered.findings);
        assert_eq!(found, expected, "{path:?}");
    }
}

/// `inspect --pii --from --to` looks at what the clip's page would carry: the findings of
/// `bundle --from --to --fail-on-pii`, none from outside the clip, with the same checks of
/// the times.
#[test]
fn inspect_pii_of_a_clip_finds_what_the_clips_page_carries() {
    let dir = tempfile::tempdir().unwrap();
    // At 1, 2, 3 and 4 seconds.
    let planted = [
        ("console", "+1 415 555 0100"),
        ("console", "AKIAIOSFODNN7EXAMPLE"),
        ("custom", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        ("input", "xoxb-123456789012-abcdefghijkl"),
    ];
    let input = write(
        dir.path(),
        "planted.json",
        &export_with(&planted, Value::Null),
    );
    let kinds = |found: &[Value]| -> Vec<(String, String)> {
        found
            .iter()
            .map(|f| {
                (
                    f["kind"].as_str().unwrap().into(),
                    f["sample"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(findings(&input, &[]).len(), 4);
    let clip = findings(&input, &["--from", "1.5", "--to", "3.5"]);
    assert_eq!(
        kinds(&clip),
        [
            ("secret".to_owned(), "AKIA***".to_owned()),
            ("secret".to_owned(), "sk_***".to_owned()),
        ],
        "{clip:#?}"
    );
    // In the clip's time, as the page shows it.
    assert!(
        clip.iter().all(|f| f["t"].as_f64().unwrap() < 2000.0),
        "{clip:#?}"
    );
    let from_on = findings(&input, &["--from", "0:02"]);
    assert_eq!(from_on.len(), 3, "{from_on:#?}");
    let page = dir.path().join("clip.html");
    let bundle = run(&[
        "bundle",
        &input,
        "--from",
        "1.5",
        "--to",
        "3.5",
        "--fail-on-pii",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(bundle.status.code(), Some(3), "{}", stderr(&bundle));
    assert!(
        stderr(&bundle).contains("(2 secret keys)"),
        "{}",
        stderr(&bundle)
    );
    // The times are checked as bundle checks them.
    let late = run(&["inspect", "--pii", &input, "--from", "10"]);
    assert!(!late.status.success());
    assert!(
        stderr(&late).contains("after the recording's end"),
        "{}",
        stderr(&late)
    );
    let backwards = run(&["inspect", "--pii", &input, "--from", "3", "--to", "2"]);
    assert!(
        stderr(&backwards).contains("is not before --to"),
        "{}",
        stderr(&backwards)
    );
    let without_pii = run(&["inspect", &input, "--from", "1"]);
    assert!(!without_pii.status.success());
    assert!(
        stderr(&without_pii).contains("--pii"),
        "{}",
        stderr(&without_pii)
    );
}
