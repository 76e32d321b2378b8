//! Redaction: removing personal data from a recording before it is bundled, so that it is gone
//! from the file itself, not only from the view.
//!
//! It sits between the recording and the payload. Stripping drops whole events (console,
//! network) or parts of them (network headers and bodies, the person). Masking rewrites the
//! recorded page: it follows every window's DOM from each full snapshot through the mutations
//! after it, so a text or an input value is masked wherever it appears: in the snapshot, in a
//! node added later, in a text change, in an attribute change, or in an input event.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use crate::json;
use crate::recording::{Event, EventJson, Recording, event_type};

/// What to remove from a recording. The default removes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Drop console messages (`rrweb/console@1` and rrweb's older console records).
    pub strip_console: bool,
    /// Drop every network request (`rrweb/network@1` and PostHog's legacy `posthog/network@1`).
    pub strip_network: bool,
    /// Keep network timings, drop request and response headers and bodies.
    pub strip_network_bodies: bool,
    /// Drop the person (name, email, distinct ids, properties).
    pub strip_person: bool,
    /// Replace every input value with `*` of the same length.
    pub mask_inputs: bool,
    /// Replace every text of the page with `*` of the same length, keeping spaces (and so the layout).
    pub mask_text: bool,
    /// Mask the text and inputs of the elements these select, and of everything inside them.
    pub mask_selectors: Vec<Selector>,
    /// Replace every image and screenshot of a mobile recording with a placeholder of the
    /// same size.
    pub mask_images: bool,
}

impl Redaction {
    /// Whether this removes nothing.
    pub fn is_none(&self) -> bool {
        *self == Redaction::default()
    }

    fn masks(&self) -> bool {
        self.mask_inputs || self.mask_text || !self.mask_selectors.is_empty() || self.mask_images
    }

    /// What masking does to a mobile recording's wireframes.
    fn wireframe_mask(&self) -> crate::mobile::WireframeMask {
        crate::mobile::WireframeMask {
            text: self.mask_text,
            inputs: self.mask_inputs,
            images: self.mask_images,
        }
    }

    /// Removes from the recording what this asks to remove.
    pub fn apply(&self, recording: &mut Recording) -> Result<()> {
        if self.strip_person {
            recording.person = None;
        }
        if !self.touches_events() {
            return Ok(());
        }
        for window in &mut recording.windows {
            let mut dom = Dom::default();
            let mut kept = Vec::with_capacity(window.events.len());
            for event in window.events.drain(..) {
                if let Some(event) = self
                    .redact_event(event, &mut dom)
                    .with_context(|| format!("could not redact an event of window {}", window.id))?
                {
                    kept.push(event);
                }
            }
            window.events = kept;
        }
        Ok(())
    }

    fn touches_events(&self) -> bool {
        self.strip_console || self.strip_network || self.strip_network_bodies || self.masks()
    }

    /// The event as it may stay, or `None` to drop it.
    fn redact_event<'a>(&self, event: Event<'a>, dom: &mut Dom) -> Result<Option<Event<'a>>> {
        let touches = match event.kind {
            event_type::PLUGIN => {
                self.strip_console || self.strip_network || self.strip_network_bodies
            }
            event_type::INCREMENTAL_SNAPSHOT => self.strip_console || self.masks(),
            event_type::FULL_SNAPSHOT => self.masks(),
            _ => false,
        };
        if !touches {
            return Ok(Some(event));
        }
        // (Reading made every damaged compressed event a note. Should one still not expand,
        // it stays as it is, and the page carries a note in its place, nothing of it.)
        let Ok(text) = event.json.text() else {
            return Ok(Some(event));
        };
        let mut value: Value = json::from_str_within_depth(&text)?;
        let keep = match event.kind {
            event_type::PLUGIN => self.redact_plugin(&mut value),
            event_type::FULL_SNAPSHOT => {
                *dom = Dom::default();
                if let Some(data) = value.get_mut("data")
                    && data.get("wireframes").is_some()
                {
                    self.wireframe_mask().data(data);
                } else if let Some(node) = value.pointer_mut("/data/node") {
                    Masker {
                        redaction: self,
                        dom,
                    }
                    .visit(node, None);
                }
                true
            }
            _ => self.redact_incremental(&mut value, dom),
        };
        if !keep {
            return Ok(None);
        }
        let json = EventJson::Owned(serde_json::to_string(&value)?.into());
        Ok(Some(Event { json, ..event }))
    }

    /// Plugin events: console and network. Returns whether the event stays.
    fn redact_plugin(&self, event: &mut Value) -> bool {
        match event.pointer("/data/plugin").and_then(Value::as_str) {
            Some(CONSOLE_PLUGIN) => !self.strip_console,
            Some(LEGACY_NETWORK_PLUGIN) => !self.strip_network,
            Some(NETWORK_PLUGIN) if self.strip_network => false,
            Some(NETWORK_PLUGIN) => {
                if self.strip_network_bodies
                    && let Some(requests) = event
                        .pointer_mut("/data/payload/requests")
                        .and_then(Value::as_array_mut)
                {
                    for request in requests.iter_mut().filter_map(Value::as_object_mut) {
                        for field in NETWORK_PRIVATE_FIELDS {
                            request.remove(field);
                        }
                    }
                }
                true
            }
            _ => true,
        }
    }

    /// Incremental snapshots: rrweb's own console records, mutations and input. Returns
    /// whether the event stays.
    fn redact_incremental(&self, event: &mut Value, dom: &mut Dom) -> bool {
        let Some(data) = event.get_mut("data") else {
            return true;
        };
        match data.get("source").and_then(Value::as_u64) {
            Some(SOURCE_LOG) => !self.strip_console,
            Some(SOURCE_MUTATION) if self.masks() => {
                if self.wireframe_mask().data(data) {
                    return true;
                }
                Masker {
                    redaction: self,
                    dom,
                }
                .mutation(data);
                true
            }
            Some(SOURCE_INPUT) if self.masks() => {
                let id = data.get("id").and_then(Value::as_u64);
                let masked = self.mask_inputs || id.is_some_and(|id| dom.is_masked(id));
                if masked && let Some(Value::String(text)) = data.get_mut("text") {
                    *text = mask_value(text);
                }
                true
            }
            _ => true,
        }
    }
}

const CONSOLE_PLUGIN: &str = "rrweb/console@1";
const NETWORK_PLUGIN: &str = "rrweb/network@1";
const LEGACY_NETWORK_PLUGIN: &str = "posthog/network@1";
const NETWORK_PRIVATE_FIELDS: [&str; 4] = [
    "requestHeaders",
    "requestBody",
    "responseHeaders",
    "responseBody",
];

/// rrweb incremental sources.
const SOURCE_MUTATION: u64 = 0;
const SOURCE_INPUT: u64 = 5;
const SOURCE_LOG: u64 = 11;

/// rrweb-snapshot node types.
const NODE_ELEMENT: u64 = 2;
const NODE_TEXT: u64 = 3;
const NODE_CDATA: u64 = 4;
const NODE_COMMENT: u64 = 5;

/// Elements whose `value` is what the user typed or chose.
const INPUT_TAGS: [&str; 3] = ["input", "textarea", "select"];
/// Attributes that show text to the user.
const TEXT_ATTRIBUTES: [&str; 4] = ["placeholder", "title", "alt", "aria-label"];

/// An input value masked: every character becomes `*`.
pub(crate) fn mask_value(text: &str) -> String {
    "*".repeat(text.chars().count())
}

/// A text masked: every character but white space becomes `*`, so lines still break alike.
pub(crate) fn mask_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { c } else { '*' })
        .collect()
}

/// What is known of a recorded node, from its snapshot or the mutation that added it.
#[derive(Debug, Default)]
struct Node {
    parent: Option<u64>,
    /// Lower-case tag name, for elements.
    tag: Option<String>,
    /// Attributes, for elements (kept only when selectors need them).
    attributes: Map<String, Value>,
    /// Inside an element a selector matched.
    masked: bool,
    /// A text node that holds CSS (inside `<style>`): never masked, it is not shown.
    is_style: bool,
}

/// The nodes of one window's page, as of the event being read.
#[derive(Debug, Default)]
struct Dom {
    nodes: HashMap<u64, Node>,
}

impl Dom {
    fn is_masked(&self, id: u64) -> bool {
        self.nodes.get(&id).is_some_and(|n| n.masked)
    }

    fn tag(&self, id: u64) -> Option<&str> {
        self.nodes.get(&id).and_then(|n| n.tag.as_deref())
    }

    /// Marks a node and every node known to be inside it as masked.
    fn mask_subtree(&mut self, root: u64) {
        let mut inside: Vec<u64> = vec![root];
        let mut changed = true;
        while changed {
            changed = false;
            for (&id, node) in &self.nodes {
                if !inside.contains(&id) && node.parent.is_some_and(|p| inside.contains(&p)) {
                    inside.push(id);
                    changed = true;
                }
            }
        }
        for id in inside {
            if let Some(node) = self.nodes.get_mut(&id) {
                node.masked = true;
            }
        }
    }
}

/// Masks serialized nodes and mutations, keeping the [`Dom`] up to date as it goes.
struct Masker<'a> {
    redaction: &'a Redaction,
    dom: &'a mut Dom,
}

impl Masker<'_> {
    fn matches(&self, tag: &str, attributes: &Map<String, Value>) -> bool {
        self.redaction
            .mask_selectors
            .iter()
            .any(|s| s.matches(tag, attributes))
    }

    /// Masks a serialized node and its children, and records them.
    fn visit(&mut self, node: &mut Value, parent: Option<u64>) {
        let Some(object) = node.as_object_mut() else {
            return;
        };
        let id = object.get("id").and_then(Value::as_u64);
        let parent_masked = parent.is_some_and(|p| self.dom.is_masked(p));
        let parent_tag = parent.and_then(|p| self.dom.tag(p)).map(str::to_owned);
        let mut record = Node {
            parent,
            masked: parent_masked,
            ..Node::default()
        };
        match object.get("type").and_then(Value::as_u64) {
            Some(NODE_ELEMENT) => {
                let tag = object
                    .get("tagName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if let Some(Value::Object(attributes)) = object.get_mut("attributes") {
                    record.masked |= self.matches(&tag, attributes);
                    self.mask_attributes(&tag, attributes, record.masked);
                    if !self.redaction.mask_selectors.is_empty() {
                        record.attributes = attributes.clone();
                    }
                }
                record.tag = Some(tag);
            }
            Some(kind @ (NODE_TEXT | NODE_CDATA | NODE_COMMENT)) => {
                record.is_style = kind == NODE_TEXT
                    && (object.get("isStyle") == Some(&Value::Bool(true))
                        || parent_tag.as_deref() == Some("style"));
                let in_textarea = parent_tag.as_deref() == Some("textarea");
                if self.should_mask_text(record.is_style, record.masked, in_textarea)
                    && let Some(Value::String(text)) = object.get_mut("textContent")
                {
                    *text = mask_text(text);
                }
            }
            _ => {}
        }
        if let Some(id) = id {
            self.dom.nodes.insert(id, record);
        }
        if let Some(Value::Array(children)) = object.get_mut("childNodes") {
            for child in children {
                self.visit(child, id);
            }
        }
    }

    fn should_mask_text(&self, is_style: bool, masked: bool, in_textarea: bool) -> bool {
        !is_style
            && (self.redaction.mask_text || masked || (in_textarea && self.redaction.mask_inputs))
    }

    /// Masks an element's input value and shown texts, as asked.
    fn mask_attributes(&self, tag: &str, attributes: &mut Map<String, Value>, masked: bool) {
        let mask_value_too = INPUT_TAGS.contains(&tag) && (self.redaction.mask_inputs || masked);
        for (name, value) in attributes.iter_mut() {
            let Value::String(text) = value else { continue };
            if name == "value" && mask_value_too {
                *text = mask_value(text);
            } else if (self.redaction.mask_text || masked)
                && TEXT_ATTRIBUTES.contains(&name.as_str())
            {
                *text = mask_text(text);
            }
        }
    }

    /// Masks a mutation: added nodes, text changes and attribute changes.
    fn mutation(&mut self, data: &mut Value) {
        if let Some(Value::Array(removes)) = data.get("removes") {
            for remove in removes {
                if let Some(id) = remove.get("id").and_then(Value::as_u64) {
                    self.dom.nodes.remove(&id);
                }
            }
        }
        if let Some(Value::Array(adds)) = data.get_mut("adds") {
            for add in adds {
                let parent = add.get("parentId").and_then(Value::as_u64);
                if let Some(node) = add.get_mut("node") {
                    self.visit(node, parent);
                }
            }
        }
        if let Some(Value::Array(changes)) = data.get_mut("attributes") {
            for change in changes {
                let Some(id) = change.get("id").and_then(Value::as_u64) else {
                    continue;
                };
                let Some(Value::Object(attributes)) = change.get_mut("attributes") else {
                    continue;
                };
                let tag = self.dom.tag(id).unwrap_or_default().to_owned();
                if !self.redaction.mask_selectors.is_empty() && !self.dom.is_masked(id) {
                    let mut current = self
                        .dom
                        .nodes
                        .get(&id)
                        .map(|n| n.attributes.clone())
                        .unwrap_or_default();
                    current.extend(attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
                    current.retain(|_, v| !v.is_null());
                    if self.matches(&tag, &current) {
                        self.dom.mask_subtree(id);
                    }
                    if let Some(node) = self.dom.nodes.get_mut(&id) {
                        node.attributes = current;
                    }
                }
                let masked = self.dom.is_masked(id);
                // An element of unknown kind may be an input: mask its value when masking inputs.
                let tag = if tag.is_empty() && self.redaction.mask_inputs {
                    "input".to_owned()
                } else {
                    tag
                };
                self.mask_attributes(&tag, attributes, masked);
            }
        }
        if let Some(Value::Array(texts)) = data.get_mut("texts") {
            for change in texts {
                let id = change.get("id").and_then(Value::as_u64);
                let node = id.and_then(|id| self.dom.nodes.get(&id));
                let is_style = node.is_some_and(|n| n.is_style);
                let masked = node.is_some_and(|n| n.masked);
                let in_textarea =
                    node.and_then(|n| n.parent).and_then(|p| self.dom.tag(p)) == Some("textarea");
                if self.should_mask_text(is_style, masked, in_textarea)
                    && let Some(Value::String(text)) = change.get_mut("value")
                {
                    *text = mask_text(text);
                }
            }
        }
    }
}

/// A CSS selector of the simple kind masking needs: a tag, `.class`, `#id`, `[attr]` or
/// `[attr=value]`, alone or combined into one compound (`input.secret[name=card]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    text: String,
    tag: Option<String>,
    id: Option<String>,
    classes: Vec<String>,
    attributes: Vec<(String, Option<String>)>,
}

impl Selector {
    fn matches(&self, tag: &str, attributes: &Map<String, Value>) -> bool {
        let attribute = |name: &str| attributes.get(name).and_then(Value::as_str);
        self.tag
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case(tag))
            && self
                .id
                .as_deref()
                .is_none_or(|id| attribute("id") == Some(id))
            && self.classes.iter().all(|c| {
                attribute("class").is_some_and(|list| list.split_whitespace().any(|x| x == c))
            })
            && self
                .attributes
                .iter()
                .all(|(name, value)| match (attribute(name), value) {
                    (Some(_), None) => true,
                    (Some(actual), Some(wanted)) => actual == wanted,
                    (None, _) => attributes.contains_key(name) && value.is_none(),
                })
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Selector {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Selector> {
        let unsupported = || {
            anyhow::anyhow!(
                "the selector {text:?} is not one this tool reads: use a tag, .class, #id, [attr] or [attr=value], \
                 alone or combined without spaces (like input.secret); give --mask-selector again for another"
            )
        };
        let name_end = |s: &str| {
            s.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(s.len())
        };
        let mut selector = Selector {
            text: text.to_owned(),
            tag: None,
            id: None,
            classes: Vec::new(),
            attributes: Vec::new(),
        };
        let mut rest = text.trim();
        if rest.is_empty() {
            bail!("an empty selector masks nothing: give a tag, .class, #id or [attr]");
        }
        let tag_len = name_end(rest);
        if tag_len > 0 {
            selector.tag = Some(rest[..tag_len].to_ascii_lowercase());
            rest = &rest[tag_len..];
        }
        while let Some(first) = rest.chars().next() {
            match first {
                '.' | '#' => {
                    let len = name_end(&rest[1..]);
                    if len == 0 {
                        return Err(unsupported());
                    }
                    let name = rest[1..=len].to_owned();
                    if first == '.' {
                        selector.classes.push(name);
                    } else {
                        selector.id = Some(name);
                    }
                    rest = &rest[1 + len..];
                }
                '[' => {
                    let close = rest.find(']').ok_or_else(unsupported)?;
                    let inner = &rest[1..close];
                    let (name, value) = match inner.split_once('=') {
                        Some((name, value)) => {
                            let value = value.trim();
                            let unquoted = value
                                .strip_prefix('"')
                                .and_then(|v| v.strip_suffix('"'))
                                .or_else(|| {
                                    value.strip_prefix('\'').and_then(|v| v.strip_suffix('\''))
                                })
                                .unwrap_or(value);
                            (name.trim(), Some(unquoted.to_owned()))
                        }
                        None => (inner.trim(), None),
                    };
                    if name.is_empty() || name_end(name) != name.len() {
                        return Err(unsupported());
                    }
                    selector.attributes.push((name.to_ascii_lowercase(), value));
                    rest = &rest[close + 1..];
                }
                _ => return Err(unsupported()),
            }
        }
        Ok(selector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attrs(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn parses_and_matches_simple_selectors() {
        let s: Selector = "input.secret[name=card]".parse().unwrap();
        assert!(s.matches(
            "INPUT",
            &attrs(json!({"class": "a secret", "name": "card"}))
        ));
        assert!(!s.matches("input", &attrs(json!({"class": "secret", "name": "cvc"}))));
        assert!(!s.matches("div", &attrs(json!({"class": "secret", "name": "card"}))));
        let s: Selector = "#ssn".parse().unwrap();
        assert!(s.matches("span", &attrs(json!({"id": "ssn"}))));
        let s: Selector = "[data-private]".parse().unwrap();
        assert!(s.matches("div", &attrs(json!({"data-private": ""}))));
        assert!(!s.matches("div", &attrs(json!({}))));
        let s: Selector = "[data-kind='pii']".parse().unwrap();
        assert!(s.matches("div", &attrs(json!({"data-kind": "pii"}))));
    }

    #[test]
    fn refuses_selectors_it_cannot_honour() {
        for text in ["div p", "ul > li", "a:hover", "", ".", "[x"] {
            assert!(text.parse::<Selector>().is_err(), "{text:?}");
        }
    }

    #[test]
    fn masks_keep_length_and_text_keeps_spaces() {
        assert_eq!(mask_value("a b€"), "****");
        assert_eq!(mask_text("Hi there\n!"), "** *****\n*");
    }
}
