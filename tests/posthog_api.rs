//! PostHog's API as an input: a stand-in PostHog server on loopback
//! (`tests/support/posthog_server.rs`) serves the real recording split into blocks, and
//! `replay-html bundle <URL>` must give the page the recording's export file gives, through
//! throttles, server errors, slow and cut-short answers; fail with a clear sentence (and no
//! file) on a bad key, a missing scope, a missing or deleted recording; never show the key; and
//! never ask for more than 20 blocks at once.

mod common;
#[path = "support/posthog_server.rs"]
mod posthog_server;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use posthog_server::{Fault, KEY, KEY_WITHOUT_SCOPE, PROJECT, Recording, Route, StandIn};
use serde_json::{Value, json};

/// The real recording's session id.
fn session_id() -> String {
    common::expected()["sessionId"].as_str().unwrap().to_owned()
}

fn recording_url(server: &StandIn, id: &str) -> String {
    format!("{}/project/{PROJECT}/replay/{id}", server.base)
}

/// Runs replay-html with `key` in POSTHOG_API_KEY (none when `None`), retries' first wait
/// shortened to 50 ms.
fn run(args: &[&str], key: Option<&str>) -> Output {
    run_in(Path::new("."), args, key)
}

/// [`run`] in the folder `dir`.
fn run_in(dir: &Path, args: &[&str], key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_replay-html"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("POSTHOG_API_KEY")
        .env("REPLAY_HTML_API_BACKOFF_MS", "50")
        .stdin(Stdio::null());
    if let Some(key) = key {
        command.env("POSTHOG_API_KEY", key);
    }
    command.output().expect("replay-html runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn run_ok(args: &[&str], key: Option<&str>) -> Output {
    let output = run(args, key);
    assert!(
        output.status.success(),
        "replay-html {args:?} failed: {}",
        stderr(&output)
    );
    output
}

/// `replay-html bundle URL OPTIONS -o PAGE` with the key, which must succeed.
fn bundle_url(url: &str, options: &[&str], page: &Path) -> Output {
    let mut args = vec!["bundle", url];
    args.extend_from_slice(options);
    args.extend(["-o", page.to_str().unwrap()]);
    run_ok(&args, Some(KEY))
}

/// Nothing the run printed or wrote holds the key.
fn assert_key_hidden(output: &Output, dir: &Path) {
    for key in [KEY, KEY_WITHOUT_SCOPE] {
        assert!(
            !String::from_utf8_lossy(&output.stdout).contains(key) && !stderr(output).contains(key),
            "the key was printed: {}",
            stderr(output)
        );
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(key),
                "a file holds the key"
            );
        }
    }
}

/// Every block request asks for at most 20 blocks, with the key; returns how many there were.
fn assert_block_requests(server: &StandIn) -> usize {
    let requests = server.requests(Route::Blocks);
    for request in &requests {
        if request.query.get("source").map(String::as_str) != Some("blob_v2") {
            continue;
        }
        let start: u64 = request.query["start_blob_key"].parse().unwrap();
        let end: u64 = request.query["end_blob_key"].parse().unwrap();
        assert!(
            end >= start && end - start <= 19,
            "asked for blocks {start} to {end}"
        );
    }
    requests.len()
}

/// The page's summary without the PostHog link, and its events.
fn contents_without_link(page: &Path) -> (Value, Vec<String>) {
    let (mut summary, windows) = common::page_contents(&std::fs::read_to_string(page).unwrap());
    summary.as_object_mut().unwrap().remove("link");
    (summary, windows)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_replay_url_gives_the_page_its_export_gives() {
    let id = session_id();
    let server = StandIn::start(vec![Recording::real(&id)]);
    let dir = tempfile::tempdir().unwrap();
    let from_api = dir.path().join("api.html");
    let output = bundle_url(&recording_url(&server, &id), &[], &from_api);
    let from_file = dir.path().join("file.html");
    common::bundle(
        &common::fixture("real/export-2023-04-28-uuid-windows.json"),
        &from_file,
    );

    // The same events, session and person; and the link to the recording in PostHog.
    assert_eq!(
        contents_without_link(&from_api),
        contents_without_link(&from_file)
    );
    let (summary, _) = common::page_contents(&std::fs::read_to_string(&from_api).unwrap());
    assert_eq!(summary["sessionId"], id.as_str());
    assert_eq!(summary["who"]["email"], "ada@example.com");
    assert_eq!(summary["link"], recording_url(&server, &id).as_str());
    let html = std::fs::read_to_string(&from_api).unwrap();
    assert!(html.contains(r#"<a class="button" id="source-link" target="_blank" rel="noopener noreferrer" hidden>View in PostHog</a>"#));

    // 28 blocks: two requests (0 to 19, 20 to 27), each with the key, none of more than 20.
    assert_eq!(assert_block_requests(&server), 2);
    assert!(
        server
            .log()
            .iter()
            .all(|r| r.authorization.as_deref() == Some(&format!("Bearer {KEY}")))
    );
    assert_key_hidden(&output, dir.path());
}

#[test]
fn snappy_blocks_and_long_term_storage_give_the_same_page() {
    let id = session_id();
    let mut long_term = Recording::real("01a20384-0000-7000-8000-00000000lts1");
    long_term.long_term = true;
    let server = StandIn::start(vec![Recording::real(&id), long_term]);
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("jsonl.html");
    bundle_url(&recording_url(&server, &id), &[], &jsonl);
    let snappy = dir.path().join("snappy.html");
    bundle_url(
        &recording_url(&server, &id),
        &["--api-decompress=false", "--api-parallel", "1"],
        &snappy,
    );
    assert_eq!(
        contents_without_link(&jsonl),
        contents_without_link(&snappy)
    );
    let blocks = server.requests(Route::Blocks);
    assert!(
        blocks
            .iter()
            .any(|r| r.query.get("decompress").map(String::as_str) == Some("false"))
    );

    for decompress in ["true", "false"] {
        let lts = dir.path().join(format!("lts-{decompress}.html"));
        bundle_url(
            &recording_url(&server, "01a20384-0000-7000-8000-00000000lts1"),
            &[&format!("--api-decompress={decompress}")],
            &lts,
        );
        let (mut a, events_a) = contents_without_link(&lts);
        let (mut b, events_b) = contents_without_link(&jsonl);
        a.as_object_mut().unwrap().remove("sessionId");
        a.as_object_mut().unwrap().remove("title");
        b.as_object_mut().unwrap().remove("sessionId");
        b.as_object_mut().unwrap().remove("title");
        assert_eq!((a, events_a), (b, events_b));
    }
}

#[test]
fn throttles_server_errors_slow_and_cut_answers_are_waited_out() {
    let id = session_id();
    let server = StandIn::start(vec![Recording::real(&id)]);
    server.fault(Route::Retrieve, 1, Fault::Status(500));
    server.fault(
        Route::Sources,
        1,
        Fault::Throttle {
            retry_after: None,
            detail_seconds: Some(1),
        },
    );
    server.fault(
        Route::Blocks,
        1,
        Fault::Throttle {
            retry_after: Some(1),
            detail_seconds: None,
        },
    );
    server.fault(
        Route::Blocks,
        1,
        Fault::Throttle {
            retry_after: None,
            detail_seconds: None,
        },
    );
    server.fault(
        Route::Blocks,
        1,
        Fault::Slow(std::time::Duration::from_secs(4)),
    );
    server.fault(Route::Blocks, 1, Fault::CutShort);
    server.fault(Route::Blocks, 1, Fault::Status(503));
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let started = std::time::Instant::now();
    let output = bundle_url(
        &recording_url(&server, &id),
        &["--api-timeout", "1", "--api-parallel", "1"],
        &page,
    );
    let said = stderr(&output);
    assert!(said.contains("PostHog answered 500"), "{said}");
    assert!(said.contains("throttles the requests"), "{said}");
    assert!(said.contains("waiting 1 s"), "{said}");
    assert!(said.contains("did not answer within 1 s"), "{said}");
    assert!(said.contains("cut short"), "{said}");
    assert!(said.contains("PostHog answered 503"), "{said}");
    // The two waits PostHog named were kept (at least 2 s in all).
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    // Each fault cost one more request: 2 ranges + 5 faulty answers.
    assert_eq!(assert_block_requests(&server), 2 + 5);
    let from_file = dir.path().join("file.html");
    common::bundle(
        &common::fixture("real/export-2023-04-28-uuid-windows.json"),
        &from_file,
    );
    assert_eq!(
        contents_without_link(&page),
        contents_without_link(&from_file)
    );
}

#[test]
fn retries_are_bounded_and_failures_leave_no_file() {
    let id = session_id();
    let server = StandIn::start(vec![Recording::real(&id)]);
    server.fault(Route::Sources, usize::MAX, Fault::Status(500));
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let output = run(
        &[
            "bundle",
            &recording_url(&server, &id),
            "-o",
            page.to_str().unwrap(),
        ],
        Some(KEY),
    );
    assert!(!output.status.success());
    let said = stderr(&output);
    assert!(
        said.contains(&format!("could not fetch recording {id}")),
        "{said}"
    );
    assert!(said.contains("PostHog answered 500"), "{said}");
    assert!(said.contains("5 times"), "{said}");
    // One try and 4 retries.
    assert_eq!(server.requests(Route::Sources).len(), 5);
    assert_eq!(files_in(dir.path()), Vec::<String>::new());

    // Blocks PostHog cannot load (502) fail the same way, naming PostHog's code.
    let server = StandIn::start(vec![Recording::real(&id)]);
    server.fault(Route::Blocks, usize::MAX, Fault::Status(502));
    let output = run(
        &[
            "bundle",
            &recording_url(&server, &id),
            "-o",
            page.to_str().unwrap(),
        ],
        Some(KEY),
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("recording_blocks_unavailable"),
        "{}",
        stderr(&output)
    );
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[test]
fn each_refusal_says_what_to_do_names_the_recording_and_leaves_no_file() {
    let id = session_id();
    let mut deleted = Recording::real("01a20384-0000-7000-8000-0000000dead1");
    deleted.deleted = true;
    let server = StandIn::start(vec![Recording::real(&id), deleted]);
    server.missing("01a20384-0000-7000-8000-00000000old1", "retention_expired");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let out = page.to_str().unwrap();
    let cases: [(&str, Option<&str>, &[&str]); 6] = [
        (
            id.as_str(),
            Some("phx_wrong_key_abcdef123456"),
            &[
                "the key is not valid",
                "session_recording:read",
                "POSTHOG_API_KEY",
            ],
        ),
        (
            id.as_str(),
            Some(KEY_WITHOUT_SCOPE),
            &["may not read it", "scope session_recording:read"],
        ),
        (
            id.as_str(),
            None,
            &[
                "needs a PostHog personal API key",
                "session_recording:read",
                "POSTHOG_API_KEY",
            ],
        ),
        (
            "01a20384-0000-7000-8000-00000000old1",
            Some(KEY),
            &[
                "no such recording",
                "older than the project's retention period",
            ],
        ),
        (
            "01a20384-0000-7000-8000-00000000none",
            Some(KEY),
            &["no such recording", "PostHog saw no session with this id"],
        ),
        (
            "01a20384-0000-7000-8000-0000000dead1",
            Some(KEY),
            &["permanently deleted", "2026-11-30"],
        ),
    ];
    for (session, key, phrases) in cases {
        let output = run(
            &["bundle", &recording_url(&server, session), "-o", out],
            key,
        );
        let said = stderr(&output);
        assert!(!output.status.success(), "{said}");
        assert!(said.contains(&format!("recording {session}")), "{said}");
        for phrase in phrases {
            assert!(said.contains(phrase), "expected {phrase:?} in: {said}");
        }
        assert_eq!(said.lines().count(), 1, "one sentence: {said}");
        assert_key_hidden(&output, dir.path());
        assert_eq!(files_in(dir.path()), Vec::<String>::new());
    }
    // Without a key, nothing was asked.
    assert!(server.log().iter().all(|r| r.authorization.is_some()));

    // A key file works as the variable does; the key still never shows.
    let key_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(key_file.path(), "phx_wrong_key_in_a_file_0001\n").unwrap();
    let output = run(
        &[
            "bundle",
            &recording_url(&server, &id),
            "--api-key-file",
            key_file.path().to_str().unwrap(),
            "-o",
            out,
        ],
        None,
    );
    assert!(stderr(&output).contains("the key is not valid"));
    assert!(!stderr(&output).contains("phx_wrong_key_in_a_file_0001"));
}

#[test]
fn a_project_list_bundles_a_page_each_paging_skipping_and_reporting_failures() {
    let id = session_id();
    let others = [
        "01a20384-0000-7000-8000-000000000002",
        "01a20384-0000-7000-8000-000000000003",
    ];
    let mut recordings = vec![Recording::real(&id)];
    recordings.extend(others.iter().map(|o| Recording::real(o)));
    let mut broken = Recording::real("01a20384-0000-7000-8000-0000000dead1");
    broken.deleted = true;
    recordings.push(broken);
    let mut someone_else = Recording::real("01a20384-0000-7000-8000-000000000005");
    someone_else.info["distinct_id"] = json!("grace-hopper");
    recordings.push(someone_else);
    let server = StandIn::start(recordings);
    server.page_size(2);
    let dir = tempfile::tempdir().unwrap();
    let list = format!("{}/project/{PROJECT}/replay", server.base);
    let out_dir = dir.path().join("pages");
    let output = run(
        &["bundle", &list, "--out-dir", out_dir.to_str().unwrap()],
        Some(KEY),
    );
    let said = stderr(&output);
    assert!(
        !output.status.success(),
        "a failed recording fails the run: {said}"
    );
    assert!(said.contains("made 4, skipped 0"), "{said}");
    assert!(said.contains("failed 1"), "{said}");
    assert!(
        said.contains("recording 01a20384-0000-7000-8000-0000000dead1"),
        "{said}"
    );
    assert!(said.contains("permanently deleted"), "{said}");
    let mut expected: Vec<String> = [
        id.as_str(),
        others[0],
        others[1],
        "01a20384-0000-7000-8000-000000000005",
    ]
    .iter()
    .map(|id| format!("{id}.html"))
    .collect();
    expected.sort();
    assert_eq!(files_in(&out_dir), expected);
    // Three list pages of at most 2, followed by the cursor; the default window of 3 days.
    let lists = server.requests(Route::List);
    assert_eq!(lists.len(), 3);
    assert!(lists.iter().all(|r| r.query["date_from"] == "-3d"));
    assert_eq!(
        lists[1].query.get("after").map(String::as_str),
        Some(others[0])
    );
    assert_key_hidden(&output, &out_dir);

    // Again: the pages are up to date, and only the failed one is tried.
    let again = run(
        &["bundle", &list, "--out-dir", out_dir.to_str().unwrap()],
        Some(KEY),
    );
    assert!(
        stderr(&again).contains("made 0, skipped 4"),
        "{}",
        stderr(&again)
    );

    // Filters: a person, a limit, dates.
    let one = dir.path().join("one");
    run_ok(
        &[
            "bundle",
            &list,
            "--out-dir",
            one.to_str().unwrap(),
            "--person",
            "grace-hopper",
            "--since",
            "30d",
            "--until",
            "2026-12-01",
        ],
        Some(KEY),
    );
    assert_eq!(
        files_in(&one),
        ["01a20384-0000-7000-8000-000000000005.html"]
    );
    let last = server.requests(Route::List).pop().unwrap();
    assert_eq!(last.query["distinct_ids"], r#"["grace-hopper"]"#);
    assert_eq!(last.query["date_from"], "-30d");
    assert_eq!(last.query["date_to"], "2026-12-01");
    let two = dir.path().join("two");
    run_ok(
        &[
            "bundle",
            &list,
            "--out-dir",
            two.to_str().unwrap(),
            "--limit",
            "2",
        ],
        Some(KEY),
    );
    assert_eq!(files_in(&two).len(), 2);

    // A list URL without --out-dir says what to do.
    let output = run(&["bundle", &list], Some(KEY));
    assert!(stderr(&output).contains("--out-dir"), "{}", stderr(&output));
}

#[test]
fn a_shared_link_needs_no_key() {
    let id = session_id();
    let server = StandIn::start(vec![Recording::real(&id)]);
    server.share("Zk3_shared-Token", &id);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("shared.html");
    for form in ["shared", "embedded"] {
        let link = format!("{}/{form}/Zk3_shared-Token", server.base);
        run_ok(&["bundle", &link, "-o", page.to_str().unwrap()], None);
        let (summary, _) = common::page_contents(&std::fs::read_to_string(&page).unwrap());
        assert_eq!(summary["sessionId"], id.as_str());
        assert_eq!(summary["link"], link.as_str());
    }
    // The token went as a query parameter, no request carried a key.
    let api: Vec<_> = server
        .log()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .collect();
    assert!(!api.is_empty());
    assert!(api.iter().all(|r| r.authorization.is_none()
        && r.query.get("sharing_access_token").map(String::as_str) == Some("Zk3_shared-Token")));
    // A token PostHog does not know.
    let output = run(
        &[
            "bundle",
            &format!("{}/shared/unknown", server.base),
            "-o",
            page.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        stderr(&output).contains("not shared"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_links_moment_becomes_the_start_and_inspect_and_extract_read_urls() {
    let id = session_id();
    let server = StandIn::start(vec![Recording::real(&id)]);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("at.html");
    let url = format!("{}?t=7", recording_url(&server, &id));
    bundle_url(&url, &[], &page);
    let settings = |page: &Path| -> Value {
        let html = std::fs::read_to_string(page).unwrap();
        let start =
            html.find(r#"id="replay-settings">"#).unwrap() + r#"id="replay-settings">"#.len();
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    };
    assert_eq!(settings(&page)["start"], 7000.0);
    bundle_url(&url, &["--start", "3"], &page);
    assert_eq!(settings(&page)["start"], 3000.0);

    // Without -o, the page is named by the session id, in the current folder.
    let here = tempfile::tempdir().unwrap();
    let output = run_in(
        here.path(),
        &["bundle", &recording_url(&server, &id)],
        Some(KEY),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(files_in(here.path()), [format!("{id}.html")]);

    let inspect = run_ok(
        &["inspect", &recording_url(&server, &id), "--json"],
        Some(KEY),
    );
    let report: Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(report["recordings"][0]["session_id"], id.as_str());
    assert_eq!(report["recordings"][0]["person"]["name"], "ada@example.com");

    let export = dir.path().join("export.json");
    run_ok(
        &[
            "extract",
            &recording_url(&server, &id),
            "-o",
            export.to_str().unwrap(),
        ],
        Some(KEY),
    );
    let export: Value = serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    assert_eq!(export["data"]["id"], id.as_str());
}

#[test]
fn a_mobile_recording_gives_the_page_its_file_gives() {
    let jsonl = std::fs::read_to_string(common::fixture("mobile/android-diffs.jsonl")).unwrap();
    let mut mobile = Recording::real("01a20384-0000-7000-8000-0000000000a1");
    mobile.info["snapshot_source"] = json!("mobile");
    mobile.info["person"] = Value::Null;
    // A block a line: 16 blocks.
    mobile.blocks = posthog_server::blocks_of(&jsonl, 1);
    let server = StandIn::start(vec![mobile]);
    let dir = tempfile::tempdir().unwrap();
    let from_api = dir.path().join("api.html");
    bundle_url(
        &recording_url(&server, "01a20384-0000-7000-8000-0000000000a1"),
        &["--api-decompress=false"],
        &from_api,
    );
    let from_file = dir.path().join("file.html");
    common::bundle_with(
        &[common::fixture("mobile/android-diffs.jsonl")],
        &from_file,
        &["--title", "01a20384-0000-7000-8000-0000000000a1"],
    );
    let (mut api, api_events) = contents_without_link(&from_api);
    let (file, file_events) = contents_without_link(&from_file);
    assert_eq!(api["sessionId"], "01a20384-0000-7000-8000-0000000000a1");
    api.as_object_mut()
        .unwrap()
        .insert("sessionId".into(), Value::Null);
    assert_eq!((api, api_events), (file, file_events));
    assert_block_requests(&server);
}

/// In the browser, the page from a URL plays as any page does (its policy holds: it fetches
/// nothing), and its header links to the recording in PostHog, in a new tab, without referrer.
#[test]
fn the_page_links_to_the_recording_in_posthog() {
    if !common::browser_available() {
        return;
    }
    let id = session_id();
    let server = StandIn::start(vec![Recording::real(&id)]);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("api.html");
    bundle_url(&recording_url(&server, &id), &[], &page);
    let from_file = dir.path().join("file.html");
    common::bundle(
        &common::fixture("real/export-2023-04-28-uuid-windows.json"),
        &from_file,
    );
    for report in common::drive(&page, &[]) {
        common::assert_plays_cleanly(&report);
        assert_eq!(
            report["topDocument"]["links"],
            json!([{"text": "View in PostHog", "href": recording_url(&server, &id), "target": "_blank", "rel": "noopener noreferrer"}]),
            "{report}"
        );
    }
    for report in common::drive(&from_file, &[]) {
        assert_eq!(report["topDocument"]["links"], json!([]), "{report}");
        assert!(
            !report["topDocument"]["text"]
                .as_str()
                .unwrap()
                .contains("View in PostHog")
        );
    }
}

#[test]
fn a_recording_still_going_on_is_bundled_up_to_now_with_a_warning() {
    let mut ongoing = Recording::real("01a20384-0000-7000-8000-0000000000b1");
    ongoing.info["ongoing"] = json!(true);
    let server = StandIn::start(vec![ongoing]);
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("pages");
    let list = format!("{}/project/{PROJECT}/replay", server.base);
    for _ in 0..2 {
        // Never up to date while it goes on: made both times.
        let output = run_ok(
            &["bundle", &list, "--out-dir", out_dir.to_str().unwrap()],
            Some(KEY),
        );
        let said = stderr(&output);
        assert!(
            said.contains("is still being recorded: the page holds it up to now"),
            "{said}"
        );
        assert!(said.contains("made 1, skipped 0"), "{said}");
    }
}
