//! Object storage as input and output, against a real S3-compatible server (moto's, see
//! `tests/support/s3_server.rs`) started on loopback: listing, reading and writing; shards
//! covering every input once; reruns skipping pages by their content fingerprint; an
//! interrupted run leaving no partial page; and refused credentials giving one clear error.

mod common;
#[path = "support/s3_server.rs"]
mod s3_server;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{fixture, stderr};
use s3_server::S3;

const FINGERPRINT: &str = "replay-html-fingerprint";

/// The real fixtures that make one page each.
const FIXTURES: [&str; 5] = [
    "export-2022-12-02.json",
    "export-2023-04-28-uuid-windows.json",
    "rrweb-events.json",
    "snapshots-blob_v2.jsonl",
    "snapshots-long-term.snappy",
];

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// The report's lines.
fn report(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each report line is JSON"))
        .collect()
}

fn count(lines: &[Value], status: &str) -> usize {
    lines.iter().filter(|l| l["status"] == status).count()
}

/// A complete page: the whole document, recording the fingerprint its object's metadata holds.
fn assert_complete_page(s3: &S3, bucket: &str, key: &str) {
    let page = String::from_utf8(s3.get(bucket, key)).expect("a page is UTF-8");
    assert!(page.starts_with("<!doctype html>"), "{key}");
    assert!(page.trim_end().ends_with("</html>"), "{key} is cut short");
    let recorded = replay_html::fingerprint::recorded_in(page.as_bytes());
    assert!(recorded.is_some(), "{key} records no fingerprint");
    assert_eq!(recorded, s3.metadata(bucket, key, FINGERPRINT), "{key}");
    let recordings =
        replay_html::input::bundle::read_page_file(page.as_bytes()).expect("the page reads back");
    assert_eq!(recordings.len(), 1, "{key}");
}

#[test]
fn lists_reads_and_writes_objects() {
    let Some(s3) = S3::start(&["recordings", "pages"]) else {
        return;
    };
    for name in FIXTURES {
        s3.put_file(
            "recordings",
            &format!("in/{name}"),
            &fixture(&format!("real/{name}")),
        );
    }
    s3.put("recordings", "in/.hidden.json", b"[]".to_vec());
    s3.put("recordings", "in/deeper/other.json", b"[]".to_vec());
    s3.put("recordings", "in/broken.json", b"{\"data\":".to_vec());

    // A prefix lists like a folder: the objects directly in it, hidden ones left out; a bad
    // input fails alone.
    let output = s3.run(&[
        "bundle",
        "s3://recordings/in/",
        "--out-dir",
        "s3://pages/site/",
        "--report",
        "-",
    ]);
    let message = stderr(&output);
    assert!(!output.status.success(), "the broken input fails the run");
    assert!(message.contains("made 5, skipped 0"), "{message}");
    assert!(
        message.contains("failed: s3://recordings/in/broken.json: "),
        "{message}"
    );
    let mut wanted: Vec<String> = FIXTURES
        .iter()
        .map(|name| format!("site/{}.html", stem(name)))
        .collect();
    wanted.sort();
    assert_eq!(s3.keys("pages", "site"), wanted);
    for key in &wanted {
        assert_complete_page(&s3, "pages", key);
    }
    let lines = report(&output);
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(count(&lines, "made"), 5);
    let failed = lines.iter().find(|l| l["status"] == "failed").unwrap();
    assert_eq!(failed["input"], "s3://recordings/in/broken.json");
    assert!(failed["error"].as_str().unwrap().contains("not valid JSON"));
    let made = lines
        .iter()
        .find(|l| l["input"] == "s3://recordings/in/rrweb-events.json")
        .unwrap();
    assert_eq!(made["page"], "s3://pages/site/rrweb-events.html");
    assert_eq!(made["bytes_in"], 58571);
    let page_bytes = s3.get("pages", "site/rrweb-events.html").len();
    assert_eq!(made["bytes_out"], page_bytes);
    assert!(made["seconds"].as_f64().unwrap() > 0.0);

    // One object, to one object; the page is the same as bundled from the file.
    s3.run_ok(&[
        "bundle",
        "s3://recordings/in/rrweb-events.json",
        "-o",
        "s3://pages/one.html",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("one.html");
    common::bundle(&fixture("real/rrweb-events.json"), &local);
    assert_eq!(s3.get("pages", "one.html"), std::fs::read(&local).unwrap());

    // A pattern within a prefix, into a local folder; and inspect reads objects too.
    let out = dir.path().join("pages");
    s3.run_ok(&[
        "bundle",
        "s3://recordings/in/export-*.json",
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    let mut local_pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    local_pages.sort();
    assert_eq!(
        local_pages,
        [
            "export-2022-12-02.html",
            "export-2023-04-28-uuid-windows.html"
        ]
    );
    let inspected = s3.run_ok(&["inspect", "s3://recordings/in/rrweb-events.json", "--json"]);
    let inspection: Value = serde_json::from_slice(&inspected.stdout).unwrap();
    assert_eq!(
        inspection["inputs"][0]["path"],
        "s3://recordings/in/rrweb-events.json"
    );
    assert_eq!(inspection["inputs"][0]["file_bytes"], 58571);

    // What is not there says so.
    let missing = s3.run(&["bundle", "s3://recordings/nope.json", "-o", "x.html"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("there is no object s3://recordings/nope.json"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn shards_cover_every_input_exactly_once_whatever_the_listing_order() {
    let Some(s3) = S3::start(&["recordings", "pages"]) else {
        return;
    };
    let body = std::fs::read(fixture("real/rrweb-events.json")).unwrap();
    let names: Vec<String> = (0..24).map(|n| format!("session-{n:02}.json")).collect();
    for name in &names {
        s3.put("recordings", &format!("in/{name}"), body.clone());
    }
    // Each worker gets the inputs in another order: the listing, the names one by one
    // backwards, and a pattern.
    let urls: Vec<String> = names
        .iter()
        .rev()
        .map(|n| format!("s3://recordings/in/{n}"))
        .collect();
    let orders: [Vec<&str>; 3] = [
        vec!["s3://recordings/in/"],
        urls.iter().map(String::as_str).collect(),
        vec!["s3://recordings/in/session-*.json"],
    ];
    let mut pages = Vec::new();
    for (k, inputs) in orders.iter().enumerate() {
        let shard = format!("{}/3", k + 1);
        let mut args = vec![
            "bundle",
            "--out-dir",
            "s3://pages/",
            "--shard",
            &shard,
            "--report",
            "-",
        ];
        args.extend(inputs);
        let lines = report(&s3.run_ok(&args));
        assert!(!lines.is_empty(), "shard {shard} took no input of 24");
        assert_eq!(count(&lines, "made"), lines.len());
        pages.extend(lines.iter().map(|l| l["page"].as_str().unwrap().to_owned()));
    }
    let unique: BTreeSet<&String> = pages.iter().collect();
    assert_eq!(pages.len(), 24, "each input once: {pages:?}");
    assert_eq!(unique.len(), 24);
    assert_eq!(s3.keys("pages", "").len(), 24);

    // auto/N takes the shard from the engine's variable, numbered from 0.
    let mut auto = s3.command(&[
        "bundle",
        "s3://recordings/in/",
        "--out-dir",
        "s3://pages/",
        "--shard",
        "auto/3",
        "--report",
        "-",
    ]);
    auto.env("JOB_COMPLETION_INDEX", "1");
    let output = auto.output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = report(&output);
    assert!(!lines.is_empty());
    assert_eq!(
        count(&lines, "skipped"),
        lines.len(),
        "shard 2 was made already"
    );
}

#[test]
fn reruns_skip_pages_that_are_up_to_date_and_rebuild_changed_ones() {
    let Some(s3) = S3::start(&["recordings", "pages"]) else {
        return;
    };
    for name in FIXTURES {
        s3.put_file(
            "recordings",
            &format!("in/{name}"),
            &fixture(&format!("real/{name}")),
        );
    }
    let batch = |extra: &[&str]| {
        let mut args = vec!["bundle", "s3://recordings/in/", "--out-dir", "s3://pages/"];
        args.extend_from_slice(extra);
        stderr(&s3.run_ok(&args))
    };
    assert!(batch(&[]).contains("made 5, skipped 0"));
    let first = s3
        .metadata("pages", "rrweb-events.html", FINGERPRINT)
        .unwrap();
    assert!(batch(&[]).contains("made 0, skipped 5"));
    // A changed option rebuilds every page, without --force; again, it is up to date.
    assert!(batch(&["--theme", "dark"]).contains("made 5, skipped 0"));
    assert!(batch(&["--theme", "dark"]).contains("made 0, skipped 5"));
    assert_ne!(
        s3.metadata("pages", "rrweb-events.html", FINGERPRINT)
            .unwrap(),
        first
    );
    // A changed input rebuilds its page only.
    s3.put_file(
        "recordings",
        "in/rrweb-events.json",
        &fixture("real/rrweb-events-one-window-no-windowid.json"),
    );
    assert!(batch(&["--theme", "dark"]).contains("made 1, skipped 4"));
    assert!(batch(&["--theme", "dark", "--force"]).contains("made 5, skipped 0"));
}

#[test]
fn an_interrupted_run_leaves_no_partial_page_and_a_rerun_completes() {
    let Some(s3) = S3::start(&["recordings", "pages"]) else {
        return;
    };
    let body = std::fs::read(fixture("real/export-2023-04-28-uuid-windows.json")).unwrap();
    let total = 60;
    for n in 0..total {
        s3.put("recordings", &format!("in/{n:03}.json"), body.clone());
    }
    let mut child = s3
        .command(&["bundle", "s3://recordings/in/", "--out-dir", "s3://pages/"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while s3.keys("pages", "").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no page appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed mid-way, as a worker's machine going away.
    child.kill().unwrap();
    child.wait().unwrap();
    let there = s3.keys("pages", "");
    assert!(
        there.len() < total,
        "the run was not interrupted: {}",
        there.len()
    );
    for key in &there {
        assert_complete_page(&s3, "pages", key);
    }
    let message =
        stderr(&s3.run_ok(&["bundle", "s3://recordings/in/", "--out-dir", "s3://pages/"]));
    let wanted = format!(
        "made {}, skipped {} (up to date",
        total - there.len(),
        there.len()
    );
    assert!(message.contains(&wanted), "{wanted}: {message}");
    assert_eq!(s3.keys("pages", "").len(), total);
}

#[test]
fn a_large_page_is_uploaded_in_parts_and_the_same_as_on_disk() {
    let Some(s3) = S3::start(&["recordings", "pages"]) else {
        return;
    };
    // A full snapshot holding 12 MB of text that does not compress: a page of about 10 MB,
    // more than one part.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let text: String = (0..15_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'a' + (state % 26) as u8)
        })
        .collect();
    let events = serde_json::json!([
        {"type": 4, "timestamp": 1_700_000_000_000_u64, "data": {"href": "https://example.com/", "width": 800, "height": 600}},
        {"type": 2, "timestamp": 1_700_000_000_001_u64, "data": {"node": {"type": 0, "id": 1, "childNodes": [
            {"type": 2, "id": 2, "tagName": "html", "attributes": {}, "childNodes": [
                {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": [
                    {"type": 3, "id": 4, "textContent": text}
                ]}
            ]}
        ]}, "initialOffset": {"top": 0, "left": 0}}},
        {"type": 3, "timestamp": 1_700_000_005_000_u64, "data": {"source": 1, "positions": [{"x": 1, "y": 2, "id": 4, "timeOffset": 0}]}}
    ]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.json");
    std::fs::write(&input, serde_json::to_vec(&events).unwrap()).unwrap();
    s3.put_file("recordings", "big.json", &input);
    s3.run_ok(&[
        "bundle",
        "s3://recordings/big.json",
        "-o",
        "s3://pages/big.html",
    ]);
    let local = dir.path().join("big.html");
    common::bundle(&input, &local);
    let on_disk = std::fs::read(&local).unwrap();
    assert!(
        on_disk.len() > replay_html::source::object_storage::PART_BYTES,
        "the page is {} bytes: one part",
        on_disk.len()
    );
    assert!(
        s3.get("pages", "big.html") == on_disk,
        "the uploaded page differs"
    );
}

/// A store that checks credentials, with the real rrweb recording at
/// `s3://recordings/in/rrweb-events.json`.
fn checking_store_with_one_recording() -> Option<S3> {
    let s3 = S3::start_checking_credentials(&["recordings"])?;
    s3.put_file(
        "recordings",
        "in/rrweb-events.json",
        &fixture("real/rrweb-events.json"),
    );
    Some(s3)
}

#[test]
fn wrong_or_missing_credentials_give_one_clear_error() {
    let Some(s3) = checking_store_with_one_recording() else {
        return;
    };
    // The right keys read the object.
    let right = s3.run_ok(&["bundle", "s3://recordings/in/rrweb-events.json", "-o", "-"]);
    assert!(right.stdout.starts_with(b"<!doctype html>"));
    for (input, doing) in [
        ("s3://recordings/in/rrweb-events.json", "could not read"),
        ("s3://recordings/in/", "could not list"),
    ] {
        let wrong = s3
            .command(&["bundle", input, "-o", "-"])
            .env("AWS_SECRET_ACCESS_KEY", "not-the-secret")
            .output()
            .unwrap();
        let message = stderr(&wrong);
        assert!(!wrong.status.success());
        assert!(wrong.stdout.is_empty());
        assert_eq!(message.lines().count(), 1, "{message}");
        let wanted = format!(
            "replay-html: error: {doing} {input}: the credentials are wrong or missing (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        );
        assert!(message.starts_with(&wanted), "{message}");
    }

    let missing = s3
        .command(&["bundle", "s3://recordings/in/rrweb-events.json", "-o", "-"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        // No instance to ask for a role, as on a laptop: refused at once rather than waited for.
        .env("AWS_METADATA_ENDPOINT", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let message = stderr(&missing);
    assert!(!missing.status.success());
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("s3://recordings/in/rrweb-events.json")
            && message.contains("check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        "{message}"
    );
}

/// Keys in a profile of `~/.aws/credentials`, region and endpoint in `~/.aws/config`, as the AWS
/// CLI keeps them: `AWS_PROFILE` selects it, and a wrong key in it gives the credentials error.
#[test]
fn an_aws_profile_of_the_shared_files_gives_keys_region_and_endpoint() {
    let Some(s3) = checking_store_with_one_recording() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        format!(
            "[default]\naws_access_key_id = {id}\naws_secret_access_key = not-the-secret\n\n\
             [replays]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n",
            id = s3.key_id,
            secret = s3.secret
        ),
    )
    .unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[default]\nregion = us-east-1\n\n[profile replays]\nregion = us-east-1\nendpoint_url = {}\n",
            s3.endpoint
        ),
    )
    .unwrap();
    let run = |profile: Option<&str>| {
        let mut command =
            s3.command(&["bundle", "s3://recordings/in/rrweb-events.json", "-o", "-"]);
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_REGION",
            "AWS_ENDPOINT_URL",
        ] {
            command.env_remove(name);
        }
        command.env("HOME", home.path());
        if let Some(profile) = profile {
            command.env("AWS_PROFILE", profile);
        }
        command.output().unwrap()
    };

    let chosen = run(Some("replays"));
    assert!(chosen.status.success(), "{}", stderr(&chosen));
    assert!(chosen.stdout.starts_with(b"<!doctype html>"));

    // The default profile has a wrong secret (and no endpoint, so it is given one).
    let mut default = s3.command(&["bundle", "s3://recordings/in/rrweb-events.json", "-o", "-"]);
    default
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("HOME", home.path());
    let default = default.output().unwrap();
    let message = stderr(&default);
    assert!(!default.status.success());
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("the credentials are wrong or missing"),
        "{message}"
    );

    let unknown = run(Some("prod"));
    let message = stderr(&unknown);
    assert!(!unknown.status.success());
    assert!(
        message.starts_with(
            "replay-html: error: the AWS profile \"prod\" (from AWS_PROFILE) is in neither"
        ),
        "{message}"
    );
}

/// `extract` reads a page from object storage and writes its export there too (`-o` and
/// `--out-dir`), the same bytes as extracted on disk, which bundle back to the same page.
#[test]
fn extract_writes_exports_to_object_storage() {
    let Some(s3) = S3::start(&["replays"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    common::bundle(&fixture("real/rrweb-events.json"), &page);
    s3.put_file("replays", "pages/ticket.html", &page);
    let local = dir.path().join("export.json");
    s3.run_ok(&[
        "extract",
        page.to_str().unwrap(),
        "-o",
        local.to_str().unwrap(),
    ]);
    let local = std::fs::read(&local).unwrap();

    s3.run_ok(&[
        "extract",
        "s3://replays/pages/ticket.html",
        "-o",
        "s3://replays/exports/ticket.json",
    ]);
    assert_eq!(s3.get("replays", "exports/ticket.json"), local);

    s3.run_ok(&[
        "extract",
        "s3://replays/pages/ticket.html",
        "--out-dir",
        "s3://replays/all/",
    ]);
    let keys = s3.keys("replays", "all");
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].starts_with("all/export-") && keys[0].ends_with("-ph-recording.json"),
        "{keys:?}"
    );
    assert_eq!(s3.get("replays", &keys[0]), local);

    // The export in the bucket bundles back to the page it came from.
    s3.run_ok(&[
        "bundle",
        "s3://replays/exports/ticket.json",
        "-o",
        "s3://replays/pages/again.html",
    ]);
    assert_eq!(
        s3.get("replays", "pages/again.html"),
        std::fs::read(&page).unwrap()
    );
}
