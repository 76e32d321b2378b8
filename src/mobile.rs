//! Mobile recordings: what PostHog's iOS, Android, React Native and Flutter SDKs record.
//!
//! A mobile SDK sends rrweb-like events whose full snapshots hold the app's screen as
//! *wireframes* (`{"data": {"wireframes": [...]}}`) instead of a serialized DOM, and whose
//! mutations add, update and remove wireframes (`{"adds": [{"parentId", "wireframe"}],
//! "updates": [...], "removes": [{"parentId", "id"}]}`). A wireframe is a box with an `id`,
//! `x`, `y`, `width`, `height`, a `type` (text, image, screenshot, input, ...), a `style` and
//! `childWireframes`.
//!
//! The recording keeps these events as the SDK sent them: the page carries them unchanged (so
//! `extract` gives them back byte for byte) and the viewer turns them into a page the rrweb
//! player shows, as PostHog's own player does (`templates/viewer/mobile.js`). This module holds
//! what the Rust side needs to know of them: a screen's size for an inserted Meta event, the
//! platform and counts for `inspect`, and masking for redaction.

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::json::string_end;
use crate::recording::{Event, Window, event_type, source};

/// The size of the screen a mobile full snapshot shows: its first wireframe's width and
/// height (PostHog's player takes the same when the SDK sent no Meta event).
pub fn screen_size(event_text: &str) -> Option<(u64, u64)> {
    #[derive(Deserialize)]
    struct Frame {
        width: Option<Value>,
        height: Option<Value>,
    }
    #[derive(Deserialize)]
    struct Data {
        wireframes: Vec<Frame>,
    }
    #[derive(Deserialize)]
    struct Snapshot {
        data: Data,
    }
    let snapshot: Snapshot = serde_json::from_str(event_text).ok()?;
    let first = snapshot.data.wireframes.first()?;
    let width = first.width.as_ref()?.as_f64()?;
    let height = first.height.as_ref()?.as_f64()?;
    (width >= 1.0 && height >= 1.0).then(|| (width.round() as u64, height.round() as u64))
}

/// Whether an event is a mobile full snapshot (wireframes, not a DOM).
pub fn is_wireframe_snapshot(event: &Event) -> bool {
    #[derive(Deserialize)]
    struct Data<'a> {
        #[serde(borrow)]
        wireframes: Option<&'a RawValue>,
    }
    #[derive(Deserialize)]
    struct Snapshot<'a> {
        #[serde(borrow)]
        data: Option<Data<'a>>,
    }
    event.kind == event_type::FULL_SNAPSHOT
        && !event.json.is_compressed()
        && serde_json::from_str::<Snapshot>(&event.json.readable())
            .ok()
            .and_then(|s| s.data?.wireframes)
            .is_some()
}

/// Whether a window was recorded by a mobile SDK: its first full snapshot is wireframes.
pub fn is_mobile_window(window: &Window) -> bool {
    window
        .events
        .iter()
        .find(|e| e.kind == event_type::FULL_SNAPSHOT)
        .is_some_and(is_wireframe_snapshot)
}

/// Whether an event is a mobile mutation that shows a new screenshot of the whole screen, and
/// nothing else: screenshot mode's frames after the first (a `screenshot` wireframe is always
/// the whole screen, as PostHog's player draws it). The viewer can start a player from one.
pub fn is_whole_screenshot(event: &Event) -> bool {
    #[derive(Deserialize)]
    struct Wireframe<'a> {
        #[serde(rename = "type", borrow)]
        kind: Option<&'a str>,
    }
    #[derive(Deserialize)]
    struct Change<'a> {
        #[serde(borrow)]
        wireframe: Option<Wireframe<'a>>,
    }
    #[derive(Deserialize)]
    struct Data<'a> {
        #[serde(default, borrow)]
        adds: Vec<Change<'a>>,
        #[serde(default, borrow)]
        updates: Vec<Change<'a>>,
        #[serde(default, borrow)]
        removes: Vec<&'a RawValue>,
    }
    #[derive(Deserialize)]
    struct Mutation<'a> {
        #[serde(borrow)]
        data: Data<'a>,
    }
    if event.kind != event_type::INCREMENTAL_SNAPSHOT
        || event.source != Some(source::MUTATION)
        || event.json.is_compressed()
    {
        return false;
    }
    let text = event.json.readable();
    if memchr::memmem::find(text.as_bytes(), b"\"screenshot\"").is_none() {
        return false;
    }
    let Ok(Mutation { data }) = crate::json::from_str_within_depth::<Mutation>(&text) else {
        return false;
    };
    let changes: Vec<&Change> = data.adds.iter().chain(&data.updates).collect();
    data.removes.is_empty()
        && changes.len() == 1
        && changes[0]
            .wireframe
            .as_ref()
            .is_some_and(|w| w.kind == Some("screenshot"))
}

/// The platform a recording (or one of its windows) was made on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Web,
    Ios,
    Android,
    /// A mobile app whose platform the events do not tell.
    Unknown,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Web => "web",
            Platform::Ios => "ios",
            Platform::Android => "android",
            Platform::Unknown => "unknown",
        }
    }
}

/// What `inspect` tells of a mobile window.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MobileFacts {
    /// Wireframes in full snapshots and in added or updated wireframes, children included.
    pub wireframes: usize,
    /// Touches: a finger put down (MouseInteraction 7, TouchStart).
    pub touches: usize,
    /// Wireframe mutations (Android's diffs).
    pub diffs: usize,
    /// Images and screenshots among the wireframes.
    pub images: usize,
    /// Whether the events show signs of Android (diffs, a navigation bar, keyboard events).
    android_signs: bool,
    /// Whether the events show signs of iOS (an upper-case UUID window id, as Swift writes them).
    ios_signs: bool,
}

impl MobileFacts {
    /// Reads the facts of a mobile window's events.
    pub fn of_window(window: &Window) -> MobileFacts {
        let mut facts = MobileFacts {
            ios_signs: is_upper_case_uuid(&window.id),
            ..MobileFacts::default()
        };
        for event in &window.events {
            facts.learn(event);
        }
        facts
    }

    fn learn(&mut self, event: &Event) {
        let interesting = match event.kind {
            event_type::FULL_SNAPSHOT | event_type::CUSTOM => true,
            event_type::INCREMENTAL_SNAPSHOT => matches!(
                event.source,
                Some(source::MUTATION | source::MOUSE_INTERACTION)
            ),
            _ => false,
        };
        if !interesting {
            return;
        }
        let Ok(text) = event.json.text() else {
            return;
        };
        let Ok(value) = crate::json::from_str_within_depth::<Value>(&text) else {
            return;
        };
        let data = &value["data"];
        match event.kind {
            event_type::FULL_SNAPSHOT => {
                if let Some(wireframes) = data["wireframes"].as_array() {
                    for wireframe in wireframes {
                        self.count(wireframe);
                    }
                }
            }
            event_type::CUSTOM => {
                if data["tag"] == "keyboard" {
                    self.android_signs = true;
                }
            }
            _ if event.source == Some(source::MOUSE_INTERACTION) => {
                if data["type"] == 7 {
                    self.touches += 1;
                }
            }
            _ => {
                let mut any = false;
                for list in ["adds", "updates"] {
                    for change in data[list].as_array().into_iter().flatten() {
                        if let Some(wireframe) = change.get("wireframe") {
                            any = true;
                            self.count(wireframe);
                        }
                    }
                }
                if any || data["removes"].as_array().is_some_and(|r| !r.is_empty()) {
                    self.diffs += 1;
                    // posthog-ios sends only full snapshots: diffs are Android's.
                    self.android_signs = true;
                }
            }
        }
    }

    /// Counts a wireframe and the ones inside it.
    fn count(&mut self, wireframe: &Value) {
        let mut stack = vec![wireframe];
        while let Some(wireframe) = stack.pop() {
            self.wireframes += 1;
            match wireframe["type"].as_str() {
                Some("image" | "screenshot") => self.images += 1,
                Some("navigation_bar") => self.android_signs = true,
                _ => {}
            }
            if let Some(children) = wireframe["childWireframes"].as_array() {
                stack.extend(children);
            }
        }
    }

    /// The platform the facts point to.
    pub fn platform(&self) -> Platform {
        match (self.android_signs, self.ios_signs) {
            (true, false) => Platform::Android,
            (false, true) => Platform::Ios,
            _ => Platform::Unknown,
        }
    }

    /// Adds another window's facts.
    pub fn add(&mut self, other: &MobileFacts) {
        self.wireframes += other.wireframes;
        self.touches += other.touches;
        self.diffs += other.diffs;
        self.images += other.images;
        self.android_signs |= other.android_signs;
        self.ios_signs |= other.ios_signs;
    }
}

/// Whether a text is a UUID written in upper case (as Swift's `UUID().uuidString` is).
fn is_upper_case_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'A'..=b'F').contains(&b),
        })
        && text.bytes().any(|b| b.is_ascii_uppercase())
}

/// What masking does to wireframes.
#[derive(Debug, Clone, Copy, Default)]
pub struct WireframeMask {
    /// Texts, labels and input values.
    pub text: bool,
    /// Input values (what the user typed or chose).
    pub inputs: bool,
    /// Images, screenshots and background images.
    pub images: bool,
}

/// An image masked: a grey box with a cross, stretched to the wireframe's own size.
pub const MASKED_IMAGE: &str = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxMDAgMTAwIiBwcmVzZXJ2ZUFzcGVjdFJhdGlvPSJub25lIj48cmVjdCB3aWR0aD0iMTAwIiBoZWlnaHQ9IjEwMCIgZmlsbD0iI2Q5ZDlkOSIvPjxwYXRoIGQ9Ik0wIDBMMTAwIDEwME0xMDAgMEwwIDEwMCIgc3Ryb2tlPSIjOWE5YTlhIiBzdHJva2Utd2lkdGg9IjEiIHZlY3Rvci1lZmZlY3Q9Im5vbi1zY2FsaW5nLXN0cm9rZSIvPjwvc3ZnPg==";

impl WireframeMask {
    pub fn any(self) -> bool {
        self.text || self.inputs || self.images
    }

    /// Masks the wireframes of a mobile full snapshot's or mutation's `data`. Returns whether
    /// it held wireframes.
    pub fn data(self, data: &mut Value) -> bool {
        let mut found = false;
        if let Some(wireframes) = data.get_mut("wireframes").and_then(Value::as_array_mut) {
            found = true;
            for wireframe in wireframes {
                self.wireframe(wireframe);
            }
        }
        for list in ["adds", "updates"] {
            for change in data
                .get_mut(list)
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(wireframe) = change.get_mut("wireframe") {
                    found = true;
                    self.wireframe(wireframe);
                }
            }
        }
        found
    }

    /// Masks a wireframe and the ones inside it.
    fn wireframe(self, wireframe: &mut Value) {
        let mut stack = vec![wireframe];
        while let Some(wireframe) = stack.pop() {
            let Some(object) = wireframe.as_object_mut() else {
                continue;
            };
            let kind = object.get("type").and_then(Value::as_str).unwrap_or("div");
            let is_input = kind == "input";
            let is_image = matches!(kind, "image" | "screenshot");
            let input_type = object
                .get("inputType")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            // What the user typed or chose; a button's value and the choices of a list are
            // the app's own texts.
            let typed = is_input && !matches!(input_type.as_str(), "button" | "progress");
            if self.text {
                for field in ["text", "label"] {
                    mask_string(object, field, crate::redact::mask_text);
                }
                if let Some(options) = object.get_mut("options").and_then(Value::as_array_mut) {
                    for option in options {
                        if let Value::String(text) = option {
                            *text = crate::redact::mask_text(text);
                        }
                    }
                }
                if is_input && input_type == "button" {
                    mask_string(object, "value", crate::redact::mask_text);
                }
            }
            if typed && (self.text || self.inputs) {
                mask_string(object, "value", crate::redact::mask_value);
            }
            if self.images {
                if is_image && object.get("base64").is_some_and(Value::is_string) {
                    object.insert("base64".into(), Value::from(MASKED_IMAGE));
                }
                if let Some(style) = object.get_mut("style").and_then(Value::as_object_mut)
                    && style.get("backgroundImage").is_some_and(Value::is_string)
                {
                    style.insert("backgroundImage".into(), Value::from(MASKED_IMAGE));
                }
            }
            if let Some(children) = object
                .get_mut("childWireframes")
                .and_then(Value::as_array_mut)
            {
                stack.extend(children.iter_mut());
            }
        }
    }
}

/// Masks a string member of an object, if it has one.
fn mask_string(object: &mut serde_json::Map<String, Value>, key: &str, mask: fn(&str) -> String) {
    if let Some(Value::String(text)) = object.get_mut(key) {
        *text = mask(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn screen_size_is_the_first_wireframes() {
        let snapshot = r#"{"type":2,"data":{"wireframes":[{"id":1,"width":393,"height":852,"type":"screenshot","base64":"x"}]},"timestamp":1}"#;
        assert_eq!(screen_size(snapshot), Some((393, 852)));
        assert_eq!(
            screen_size(
                r#"{"type":2,"data":{"wireframes":[{"id":1,"width":"100vw","height":5}]},"timestamp":1}"#
            ),
            None
        );
        assert_eq!(
            screen_size(r#"{"type":2,"data":{"node":{}},"timestamp":1}"#),
            None
        );
    }

    #[test]
    fn tells_an_upper_case_uuid() {
        assert!(is_upper_case_uuid("0191C63B-03FF-73B5-96BE-40BE2761621C"));
        assert!(!is_upper_case_uuid("0191c63b-03ff-73b5-96be-40be2761621c"));
        assert!(!is_upper_case_uuid("1"));
    }

    #[test]
    fn masks_texts_inputs_and_images_in_nested_wireframes() {
        let mut data = json!({"wireframes": [{"id": 1, "type": "div", "style": {"backgroundImage": "iVBOR"}, "childWireframes": [
            {"id": 2, "type": "text", "text": "Hello Ada"},
            {"id": 3, "type": "input", "inputType": "email", "value": "ada@x.io"},
            {"id": 4, "type": "input", "inputType": "checkbox", "checked": true, "label": "Agree"},
            {"id": 5, "type": "image", "base64": "data:image/png;base64,AAAA", "width": 10, "height": 20}
        ]}]});
        let mut inputs_only = data.clone();
        assert!(
            WireframeMask {
                text: true,
                inputs: false,
                images: true
            }
            .data(&mut data)
        );
        let children = &data["wireframes"][0]["childWireframes"];
        assert_eq!(children[0]["text"], "***** ***");
        assert_eq!(children[1]["value"], "********");
        assert_eq!(children[2]["label"], "*****");
        assert_eq!(children[2]["checked"], true);
        assert_eq!(children[3]["base64"], MASKED_IMAGE);
        assert_eq!(children[3]["width"], 10);
        assert_eq!(
            data["wireframes"][0]["style"]["backgroundImage"],
            MASKED_IMAGE
        );

        WireframeMask {
            text: false,
            inputs: true,
            images: false,
        }
        .data(&mut inputs_only);
        let children = &inputs_only["wireframes"][0]["childWireframes"];
        assert_eq!(children[0]["text"], "Hello Ada");
        assert_eq!(children[1]["value"], "********");
        assert_eq!(children[3]["base64"], "data:image/png;base64,AAAA");
    }
}

/// Images larger than this (as base64) are named in a warning: the page carries them, and a
/// browser draws them, but slowly.
const HUGE_IMAGE: usize = 16 << 20;

/// What is wrong with the wireframes of a mobile window, counted, for one warning each kind:
/// the page draws a labelled placeholder for what it cannot draw, and the rest as it is.
#[derive(Debug, Default, PartialEq, Eq)]
struct Damage {
    unknown_types: std::collections::BTreeSet<String>,
    unknown_inputs: std::collections::BTreeSet<String>,
    counts: Counts,
}

const TYPES: [&str; 11] = [
    "text",
    "image",
    "screenshot",
    "rectangle",
    "placeholder",
    "web_view",
    "input",
    "div",
    "radio_group",
    "status_bar",
    "navigation_bar",
];

const INPUT_TYPES: [&str; 15] = [
    "text",
    "password",
    "email",
    "number",
    "search",
    "tel",
    "url",
    "text_area",
    "select",
    "checkbox",
    "radio",
    "toggle",
    "button",
    "progress",
    "",
];

impl Damage {
    fn warnings(&self, window: &str) -> Vec<String> {
        let mut out = Vec::new();
        // Each kind in its words for one, and for more.
        let mut say = |n: usize, one: &str, more: &str| {
            let what = if n == 1 { one } else { more };
            if n > 0 {
                out.push(format!(
                    "window {window}: {n} {what} (the page shows the rest of the screen)"
                ));
            }
        };
        say(
            self.counts.not_objects,
            "wireframe entry that is not a wireframe was left out",
            "wireframe entries that are not wireframes were left out",
        );
        say(
            self.counts.without_id,
            "wireframe without an id is drawn, but cannot be changed by later diffs",
            "wireframes without an id are drawn, but cannot be changed by later diffs",
        );
        say(
            self.counts.without_size,
            "wireframe without a width or height is drawn without size",
            "wireframes without a width or height are drawn without size",
        );
        say(
            self.counts.repeated_ids,
            "wireframe repeats the id of another in the same snapshot and is drawn once",
            "wireframes repeat the id of another in the same snapshot and are drawn once",
        );
        say(
            self.counts.broken_images,
            "image is not base64 image data and shows as a labelled placeholder or not at all",
            "images are not base64 image data and show as a labelled placeholder or not at all",
        );
        say(
            self.counts.huge_images,
            "image is larger than 16 MB; it is kept, but a browser draws it slowly",
            "images are larger than 16 MB; they are kept, but a browser draws them slowly",
        );
        if !self.unknown_types.is_empty() {
            out.push(format!(
                "window {window}: wireframes of unknown type ({}) show as labelled placeholders",
                self.unknown_types
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !self.unknown_inputs.is_empty() {
            out.push(format!(
                "window {window}: inputs of unknown type ({}) show as labelled placeholders",
                self.unknown_inputs
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out
    }
}

/// Whether a wireframe's image is image data: a `data:image/...;base64,` URL or bare base64
/// (a PNG), with Android's line breaks allowed, whose base64 is whole.
fn is_image_data(text: &str) -> bool {
    let body = match text.strip_prefix("data:image/") {
        Some(rest) => match rest.split_once(',') {
            Some((kind, body)) if kind.ends_with(";base64") => body,
            // A data URL not in base64 (an SVG as text, say) is left to the browser.
            Some(_) => return true,
            None => return false,
        },
        None => text,
    };
    is_whole_base64(body.as_bytes())
}

/// Whether `body` is whole base64: letters of the alphabet, then at most two `=` of padding,
/// a multiple of 4 in all, line breaks aside.
///
/// Images are most of a mobile recording's bytes, so the body is read 16 bytes at a time: a
/// run of the alphabet alone, the usual case, is told by comparisons the compiler turns into a
/// few vector instructions (SSE2, on any x86-64); only a run with something else in it (a line
/// break, the padding) is read byte by byte.
fn is_whole_base64(body: &[u8]) -> bool {
    fn in_alphabet(byte: u8) -> bool {
        matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/')
    }
    /// Reads `bytes` one by one, counting them into `length` and the padding into `padding`:
    /// false at a byte out of place.
    fn one_by_one(bytes: &[u8], length: &mut usize, padding: &mut usize) -> bool {
        for &byte in bytes {
            match byte {
                b'\r' | b'\n' => continue,
                b'=' => *padding += 1,
                _ if in_alphabet(byte) && *padding == 0 => {}
                _ => return false,
            }
            *length += 1;
        }
        true
    }
    let mut length = 0usize;
    let mut padding = 0usize;
    let (chunks, rest) = body.as_chunks::<16>();
    for chunk in chunks {
        // A count rather than `all`, which would stop at the first byte out: every byte is
        // compared, without branches (16 cannot overflow a `u8`).
        let letters: u8 = chunk.iter().map(|&byte| u8::from(in_alphabet(byte))).sum();
        if usize::from(letters) == chunk.len() && padding == 0 {
            length += chunk.len();
        } else if !one_by_one(chunk, &mut length, &mut padding) {
            return false;
        }
    }
    one_by_one(rest, &mut length, &mut padding)
        && length > 0
        && length.is_multiple_of(4)
        && padding <= 2
}

impl Damage {
    /// Checks the wireframes of one full snapshot or mutation event, read from its text in one
    /// pass (see [`Walk`]). An event the walk refuses counts nothing.
    fn check_event(&mut self, text: &str) {
        let mut walk = Walk::new(text);
        if walk.event().is_err() {
            return;
        }
        self.counts.add(walk.counts);
        for (input, name) in walk.names {
            if input {
                self.unknown_inputs.insert(name);
            } else {
                self.unknown_types.insert(name);
            }
        }
    }
}

/// Why an event's wireframes go unchecked: it is not what the check reads (not an object, a
/// `data` that is neither an object nor `null`, `data` or one of its lists written twice), it
/// nests deeper than [`json::MAX_DEPTH`](crate::json::MAX_DEPTH), or a string the check reads
/// holds an escape serde_json refuses (a lone surrogate). These are the events the typed
/// reading this walk replaced refused, and it counted nothing of them either.
struct Unread;

type Step<T = ()> = Result<T, Unread>;

/// The counts of a [`Damage`], apart from its names.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    not_objects: usize,
    without_id: usize,
    without_size: usize,
    repeated_ids: usize,
    broken_images: usize,
    huge_images: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.not_objects += other.not_objects;
        self.without_id += other.without_id;
        self.without_size += other.without_size;
        self.repeated_ids += other.repeated_ids;
        self.broken_images += other.broken_images;
        self.huge_images += other.huge_images;
    }
}

/// A member that should be a string: the string as written between its quotes (escapes
/// still in, checked to be readable), or the words for what stands there instead.
#[derive(Clone, Copy)]
enum Text<'t> {
    Str(&'t str),
    Other(&'static str),
}

/// A wireframe's members that the check reads, as written; the last one wins when a member is
/// written twice, as when a map is read member by member.
#[derive(Default)]
struct Wireframe<'t> {
    id: Option<&'t str>,
    width: Option<&'t str>,
    height: Option<&'t str>,
    kind: Option<Text<'t>>,
    input_type: Option<Text<'t>>,
    base64: Option<Text<'t>>,
    /// `style.backgroundImage`.
    background_image: Option<Text<'t>>,
}

/// What a [`Walk`] had found at a point of the text, to go back to when a member read since
/// then is overridden by the same member written again (`childWireframes` twice in a
/// wireframe, `wireframe` twice in a change): only the last one counts.
#[derive(Clone, Copy)]
struct Mark {
    counts: Counts,
    names: usize,
    ids: usize,
}

/// One forward pass over an event's JSON text that checks its wireframes as it meets them,
/// without building them: images, most of an event's bytes, are crossed with `memchr`, and
/// nothing is allocated but the ids of a snapshot (to tell repeated ones), the names of
/// unknown types, and room to unescape a string that holds escapes.
///
/// The text is valid JSON (every event was parsed when it was read); on anything else the
/// walk stops with [`Unread`], never reading out of bounds. It reads as serde read the typed
/// wireframes it replaced: what is not the shape expected is counted, not refused; member
/// names are compared unescaped; a member written twice counts once, the last one.
///
/// The walk recurses into `childWireframes`, but never deeper than the
/// [`MAX_DEPTH`](crate::json::MAX_DEPTH) levels of nesting it allows an event.
struct Walk<'t> {
    text: &'t str,
    at: usize,
    /// Arrays and objects open at `at`.
    depth: usize,
    counts: Counts,
    /// The unknown wireframe types (`false`) and input types (`true`) met, as the warning
    /// names them.
    names: Vec<(bool, String)>,
    /// The ids of the wireframes checked so far in the current snapshot or change.
    ids: Vec<&'t str>,
    /// Room to unescape a string.
    scratch: String,
}

impl<'t> Walk<'t> {
    fn new(text: &'t str) -> Walk<'t> {
        Walk {
            text,
            at: 0,
            depth: 0,
            counts: Counts::default(),
            names: Vec::new(),
            ids: Vec::new(),
            scratch: String::new(),
        }
    }

    /// An event: an object whose `data` member is read, or (as serde reads a struct from a
    /// list too) a list of just its `data`.
    fn event(&mut self) -> Step {
        match self.peek()? {
            b'{' => {
                let mut seen = false;
                self.members(|walk, key| match key {
                    "data" => walk.once(&mut seen, Walk::data),
                    _ => walk.skip().map(drop),
                })?;
            }
            b'[' => {
                let mut count = 0;
                self.elements(|walk| {
                    count += 1;
                    if count > 1 {
                        return Err(Unread);
                    }
                    walk.data()
                })?;
                if count == 0 {
                    return Err(Unread);
                }
            }
            _ => return Err(Unread),
        }
        // Nothing may follow the event.
        match self.peek() {
            Ok(_) => Err(Unread),
            Err(Unread) => Ok(()),
        }
    }

    /// Reads a member of a struct serde derived its reading for, which refuses the member
    /// written twice.
    fn once(&mut self, seen: &mut bool, read: fn(&mut Self) -> Step) -> Step {
        if std::mem::replace(seen, true) {
            return Err(Unread);
        }
        read(self)
    }

    /// A full snapshot's or mutation's `data`: an object, or a list of its `wireframes`,
    /// `adds` and `updates` in that order (serde reads a struct from a list too); `null` is
    /// no data.
    fn data(&mut self) -> Step {
        match self.peek()? {
            b'{' => {
                let (mut wireframes, mut adds, mut updates) = (false, false, false);
                self.members(|walk, key| match key {
                    "wireframes" => walk.once(&mut wireframes, Walk::snapshot),
                    "adds" => walk.once(&mut adds, Walk::changes),
                    "updates" => walk.once(&mut updates, Walk::changes),
                    _ => walk.skip().map(drop),
                })
            }
            b'[' => {
                let mut count = 0;
                self.elements(|walk| {
                    count += 1;
                    match count {
                        1 => walk.snapshot(),
                        2 | 3 => walk.changes(),
                        _ => Err(Unread),
                    }
                })
            }
            b'n' => self.skip().map(drop),
            _ => Err(Unread),
        }
    }

    /// A snapshot's `wireframes`: a list of wireframes (anything else has none), whose ids
    /// should differ.
    fn snapshot(&mut self) -> Step {
        let scope = self.ids.len();
        if self.peek()? == b'[' {
            self.elements(Walk::wireframe)?;
        } else {
            self.text()?;
        }
        self.count_repeated_ids(scope);
        Ok(())
    }

    /// A mutation's `adds` or `updates`: a list of changes (anything else has none).
    fn changes(&mut self) -> Step {
        if self.peek()? == b'[' {
            self.elements(Walk::change)
        } else {
            self.text().map(drop)
        }
    }

    /// An added or updated wireframe's change: an object with a `wireframe`. Children listed
    /// again on their own are usual in diffs: ids repeat freely, but not within one change.
    fn change(&mut self) -> Step {
        let scope = self.ids.len();
        let mut wireframe = None;
        if self.peek()? == b'{' {
            self.members(|walk, key| match key {
                "wireframe" => walk.last(&mut wireframe, Walk::wireframe),
                _ => walk.skip().map(drop),
            })?;
        } else {
            self.text()?;
        }
        if wireframe.is_none() {
            self.counts.not_objects += 1;
        }
        self.count_repeated_ids(scope);
        Ok(())
    }

    /// Reads a member that may be written twice, forgetting what an earlier one counted:
    /// `mark` is where the last one began.
    fn last(&mut self, mark: &mut Option<Mark>, read: fn(&mut Self) -> Step) -> Step {
        if let Some(earlier) = *mark {
            self.counts = earlier.counts;
            self.names.truncate(earlier.names);
            self.ids.truncate(earlier.ids);
        }
        *mark = Some(Mark {
            counts: self.counts,
            names: self.names.len(),
            ids: self.ids.len(),
        });
        read(self)
    }

    /// An entry of a list of wireframes, which should be a wireframe: checks it and its
    /// children.
    fn wireframe(&mut self) -> Step {
        if self.peek()? != b'{' {
            self.counts.not_objects += 1;
            return self.text().map(drop);
        }
        let mut wireframe = Wireframe::default();
        let mut children = None;
        self.members(|walk, key| {
            match key {
                "id" => wireframe.id = Some(walk.skip()?),
                "width" => wireframe.width = Some(walk.skip()?),
                "height" => wireframe.height = Some(walk.skip()?),
                "type" => wireframe.kind = Some(walk.text()?),
                "inputType" => wireframe.input_type = Some(walk.text()?),
                "base64" => wireframe.base64 = Some(walk.text()?),
                "style" => wireframe.background_image = walk.style()?,
                "childWireframes" => walk.last(&mut children, Walk::children)?,
                _ => {
                    walk.skip()?;
                }
            }
            Ok(())
        })?;
        self.check(&wireframe)
    }

    /// A wireframe's `childWireframes`: a list of wireframes; anything else is an entry that
    /// is not one.
    fn children(&mut self) -> Step {
        if self.peek()? == b'[' {
            self.elements(Walk::wireframe)
        } else {
            self.counts.not_objects += 1;
            self.text().map(drop)
        }
    }

    /// A wireframe's `style`: its `backgroundImage`, if it is an object that has one.
    fn style(&mut self) -> Step<Option<Text<'t>>> {
        if self.peek()? != b'{' {
            self.text()?;
            return Ok(None);
        }
        let mut image = None;
        self.members(|walk, key| {
            match key {
                "backgroundImage" => image = Some(walk.text()?),
                _ => {
                    walk.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(image)
    }

    /// Counts what is wrong with one wireframe, read to its end (its children are counted).
    fn check(&mut self, wireframe: &Wireframe<'t>) -> Step {
        match wireframe
            .id
            .filter(|id| is_number(id) || id.starts_with('"'))
        {
            Some(id) => self.ids.push(id),
            None => self.counts.without_id += 1,
        }
        let sized = |size: Option<&str>| size.is_some_and(|v| is_number(v) || v == "\"100vw\"");
        if !sized(wireframe.width) || !sized(wireframe.height) {
            self.counts.without_size += 1;
        }
        let mut input = false;
        match wireframe.kind {
            None => {}
            Some(Text::Str(kind)) => {
                let kind = unescaped(kind, &mut self.scratch)?;
                input = kind == "input";
                if !TYPES.contains(&kind) {
                    self.names.push((false, kind.chars().take(40).collect()));
                }
            }
            Some(Text::Other(what)) => self.names.push((false, what.to_owned())),
        }
        if input {
            let known = match wireframe.input_type {
                Some(Text::Str(name)) => {
                    let name = unescaped(name, &mut self.scratch)?;
                    if !INPUT_TYPES.contains(&name) || name.is_empty() {
                        self.names.push((true, name.chars().take(40).collect()));
                    }
                    true
                }
                _ => false,
            };
            if !known {
                self.names.push((true, "(none)".to_owned()));
            }
        }
        for image in [wireframe.base64, wireframe.background_image]
            .into_iter()
            .flatten()
        {
            let text = match image {
                Text::Str(text) => unescaped(text, &mut self.scratch)?,
                Text::Other(_) => {
                    self.counts.broken_images += 1;
                    continue;
                }
            };
            if text.len() > HUGE_IMAGE {
                self.counts.huge_images += 1;
            } else if !is_image_data(text) {
                self.counts.broken_images += 1;
            }
        }
        Ok(())
    }

    /// Counts the ids checked since `scope` began that repeat one checked before, and
    /// forgets them.
    fn count_repeated_ids(&mut self, scope: usize) {
        if let Some(ids) = self.ids.get_mut(scope..) {
            ids.sort_unstable();
            let distinct = ids.chunk_by(|a, b| a == b).count();
            self.counts.repeated_ids += ids.len() - distinct;
        }
        self.ids.truncate(scope);
    }

    /// Reads a value where the typed reading took any value, for a member that should be a
    /// string: a string is checked to be readable (unescaped, as serde_json did, which
    /// refuses a lone surrogate), and so are the member names of an object (but not what it
    /// holds).
    fn text(&mut self) -> Step<Text<'t>> {
        Ok(match self.peek()? {
            b'"' => {
                let text = self.string()?;
                unescaped(text, &mut self.scratch)?;
                Text::Str(text)
            }
            b'{' => {
                self.members(|walk, _| walk.skip().map(drop))?;
                Text::Other("an object")
            }
            other => {
                self.skip()?;
                Text::Other(match other {
                    b'[' => "a list",
                    b't' => "true",
                    b'f' => "false",
                    b'n' => "null",
                    _ => "a number",
                })
            }
        })
    }

    /// Reads an object (at its `{`), giving each member's name, unescaped, to `member` to
    /// read its value.
    fn members(&mut self, mut member: impl FnMut(&mut Self, &str) -> Step) -> Step {
        self.open(b'{')?;
        if self.peek()? != b'}' {
            loop {
                let raw = self.string()?;
                let key = unescape_key(raw)?;
                self.expect(b':')?;
                member(self, &key)?;
                if self.peek()? != b',' {
                    break;
                }
                self.at += 1;
            }
        }
        self.close(b'}')
    }

    /// Reads an array (at its `[`), calling `element` to read each element.
    fn elements(&mut self, mut element: impl FnMut(&mut Self) -> Step) -> Step {
        self.open(b'[')?;
        if self.peek()? != b']' {
            loop {
                element(self)?;
                if self.peek()? != b',' {
                    break;
                }
                self.at += 1;
            }
        }
        self.close(b']')
    }

    /// Steps into an array or object, refusing one nested too deep.
    fn open(&mut self, bracket: u8) -> Step {
        self.expect(bracket)?;
        self.depth += 1;
        if self.depth > crate::json::MAX_DEPTH {
            return Err(Unread);
        }
        Ok(())
    }

    fn close(&mut self, bracket: u8) -> Step {
        self.expect(bracket)?;
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }

    /// Skips a value, giving its text as written. Strings are crossed with `memchr`, arrays
    /// and objects by counting brackets, without recursion.
    fn skip(&mut self) -> Step<&'t str> {
        let bytes = self.text.as_bytes();
        let first = self.peek()?;
        let start = self.at;
        match first {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let outside = self.depth;
                loop {
                    match *bytes.get(self.at).ok_or(Unread)? {
                        b'"' => {
                            self.at = string_end(bytes, self.at + 1).ok_or(Unread)?.0;
                        }
                        b'{' | b'[' => {
                            self.depth += 1;
                            if self.depth > crate::json::MAX_DEPTH {
                                return Err(Unread);
                            }
                        }
                        b'}' | b']' => {
                            self.depth = self.depth.saturating_sub(1);
                            if self.depth <= outside {
                                self.at += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                // A number, true, false or null.
                while bytes.get(self.at).is_some_and(|b| {
                    !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.at += 1;
                }
            }
        }
        self.text.get(start..self.at).ok_or(Unread)
    }

    /// Reads a string (at its opening quote), giving what stands between its quotes.
    fn string(&mut self) -> Step<&'t str> {
        self.expect(b'"')?;
        let start = self.at;
        let (end, _) = string_end(self.text.as_bytes(), start).ok_or(Unread)?;
        self.at = end + 1;
        self.text.get(start..end).ok_or(Unread)
    }

    /// Steps over `byte`, after any whitespace.
    fn expect(&mut self, byte: u8) -> Step {
        if self.peek()? != byte {
            return Err(Unread);
        }
        self.at += 1;
        Ok(())
    }

    /// The next byte that is not whitespace, left unread; [`Unread`] at the end of the text.
    fn peek(&mut self) -> Step<u8> {
        while let Some(&byte) = self.text.as_bytes().get(self.at) {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Ok(byte);
            }
            self.at += 1;
        }
        Err(Unread)
    }
}

/// Whether a JSON value, as written, is a number.
fn is_number(value: &str) -> bool {
    value
        .bytes()
        .next()
        .is_some_and(|b| b == b'-' || b.is_ascii_digit())
}

/// A member's name, unescaped ([`Unread`] if serde_json would refuse it).
fn unescape_key(raw: &str) -> Step<std::borrow::Cow<'_, str>> {
    if memchr::memchr(b'\\', raw.as_bytes()).is_none() {
        return Ok(std::borrow::Cow::Borrowed(raw));
    }
    let mut key = String::new();
    unescape(raw, &mut key).ok_or(Unread)?;
    Ok(std::borrow::Cow::Owned(key))
}

/// The text of a JSON string as written (between its quotes), unescaped into `scratch` if it
/// holds escapes ([`Unread`] if serde_json would refuse one).
fn unescaped<'a>(raw: &'a str, scratch: &'a mut String) -> Step<&'a str> {
    if memchr::memchr(b'\\', raw.as_bytes()).is_none() {
        return Ok(raw);
    }
    unescape(raw, scratch).ok_or(Unread)?;
    Ok(scratch)
}

/// Unescapes the text of a JSON string as written into `out`, as serde_json reads a string:
/// `None` for what it refuses, a lone surrogate (`\ud83d` without its low half) among them.
fn unescape(raw: &str, out: &mut String) -> Option<()> {
    /// Four hex digits.
    fn hex4(text: &str) -> Option<u32> {
        let digits = text.get(..4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }
    out.clear();
    let mut rest = raw;
    while let Some(at) = memchr::memchr(b'\\', rest.as_bytes()) {
        out.push_str(rest.get(..at)?);
        let escape = rest.get(at + 1..)?;
        let (char, len) = match escape.bytes().next()? {
            b'"' => ('"', 1),
            b'\\' => ('\\', 1),
            b'/' => ('/', 1),
            b'b' => ('\u{8}', 1),
            b'f' => ('\u{c}', 1),
            b'n' => ('\n', 1),
            b'r' => ('\r', 1),
            b't' => ('\t', 1),
            b'u' => {
                let unit = hex4(escape.get(1..)?)?;
                match unit {
                    0xd800..=0xdbff => {
                        let low = escape
                            .get(5..)?
                            .strip_prefix("\\u")
                            .and_then(hex4)
                            .filter(|low| (0xdc00..=0xdfff).contains(low))?;
                        let code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                        (char::from_u32(code)?, 11)
                    }
                    0xdc00..=0xdfff => return None,
                    _ => (char::from_u32(unit)?, 5),
                }
            }
            _ => return None,
        };
        out.push(char);
        rest = escape.get(len..)?;
    }
    out.push_str(rest);
    Some(())
}

/// Warnings about the wireframes of a mobile window that the page cannot draw as they are.
pub fn window_warnings(window: &Window) -> Vec<String> {
    use rayon::prelude::*;
    let damage = window
        .events
        .par_iter()
        .filter(|e| {
            e.kind == event_type::FULL_SNAPSHOT
                || (e.kind == event_type::INCREMENTAL_SNAPSHOT
                    && e.source == Some(source::MUTATION))
        })
        .fold(Damage::default, |mut damage, event| {
            if let Ok(text) = event.json.text() {
                damage.check_event(&text);
            }
            damage
        })
        .reduce(Damage::default, |mut a, b| {
            a.unknown_types.extend(b.unknown_types);
            a.unknown_inputs.extend(b.unknown_inputs);
            a.counts.add(b.counts);
            a
        });
    damage.warnings(&crate::recording::display_window_id(&window.id))
}

#[cfg(test)]
mod damage_tests {
    use super::*;
    use serde_json::json;

    /// Damage as the walk counts it, and as the typed reading did.
    fn both(text: &str) -> (Damage, Damage) {
        let mut walked = Damage::default();
        walked.check_event(text);
        let mut typed = Damage::default();
        typed::check_event(&mut typed, text);
        (walked, typed)
    }

    fn walked(text: &str) -> Damage {
        let mut damage = Damage::default();
        damage.check_event(text);
        damage
    }

    #[test]
    fn reads_escaped_names_and_strings_as_serde_did() {
        let text = r#"{"data": {"w\u0069reframes": [{"i\u0064": 1, "width": 1, "height": 1,
            "t\u0079pe": "inp\u0075t", "inputType": "\u0073lider",
            "base64": "iVBO\nRw0K\nGgo=", "style": {"backgroundImage": "data:image\/png;base64,@"}}]}}"#;
        let (walked, typed) = both(text);
        assert_eq!(walked, typed);
        assert_eq!(walked.counts.without_id, 0);
        assert_eq!(walked.counts.broken_images, 1);
        assert_eq!(walked.unknown_inputs.iter().collect::<Vec<_>>(), ["slider"]);
        // An id or a size is compared as written.
        let text = r#"{"data": {"wireframes": [{"id": "a", "width": "100\u0076w", "height": 1},
            {"id": "\u0061", "width": "100vw", "height": 1}]}}"#;
        let (walked, typed) = both(text);
        assert_eq!(walked, typed);
        assert_eq!(walked.counts.repeated_ids, 0);
        assert_eq!(walked.counts.without_size, 1);
    }

    #[test]
    fn counts_the_last_of_a_member_written_twice() {
        let text = r#"{"data": {"wireframes": [{"id": 1, "width": 1, "height": 1,
            "childWireframes": [{"type": "hologram"}, 5], "type": "nope", "type": "text",
            "style": {"backgroundImage": "@"}, "style": {"color": "red"},
            "childWireframes": [{"id": 1, "width": 1, "height": 1, "id": 2}]}],
            "adds": [{"wireframe": {"id": 7}, "wireframe": {"id": 8, "width": 1, "height": 1}}]}}"#;
        let (walked, typed) = both(text);
        assert_eq!(walked, typed);
        assert_eq!(walked, Damage::default(), "only the last of each counts");
    }

    #[test]
    fn leaves_unchecked_what_the_typed_reading_refused() {
        let wireframe = r#"{"type": "hologram"}"#;
        for text in [
            // `data` or one of its lists written twice.
            format!(r#"{{"data": {{"wireframes": [{wireframe}]}}, "data": null}}"#),
            format!(r#"{{"data": {{"wireframes": [{wireframe}], "wireframes": []}}}}"#),
            format!(r#"{{"data": {{"adds": [], "wireframes": [{wireframe}], "adds": []}}}}"#),
            // A `data` that is not an object, or a list longer than its members.
            format!(r#"{{"data": "{{\"wireframes\": [{{}}]}}", "x": [{wireframe}]}}"#),
            format!(r#"{{"data": [[{wireframe}], [], [], []]}}"#),
            // A lone surrogate in a string the check reads, even an overridden one.
            format!(
                r#"{{"data": {{"wireframes": [{wireframe}, {{"type": "\ud800", "type": "a"}}]}}}}"#
            ),
            format!(r#"{{"data": {{"wireframes": [{wireframe}, {{"\udc00": 1}}]}}}}"#),
            // Nested deeper than an event may be.
            format!(
                r#"{{"data": {{"wireframes": [{wireframe}]}}, "x": {}{}}}"#,
                "[".repeat(crate::json::MAX_DEPTH),
                "]".repeat(crate::json::MAX_DEPTH)
            ),
        ] {
            let (walked, typed) = both(&text);
            assert_eq!(walked, typed, "{text}");
            assert_eq!(walked, Damage::default(), "{text}");
        }
        // What serde_json skips unread may hold anything valid.
        let text =
            format!(r#"{{"x": "\ud800", "data": {{"wireframes": [{wireframe}], "y": "\udc00"}}}}"#);
        let (walked, typed) = both(&text);
        assert_eq!(walked, typed);
        assert_eq!(walked.unknown_types.len(), 1);
        // A list of members is read as serde reads a struct from one.
        let text = format!(r#"[[[{wireframe}], [{{}}]]]"#);
        let (walked, typed) = both(&text);
        assert_eq!(walked, typed);
        assert_eq!(walked.counts.not_objects, 1);
    }

    #[test]
    fn checks_wireframes_nested_as_deep_as_an_event_may_be() {
        let levels = crate::json::MAX_DEPTH / 2 - 2;
        let text = format!(
            r#"{{"data": {{"wireframes": [{}{{"type": "deepest"}}{}]}}}}"#,
            r#"{"type": "div", "childWireframes": ["#.repeat(levels),
            "]}".repeat(levels)
        );
        let (walked, typed) = both(&text);
        assert_eq!(walked, typed);
        assert_eq!(walked.counts.without_id, levels + 1);
        assert!(walked.unknown_types.contains("deepest"));
    }

    /// The typed reading refused a number too large for an `f64` where it read any value (a
    /// `type`, an entry of a list): the whole event went unchecked. The walk takes it as the
    /// number it is.
    #[test]
    fn takes_a_number_too_large_as_a_number() {
        let text = r#"{"data": {"wireframes": [1e400, {"type": "hologram"}]}}"#;
        let (walked, typed) = both(text);
        assert_eq!(typed, Damage::default());
        assert_eq!(walked.counts.not_objects, 1);
        assert!(walked.unknown_types.contains("hologram"));
    }

    #[test]
    fn stops_without_panic_on_text_cut_anywhere() {
        let text = r#"{"type": 2, "data": {"wireframes": [{"id": 1, "type": "t\u0065xt",
            "childWireframes": [{"base64": "iVBO\nRw0K\nGgo=", "style": {"backgroundImage": 5}},
            [1, "a\"]"], "x"]}], "adds": [{"wireframe": {"id": "a"}}, 3]}}"#;
        assert_ne!(walked(text), Damage::default());
        for end in 0..text.len() {
            if let Some(cut) = text.get(..end) {
                assert_eq!(walked(cut), Damage::default(), "{cut}");
                let (walked, typed) = both(cut);
                assert_eq!(walked, typed, "{cut}");
            }
        }
        for text in [
            "\"",
            "\"\\",
            "[\"\\u12",
            "{\"a\":",
            "{\"a\"",
            "[1,",
            "{\"data\":{\"wireframes\":[{\"type\":\"\\u",
            "]",
            "}",
        ] {
            assert_eq!(walked(text), Damage::default(), "{text}");
        }
    }

    mod agreement {
        use proptest::collection::vec;
        use proptest::prelude::*;

        use super::both;

        /// JSON texts of scalars like a wireframe's members hold, as written: escaped or not,
        /// of the right shape or not.
        fn scalar() -> impl Strategy<Value = String> {
            let common = prop_oneof![
                Just("1"),
                Just("-2"),
                Just("0.5e-3"),
                Just("null"),
                Just("true"),
                Just("false"),
                Just(r#""a""#),
                Just(r#""100vw""#),
                Just(r#""100\u0076w""#),
                Just(r#""text""#),
                Just(r#""t\u0065xt""#),
                Just(r#""input""#),
                Just(r#""div""#),
                Just(r#""""#),
                Just(r#""hologram""#),
                Just(r#""password""#),
                Just(r#""slider""#),
                Just(r#""ééééééééééééééééééééééééééééééééééééééééééééééé""#),
                Just(r#""a\"b\\c\/d\b\f\n\r\t\ud83d\ude00""#),
                Just(r#""data:image/png;base64,iVBORw0KGgo=""#),
                Just(r#""data:image/png;base64,""#),
                Just(r#""data:image/svg+xml,<svg/>""#),
                Just(r#""data:image/png,x""#),
                Just(r#""iVBO\nRw0K\r\nGgo=""#),
                Just(r#""iVBO\u0052w0K""#),
                Just(r#""AAAA=AAA""#),
                Just(r#""@@""#),
            ];
            // A lone surrogate, rarely: one refuses the event where the check reads it.
            prop_oneof![300 => common, 1 => Just(r#""\ud800""#)].prop_map(str::to_owned)
        }

        /// JSON texts of any value, written as text so that a member can be written twice, a
        /// name escaped, and whitespace put between members.
        fn value() -> impl Strategy<Value = String> {
            scalar().prop_recursive(3, 12, 4, |inner| {
                let key = prop_oneof![300 => key(), 1 => Just(r#""\udc00""#)];
                let separator = prop_oneof![Just(","), Just(" ,\n\t")];
                prop_oneof![
                    (vec(inner.clone(), 0..5), separator.clone())
                        .prop_map(|(items, sep)| format!("[{}]", items.join(sep))),
                    (vec((key, inner), 0..7), separator).prop_map(|(members, sep)| {
                        let members: Vec<String> =
                            members.iter().map(|(k, v)| format!("{k} :{v}")).collect();
                        format!("{{ {} }}", members.join(sep))
                    }),
                ]
            })
        }

        fn key() -> impl Strategy<Value = &'static str> {
            prop_oneof![
                Just(r#""id""#),
                Just(r#""width""#),
                Just(r#""height""#),
                Just(r#""type""#),
                Just(r#""inputType""#),
                Just(r#""base64""#),
                Just(r#""style""#),
                Just(r#""backgroundImage""#),
                Just(r#""childWireframes""#),
                Just(r#""wireframe""#),
                Just(r#""wireframes""#),
                Just(r#""adds""#),
                Just(r#""updates""#),
                Just(r#""data""#),
                Just(r#""x""#),
                Just(r#""t\u0079pe""#),
                Just(r#""chil\u0064Wireframes""#),
            ]
        }

        /// Wireframes: objects of the members a wireframe has, each maybe written twice or
        /// of the wrong shape, with children.
        fn wireframe() -> impl Strategy<Value = String> {
            let member = |children: BoxedStrategy<String>| {
                let name = prop_oneof![
                    Just("id"),
                    Just("width"),
                    Just("height"),
                    Just("type"),
                    Just("inputType"),
                    Just("base64"),
                ];
                prop_oneof![
                    4 => (name, scalar()).prop_map(|(k, v)| format!(r#""{k}":{v}"#)),
                    1 => (key(), value()).prop_map(|(k, v)| format!("{k}:{v}")),
                    1 => scalar().prop_map(|v| format!(r#""style":{{"backgroundImage":{v}}}"#)),
                    2 => vec(children, 0..4)
                        .prop_map(|items| format!(r#""childWireframes":[{}]"#, items.join(","))),
                ]
            };
            let object = |members: Vec<String>| format!("{{{}}}", members.join(","));
            vec(member(value().boxed()), 0..8)
                .prop_map(object)
                .prop_recursive(4, 40, 4, move |inner| {
                    vec(member(inner.boxed()), 0..8).prop_map(object)
                })
        }

        /// Lists of wireframes, and of changes, with other values among them.
        fn list() -> impl Strategy<Value = String> {
            let entry = prop_oneof![
                4 => wireframe(),
                2 => wireframe().prop_map(|w| format!(r#"{{"parentId":1,"wireframe":{w}}}"#)),
                1 => (wireframe(), wireframe())
                    .prop_map(|(a, b)| format!(r#"{{"wireframe":{a},"wireframe":{b}}}"#)),
                1 => value(),
            ];
            prop_oneof![
                8 => vec(entry, 0..5).prop_map(|items| format!("[{}]", items.join(","))),
                1 => value(),
            ]
        }

        /// Events: a snapshot's or a mutation's `data` made of generated lists, or a
        /// generated value as the whole event or its `data`.
        fn event() -> impl Strategy<Value = String> {
            let member = |name: &'static str| {
                proptest::option::of(list())
                    .prop_map(move |list| list.map(|list| format!(r#""{name}": {list}"#)))
            };
            let twice = prop_oneof![20 => Just(None), 1 => Just(Some(r#""adds": []"#.to_owned()))];
            let data = (
                member("wireframes"),
                member("adds"),
                member("updates"),
                twice,
            )
                .prop_map(|(a, b, c, d)| {
                    let members: Vec<String> = [a, b, c, d].into_iter().flatten().collect();
                    format!("{{{}}}", members.join(", "))
                });
            prop_oneof![
                8 => data.prop_map(|data| format!(r#"{{"type": 2, "data": {data}}}"#)),
                1 => list().prop_map(|data| format!(r#"[[{data}]]"#)),
                1 => value().prop_map(|data| format!(r#"{{"type": 3, "data": {data}}}"#)),
                1 => value(),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            #[test]
            fn the_walk_counts_as_the_typed_reading_did(text in event()) {
                let (walked, typed) = both(&text);
                prop_assert_eq!(walked, typed, "{}", text);
            }
        }
    }

    /// The typed reading the walk replaced: serde into borrowed structs, then a check of
    /// them. Kept as the reference the walk must agree with, on any text.
    mod typed {
        use serde::Deserialize;
        use serde_json::value::RawValue;

        use super::super::{Damage, HUGE_IMAGE, INPUT_TYPES, TYPES, is_image_data};

        /// Checks the wireframes of one full snapshot or mutation event, read from its text.
        pub fn check_event(damage: &mut Damage, text: &str) {
            #[derive(Deserialize)]
            #[serde(bound(deserialize = "'a: 'de"))]
            struct Event<'a> {
                #[serde(borrow)]
                data: Option<wire::Data<'a>>,
            }
            if let Ok(Event { data: Some(data) }) =
                crate::json::from_str_within_depth::<Event>(text)
            {
                check_data(damage, &data);
            }
        }

        /// Checks the wireframes of one full snapshot or mutation (`data`).
        fn check_data(damage: &mut Damage, data: &wire::Data) {
            let mut ids = std::collections::HashSet::new();
            for entry in &data.wireframes.0 {
                check(damage, entry, &mut ids);
            }
            for change in data.adds.0.iter().chain(&data.updates.0) {
                match &change.0 {
                    // Children listed again on their own are usual in diffs: ids repeat freely.
                    Some(entry) => check(damage, entry, &mut std::collections::HashSet::new()),
                    None => damage.counts.not_objects += 1,
                }
            }
        }

        fn check<'a>(
            damage: &mut Damage,
            entry: &'a wire::Entry<'a>,
            ids: &mut std::collections::HashSet<&'a str>,
        ) {
            let mut stack = vec![entry];
            while let Some(entry) = stack.pop() {
                let wire::Entry::Wireframe(wireframe) = entry else {
                    damage.counts.not_objects += 1;
                    continue;
                };
                match wireframe
                    .id
                    .filter(|id| wire::is_number(id) || id.get().starts_with('"'))
                {
                    Some(id) => {
                        if !ids.insert(id.get()) {
                            damage.counts.repeated_ids += 1;
                        }
                    }
                    None => damage.counts.without_id += 1,
                }
                let sized = |size: Option<&RawValue>| {
                    size.is_some_and(|v| wire::is_number(v) || v.get() == "\"100vw\"")
                };
                if !sized(wireframe.width) || !sized(wireframe.height) {
                    damage.counts.without_size += 1;
                }
                let kind = match &wireframe.kind {
                    None => Ok("div"),
                    Some(wire::Text::Str(kind)) => Ok(kind.as_ref()),
                    Some(wire::Text::Other(what)) => Err(*what),
                };
                match kind {
                    Ok(kind) if TYPES.contains(&kind) => {}
                    Ok(name) | Err(name) => {
                        damage.unknown_types.insert(name.chars().take(40).collect());
                    }
                }
                if kind == Ok("input") {
                    let input = wireframe.input_type.as_ref().and_then(wire::Text::as_str);
                    if !input.is_some_and(|t| INPUT_TYPES.contains(&t) && !t.is_empty()) {
                        let name = input.unwrap_or("(none)");
                        damage
                            .unknown_inputs
                            .insert(name.chars().take(40).collect());
                    }
                }
                for image in [&wireframe.base64, &wireframe.background_image]
                    .into_iter()
                    .flatten()
                {
                    match image.as_str() {
                        Some(text) if text.len() > HUGE_IMAGE => damage.counts.huge_images += 1,
                        Some(text) if is_image_data(text) => {}
                        _ => damage.counts.broken_images += 1,
                    }
                }
                match &wireframe.children {
                    Some(wire::Children::List(children)) => stack.extend(children),
                    Some(wire::Children::NotList) => damage.counts.not_objects += 1,
                    None => {}
                }
            }
        }

        /// The parts of a mobile event's wireframes that the damage check reads, borrowed from the
        /// event's text. Each type takes any JSON value (what is not the shape expected is told, not an
        /// error), and skips what it does not read without building it: images, the most of an event's
        /// bytes, are only borrowed, and nothing is allocated but the lists of wireframes.
        mod wire {
            use std::borrow::Cow;
            use std::fmt;
            use std::marker::PhantomData;

            use serde::Deserialize;
            use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
            use serde_json::value::RawValue;

            /// A full snapshot's or mutation's `data`.
            #[derive(Deserialize, Default)]
            #[serde(bound(deserialize = "'a: 'de"))]
            pub struct Data<'a> {
                #[serde(borrow, default)]
                pub wireframes: List<Entry<'a>>,
                #[serde(borrow, default)]
                pub adds: List<Change<'a>>,
                #[serde(borrow, default)]
                pub updates: List<Change<'a>>,
            }

            /// The items of an array; empty for any other value.
            pub struct List<T>(pub Vec<T>);

            impl<T> Default for List<T> {
                fn default() -> Self {
                    List(Vec::new())
                }
            }

            /// An added or updated wireframe's change: its `wireframe`, if it is an object that has one.
            pub struct Change<'a>(pub Option<Entry<'a>>);

            /// An entry of a list of wireframes, which should be a wireframe.
            pub enum Entry<'a> {
                Wireframe(Box<Wireframe<'a>>),
                NotObject,
            }

            /// A wireframe's members that the check reads, as written (`null` included).
            #[derive(Default)]
            pub struct Wireframe<'a> {
                pub id: Option<&'a RawValue>,
                pub width: Option<&'a RawValue>,
                pub height: Option<&'a RawValue>,
                pub kind: Option<Text<'a>>,
                pub input_type: Option<Text<'a>>,
                pub base64: Option<Text<'a>>,
                /// `style.backgroundImage`.
                pub background_image: Option<Text<'a>>,
                pub children: Option<Children<'a>>,
            }

            /// A member that should be a string: the string (borrowed unless it has escapes), or the
            /// JSON text of what stands there instead (not kept for long texts).
            pub enum Text<'a> {
                Str(Cow<'a, str>),
                Other(&'static str),
            }

            impl Text<'_> {
                pub fn as_str(&self) -> Option<&str> {
                    match self {
                        Text::Str(text) => Some(text),
                        Text::Other(_) => None,
                    }
                }
            }

            impl<'de> Deserialize<'de> for Text<'de> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct TextVisitor;
                    impl<'de> Visitor<'de> for TextVisitor {
                        type Value = Text<'de>;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str("any JSON value")
                        }
                        fn visit_borrowed_str<E: de::Error>(
                            self,
                            text: &'de str,
                        ) -> Result<Text<'de>, E> {
                            Ok(Text::Str(Cow::Borrowed(text)))
                        }
                        fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                            Ok(Text::Str(Cow::Owned(text.to_owned())))
                        }
                        fn visit_bool<E: de::Error>(self, value: bool) -> Result<Text<'de>, E> {
                            Ok(Text::Other(if value { "true" } else { "false" }))
                        }
                        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Text<'de>, E> {
                            Ok(Text::Other("a number"))
                        }
                        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Text<'de>, E> {
                            Ok(Text::Other("a number"))
                        }
                        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Text<'de>, E> {
                            Ok(Text::Other("a number"))
                        }
                        fn visit_unit<E: de::Error>(self) -> Result<Text<'de>, E> {
                            Ok(Text::Other("null"))
                        }
                        fn visit_none<E: de::Error>(self) -> Result<Text<'de>, E> {
                            Ok(Text::Other("null"))
                        }
                        fn visit_seq<A: SeqAccess<'de>>(
                            self,
                            seq: A,
                        ) -> Result<Text<'de>, A::Error> {
                            skip_seq(seq)?;
                            Ok(Text::Other("a list"))
                        }
                        fn visit_map<A: MapAccess<'de>>(
                            self,
                            map: A,
                        ) -> Result<Text<'de>, A::Error> {
                            skip_map(map)?;
                            Ok(Text::Other("an object"))
                        }
                    }
                    deserializer.deserialize_any(TextVisitor)
                }
            }

            /// `childWireframes`: a list, or something else.
            pub enum Children<'a> {
                List(Vec<Entry<'a>>),
                NotList,
            }

            /// Whether a JSON value is a number.
            pub fn is_number(value: &RawValue) -> bool {
                value
                    .get()
                    .bytes()
                    .next()
                    .is_some_and(|b| b == b'-' || b.is_ascii_digit())
            }

            /// Implements a visitor's methods for every kind of value but the ones it reads, each
            /// skipping the value and giving `$other`.
            macro_rules! anything_else {
                ($other:expr) => {
                    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                        Ok($other)
                    }
                    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                        Ok($other)
                    }
                    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                        Ok($other)
                    }
                    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                        Ok($other)
                    }
                    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                        Ok($other)
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                        Ok($other)
                    }
                    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                        Ok($other)
                    }
                };
            }

            fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(())
            }

            fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(())
            }

            impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct ListVisitor<T>(PhantomData<T>);
                    impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
                        type Value = List<T>;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str("any JSON value")
                        }
                        fn visit_seq<A: SeqAccess<'de>>(
                            self,
                            mut seq: A,
                        ) -> Result<List<T>, A::Error> {
                            let mut items = Vec::new();
                            while let Some(item) = seq.next_element()? {
                                items.push(item);
                            }
                            Ok(List(items))
                        }
                        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<List<T>, A::Error> {
                            skip_map(map)?;
                            Ok(List::default())
                        }
                        anything_else!(List::default());
                    }
                    deserializer.deserialize_any(ListVisitor(PhantomData))
                }
            }

            impl<'de> Deserialize<'de> for Children<'de> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct ChildrenVisitor;
                    impl<'de> Visitor<'de> for ChildrenVisitor {
                        type Value = Children<'de>;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str("any JSON value")
                        }
                        fn visit_seq<A: SeqAccess<'de>>(
                            self,
                            mut seq: A,
                        ) -> Result<Self::Value, A::Error> {
                            let mut items = Vec::new();
                            while let Some(item) = seq.next_element()? {
                                items.push(item);
                            }
                            Ok(Children::List(items))
                        }
                        fn visit_map<A: MapAccess<'de>>(
                            self,
                            map: A,
                        ) -> Result<Self::Value, A::Error> {
                            skip_map(map)?;
                            Ok(Children::NotList)
                        }
                        anything_else!(Children::NotList);
                    }
                    deserializer.deserialize_any(ChildrenVisitor)
                }
            }

            /// The members of a wireframe the check reads.
            enum Key {
                Id,
                Width,
                Height,
                Type,
                InputType,
                Base64,
                Style,
                BackgroundImage,
                ChildWireframes,
                Wireframe,
                Other,
            }

            impl<'de> Deserialize<'de> for Key {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct KeyVisitor;
                    impl Visitor<'_> for KeyVisitor {
                        type Value = Key;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str("a member's name")
                        }
                        fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                            Ok(match key {
                                "id" => Key::Id,
                                "width" => Key::Width,
                                "height" => Key::Height,
                                "type" => Key::Type,
                                "inputType" => Key::InputType,
                                "base64" => Key::Base64,
                                "style" => Key::Style,
                                "backgroundImage" => Key::BackgroundImage,
                                "childWireframes" => Key::ChildWireframes,
                                "wireframe" => Key::Wireframe,
                                _ => Key::Other,
                            })
                        }
                    }
                    deserializer.deserialize_identifier(KeyVisitor)
                }
            }

            impl<'de> Deserialize<'de> for Entry<'de> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct EntryVisitor;
                    impl<'de> Visitor<'de> for EntryVisitor {
                        type Value = Entry<'de>;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str("any JSON value")
                        }
                        fn visit_map<A: MapAccess<'de>>(
                            self,
                            mut map: A,
                        ) -> Result<Self::Value, A::Error> {
                            let mut wireframe = Wireframe::default();
                            while let Some(key) = map.next_key::<Key>()? {
                                match key {
                                    Key::Id => wireframe.id = Some(map.next_value()?),
                                    Key::Width => wireframe.width = Some(map.next_value()?),
                                    Key::Height => wireframe.height = Some(map.next_value()?),
                                    Key::Type => wireframe.kind = Some(map.next_value()?),
                                    Key::InputType => {
                                        wireframe.input_type = Some(map.next_value()?)
                                    }
                                    Key::Base64 => wireframe.base64 = Some(map.next_value()?),
                                    Key::Style => {
                                        wireframe.background_image = map.next_value::<Style>()?.0
                                    }
                                    Key::ChildWireframes => {
                                        wireframe.children = Some(map.next_value()?)
                                    }
                                    _ => {
                                        map.next_value::<IgnoredAny>()?;
                                    }
                                }
                            }
                            Ok(Entry::Wireframe(Box::new(wireframe)))
                        }
                        fn visit_seq<A: SeqAccess<'de>>(
                            self,
                            seq: A,
                        ) -> Result<Self::Value, A::Error> {
                            skip_seq(seq)?;
                            Ok(Entry::NotObject)
                        }
                        anything_else!(Entry::NotObject);
                    }
                    deserializer.deserialize_any(EntryVisitor)
                }
            }

            /// A wireframe's `style`, for its `backgroundImage`.
            struct Style<'a>(Option<Text<'a>>);

            impl<'de> Deserialize<'de> for Style<'de> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct StyleVisitor;
                    impl<'de> Visitor<'de> for StyleVisitor {
                        type Value = Style<'de>;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str("any JSON value")
                        }
                        fn visit_map<A: MapAccess<'de>>(
                            self,
                            mut map: A,
                        ) -> Result<Self::Value, A::Error> {
                            let mut image = None;
                            while let Some(key) = map.next_key::<Key>()? {
                                match key {
                                    Key::BackgroundImage => image = Some(map.next_value()?),
                                    _ => {
                                        map.next_value::<IgnoredAny>()?;
                                    }
                                }
                            }
                            Ok(Style(image))
                        }
                        fn visit_seq<A: SeqAccess<'de>>(
                            self,
                            seq: A,
                        ) -> Result<Self::Value, A::Error> {
                            skip_seq(seq)?;
                            Ok(Style(None))
                        }
                        anything_else!(Style(None));
                    }
                    deserializer.deserialize_any(StyleVisitor)
                }
            }

            impl<'de> Deserialize<'de> for Change<'de> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct ChangeVisitor;
                    impl<'de> Visitor<'de> for ChangeVisitor {
                        type Value = Change<'de>;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str("any JSON value")
                        }
                        fn visit_map<A: MapAccess<'de>>(
                            self,
                            mut map: A,
                        ) -> Result<Self::Value, A::Error> {
                            let mut wireframe = None;
                            while let Some(key) = map.next_key::<Key>()? {
                                match key {
                                    Key::Wireframe => wireframe = Some(map.next_value()?),
                                    _ => {
                                        map.next_value::<IgnoredAny>()?;
                                    }
                                }
                            }
                            Ok(Change(wireframe))
                        }
                        fn visit_seq<A: SeqAccess<'de>>(
                            self,
                            seq: A,
                        ) -> Result<Self::Value, A::Error> {
                            skip_seq(seq)?;
                            Ok(Change(None))
                        }
                        anything_else!(Change(None));
                    }
                    deserializer.deserialize_any(ChangeVisitor)
                }
            }
        }
    }

    #[test]
    fn tells_image_data_from_damaged_base64() {
        assert!(is_image_data("data:image/png;base64,iVBORw0KGgo="));
        assert!(is_image_data("iVBORw0K\nGgoA\n"));
        assert!(!is_image_data("data:image/jpeg;base64,/9j/4AAQSkZJR"));
        assert!(!is_image_data("not base64!"));
        assert!(!is_image_data("data:image/png;base64,"));
        assert!(!is_image_data("AAAA=AAA"));
        // Padding, then a run of the alphabet read at once.
        assert!(!is_image_data(&format!(
            "{}={}",
            "A".repeat(15),
            "A".repeat(16)
        )));
        assert!(is_image_data(&format!("{}=\n", "A".repeat(31))));
    }

    /// The base64 check as it was before it read runs of 16 bytes: byte by byte.
    fn is_whole_base64_bytewise(body: &[u8]) -> bool {
        let mut length = 0usize;
        let mut padding = 0usize;
        for &byte in body {
            match byte {
                b'\r' | b'\n' => continue,
                b'=' => padding += 1,
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => {}
                _ => return false,
            }
            length += 1;
        }
        length > 0 && length.is_multiple_of(4) && padding <= 2
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Base64 of any length, padded or not, with line breaks anywhere, and maybe a byte
        /// out of place.
        #[test]
        fn reads_base64_in_runs_as_byte_by_byte(
            letters in "[A-Za-z0-9+/]{0,200}",
            padding in 0..4usize,
            breaks in proptest::collection::vec((0..200usize, "\r\n|\n"), 0..4),
            damage in proptest::option::of((
                0..200usize,
                proptest::prop_oneof![proptest::strategy::Just("=".to_owned()), "[\n\r -~é]"],
            )),
        ) {
            let mut body = letters + &"=".repeat(padding);
            for (at, line_break) in breaks {
                body.insert_str(at.min(body.len()), &line_break);
            }
            if let Some((at, byte)) = damage {
                let at = at.min(body.len());
                body.replace_range(at..(at + 1).min(body.len()), &byte);
            }
            proptest::prop_assert_eq!(
                is_whole_base64(body.as_bytes()),
                is_whole_base64_bytewise(body.as_bytes()),
                "{:?}", body
            );
        }
    }

    #[test]
    fn counts_each_kind_of_damage() {
        let mut damage = Damage::default();
        damage.check_event(
            &json!({"type": 2, "data": {"wireframes": [
                {"id": 1, "width": 10, "height": 10, "childWireframes": [
                    {"id": 1, "width": 1, "height": 1, "type": "text"},
                    {"width": 1, "height": 1, "type": "hologram"},
                    {"id": 3, "type": "input", "inputType": "slider", "width": 1, "height": 1},
                    {"id": 4, "type": "image", "base64": "@@", "width": 1, "height": 1},
                    {"id": 5, "type": "text"},
                    7
                ]}
            ]}})
            .to_string(),
        );
        let warnings = damage.warnings("\"w\"").join("\n");
        for expected in [
            "1 wireframe entry that is not a wireframe",
            "1 wireframe without an id is drawn",
            "1 wireframe without a width or height is drawn",
            "1 wireframe repeats the id",
            "1 image is not base64",
            "unknown type (hologram)",
            "inputs of unknown type (slider)",
        ] {
            assert!(warnings.contains(expected), "{expected}: {warnings}");
        }
    }

    #[test]
    fn reads_diffs_and_values_of_the_wrong_shape() {
        let mut damage = Damage::default();
        let image = "data:image/png;base64,iVBORw0KGgo=";
        damage.check_event(
            &json!({"type": 3, "data": {"source": 0,
                "adds": [
                    {"parentId": 1, "wireframe": {"id": 2, "width": 1, "height": 1, "type": "text",
                        "style": {"backgroundImage": image, "color": "#000"}}},
                    {"parentId": 1},
                    "not a change",
                    {"parentId": 1, "wireframe": {"id": 2, "width": "100vw", "height": 1,
                        "type": null, "style": "not a style", "childWireframes": {"id": 3}}}
                ],
                "updates": [{"wireframe": {"id": "a", "width": 1, "height": 1,
                    "type": "image", "base64": "iVBO\nRw0K\nGgo=",
                    "childWireframes": [[1], {"id": "a", "width": 1, "height": 1,
                        "type": "input", "inputType": 5, "base64": 5}]}}],
                "removes": [{"parentId": 1, "id": 2}]
            }})
            .to_string(),
        );
        assert_eq!(damage.counts.not_objects, 4, "{damage:?}");
        assert_eq!(damage.counts.without_id, 0);
        assert_eq!(damage.counts.without_size, 0);
        assert_eq!(
            damage.counts.repeated_ids, 1,
            "a repeated id inside one update"
        );
        assert_eq!(damage.counts.broken_images, 1, "{damage:?}");
        assert_eq!(
            damage.unknown_types.iter().collect::<Vec<_>>(),
            ["null"],
            "{damage:?}"
        );
        assert_eq!(damage.unknown_inputs.iter().collect::<Vec<_>>(), ["(none)"]);
    }
}
