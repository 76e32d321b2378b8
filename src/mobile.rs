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
#[derive(Debug, Default)]
struct Damage {
    unknown_types: std::collections::BTreeSet<String>,
    unknown_inputs: std::collections::BTreeSet<String>,
    not_objects: usize,
    without_id: usize,
    without_size: usize,
    repeated_ids: usize,
    broken_images: usize,
    huge_images: usize,
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
    /// Checks the wireframes of one full snapshot or mutation (`data`).
    fn check_data(&mut self, data: &Value) {
        let mut ids = std::collections::HashSet::new();
        if let Some(wireframes) = data.get("wireframes").and_then(Value::as_array) {
            for wireframe in wireframes {
                self.check(wireframe, &mut ids);
            }
        }
        for list in ["adds", "updates"] {
            for change in data
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                match change.get("wireframe") {
                    // Children listed again on their own are usual in diffs: ids repeat freely.
                    Some(wireframe) => self.check(wireframe, &mut std::collections::HashSet::new()),
                    None => self.not_objects += 1,
                }
            }
        }
    }

    fn check(&mut self, wireframe: &Value, ids: &mut std::collections::HashSet<String>) {
        let mut stack = vec![wireframe];
        while let Some(wireframe) = stack.pop() {
            let Some(object) = wireframe.as_object() else {
                self.not_objects += 1;
                continue;
            };
            match object.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => {
                    if !ids.insert(id.to_string()) {
                        self.repeated_ids += 1;
                    }
                }
                _ => self.without_id += 1,
            }
            let sized = |key| {
                object
                    .get(key)
                    .is_some_and(|v| v.is_number() || v.as_str() == Some("100vw"))
            };
            if !sized("width") || !sized("height") {
                self.without_size += 1;
            }
            let kind = object.get("type").map_or(Some("div"), Value::as_str);
            match kind {
                Some(kind) if TYPES.contains(&kind) => {}
                other => {
                    let name = other.map_or_else(|| object["type"].to_string(), str::to_owned);
                    self.unknown_types.insert(name.chars().take(40).collect());
                }
            }
            if kind == Some("input") {
                let input = object.get("inputType").and_then(Value::as_str);
                if !input.is_some_and(|t| INPUT_TYPES.contains(&t) && !t.is_empty()) {
                    let name = input.map_or("(none)", |t| t);
                    self.unknown_inputs.insert(name.chars().take(40).collect());
                }
            }
            let images = [
                object.get("base64"),
                object.get("style").and_then(|s| s.get("backgroundImage")),
            ];
            for image in images.into_iter().flatten() {
                match image.as_str() {
                    Some(text) if text.len() > HUGE_IMAGE => self.huge_images += 1,
                    Some(text) if is_image_data(text) => {}
                    _ => self.broken_images += 1,
                }
            }
            if let Some(children) = object.get("childWireframes") {
                match children.as_array() {
                    Some(children) => stack.extend(children),
                    None => self.not_objects += 1,
                }
            }
        }
    }

    fn warnings(&self, window: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut say = |n: usize, what: &str| {
            if n > 0 {
                out.push(format!(
                    "window {window}: {n} {what} (the page shows the rest of the screen)"
                ));
            }
        };
        say(
            self.not_objects,
            "wireframe entries that are not wireframes were left out",
        );
        say(
            self.without_id,
            "wireframes without an id are drawn, but cannot be changed by later diffs",
        );
        say(
            self.without_size,
            "wireframes without a width or height are drawn without size",
        );
        say(
            self.repeated_ids,
            "wireframes repeat the id of another in the same snapshot and are drawn once",
        );
        say(
            self.broken_images,
            "images are not base64 image data and show as a labelled placeholder or not at all",
        );
        say(
            self.huge_images,
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
    let mut length = 0usize;
    let mut padding = 0usize;
    for byte in body.bytes() {
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
            if let Ok(text) = event.json.text()
                && let Ok(value) = crate::json::from_str_within_depth::<Value>(&text)
                && let Some(data) = value.get("data")
            {
                damage.check_data(data);
            }
            damage
        })
        .reduce(Damage::default, |mut a, b| {
            a.unknown_types.extend(b.unknown_types);
            a.unknown_inputs.extend(b.unknown_inputs);
            a.not_objects += b.not_objects;
            a.without_id += b.without_id;
            a.without_size += b.without_size;
            a.repeated_ids += b.repeated_ids;
            a.broken_images += b.broken_images;
            a.huge_images += b.huge_images;
            a
        });
    damage.warnings(&crate::recording::display_window_id(&window.id))
}

#[cfg(test)]
mod damage_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tells_image_data_from_damaged_base64() {
        assert!(is_image_data("data:image/png;base64,iVBORw0KGgo="));
        assert!(is_image_data("iVBORw0K\nGgoA\n"));
        assert!(!is_image_data("data:image/jpeg;base64,/9j/4AAQSkZJR"));
        assert!(!is_image_data("not base64!"));
        assert!(!is_image_data("data:image/png;base64,"));
        assert!(!is_image_data("AAAA=AAA"));
    }

    #[test]
    fn counts_each_kind_of_damage() {
        let mut damage = Damage::default();
        damage.check_data(&json!({"wireframes": [
            {"id": 1, "width": 10, "height": 10, "childWireframes": [
                {"id": 1, "width": 1, "height": 1, "type": "text"},
                {"width": 1, "height": 1, "type": "hologram"},
                {"id": 3, "type": "input", "inputType": "slider", "width": 1, "height": 1},
                {"id": 4, "type": "image", "base64": "@@", "width": 1, "height": 1},
                {"id": 5, "type": "text"},
                7
            ]}
        ]}));
        let warnings = damage.warnings("\"w\"").join("\n");
        for expected in [
            "1 wireframe entries that are not wireframes",
            "1 wireframes without an id",
            "1 wireframes without a width or height",
            "1 wireframes repeat the id",
            "1 images are not base64",
            "unknown type (hologram)",
            "inputs of unknown type (slider)",
        ] {
            assert!(warnings.contains(expected), "{expected}: {warnings}");
        }
    }
}
