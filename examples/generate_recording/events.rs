//! The `data` of each rrweb event the generator writes, with field names and order as
//! rrweb and posthog-js write them (see `tests/fixtures/real/`).

use replay_html::recording::source;
use serde::{Serialize, Serializer};

use crate::dom::{NodeId, Tree, serialize_pairs};

/// rrweb's `MouseInteractions` (event types and sources are the crate's, in
/// [`replay_html::recording`]).
pub mod interaction {
    pub const MOUSE_UP: u8 = 0;
    pub const MOUSE_DOWN: u8 = 1;
    pub const CLICK: u8 = 2;
    pub const FOCUS: u8 = 5;
    pub const BLUR: u8 = 6;
}

#[derive(Serialize)]
pub struct Meta<'a> {
    pub href: &'a str,
    pub width: u32,
    pub height: u32,
}

#[derive(Serialize)]
pub struct FullSnapshot<'a> {
    pub node: Tree<'a>,
    #[serde(rename = "initialOffset")]
    pub initial_offset: Offset,
}

#[derive(Serialize)]
pub struct Offset {
    pub left: u32,
    pub top: u32,
}

#[derive(Serialize)]
pub struct MouseMove<'a> {
    source: u8,
    positions: &'a [Position],
}

impl MouseMove<'_> {
    pub fn new(positions: &[Position]) -> MouseMove<'_> {
        MouseMove {
            source: source::MOUSE_MOVE,
            positions,
        }
    }
}

#[derive(Serialize)]
pub struct Position {
    pub x: u32,
    pub y: u32,
    pub id: NodeId,
    /// Milliseconds before the event's timestamp (rrweb batches moves every 500 ms).
    #[serde(rename = "timeOffset")]
    pub time_offset: i64,
}

#[derive(Serialize)]
pub struct MouseInteraction {
    source: u8,
    #[serde(rename = "type")]
    kind: u8,
    id: NodeId,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<f64>,
    /// Clicks say which pointer made them (0: mouse).
    #[serde(rename = "pointerType", skip_serializing_if = "Option::is_none")]
    pointer_type: Option<u8>,
}

impl MouseInteraction {
    /// A press, release or click at a point of an element.
    pub fn at(kind: u8, id: NodeId, x: f64, y: f64) -> MouseInteraction {
        MouseInteraction {
            source: source::MOUSE_INTERACTION,
            kind,
            id,
            x: Some(x),
            y: Some(y),
            pointer_type: (kind == interaction::CLICK).then_some(0),
        }
    }

    /// Focus or blur, which have no position.
    pub fn focus(kind: u8, id: NodeId) -> MouseInteraction {
        MouseInteraction {
            source: source::MOUSE_INTERACTION,
            kind,
            id,
            x: None,
            y: None,
            pointer_type: None,
        }
    }
}

#[derive(Serialize)]
pub struct Scroll {
    source: u8,
    id: NodeId,
    x: u32,
    y: u32,
}

impl Scroll {
    pub fn new(id: NodeId, y: u32) -> Scroll {
        Scroll {
            source: source::SCROLL,
            id,
            x: 0,
            y,
        }
    }
}

#[derive(Serialize)]
pub struct ViewportResize {
    source: u8,
    width: u32,
    height: u32,
}

impl ViewportResize {
    pub fn new(width: u32, height: u32) -> ViewportResize {
        ViewportResize {
            source: source::VIEWPORT_RESIZE,
            width,
            height,
        }
    }
}

#[derive(Serialize)]
pub struct Input<'a> {
    source: u8,
    text: &'a str,
    #[serde(rename = "isChecked")]
    is_checked: bool,
    id: NodeId,
}

impl Input<'_> {
    pub fn new(id: NodeId, text: &str, is_checked: bool) -> Input<'_> {
        Input {
            source: source::INPUT,
            text,
            is_checked,
            id,
        }
    }
}

#[derive(Serialize)]
pub struct Custom<'a, P> {
    pub tag: &'a str,
    pub payload: P,
}

#[derive(Serialize)]
pub struct Href<'a> {
    pub href: &'a str,
}

#[derive(Serialize)]
pub struct Plugin<'a, P> {
    pub plugin: &'a str,
    pub payload: P,
}

pub const CONSOLE_PLUGIN: &str = "rrweb/console@1";
pub const NETWORK_PLUGIN: &str = "rrweb/network@1";

/// A console call: arguments already stringified, as rrweb's console plugin sends them.
#[derive(Serialize)]
pub struct Console {
    pub level: &'static str,
    pub trace: Vec<String>,
    pub payload: Vec<String>,
}

#[derive(Serialize)]
pub struct Network<'a> {
    pub requests: &'a [Request],
    #[serde(rename = "isInitial", skip_serializing_if = "std::ops::Not::not")]
    pub is_initial: bool,
}

/// One request as posthog-js records it: the browser's PerformanceResourceTiming entry, plus,
/// for fetch and XHR, what its network wrapper saw (method, status, headers, bodies).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub name: String,
    pub entry_type: &'static str,
    pub start_time: f64,
    pub duration: f64,
    pub navigation_id: u32,
    pub initiator_type: &'static str,
    pub delivery_type: &'static str,
    pub next_hop_protocol: &'static str,
    pub render_blocking_status: &'static str,
    pub content_type: &'static str,
    pub content_encoding: &'static str,
    #[serde(flatten)]
    pub timing: Timing,
    pub transfer_size: u64,
    pub encoded_body_size: u64,
    pub decoded_body_size: u64,
    pub response_status: u16,
    pub server_timing: [u8; 0],
    pub end_time: f64,
    pub time_origin: u64,
    pub timestamp: u64,
    #[serde(flatten)]
    pub captured: Option<Captured>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_initial: bool,
}

/// The phases of a request, in ms from the page's time origin, as the browser reports them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    pub worker_start: f64,
    pub worker_router_evaluation_start: f64,
    pub worker_cache_lookup_start: f64,
    pub worker_matched_source_type: &'static str,
    pub worker_final_source_type: &'static str,
    pub redirect_start: f64,
    pub redirect_end: f64,
    pub fetch_start: f64,
    pub domain_lookup_start: f64,
    pub domain_lookup_end: f64,
    pub connect_start: f64,
    pub secure_connection_start: f64,
    pub connect_end: f64,
    pub request_start: f64,
    pub response_start: f64,
    pub first_interim_response_start: f64,
    pub final_response_headers_start: f64,
    pub response_end: f64,
}

impl Timing {
    /// Phases of a request on a warm HTTP/2 connection: no DNS or connect time, most of it
    /// waiting for the server.
    pub fn warm(start: f64, duration: f64) -> Timing {
        let respond = start + duration * 0.85;
        Timing {
            worker_start: 0.0,
            worker_router_evaluation_start: 0.0,
            worker_cache_lookup_start: 0.0,
            worker_matched_source_type: "",
            worker_final_source_type: "",
            redirect_start: 0.0,
            redirect_end: 0.0,
            fetch_start: start,
            domain_lookup_start: start,
            domain_lookup_end: start,
            connect_start: start,
            secure_connection_start: start,
            connect_end: start,
            request_start: start + 0.4,
            response_start: round(respond),
            first_interim_response_start: 0.0,
            final_response_headers_start: round(respond),
            response_end: round(start + duration),
        }
    }
}

/// Browsers report timings to a tenth of a millisecond.
pub fn round(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Captured {
    pub method: &'static str,
    pub status: u16,
    pub request_headers: Headers,
    pub request_body: Option<String>,
    pub response_headers: Headers,
    pub response_body: Option<String>,
}

/// HTTP headers in the order they were set.
pub struct Headers(pub Vec<(&'static str, String)>);

impl Serialize for Headers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_pairs(&self.0, serializer)
    }
}
