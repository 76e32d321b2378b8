//! A stand-in for PostHog's session-recording API, for the tests: an HTTP/1.1 server on
//! 127.0.0.1 written from the shapes in `shared/posthog-api.md` (routes, bodies, headers, error
//! bodies), serving recordings split into blocks, and answering with the faults a test asks for
//! (throttles, server errors, slow and cut-short answers). It logs every request, so tests can
//! check what the client asked. It stops when dropped.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};

/// The key the stand-in takes, with the scope `session_recording:read`.
pub const KEY: &str = "phx_standin_valid_key_0123456789abcdef";
/// A valid key without the scope.
pub const KEY_WITHOUT_SCOPE: &str = "phx_standin_key_without_scope_98765";
/// The project the keys may read.
pub const PROJECT: &str = "17";

/// A recording the stand-in holds.
#[derive(Clone)]
pub struct Recording {
    /// What the list and retrieve endpoints say of it (`id`, `person`, `end_time`, ...).
    pub info: Value,
    /// Its blocks, each JSONL text.
    pub blocks: Vec<String>,
    /// Crypto-shredded: snapshots answer 410.
    pub deleted: bool,
    /// Held only in long-term storage: one `blob_v2_lts` source.
    pub long_term: bool,
}

impl Recording {
    /// The project's real recording (`tests/fixtures/real`) under this id: its blob_v2 JSONL
    /// in blocks of 4 lines, and what PostHog's API says of it, from its facts.
    pub fn real(id: &str) -> Recording {
        let expected = crate::common::expected();
        let jsonl = std::fs::read_to_string(crate::common::fixture("real/snapshots-blob_v2.jsonl"))
            .unwrap();
        let export: Value = serde_json::from_slice(
            &std::fs::read(crate::common::fixture(
                "real/export-2023-04-28-uuid-windows.json",
            ))
            .unwrap(),
        )
        .unwrap();
        let start = expected["firstTimestamp"].as_f64().unwrap();
        let end = expected["lastTimestamp"].as_f64().unwrap();
        Recording {
            info: json!({
                "id": id,
                "distinct_id": expected["distinctId"],
                "viewed": false,
                "recording_duration": ((end - start) / 1000.0).round(),
                "start_time": replay_html::inspect::rfc3339(start),
                "end_time": replay_html::inspect::rfc3339(end),
                "start_url": expected["firstUrl"],
                "person": export["data"]["person"],
                "snapshot_source": "web",
                "ongoing": false,
            }),
            blocks: blocks_of(&jsonl, 4),
            deleted: false,
            long_term: false,
        }
    }

    pub fn id(&self) -> &str {
        self.info["id"].as_str().unwrap()
    }
}

/// Which requests a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Route {
    List,
    Retrieve,
    Sources,
    Blocks,
}

/// How a faulty answer goes wrong.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429, with a `Retry-After` header or not, and the seconds in the detail or not.
    Throttle {
        retry_after: Option<u64>,
        detail_seconds: Option<u64>,
    },
    /// This status, with PostHog's body for it.
    Status(u16),
    /// The answer starts after this long.
    Slow(Duration),
    /// The body stops halfway (its Content-Length promises more).
    CutShort,
}

/// A request the stand-in received.
#[derive(Clone, Debug)]
pub struct Logged {
    pub path: String,
    pub query: HashMap<String, String>,
    pub authorization: Option<String>,
    pub route: Option<Route>,
}

#[derive(Default)]
struct State {
    recordings: Vec<Recording>,
    /// Sharing tokens and the recording each opens.
    shares: HashMap<String, String>,
    /// Faults still to give: route, how many more times (`usize::MAX`: always), fault.
    faults: Vec<(Route, usize, Fault)>,
    /// Recordings that have no metadata, with the reason `missing-reason` gives.
    missing: HashMap<String, String>,
    /// Most results a list page holds, whatever the client asks.
    page_size: usize,
    log: Vec<Logged>,
}

pub struct StandIn {
    pub base: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl StandIn {
    pub fn start(recordings: Vec<Recording>) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("the stand-in binds to loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            recordings,
            page_size: 50,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (thread_state, thread_stop) = (state.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if thread_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = thread_state.clone();
                thread::spawn(move || {
                    let _ = serve(stream, &state);
                });
            }
        });
        StandIn { base, state, stop }
    }

    /// Gives `fault` to the next `times` requests of `route` (`usize::MAX`: to all).
    pub fn fault(&self, route: Route, times: usize, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .push((route, times, fault));
    }

    pub fn share(&self, token: &str, session: &str) {
        self.state
            .lock()
            .unwrap()
            .shares
            .insert(token.to_owned(), session.to_owned());
    }

    pub fn missing(&self, session: &str, reason: &str) {
        self.state
            .lock()
            .unwrap()
            .missing
            .insert(session.to_owned(), reason.to_owned());
    }

    pub fn page_size(&self, size: usize) {
        self.state.lock().unwrap().page_size = size;
    }

    pub fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn requests(&self, route: Route) -> Vec<Logged> {
        self.log()
            .into_iter()
            .filter(|l| l.route == Some(route))
            .collect()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread, so it sees the stop.
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
    }
}

/// A recording's blocks: its JSONL lines, `per_block` a block.
pub fn blocks_of(jsonl: &str, per_block: usize) -> Vec<String> {
    let lines: Vec<&str> = jsonl.lines().filter(|l| !l.trim().is_empty()).collect();
    lines.chunks(per_block).map(|c| c.join("\n")).collect()
}

struct Answer {
    status: u16,
    content_type: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(status: u16, body: Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    /// PostHog's error body (drf-exceptions-hog).
    fn error(status: u16, kind: &str, code: &str, detail: &str) -> Answer {
        Answer::json(
            status,
            json!({"type": kind, "code": code, "detail": detail, "attr": null}),
        )
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query: HashMap<String, String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    // The deprecated alias is rewritten in-process, as PostHog's middleware does.
    let path = path.replacen("/api/environments/", "/api/projects/", 1);
    let route = route_of(&path, &query);
    let mut delivery = None;
    let answer = {
        let mut state = state.lock().unwrap();
        state.log.push(Logged {
            path: path.clone(),
            query: query.clone(),
            authorization: authorization.clone(),
            route,
        });
        match answer(
            &mut state,
            &path,
            &query,
            authorization.as_deref(),
            route,
            &mut delivery,
        ) {
            Ok(answer) => answer,
            Err(fault) => fault_answer(&fault),
        }
    };
    write_answer(stream, answer, delivery)
}

fn route_of(path: &str, query: &HashMap<String, String>) -> Option<Route> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["api", "projects", _, "session_recordings"] => Some(Route::List),
        ["api", "projects", _, "session_recordings", _] => Some(Route::Retrieve),
        ["api", "projects", _, "session_recordings", _, "snapshots"] => {
            if query.contains_key("source") {
                Some(Route::Blocks)
            } else {
                Some(Route::Sources)
            }
        }
        _ => None,
    }
}

/// The answer to a request, or the fault to give instead.
fn answer(
    state: &mut State,
    path: &str,
    query: &HashMap<String, String>,
    authorization: Option<&str>,
    route: Option<Route>,
    delivery: &mut Option<Fault>,
) -> Result<Answer, Fault> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // Shared pages: no key.
    if let ["shared" | "embedded", token] = segments.as_slice() {
        let (token, json_page) = match token.strip_suffix(".json") {
            Some(token) => (token, true),
            None => (*token, false),
        };
        let Some(session) = state.shares.get(token) else {
            return Ok(Answer::error(
                404,
                "invalid_request",
                "not_found",
                "Not found.",
            ));
        };
        let exported = json!({"type": "scene", "accessToken": token, "recording": {"id": session}});
        if json_page {
            return Ok(Answer::json(200, exported));
        }
        let html = format!(
            "<!doctype html><html><head><script>window.POSTHOG_APP_CONTEXT = {};</script></head><body><script id=\"posthog-exported-data\" type=\"application/json\">{}</script></body></html>",
            json!({"current_team": {"id": PROJECT.parse::<u64>().unwrap(), "name": "Shop"}, "anonymous": true}),
            serde_json::to_string(&exported.to_string()).unwrap()
        );
        return Ok(Answer {
            status: 200,
            content_type: "text/html",
            headers: Vec::new(),
            body: html.into_bytes(),
        });
    }
    let Some(route) = route.or(match segments.as_slice() {
        [
            "api",
            "projects",
            _,
            "session_recordings",
            _,
            "missing-reason",
        ] => Some(Route::Retrieve),
        _ => None,
    }) else {
        return Ok(Answer::error(
            404,
            "invalid_request",
            "not_found",
            "Not found.",
        ));
    };
    let project = segments[2];
    let session = segments.get(4).copied();
    // Auth: a sharing token opens its one recording, for retrieve and snapshots only.
    if let Some(token) = query.get("sharing_access_token") {
        match state.shares.get(token) {
            None => {
                return Ok(Answer::error(
                    401,
                    "authentication_error",
                    "authentication_failed",
                    "Sharing access token is invalid.",
                ));
            }
            Some(shared)
                if route == Route::List
                    || session != Some(shared.as_str())
                    || project != PROJECT =>
            {
                return Ok(Answer::error(
                    403,
                    "authentication_error",
                    "permission_denied",
                    "You do not have permission to perform this action.",
                ));
            }
            Some(_) => {}
        }
    } else {
        match authorization.and_then(|a| a.strip_prefix("Bearer ")) {
            Some(KEY) => {}
            Some(KEY_WITHOUT_SCOPE) => {
                return Ok(Answer::error(
                    403,
                    "authentication_error",
                    "permission_denied",
                    "API key missing required scope 'session_recording:read'",
                ));
            }
            _ => {
                return Ok(Answer::error(
                    401,
                    "authentication_error",
                    "authentication_failed",
                    "Personal API key found in request Authorization header is invalid.",
                ));
            }
        }
        if project != PROJECT {
            return Ok(Answer::error(
                403,
                "authentication_error",
                "permission_denied",
                "You don't have access to the project.",
            ));
        }
    }
    if let Some(at) = state
        .faults
        .iter()
        .position(|(r, n, _)| *r == route && *n > 0)
    {
        let fault = state.faults[at].2.clone();
        if state.faults[at].1 != usize::MAX {
            state.faults[at].1 -= 1;
        }
        match fault {
            // The real answer, delivered late or cut short.
            Fault::Slow(_) | Fault::CutShort => *delivery = Some(fault),
            fault => return Err(fault),
        }
    }
    if segments.last() == Some(&"missing-reason") {
        let reason = session
            .and_then(|s| state.missing.get(s))
            .cloned()
            .unwrap_or_else(|| "session_missing".to_owned());
        return Ok(Answer::json(200, json!({"reason": reason})));
    }
    if route == Route::List {
        return Ok(list(state, query));
    }
    let Some(recording) = session.and_then(|s| state.recordings.iter().find(|r| r.id() == s))
    else {
        return Ok(Answer::error(
            404,
            "invalid_request",
            "not_found",
            "Recording not found",
        ));
    };
    match route {
        Route::Retrieve if query.contains_key("sharing_access_token") => {
            let info = &recording.info;
            Ok(Answer::json(
                200,
                json!({"id": info["id"], "recording_duration": info["recording_duration"], "start_time": info["start_time"], "end_time": info["end_time"]}),
            ))
        }
        Route::Retrieve => Ok(Answer::json(200, recording.info.clone())),
        _ if recording.deleted => Ok(Answer::json(
            410,
            json!({"error": "recording_deleted", "message": "This recording has been permanently deleted", "deleted_at": "2026-11-30T10:00:00Z", "deleted_by": "user"}),
        )),
        Route::Sources if recording.long_term => Ok(Answer::json(
            200,
            json!({"sources": [{"source": "blob_v2_lts", "blob_key": format!("session_recordings/lts/{}", recording.id())}]}),
        )),
        Route::Sources => {
            let sources: Vec<Value> = (0..recording.blocks.len())
                .map(|i| json!({"source": "blob_v2", "start_timestamp": "2026-11-22T13:48:34.677000Z", "end_timestamp": "2026-11-22T13:48:51.075000Z", "blob_key": i.to_string()}))
                .collect();
            Ok(Answer::json(200, json!({"sources": sources})))
        }
        _ => Ok(blocks(recording, query)),
    }
}

fn list(state: &State, query: &HashMap<String, String>) -> Answer {
    let person: Option<Vec<String>> = query
        .get("distinct_ids")
        .and_then(|d| serde_json::from_str(d).ok());
    let matching: Vec<&Recording> = state
        .recordings
        .iter()
        .filter(|r| {
            person.as_ref().is_none_or(|ids| {
                ids.iter()
                    .any(|id| r.info["distinct_id"].as_str() == Some(id.as_str()))
            })
        })
        .collect();
    let limit: usize = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(50)
        .min(state.page_size);
    // The cursor is the last session id of the previous page.
    let start = match query.get("after") {
        Some(after) => matching
            .iter()
            .position(|r| r.id() == after)
            .map_or(matching.len(), |i| i + 1),
        None => query
            .get("offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0),
    };
    let page: Vec<&Recording> = matching.iter().skip(start).take(limit).copied().collect();
    let has_next = start + page.len() < matching.len();
    let mut body = json!({
        "results": page.iter().map(|r| r.info.clone()).collect::<Vec<_>>(),
        "has_next": has_next,
        "version": 4,
    });
    if has_next && let Some(last) = page.last() {
        body["next_cursor"] = json!(last.id());
    }
    Answer::json(200, body)
}

fn blocks(recording: &Recording, query: &HashMap<String, String>) -> Answer {
    let decompress = query.get("decompress").map(String::as_str) != Some("false");
    let wanted: Vec<&String> = match query.get("source").map(String::as_str) {
        Some("blob_v2_lts") => {
            let key = format!("session_recordings/lts/{}", recording.id());
            if !recording.long_term || query.get("blob_key") != Some(&key) {
                return Answer::error(404, "invalid_request", "not_found", "Not found.");
            }
            // The long-term file is one snappy block of all the JSONL (raw when not decompressed).
            let text = recording.blocks.join("\n");
            return if decompress {
                octets(200, "application/jsonl", text.into_bytes())
            } else {
                octets(
                    200,
                    "application/octet-stream",
                    snap::raw::Encoder::new()
                        .compress_vec(text.as_bytes())
                        .unwrap(),
                )
            };
        }
        Some("blob_v2") => {
            let (Some(start), Some(end)) = (query.get("start_blob_key"), query.get("end_blob_key"))
            else {
                return Answer::error(
                    400,
                    "validation_error",
                    "invalid_input",
                    "Must provide both start blob key and end blob key",
                );
            };
            let (Ok(start), Ok(end)) = (start.parse::<usize>(), end.parse::<usize>()) else {
                return Answer::error(
                    400,
                    "validation_error",
                    "invalid_input",
                    "Blob keys must be integers",
                );
            };
            // PostHog's code refuses more than 20 apart for personal API keys.
            if end < start || end - start > 20 {
                return Answer::error(
                    400,
                    "validation_error",
                    "invalid_input",
                    "Cannot request more than 20 blob keys at once",
                );
            }
            if end >= recording.blocks.len() {
                return Answer::error(
                    404,
                    "invalid_request",
                    "not_found",
                    "Block index out of range",
                );
            }
            recording.blocks[start..=end].iter().collect()
        }
        _ => {
            return Answer::error(
                400,
                "validation_error",
                "invalid_input",
                "Invalid source must be one of [blob_v2, blob_v2_ts, None]",
            );
        }
    };
    if decompress {
        let text: Vec<&str> = wanted.iter().map(|b| b.as_str()).collect();
        octets(200, "application/jsonl", text.join("\n").into_bytes())
    } else {
        let mut body = Vec::new();
        for block in wanted {
            let compressed = snap::raw::Encoder::new()
                .compress_vec(block.as_bytes())
                .unwrap();
            body.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
            body.extend_from_slice(&compressed);
        }
        octets(200, "application/octet-stream", body)
    }
}

fn octets(status: u16, content_type: &'static str, body: Vec<u8>) -> Answer {
    Answer {
        status,
        content_type,
        headers: vec![
            ("Cache-Control".into(), "max-age=3600".into()),
            ("Content-Disposition".into(), "inline".into()),
        ],
        body,
    }
}

fn fault_answer(fault: &Fault) -> Answer {
    match fault {
        Fault::Throttle {
            retry_after,
            detail_seconds,
        } => {
            let detail = match detail_seconds {
                Some(n) => format!("Request was throttled. Expected available in {n} seconds."),
                None => "Request was throttled.".to_owned(),
            };
            let mut answer = Answer::error(429, "throttled_error", "throttled", &detail);
            if let Some(seconds) = retry_after {
                answer
                    .headers
                    .push(("Retry-After".into(), seconds.to_string()));
            }
            answer
        }
        Fault::Status(502) => Answer::json(
            502,
            json!({"type": "server_error", "code": "recording_blocks_unavailable", "detail": "Could not load the recording's blocks.", "attr": null}),
        ),
        Fault::Status(503) => Answer::json(
            503,
            json!({"error": "ClickHouse over capacity. Please retry"}),
        ),
        Fault::Status(status) => Answer::json(
            *status,
            json!({"error": "An unexpected error has occurred. Please try again later."}),
        ),
        Fault::Slow(_) | Fault::CutShort => unreachable!("delivered with the real answer"),
    }
}

fn write_answer(
    mut stream: TcpStream,
    answer: Answer,
    fault: Option<Fault>,
) -> std::io::Result<()> {
    if let Some(Fault::Slow(delay)) = &fault {
        thread::sleep(*delay);
    }
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status,
        reason(answer.status),
        answer.content_type,
        answer.body.len()
    );
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    let body = if matches!(fault, Some(Fault::CutShort)) {
        &answer.body[..answer.body.len() / 2]
    } else {
        &answer.body[..]
    };
    stream.write_all(body)?;
    stream.flush()?;
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
