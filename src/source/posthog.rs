//! PostHog's API as a source of recordings: a replay's URL in, the recording's snapshot bytes
//! out, for the same readers as a file.
//!
//! - [`PosthogUrl::parse`] reads the URLs users paste: a replay
//!   (`/project/<id>/replay/<session>`, `…/replay/home?sessionRecordingId=…`, with `?t=`), a
//!   project's replay list (`/project/<id>/replay`), and shared links (`/shared/<token>`,
//!   `/embedded/<token>`), on any host, `https` or plain `http`.
//! - [`Client`] talks to that host alone: the recording's metadata, the list of its snapshot
//!   sources, then its blocks in ranges of at most [`MAX_BLOCKS`], several ranges at once
//!   ([`Settings::parallel`]); as JSONL, or as length-prefixed snappy blocks when
//!   [`Settings::decompress`] is off. Throttled requests (429) wait for `Retry-After` (or the
//!   seconds PostHog's message names); server errors and timeouts are tried again with backoff,
//!   a bounded number of times.
//! - The personal API key ([`ApiKey`]) is sent to the URL's host only (redirects are not
//!   followed), and never printed: any text of the server's quoted in an error is cleaned of it.
//!
//! The facts (routes, answers, errors, throttles) are in `shared/posthog-api.md` of the project
//! notes, with their sources in PostHog's code.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::batch::{Outcome, Status};
use crate::files::Durability;
use crate::input::Input;
use crate::recording::Metadata;

/// Most blocks one snapshot request asks for. PostHog's code refuses `end - start > 20` for
/// personal API keys, its documentation says at most 20 (`start=0&end=20` is invalid): a range
/// is `start..=start + 19`.
pub const MAX_BLOCKS: u64 = 20;

/// Recordings a list page asks for (PostHog's own default).
const LIST_PAGE: usize = 50;

/// The scope a personal API key needs to read recordings.
pub const SCOPE: &str = "session_recording:read";

/// A personal API key (`phx_…`). It is never shown: its `Debug` hides it, and no message
/// holds it.
#[derive(Clone)]
pub struct ApiKey(String);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(hidden)")
    }
}

impl ApiKey {
    /// The key in `file` (its first line), or else in the `POSTHOG_API_KEY` environment
    /// variable; `None` when neither gives one.
    pub fn load(file: Option<&Path>) -> Result<Option<ApiKey>> {
        let (text, from) = match file {
            Some(path) => (
                std::fs::read_to_string(path).with_context(|| {
                    format!("could not read the API key file {}", path.display())
                })?,
                path.display().to_string(),
            ),
            None => match std::env::var("POSTHOG_API_KEY") {
                Ok(text) => (text, "POSTHOG_API_KEY".to_owned()),
                Err(_) => return Ok(None),
            },
        };
        let key = text.lines().next().unwrap_or_default().trim();
        if key.is_empty() {
            if file.is_some() {
                bail!("the API key file {from} is empty");
            }
            return Ok(None);
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            bail!(
                "the key in {from} is not a PostHog personal API key (it holds spaces or characters other than letters, digits and punctuation)"
            );
        }
        Ok(Some(ApiKey(key.to_owned())))
    }

    /// A key given directly (for tests and other programs).
    pub fn new(key: &str) -> ApiKey {
        ApiKey(key.trim().to_owned())
    }
}

/// How to talk to PostHog.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The personal API key; shared links need none.
    pub key: Option<ApiKey>,
    /// Ask for JSONL (`true`, PostHog's default) or for the stored snappy blocks, which are
    /// smaller to download.
    pub decompress: bool,
    /// How many block requests run at once.
    pub parallel: usize,
    /// Longest wait for a connection, and for an answer to start.
    pub timeout: Duration,
    /// How many times a request that met a server error (5xx), a timeout or a broken
    /// connection is tried again.
    pub retries: u32,
    /// How many times a throttled request (429) is tried again.
    pub throttle_retries: u32,
    /// First wait before trying again, doubled each time (when the server names no wait).
    pub backoff: Duration,
    /// Longest wait for a throttle: PostHog naming a longer one fails the run instead.
    pub max_wait: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            key: None,
            decompress: true,
            parallel: 4,
            timeout: Duration::from_secs(60),
            retries: 4,
            throttle_retries: 10,
            backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(15 * 60),
        }
    }
}

/// Told what fetching does: waits, and how many block ranges are done.
pub trait Listener: Send + Sync {
    /// Something the user should know while it happens (a wait for a throttle, a retry).
    fn notice(&self, _message: &str) {}
    /// `done` of `total` block ranges of the recording being fetched are in.
    fn progress(&self, _done: usize, _total: usize) {}
}

/// A listener that is told nothing.
pub struct Quiet;
impl Listener for Quiet {}

/// The scheme and host (with port) of a PostHog instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// `https` or `http`.
    pub scheme: String,
    /// The host, with its port when one is given.
    pub host: String,
}

impl Site {
    fn base(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
}

/// What a PostHog URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One recording.
    Recording { project: String, session: String },
    /// A project's replay list: every recording it holds.
    Project { project: String },
    /// A shared (or embedded) recording, read with its sharing token.
    Shared { token: String },
}

/// A moment a PostHog link opens a recording at (`?t=` or `?timestamp=`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Moment {
    /// Seconds from the recording's start.
    Offset(f64),
    /// Epoch milliseconds.
    Epoch(f64),
}

/// A PostHog URL a user pasted.
#[derive(Debug, Clone, PartialEq)]
pub struct PosthogUrl {
    pub site: Site,
    pub target: Target,
    pub start: Option<Moment>,
    /// The URL as given, for messages and links.
    pub text: String,
}

/// Whether a command-line input is a URL (rather than a file name).
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

const SHAPES: &str = "https://<host>/project/<id>/replay/<session id>, https://<host>/project/<id>/replay (with --out-dir), or https://<host>/shared/<token>";

impl PosthogUrl {
    /// Reads a replay's URL, a project's replay list, or a shared link.
    pub fn parse(text: &str) -> Result<PosthogUrl> {
        if text.to_ascii_lowercase().contains("personal_api_key") {
            bail!(
                "the URL holds a personal API key: remove it from the URL (it would be shown, and kept in the shell's history) and give the key in POSTHOG_API_KEY or --api-key-file"
            );
        }
        let fail = |why: &str| {
            anyhow!(
                "{} is not a PostHog replay URL: {why} (expected {SHAPES})",
                clean(text)
            )
        };
        let (scheme, rest) = text
            .split_once("://")
            .filter(|(s, _)| s.eq_ignore_ascii_case("https") || s.eq_ignore_ascii_case("http"))
            .ok_or_else(|| fail("it is not an http or https address"))?;
        let rest = rest.split('#').next().unwrap_or_default();
        let (authority, path_query) = match rest.find(['/', '?']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            bail!(
                "the URL holds a user name or password before its host: give the replay's URL without them (the key goes in POSTHOG_API_KEY or --api-key-file)"
            );
        }
        if authority.is_empty()
            || !authority
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
        {
            bail!(fail("its host is not a plain host name"));
        }
        let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
        let query = parse_query(query);
        let param = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let project_id = |id: &str| -> Result<String> {
            if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
                Ok(id.to_owned())
            } else {
                Err(fail(&format!(
                    "the project id {:?} is not a number",
                    clean(id)
                )))
            }
        };
        let session = |id: &str| -> Result<String> {
            if is_token(id) {
                Ok(id.to_owned())
            } else {
                Err(fail(&format!("{:?} is not a session id", clean(id))))
            }
        };
        let target = match segments.as_slice() {
            ["project", project, "replay", rest @ ..] => {
                let project = project_id(project)?;
                match (param("sessionRecordingId"), rest) {
                    (Some(id), _) => Target::Recording {
                        project,
                        session: session(id)?,
                    },
                    (None, [] | ["home" | "recent"]) => Target::Project { project },
                    (None, ["playlists", ..] | ["playlist", ..]) => {
                        bail!(fail(
                            "a playlist is not one recording; give a recording's URL, or the project's replay list with --out-dir"
                        ))
                    }
                    (None, [id]) => Target::Recording {
                        project,
                        session: session(id)?,
                    },
                    (None, _) => bail!(fail("it names no recording")),
                }
            }
            [
                "api",
                "projects" | "environments",
                project,
                "session_recordings",
                id,
                ..,
            ] => Target::Recording {
                project: project_id(project)?,
                session: session(id)?,
            },
            ["shared" | "embedded", token] => {
                let token = token.strip_suffix(".json").unwrap_or(token);
                if !is_token(token) {
                    bail!(fail("its sharing token is not one"));
                }
                Target::Shared {
                    token: token.to_owned(),
                }
            }
            _ => bail!(fail("its path is not a replay's")),
        };
        // As PostHog's player reads them: `t` in seconds from the start, `timestamp` in epoch
        // milliseconds (a `t` that large is one too), or either as an RFC 3339 time.
        let moment = |name| -> Option<Moment> {
            let value: &str = param(name)?;
            if let Ok(number) = value.parse::<f64>() {
                return (number.is_finite() && number >= 0.0).then_some(if number < 1e11 {
                    Moment::Offset(number)
                } else {
                    Moment::Epoch(number)
                });
            }
            // A zone's `+` reads as a space in a query that was not percent-encoded.
            let zone_plus =
                |(time, zone): (&str, &str)| format!("{time}{}", zone.replace(' ', "+"));
            parse_time(value)
                .or_else(|| parse_time(&zone_plus(value.split_at_checked(19)?)))
                .map(Moment::Epoch)
        };
        let start = moment("t").or_else(|| match moment("timestamp") {
            Some(Moment::Offset(ms)) => Some(Moment::Epoch(ms)),
            other => other,
        });
        Ok(PosthogUrl {
            site: Site {
                scheme: scheme.to_ascii_lowercase(),
                host: authority.to_ascii_lowercase(),
            },
            target,
            start,
            text: text.to_owned(),
        })
    }

    /// The moment the link opens the recording at, in milliseconds from `recording_start`
    /// (epoch milliseconds of its first event), as [`crate::ViewerSettings::start`] takes it.
    pub fn start_ms(&self, recording_start: f64) -> Option<f64> {
        match self.start? {
            Moment::Offset(seconds) => Some(seconds * 1000.0),
            Moment::Epoch(ms) => Some((ms - recording_start).max(0.0)),
        }
    }
}

/// Session ids and tokens: letters, digits, `-` and `_` (and `.`, `~`), so they go into a
/// path as they are.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 200
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        && text != "."
        && text != ".."
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query value, percent-encoded (all but unreserved characters).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Text from a user or a server, fit for one line of a message: control characters (terminal
/// escapes) replaced, and at most 300 characters.
fn clean(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(300)
        .collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out
}

/// A recording fetched from PostHog: its snapshot bytes, as a file would hold them, and what
/// PostHog says of it.
#[derive(Debug)]
pub struct Fetched {
    pub session_id: String,
    /// Snapshot JSONL, or length-prefixed snappy blocks (or a long-term-storage file).
    pub bytes: Vec<u8>,
    pub metadata: Metadata,
    /// What the user should know (a recording still going on, blocks PostHog left out).
    pub warnings: Vec<String>,
    /// How many block requests fetching took (without retries).
    pub block_requests: usize,
}

impl Fetched {
    /// The bytes, ready for the readers, with PostHog's metadata attached.
    pub fn into_input(self) -> Result<Input> {
        let id = self.session_id.clone();
        Ok(Input::new(self.bytes)
            .with_context(|| format!("could not read recording {id} as PostHog sent it"))?
            .with_metadata(self.metadata))
    }
}

/// A recording as PostHog's list or retrieve endpoint describes it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: String,
    /// When it ended, epoch milliseconds, when PostHog says.
    pub end: Option<f64>,
    pub ongoing: bool,
    /// The whole object, as PostHog sent it.
    pub info: Value,
}

impl Listed {
    fn of(info: Value) -> Result<Listed> {
        let id = info["id"]
            .as_str()
            .filter(|id| is_token(id))
            .context("PostHog described a recording without a usable id")?
            .to_owned();
        Ok(Listed {
            id,
            end: info["end_time"].as_str().and_then(parse_time),
            ongoing: info["ongoing"].as_bool().unwrap_or(false),
            info,
        })
    }
}

/// Filters of a project's replay list.
#[derive(Debug, Clone, Default)]
pub struct ListFilters {
    /// Recordings from this moment: relative (`-3d`, `-24h`) or an ISO date. PostHog's default
    /// is the last 3 days.
    pub since: Option<String>,
    /// Recordings up to this moment.
    pub until: Option<String>,
    /// Only this person's (a distinct id).
    pub person: Option<String>,
    /// At most this many.
    pub limit: Option<usize>,
}

/// `3d` and `-3d` alike, as PostHog takes a relative date; ISO dates as they are.
pub fn relative_date(text: &str) -> String {
    let trimmed = text.trim();
    let is_relative = trimmed.len() >= 2
        && trimmed
            .trim_start_matches('-')
            .strip_suffix(['h', 'd', 'w', 'm', 'y'])
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if is_relative && !trimmed.starts_with('-') {
        format!("-{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

/// What an attempt at a request came to.
enum Attempt {
    Done(Vec<u8>),
    /// Throttled: wait this long (when the server said), and this is what it said.
    Throttled(Option<Duration>, String),
    /// A failure that may pass: a server error, a timeout, a broken connection.
    Transient(String),
    /// A failure that will not pass by trying again.
    Fail(anyhow::Error),
}

/// How a client is allowed in.
#[derive(Clone)]
enum Auth {
    Key(ApiKey),
    Sharing(String),
    None,
}

/// A client for one PostHog host.
pub struct Client {
    agent: ureq::Agent,
    site: Site,
    auth: Auth,
    settings: Settings,
    listener: Arc<dyn Listener>,
}

impl Client {
    pub fn new(site: &Site, settings: Settings, listener: Arc<dyn Listener>) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // The key goes to this host only: a redirect is reported, not followed.
            .max_redirects(0)
            .user_agent(concat!("replay-html/", env!("CARGO_PKG_VERSION")))
            .timeout_connect(Some(settings.timeout))
            .timeout_send_request(Some(settings.timeout))
            .timeout_recv_response(Some(settings.timeout))
            .timeout_per_read(Some(settings.timeout))
            .build();
        let auth = settings.key.clone().map_or(Auth::None, Auth::Key);
        Client {
            agent: ureq::Agent::new_with_config(config),
            site: site.clone(),
            auth,
            settings,
            listener,
        }
    }

    /// Fetches what a URL points at, when it is one recording (or a shared one).
    pub fn fetch_url(&mut self, url: &PosthogUrl) -> Result<Fetched> {
        match &url.target {
            Target::Recording { project, session } => {
                self.need_key().with_context(|| {
                    format!(
                        "could not fetch recording {session} from {}",
                        self.site.host
                    )
                })?;
                self.fetch(project, session)
            }
            Target::Shared { token } => self.fetch_shared(token, &url.text),
            Target::Project { .. } => bail!(
                "{} is a project's replay list, not one recording: give --out-dir DIR to bundle every recording in it, a page each",
                clean(&url.text)
            ),
        }
    }

    fn need_key(&self) -> Result<()> {
        if matches!(self.auth, Auth::None) {
            bail!(
                "reading recordings from {} needs a PostHog personal API key with the scope {SCOPE}: create one in PostHog (Settings, Personal API keys), then set POSTHOG_API_KEY or give --api-key-file FILE",
                self.site.host
            );
        }
        Ok(())
    }

    /// The address of a recording in PostHog's app.
    pub fn recording_link(&self, project: &str, session: &str) -> String {
        format!("{}/project/{project}/replay/{session}", self.site.base())
    }

    /// Fetches one recording: its metadata, then its snapshots.
    pub fn fetch(&self, project: &str, session: &str) -> Result<Fetched> {
        let context = || {
            format!(
                "could not fetch recording {session} from {}",
                self.site.host
            )
        };
        let info = self
            .recording_info(project, session)
            .with_context(context)?;
        self.fetch_listed(project, &info).with_context(context)
    }

    /// A recording's description (the retrieve endpoint); for a missing one, why it is.
    fn recording_info(&self, project: &str, session: &str) -> Result<Listed> {
        let path = format!("/api/projects/{project}/session_recordings/{session}/");
        match self.get(&path, &[]) {
            Ok(body) => Listed::of(parse_json(&body)?),
            Err(err) if status_of(&err) == Some(404) => {
                let reason = self.missing_reason(project, session);
                Err(err.context(match reason {
                    Some(reason) => format!("PostHog has no such recording in project {project}: {reason}"),
                    None => format!("PostHog has no such recording in project {project} (check the URL, and that the key's project is this one)"),
                }))
            }
            Err(err) => Err(err),
        }
    }

    /// Why PostHog holds no recording of a session, in words, when it says.
    fn missing_reason(&self, project: &str, session: &str) -> Option<String> {
        let path = format!("/api/projects/{project}/session_recordings/{session}/missing-reason");
        let body = self.get(&path, &[]).ok()?;
        let answer: Value = serde_json::from_slice(&body).ok()?;
        let reason = answer["reason"].as_str()?;
        Some(
            match reason {
                "recorded" => "PostHog says it was recorded, but it is not available yet: try again in a few minutes",
                "session_missing" => "PostHog saw no session with this id",
                "replay_disabled" => "session replay was turned off for the project then",
                "domain_not_allowed" => "the site's domain is not among the project's allowed domains for replay",
                "url_blocklisted" => "the page's URL is on the project's replay blocklist",
                "below_min_duration" => "the session was shorter than the project's minimum replay duration",
                "sampled_out" => "the project's replay sampling left the session out",
                "triggers_not_matched" => "none of the project's replay triggers matched the session",
                "retention_expired" => "the recording is older than the project's retention period, and was deleted",
                other => return Some(format!("PostHog gives the reason {:?}", clean(other))),
            }
            .to_owned(),
        )
    }

    /// Fetches the snapshots of a recording PostHog described.
    pub fn fetch_listed(&self, project: &str, listed: &Listed) -> Result<Fetched> {
        let session = &listed.id;
        let mut warnings = Vec::new();
        if listed.ongoing {
            warnings.push(format!(
                "recording {session} is still being recorded: the page holds it up to now (bundle it again later for the rest)"
            ));
        }
        let (bytes, block_requests, more) = self.snapshots(project, session)?;
        warnings.extend(more);
        Ok(Fetched {
            session_id: session.clone(),
            bytes,
            metadata: Metadata {
                session_id: Some(session.clone()),
                person: listed.info.get("person").cloned().filter(|p| !p.is_null()),
                link: Some(self.recording_link(project, session)),
            },
            warnings,
            block_requests,
        })
    }

    /// The recording's snapshot bytes: the sources listed, then every block, in order.
    /// Returns the bytes, how many block requests it took, and warnings.
    fn snapshots(&self, project: &str, session: &str) -> Result<(Vec<u8>, usize, Vec<String>)> {
        let path = format!("/api/projects/{project}/session_recordings/{session}/snapshots");
        let listing = parse_json(
            &self
                .get(&path, &[])
                .context("could not list its snapshot sources")?,
        )?;
        let sources = listing["sources"]
            .as_array()
            .context("PostHog's list of snapshot sources has no \"sources\"")?;
        let mut keys: Vec<u64> = sources
            .iter()
            .filter(|s| s["source"] == "blob_v2")
            .filter_map(|s| s["blob_key"].as_str()?.parse().ok())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let decompress = if self.settings.decompress {
            "true"
        } else {
            "false"
        };
        if keys.is_empty() {
            let Some(lts) = sources
                .iter()
                .find(|s| s["source"] == "blob_v2_lts")
                .and_then(|s| s["blob_key"].as_str())
            else {
                bail!(
                    "PostHog lists no snapshots for it yet (a recording that just started may need a minute)"
                );
            };
            self.listener.progress(0, 1);
            let bytes = self
                .get(
                    &path,
                    &[
                        ("source", "blob_v2_lts".to_owned()),
                        ("blob_key", lts.to_owned()),
                        ("decompress", decompress.to_owned()),
                    ],
                )
                .context("could not fetch its snapshots from long-term storage")?;
            self.listener.progress(1, 1);
            return Ok((bytes, 1, Vec::new()));
        }
        let ranges = ranges(&keys);
        let bodies = self.fetch_ranges(&path, &ranges, decompress)?;
        let mut warnings = Vec::new();
        let mut bytes = Vec::new();
        for ((start, end), body) in ranges.iter().zip(bodies) {
            if self.settings.decompress {
                if body.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                if !bytes.is_empty() {
                    bytes.push(b'\n');
                }
                bytes.extend_from_slice(&body);
            } else {
                let frames = count_frames(&body).with_context(|| {
                    format!(
                        "PostHog's answer for blocks {start} to {end} is not length-prefixed blocks"
                    )
                })?;
                let asked = (end - start + 1) as usize;
                if frames < asked {
                    warnings.push(format!(
                        "PostHog sent {frames} of blocks {start} to {end} ({asked}): the page lacks the rest of that stretch"
                    ));
                }
                bytes.extend_from_slice(&body);
            }
        }
        if bytes.is_empty() {
            bail!("PostHog sent no snapshot data for it");
        }
        Ok((bytes, ranges.len(), warnings))
    }

    /// Fetches block ranges, up to [`Settings::parallel`] at once; the bodies come in order.
    fn fetch_ranges(
        &self,
        path: &str,
        ranges: &[(u64, u64)],
        decompress: &str,
    ) -> Result<Vec<Vec<u8>>> {
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let results: Mutex<Vec<Option<Result<Vec<u8>>>>> =
            Mutex::new((0..ranges.len()).map(|_| None).collect());
        self.listener.progress(0, ranges.len());
        let workers = self.settings.parallel.clamp(1, 16).min(ranges.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        if i >= ranges.len() || failed.load(Ordering::SeqCst) {
                            break;
                        }
                        let (start, end) = ranges[i];
                        let result = self
                            .get(
                                path,
                                &[
                                    ("source", "blob_v2".to_owned()),
                                    ("start_blob_key", start.to_string()),
                                    ("end_blob_key", end.to_string()),
                                    ("decompress", decompress.to_owned()),
                                ],
                            )
                            .with_context(|| {
                                format!("could not fetch its blocks {start} to {end}")
                            });
                        if result.is_err() {
                            failed.store(true, Ordering::SeqCst);
                        }
                        if let Ok(mut results) = results.lock() {
                            results[i] = Some(result);
                        }
                        let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                        self.listener.progress(n, ranges.len());
                    }
                });
            }
        });
        let results = results
            .into_inner()
            .map_err(|_| anyhow!("a block request stopped unexpectedly"))?;
        // The first failure, in range order; ranges not tried after it have no result.
        let mut bodies = Vec::with_capacity(ranges.len());
        for result in results {
            match result {
                Some(Ok(body)) => bodies.push(body),
                Some(Err(err)) => return Err(err),
                None => {}
            }
        }
        if bodies.len() < ranges.len() {
            bail!("fetching its blocks stopped before the end");
        }
        Ok(bodies)
    }

    /// Fetches a shared recording with its sharing token (no API key).
    fn fetch_shared(&mut self, token: &str, link: &str) -> Result<Fetched> {
        let context = || {
            format!(
                "could not fetch the shared recording {} from {}",
                clean(link),
                self.site.host
            )
        };
        // A sharing token reads one recording; a personal key plays no part.
        self.auth = Auth::None;
        let shared = self
            .get(&format!("/shared/{token}.json"), &[])
            .map_err(|err| match status_of(&err) {
                Some(401 | 403 | 404) => err.context("the link is not shared (any more), or it is protected by a password, which replay-html cannot give"),
                _ => err,
            })
            .and_then(|body| parse_json(&body))
            .with_context(context)?;
        let session = shared
            .pointer("/recording/id")
            .and_then(Value::as_str)
            .filter(|id| is_token(id))
            .map(str::to_owned)
            .context("PostHog's shared page names no recording")
            .with_context(context)?;
        let project = match team_id(&shared) {
            Some(id) => id,
            None => {
                let page = self
                    .get(&format!("/shared/{token}"), &[])
                    .with_context(context)?;
                team_of_page(&String::from_utf8_lossy(&page))
                    .context("PostHog's shared page names no project")
                    .with_context(context)?
            }
        };
        self.auth = Auth::Sharing(token.to_owned());
        let path = format!("/api/projects/{project}/session_recordings/{session}/");
        let info = self
            .get(&path, &[])
            .and_then(|body| Listed::of(parse_json(&body)?))
            .with_context(context)?;
        let mut fetched = self.fetch_listed(&project, &info).with_context(context)?;
        fetched.metadata.link = Some(link.to_owned());
        Ok(fetched)
    }

    /// Every recording of a project's replay list, paged with PostHog's cursor.
    pub fn list(&self, project: &str, filters: &ListFilters) -> Result<Vec<Listed>> {
        self.need_key()?;
        let context = || {
            format!(
                "could not list the recordings of project {project} on {}",
                self.site.host
            )
        };
        let path = format!("/api/projects/{project}/session_recordings/");
        let mut listed: Vec<Listed> = Vec::new();
        let mut cursor: Option<String> = None;
        let since = relative_date(filters.since.as_deref().unwrap_or("-3d"));
        loop {
            let wanted = filters
                .limit
                .map_or(LIST_PAGE, |limit| (limit - listed.len()).min(LIST_PAGE));
            if wanted == 0 {
                break;
            }
            let mut query = vec![("date_from", since.clone()), ("limit", wanted.to_string())];
            if let Some(until) = &filters.until {
                query.push(("date_to", relative_date(until)));
            }
            if let Some(person) = &filters.person {
                query.push(("distinct_ids", serde_json::to_string(&[person])?));
            }
            match &cursor {
                Some(cursor) => query.push(("after", cursor.clone())),
                None if !listed.is_empty() => query.push(("offset", listed.len().to_string())),
                None => {}
            }
            let page = parse_json(&self.get(&path, &query).with_context(context)?)
                .with_context(context)?;
            let results = page["results"]
                .as_array()
                .context("PostHog's list has no \"results\"")
                .with_context(context)?;
            let before = listed.len();
            for info in results {
                let recording = Listed::of(info.clone()).with_context(context)?;
                if !listed.iter().any(|r| r.id == recording.id) {
                    listed.push(recording);
                }
            }
            let has_next = page["has_next"].as_bool().unwrap_or(false);
            let next_cursor = page["next_cursor"].as_str().map(str::to_owned);
            if !has_next
                || listed.len() == before
                || (next_cursor.is_some() && next_cursor == cursor)
            {
                break;
            }
            cursor = next_cursor;
        }
        if let Some(limit) = filters.limit {
            listed.truncate(limit);
        }
        Ok(listed)
    }

    /// GETs a path of the host, with retries; the body of a successful answer.
    fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Vec<u8>> {
        let mut url = format!("{}{path}", self.site.base());
        let mut pairs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if let Auth::Sharing(token) = &self.auth {
            pairs.push(format!("sharing_access_token={}", encode(token)));
        }
        if !pairs.is_empty() {
            url.push('?');
            url.push_str(&pairs.join("&"));
        }
        let (mut failures, mut throttles) = (0u32, 0u32);
        loop {
            match self.attempt(&url) {
                Attempt::Done(body) => return Ok(body),
                Attempt::Fail(err) => return Err(err),
                Attempt::Throttled(wait, said) => {
                    throttles += 1;
                    if throttles > self.settings.throttle_retries {
                        bail!(
                            "PostHog kept throttling the requests ({throttles} answers 429, the last: {said}): wait a while and run again (PostHog's free plan allows 12 snapshot requests a minute, 60 an hour)"
                        );
                    }
                    let wait = wait.unwrap_or_else(|| self.backoff(throttles));
                    if wait > self.settings.max_wait {
                        bail!(
                            "PostHog throttles the requests for {} s ({said}): run again later",
                            wait.as_secs()
                        );
                    }
                    self.listener.notice(&format!(
                        "PostHog throttles the requests ({said}): waiting {:.0} s",
                        wait.as_secs_f64()
                    ));
                    std::thread::sleep(wait);
                }
                Attempt::Transient(what) => {
                    failures += 1;
                    if failures > self.settings.retries {
                        bail!(
                            "{what}, {failures} times: PostHog may be having trouble; try again later"
                        );
                    }
                    let wait = self.backoff(failures);
                    self.listener.notice(&format!(
                        "{what}: trying again in {:.1} s ({failures} of {})",
                        wait.as_secs_f64(),
                        self.settings.retries
                    ));
                    std::thread::sleep(wait);
                }
            }
        }
    }

    /// The wait before the `n`th retry (from 1): the backoff, doubled each time, at most a minute.
    fn backoff(&self, n: u32) -> Duration {
        self.settings
            .backoff
            .saturating_mul(1 << (n - 1).min(6))
            .min(Duration::from_secs(60))
    }

    /// One request.
    fn attempt(&self, url: &str) -> Attempt {
        let mut request = self.agent.get(url);
        if let Auth::Key(key) = &self.auth {
            request = request.header("Authorization", format!("Bearer {}", key.0));
        }
        let mut response = match request.call() {
            Ok(response) => response,
            Err(err) => return self.transport_failure(err),
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header("retry-after");
        let location = header("location");
        let body = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec();
        let body = match body {
            Ok(body) => body,
            Err(err) if (200..300).contains(&status) => {
                return Attempt::Transient(format!(
                    "the answer was cut short ({})",
                    self.scrub(&err.to_string())
                ));
            }
            Err(_) => Vec::new(),
        };
        if (200..300).contains(&status) {
            return Attempt::Done(body);
        }
        let said = self.said(&body);
        match status {
            429 => {
                let wait = retry_after
                    .as_deref()
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .or_else(|| seconds_named(&said))
                    .map(Duration::from_secs);
                Attempt::Throttled(wait, quoted(&said))
            }
            500..=599 => {
                Attempt::Transient(format!("PostHog answered {status}{}", quoted_after(&said)))
            }
            300..=399 => Attempt::Fail(anyhow!(
                "{} answers with a redirect{}: give the address of PostHog's app itself (for example https://us.posthog.com or https://eu.posthog.com)",
                self.site.host,
                location
                    .as_deref()
                    .and_then(|l| l
                        .split("://")
                        .nth(1)?
                        .split('/')
                        .next()
                        .map(|h| format!(" to {}", clean(h))))
                    .unwrap_or_default()
            )),
            _ => Attempt::Fail(self.status_error(status, &said, &body)),
        }
    }

    fn transport_failure(&self, err: ureq::Error) -> Attempt {
        match err {
            ureq::Error::HostNotFound => Attempt::Fail(anyhow!(
                "could not find the host {} (check the URL, and the network)",
                self.site.host
            )),
            ureq::Error::Timeout(_) => Attempt::Transient(format!(
                "{} did not answer within {} s",
                self.site.host,
                self.settings.timeout.as_secs_f64()
            )),
            ureq::Error::Tls(_) | ureq::Error::Pem(_) | ureq::Error::Rustls(_) => {
                Attempt::Fail(anyhow!(
                    "could not set up a secure connection to {}: {}",
                    self.site.host,
                    self.scrub(&err.to_string())
                ))
            }
            other => Attempt::Transient(format!(
                "could not talk to {} ({})",
                self.site.host,
                self.scrub(&other.to_string())
            )),
        }
    }

    /// The message of an error status, saying what to do.
    fn status_error(&self, status: u16, said: &str, body: &[u8]) -> anyhow::Error {
        let sharing = matches!(self.auth, Auth::Sharing(_));
        let message = match status {
            401 if sharing => format!(
                "the sharing link is not valid (any more){}",
                quoted_after(said)
            ),
            401 => format!(
                "the key is not valid{}: create a personal API key with the scope {SCOPE} in PostHog (Settings, Personal API keys), then set POSTHOG_API_KEY or give --api-key-file FILE",
                quoted_after(said)
            ),
            403 if sharing => format!(
                "the sharing link does not give access to this{}",
                quoted_after(said)
            ),
            403 => format!(
                "the key may not read it{}: it needs the scope {SCOPE}, and access to the project (the project id is the number after /project/ in the URL)",
                quoted_after(said)
            ),
            404 => format!("PostHog found nothing there (404{})", quoted_inside(said)),
            410 => {
                let when = serde_json::from_slice::<Value>(body)
                    .ok()
                    .and_then(|v| v["deleted_at"].as_str().map(clean));
                format!(
                    "the recording was permanently deleted{}{}",
                    when.map(|w| format!(" (on {w})")).unwrap_or_default(),
                    quoted_after(said)
                )
            }
            400 => format!("PostHog refused the request (400{})", quoted_inside(said)),
            _ => format!("PostHog answered {status}{}", quoted_after(said)),
        };
        StatusError { status, message }.into()
    }

    /// What an error body says: its `detail`, `message` or `error`, cleaned of the key.
    fn said(&self, body: &[u8]) -> String {
        let text = match serde_json::from_slice::<Value>(body) {
            Ok(value) => ["detail", "message", "error", "code"]
                .iter()
                .find_map(|k| value[k].as_str().map(str::to_owned))
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        let code = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v["code"].as_str().map(str::to_owned))
            .filter(|c| !text.contains(c.as_str()) && c != "throttled");
        let text = match code {
            Some(code) if text.is_empty() => code,
            Some(code) => format!("{text} ({code})"),
            None => text,
        };
        self.scrub(&text)
    }

    /// Text from the server, fit for a message: without the key, on one line, not too long.
    fn scrub(&self, text: &str) -> String {
        let text = match &self.auth {
            Auth::Key(key) if !key.0.is_empty() => text.replace(&key.0, "[the key]"),
            Auth::Sharing(token) if !token.is_empty() => text.replace(token, "[the token]"),
            _ => text.to_owned(),
        };
        clean(&text)
    }
}

/// A failed answer: its status, for callers that tell some apart (404).
#[derive(Debug)]
struct StatusError {
    status: u16,
    message: String,
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StatusError {}

fn status_of(err: &anyhow::Error) -> Option<u16> {
    err.chain()
        .find_map(|e| e.downcast_ref::<StatusError>())
        .map(|e| e.status)
}

fn quoted(said: &str) -> String {
    if said.is_empty() {
        "no reason given".to_owned()
    } else {
        format!("\"{said}\"")
    }
}

fn quoted_after(said: &str) -> String {
    if said.is_empty() {
        String::new()
    } else {
        format!(" (PostHog says: \"{said}\")")
    }
}

fn quoted_inside(said: &str) -> String {
    if said.is_empty() {
        String::new()
    } else {
        format!(": \"{said}\"")
    }
}

/// The seconds a throttle message names: "Expected available in 41 seconds."
fn seconds_named(text: &str) -> Option<u64> {
    let at = text.find("available in ")? + "available in ".len();
    let rest = &text[at..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = rest[digits.len()..].trim_start();
    if after.starts_with("second") {
        digits.parse().ok()
    } else {
        None
    }
}

fn parse_json(body: &[u8]) -> Result<Value> {
    serde_json::from_slice(body)
        .map_err(|e| anyhow!("PostHog's answer is not the JSON expected ({e})"))
}

/// Consecutive block keys in ranges of at most [`MAX_BLOCKS`], inclusive.
fn ranges(keys: &[u64]) -> Vec<(u64, u64)> {
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    for &key in keys {
        match ranges.last_mut() {
            Some((start, end)) if key == *end + 1 && key - *start < MAX_BLOCKS => *end = key,
            _ => ranges.push((key, key)),
        }
    }
    ranges
}

/// How many length-prefixed frames a body holds; fails when they do not add up to it.
fn count_frames(body: &[u8]) -> Result<usize> {
    let (mut at, mut frames) = (0usize, 0usize);
    while at < body.len() {
        let header = body
            .get(at..at + 4)
            .context("a block's length is cut short")?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        at = at
            .checked_add(4 + len)
            .filter(|&end| end <= body.len())
            .context("a block is cut short")?;
        frames += 1;
    }
    Ok(frames)
}

/// The team (project) id in a shared page's JSON, when it carries one.
fn team_id(shared: &Value) -> Option<String> {
    [
        "/team_id",
        "/team/id",
        "/current_team/id",
        "/recording/team_id",
        "/recording/team",
    ]
    .iter()
    .find_map(|pointer| match shared.pointer(pointer)? {
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Some(s.clone())
        }
        _ => None,
    })
}

/// The team id a shared page's HTML sets in `POSTHOG_APP_CONTEXT.current_team`.
fn team_of_page(html: &str) -> Option<String> {
    let context = &html[html.find("POSTHOG_APP_CONTEXT")?..];
    let team = &context[context.find("\"current_team\"")?..];
    let id = &team[team.find("\"id\"")? + 4..];
    let id = id.trim_start().strip_prefix(':')?.trim_start();
    let digits: String = id.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// An RFC 3339 time (`2025-05-18T03:59:43.283000Z`, or with an offset) as epoch milliseconds.
pub fn parse_time(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = text.get(from..to)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut at = 19;
    let mut fraction = 0.0;
    if b.get(at) == Some(&b'.') {
        let digits: String = text[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        fraction = format!("0.{digits}").parse().ok()?;
        at += 1 + digits.len();
    }
    let offset_minutes = match text.get(at..)? {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            sign * (num(at + 1, at + 3)? * 60 + num(at + 4, at + 6)?)
        }
    };
    // Days since 1970-01-01 from a civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some((seconds as f64 + fraction) * 1000.0)
}

/// Whether a page fetched before is still the recording's: it exists, the recording has
/// ended, and the page was written after its end.
pub fn is_up_to_date(page: &Path, listed: &Listed) -> bool {
    let Ok(written) = std::fs::metadata(page).and_then(|m| m.modified()) else {
        return false;
    };
    let Some(end) = listed.end.filter(|_| !listed.ongoing) else {
        return false;
    };
    let written = written
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    written > end
}

/// Bundles every recording of a project's replay list into `out_dir`, a page each named by its
/// session id, one recording after another (each one's blocks several at once). A page written
/// after its recording ended is up to date and skipped, unless `force`. Goes on past
/// recordings that fail; the outcomes say what became of each.
pub fn bundle_list(
    client: &Client,
    project: &str,
    filters: &ListFilters,
    out_dir: &Path,
    force: bool,
    options: &crate::Options,
) -> Result<Vec<Outcome>> {
    let listed = client.list(project, filters)?;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("could not create the folder {}", out_dir.display()))?;
    let mut outcomes = Vec::with_capacity(listed.len());
    for recording in &listed {
        let started = std::time::Instant::now();
        let page = page_path(out_dir, &recording.id);
        let from = format!("recording {}", recording.id);
        let outcome = |status, format: Option<String>, warnings, error| Outcome {
            input: from.clone(),
            page: Some(page.display().to_string()),
            status,
            error,
            format,
            warnings,
            seconds: started.elapsed().as_secs_f64(),
            bytes_in: 0,
            bytes_out: std::fs::metadata(&page)
                .ok()
                .filter(|_| status == Status::Made)
                .map_or(0, |m| m.len()),
        };
        if !force && is_up_to_date(&page, recording) {
            outcomes.push(outcome(Status::Skipped, None, Vec::new(), None));
            continue;
        }
        let made = client
            .fetch_listed(project, recording)
            .with_context(|| format!("could not fetch it from {}", client.site.host))
            .and_then(|fetched| {
                let mut warnings = fetched.warnings.clone();
                let input = fetched.into_input()?;
                let (format, recording) = input.read()?;
                warnings.extend(recording.warnings.iter().cloned());
                // A later list skips a page that is up to date: it must be whole on disk.
                let more = crate::files::write_atomically(&page, Durability::System, |out| {
                    crate::write_page(&[recording], options, out)
                })
                .with_context(|| format!("could not write {}", page.display()))?;
                warnings.extend(more);
                Ok((format, warnings))
            });
        outcomes.push(match made {
            Ok((format, warnings)) => {
                outcome(Status::Made, Some(format.to_string()), warnings, None)
            }
            Err(err) => outcome(Status::Failed, None, Vec::new(), Some(format!("{err:#}"))),
        });
    }
    Ok(outcomes)
}

/// The page of a recording in a folder: `<session id>.html`.
pub fn page_path(out_dir: &Path, session: &str) -> PathBuf {
    out_dir.join(format!("{}.html", crate::files::safe_file_stem(session)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> PosthogUrl {
        PosthogUrl::parse(text).unwrap()
    }

    #[test]
    fn reads_the_urls_users_paste() {
        let one = parse(
            "https://us.posthog.com/project/123/replay/0191c63b-03ff-73b5-96be-40be2761621c?t=42",
        );
        assert_eq!(one.site.base(), "https://us.posthog.com");
        assert_eq!(
            one.target,
            Target::Recording {
                project: "123".into(),
                session: "0191c63b-03ff-73b5-96be-40be2761621c".into()
            }
        );
        assert_eq!(one.start, Some(Moment::Offset(42.0)));
        let at =
            |query: &str| parse(&format!("https://us.posthog.com/project/1/replay/a{query}")).start;
        assert_eq!(
            at("?timestamp=1725607643113"),
            Some(Moment::Epoch(1725607643113.0))
        );
        assert_eq!(at("?timestamp=1000"), Some(Moment::Epoch(1000.0)));
        for iso in [
            "?t=2024-09-06T07:27:23.113Z",
            "?timestamp=2024-09-06T09:27:23.113%2B02:00",
            "?timestamp=2024-09-06T09:27:23.113+02:00",
        ] {
            assert_eq!(at(iso), Some(Moment::Epoch(1725607643113.0)), "{iso}");
        }
        assert_eq!(at("?t=soon"), None);
        let home = parse(
            "https://eu.posthog.com/project/7/replay/home?filters=%7B%7D&sessionRecordingId=abc-1",
        );
        assert_eq!(
            home.target,
            Target::Recording {
                project: "7".into(),
                session: "abc-1".into()
            }
        );
        assert_eq!(
            parse("http://localhost:8000/project/1/replay").target,
            Target::Project {
                project: "1".into()
            }
        );
        assert_eq!(
            parse("https://us.posthog.com/project/1/replay/recent").target,
            Target::Project {
                project: "1".into()
            }
        );
        assert_eq!(
            parse("https://us.posthog.com/shared/AbC_dEf-123").target,
            Target::Shared {
                token: "AbC_dEf-123".into()
            }
        );
        assert_eq!(
            parse("https://us.posthog.com/embedded/tok?embedded").target,
            Target::Shared {
                token: "tok".into()
            }
        );
        assert_eq!(
            parse("https://us.posthog.com/api/environments/5/session_recordings/s1/snapshots")
                .target,
            Target::Recording {
                project: "5".into(),
                session: "s1".into()
            }
        );
        assert_eq!(
            parse("https://x/project/1/replay/s?timestamp=1725607643113").start,
            Some(Moment::Epoch(1725607643113.0))
        );
        for bad in [
            "ftp://us.posthog.com/project/1/replay/x",
            "https://user:pw@us.posthog.com/project/1/replay/x",
            "https://us.posthog.com/project/abc/replay/x",
            "https://us.posthog.com/project/1/replay/playlists/xyz",
            "https://us.posthog.com/project/1/insights",
            "https://us.posthog.com/project/1/replay/a%2Fb",
        ] {
            assert!(PosthogUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cuts_blocks_into_ranges_of_at_most_twenty() {
        let keys: Vec<u64> = (0..45).collect();
        assert_eq!(ranges(&keys), [(0, 19), (20, 39), (40, 44)]);
        assert_eq!(ranges(&[0, 1, 5, 6]), [(0, 1), (5, 6)]);
        assert!(ranges(&keys).iter().all(|(s, e)| e - s < MAX_BLOCKS));
    }

    #[test]
    fn reads_throttle_waits_and_times() {
        assert_eq!(
            seconds_named("Request was throttled. Expected available in 41 seconds."),
            Some(41)
        );
        assert_eq!(seconds_named("Expected available in 1 second."), Some(1));
        assert_eq!(seconds_named("Request was throttled."), None);
        assert_eq!(parse_time("1970-01-01T00:00:01.5Z"), Some(1500.0));
        assert_eq!(
            parse_time("2025-05-18T03:59:43.283000Z"),
            Some(1_747_540_783_283.0)
        );
        assert_eq!(
            parse_time("2025-05-18T05:59:43+02:00"),
            Some(1_747_540_783_000.0)
        );
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(relative_date("3d"), "-3d");
        assert_eq!(relative_date("-24h"), "-24h");
        assert_eq!(relative_date("2025-01-01"), "2025-01-01");
    }

    #[test]
    fn finds_the_team_of_a_shared_page() {
        let html = r#"<script>window.POSTHOG_APP_CONTEXT = {"current_team": {"name": "x", "id": 42}, "x": 1}</script>"#;
        assert_eq!(team_of_page(html).as_deref(), Some("42"));
        assert_eq!(team_of_page("<html></html>"), None);
    }

    #[test]
    fn hides_the_key() {
        assert_eq!(format!("{:?}", ApiKey::new("phx_secret")), "ApiKey(hidden)");
        let client = Client::new(
            &parse("https://h/project/1/replay").site,
            Settings {
                key: Some(ApiKey::new("phx_secret")),
                ..Settings::default()
            },
            Arc::new(Quiet),
        );
        assert_eq!(
            client.said(br#"{"detail":"bad key phx_secret\u001b[31m"}"#),
            "bad key [the key]?[31m"
        );
    }
}
