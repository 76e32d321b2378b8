//! The personal-data check: what a page would carry of email addresses, card numbers, IBANs,
//! phone numbers, social security numbers, tokens, secret keys and public IP addresses.
//!
//! It runs on a recording as the page would carry it (after redaction, clipping and notes), in
//! one pass over each event's JSON text: a small JSON walker ([`walk_strings`]) gives each
//! string with the keys leading to it, which tell where in the page it is (the recorded page's
//! text, an input, an attribute, the console, the network, ...), and hand-written scanners look
//! for each kind of data in it. Every scanner moves forward through the string and looks back
//! or ahead a bounded distance, so a scan is linear in the text, whatever the text.
//!
//! Candidates are checked before they count: card numbers by the Luhn sum and a card network's
//! prefix, IBANs by their mod-97 check, IPv4 and IPv6 addresses by their range (loopback,
//! private and link-local addresses are not findings). PostHog project keys (`phc_`) are public
//! by design and not findings; nor are the stars redaction leaves.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::recording::{Event, Recording, event_type, source};

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Email,
    Card,
    Iban,
    Phone,
    Ssn,
    Jwt,
    Bearer,
    Secret,
    Ip,
}

impl Kind {
    /// The kind in words, plural.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Email => "email addresses",
            Kind::Card => "card numbers",
            Kind::Iban => "IBANs",
            Kind::Phone => "phone numbers",
            Kind::Ssn => "US social security numbers",
            Kind::Jwt => "JSON web tokens",
            Kind::Bearer => "bearer tokens and cookies",
            Kind::Secret => "secret keys",
            Kind::Ip => "public IP addresses",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Card => "card",
            Kind::Iban => "iban",
            Kind::Phone => "phone",
            Kind::Ssn => "ssn",
            Kind::Jwt => "jwt",
            Kind::Bearer => "bearer",
            Kind::Secret => "secret",
            Kind::Ip => "ip",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where in the page a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// The recorded page's text.
    Text,
    /// What the user typed or chose (input events, `value` attributes).
    Input,
    /// An attribute of the recorded page (`placeholder`, `title`, `alt`, `aria-label`, link and
    /// image addresses), or the page's own address.
    Attribute,
    Console,
    Network,
    Person,
    /// A custom event's payload.
    Custom,
    /// A mobile recording's wireframe texts and values.
    Mobile,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Place::Text => "text",
            Place::Input => "input",
            Place::Attribute => "attribute",
            Place::Console => "console",
            Place::Network => "network",
            Place::Person => "person",
            Place::Custom => "custom",
            Place::Mobile => "mobile",
        };
        f.write_str(name)
    }
}

/// The redaction option that removes a finding, if one does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Remedy {
    MaskText,
    MaskInputs,
    StripConsole,
    StripNetwork,
    StripNetworkBodies,
    StripPerson,
    /// No option removes it (page and request addresses, custom events).
    None,
}

impl Remedy {
    pub fn option(self) -> Option<&'static str> {
        match self {
            Remedy::MaskText => Some("--mask-text"),
            Remedy::MaskInputs => Some("--mask-inputs"),
            Remedy::StripConsole => Some("--strip-console"),
            Remedy::StripNetwork => Some("--strip-network"),
            Remedy::StripNetworkBodies => Some("--strip-network-bodies"),
            Remedy::StripPerson => Some("--strip-person"),
            Remedy::None => None,
        }
    }
}

/// One piece of personal data the page would carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    #[serde(rename = "where")]
    pub place: Place,
    /// The window's id, or `None` for the person.
    pub window: Option<String>,
    /// Milliseconds of session time, or `None` for the person.
    pub t: Option<f64>,
    /// The value, masked: `j***@e***.org`, `4111 **** **** 1111`.
    pub sample: String,
    #[serde(skip)]
    pub remedy: Remedy,
}

/// The error of a bundle that would carry personal data and was asked not to
/// (`--fail-on-pii`): what it found.
#[derive(Debug)]
pub struct Found {
    pub findings: Vec<Finding>,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the page would carry what looks like personal data ({}), so none was written",
            counts(&self.findings)
        )
    }
}

impl std::error::Error for Found {}

/// Every finding of a recording, in time order (the person's first).
///
/// The events are scanned on all cores. Bundling does not call this when it writes a page: it
/// scans each event's text in the chunk it is compressed in ([`EventScan`]), so that compressed
/// events are expanded once; the findings are the same.
pub fn scan(recording: &Recording) -> Vec<Finding> {
    use rayon::prelude::*;
    /// Events a task of the pool scans.
    const EVENTS_PER_TASK: usize = 256;
    let start = recording.start();
    let timed: Vec<Vec<Finding>> = recording
        .windows
        .iter()
        .flat_map(|window| {
            window
                .events
                .chunks(EVENTS_PER_TASK)
                .map(move |events| (window, events))
        })
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(window, events)| {
            let mut scan = EventScan::new(&window.id, start);
            for event in events {
                if let Ok(text) = event.json.text() {
                    scan.event(event, &text);
                }
            }
            scan.findings
        })
        .collect();
    in_order(person(recording), timed.into_iter().flatten().collect())
}

/// The findings in the person of a recording.
pub fn person(recording: &Recording) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(person) = &recording.person {
        let text = person.to_string();
        walk_strings(&text, |path, value| {
            let header = path.last().is_some_and(|k| is_secret_header(k));
            value.scan(header, &mut |kind, sample| {
                findings.push(Finding {
                    kind,
                    place: Place::Person,
                    window: None,
                    t: None,
                    sample,
                    remedy: Remedy::StripPerson,
                })
            });
        });
    }
    findings
}

/// The person's findings, then the events', in time order (those of a moment in the order of
/// their windows and events: `timed` comes window by window, each in event order).
pub fn in_order(person: Vec<Finding>, mut timed: Vec<Finding>) -> Vec<Finding> {
    timed.sort_by(|a, b| a.t.unwrap_or(0.0).total_cmp(&b.t.unwrap_or(0.0)));
    let mut findings = person;
    findings.extend(timed);
    findings
}

/// The findings of a window's events, scanned one by one from their text as the page carries
/// it (compressed events expanded).
pub struct EventScan<'w> {
    window: &'w str,
    /// Epoch milliseconds of the recording's first event.
    start: f64,
    pub findings: Vec<Finding>,
}

impl<'w> EventScan<'w> {
    pub fn new(window: &'w str, start: f64) -> EventScan<'w> {
        EventScan {
            window,
            start,
            findings: Vec::new(),
        }
    }

    /// Scans an event, given its text.
    pub fn event(&mut self, event: &Event, text: &str) {
        let t = event.timestamp - self.start;
        let (window, findings) = (self.window, &mut self.findings);
        scan_event(event, text, &mut |kind, place, remedy, sample| {
            findings.push(Finding {
                kind,
                place,
                window: Some(window.to_owned()),
                t: Some(t),
                sample,
                remedy,
            })
        });
    }
}

/// Counts of findings by kind, in words: "2 email addresses, 1 card number".
pub fn counts(findings: &[Finding]) -> String {
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for finding in findings {
        *by_kind.entry(finding.kind).or_default() += 1;
    }
    by_kind
        .iter()
        .map(|(kind, n)| format!("{n} {}", singular_if_one(kind.describe(), *n)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn singular_if_one(plural: &str, n: usize) -> Cow<'_, str> {
    if n != 1 {
        return Cow::Borrowed(plural);
    }
    match plural {
        "bearer tokens and cookies" => Cow::Borrowed("bearer token or cookie"),
        "IBANs" => Cow::Borrowed("IBAN"),
        _ => Cow::Owned(
            plural
                .replacen("addresses", "address", 1)
                .replacen("numbers", "number", 1)
                .replacen("tokens", "token", 1)
                .replacen("keys", "key", 1),
        ),
    }
}

/// The summary of findings: for each kind, how many, where, and the redaction options that
/// remove them (and how many no option removes).
pub fn summary(findings: &[Finding]) -> Vec<String> {
    let mut by_kind: BTreeMap<Kind, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        by_kind.entry(finding.kind).or_default().push(finding);
    }
    by_kind
        .into_iter()
        .map(|(kind, found)| {
            let mut places: BTreeMap<Place, usize> = BTreeMap::new();
            let mut options: Vec<&str> = Vec::new();
            let mut unremovable = 0;
            for f in &found {
                *places.entry(f.place).or_default() += 1;
                match f.remedy.option() {
                    Some(option) if !options.contains(&option) => options.push(option),
                    Some(_) => {}
                    None => unremovable += 1,
                }
            }
            let places = places
                .iter()
                .map(|(place, n)| format!("{n} {place}"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut line = format!(
                "{} {} ({places})",
                found.len(),
                singular_if_one(kind.describe(), found.len())
            );
            if !options.is_empty() {
                options.sort_unstable();
                line += &format!(": removed by {}", options.join(" "));
            }
            if unremovable > 0 {
                line += &format!(
                    "{}{unremovable} in addresses or custom events, which no option removes (--strip-network drops request addresses)",
                    if options.is_empty() { ": " } else { "; " }
                );
            }
            line
        })
        .collect()
}

/// Attributes whose value a person reads, and addresses that may carry data in their query.
const TEXT_ATTRIBUTES: [&str; 4] = ["placeholder", "title", "alt", "aria-label"];
const ADDRESS_ATTRIBUTES: [&str; 5] = ["href", "src", "srcset", "action", "poster"];

fn is_secret_header(key: &str) -> bool {
    [
        "authorization",
        "cookie",
        "set-cookie",
        "proxy-authorization",
    ]
    .iter()
    .any(|h| key.eq_ignore_ascii_case(h))
}

type EventSink<'s> = dyn FnMut(Kind, Place, Remedy, String) + 's;

/// Finds what one event carries, from its text.
fn scan_event(event: &Event, text: &str, found: &mut EventSink) {
    match event.kind {
        event_type::FULL_SNAPSHOT => scan_dom(text, found),
        event_type::INCREMENTAL_SNAPSHOT => match event.source {
            Some(source::MUTATION) => scan_dom(text, found),
            Some(source::INPUT) => walk_strings(text, |path, value| {
                if path.last().is_some_and(|k| *k == "text") {
                    value.scan(false, &mut |kind, sample| {
                        found(kind, Place::Input, Remedy::MaskInputs, sample)
                    });
                }
            }),
            Some(source::LOG) => walk_strings(text, |_, value| {
                value.scan(false, &mut |kind, sample| {
                    found(kind, Place::Console, Remedy::StripConsole, sample)
                })
            }),
            _ => {}
        },
        event_type::META => walk_strings(text, |path, value| {
            if path.last().is_some_and(|k| *k == "href") {
                value.scan(false, &mut |kind, sample| {
                    found(kind, Place::Attribute, Remedy::None, sample)
                });
            }
        }),
        event_type::PLUGIN => scan_plugin(text, found),
        event_type::CUSTOM => walk_strings(text, |path, value| {
            if path.len() >= 2 && path[1] == "payload" {
                let header = path.last().is_some_and(|k| is_secret_header(k));
                value.scan(header, &mut |kind, sample| {
                    found(kind, Place::Custom, Remedy::None, sample)
                });
            }
        }),
        _ => {}
    }
}

/// A snapshot's or a mutation's page: texts, input values and the attributes a person reads.
fn scan_dom(text: &str, found: &mut EventSink) {
    walk_strings(text, |path, value| {
        let Some(key) = path.last() else { return };
        // Every place below is known by its last key: most strings (tag names, classes,
        // styles) are passed over here, before the path is looked through.
        if !matches!(
            *key,
            "text"
                | "label"
                | "options"
                | "placeholder"
                | "value"
                | "textContent"
                | "title"
                | "alt"
                | "aria-label"
                | "href"
                | "src"
                | "srcset"
                | "action"
                | "poster"
        ) {
            return;
        }
        let in_attributes = path.len() >= 2 && path[path.len() - 2] == "attributes";
        let in_wireframe = path
            .iter()
            .any(|k| matches!(*k, "wireframes" | "wireframe" | "childWireframes"));
        let (place, remedy) = if in_wireframe {
            // A mobile app's screen: its texts, labels, options and input values.
            match *key {
                "text" | "label" | "options" | "placeholder" => (Place::Mobile, Remedy::MaskText),
                "value" => (Place::Mobile, Remedy::MaskInputs),
                _ => return,
            }
        } else if in_attributes {
            match *key {
                "value" => (Place::Input, Remedy::MaskInputs),
                k if TEXT_ATTRIBUTES.contains(&k) => (Place::Attribute, Remedy::MaskText),
                k if ADDRESS_ATTRIBUTES.contains(&k) => (Place::Attribute, Remedy::None),
                _ => return,
            }
        } else if *key == "textContent" || (*key == "value" && path.contains(&"texts")) {
            (Place::Text, Remedy::MaskText)
        } else {
            return;
        };
        value.scan(false, &mut |kind, sample| {
            found(kind, place, remedy, sample)
        });
    });
}

/// Console messages and network requests.
///
/// One walk over the event: the plugin's name (`data.plugin`) may come after its payload, so
/// the payload's strings are kept (as they are written: unescaped only when scanned) until
/// the walk has seen it.
fn scan_plugin(text: &str, found: &mut EventSink) {
    let mut plugin: Option<Cow<str>> = None;
    // The payload's strings: the string, whether it is in headers or a body, and whether it is
    // a secret header's value.
    let mut payload: Vec<(JsonString, bool, bool)> = Vec::new();
    walk_strings(text, |path, value| {
        if path.get(1) == Some(&"payload") {
            let private = path.iter().any(|k| {
                matches!(
                    *k,
                    "requestHeaders" | "responseHeaders" | "requestBody" | "responseBody"
                )
            });
            let header = private && path.last().is_some_and(|k| is_secret_header(k));
            payload.push((value, private, header));
        } else if plugin.is_none() && path == ["data", "plugin"] {
            plugin = Some(value.text());
        }
    });
    match plugin.as_deref() {
        Some("rrweb/console@1") => {
            for (value, _, _) in payload {
                value.scan(false, &mut |kind, sample| {
                    found(kind, Place::Console, Remedy::StripConsole, sample)
                });
            }
        }
        Some("rrweb/network@1" | "posthog/network@1") => {
            for (value, private, header) in payload {
                let remedy = if private {
                    Remedy::StripNetworkBodies
                } else {
                    Remedy::StripNetwork
                };
                value.scan(header, &mut |kind, sample| {
                    found(kind, Place::Network, remedy, sample)
                });
            }
        }
        _ => {}
    }
}

/// A string value of a JSON text, as it is written there: its text is unescaped only when
/// asked for (most strings a scan meets are not looked at).
pub struct JsonString<'t> {
    /// The string with its quotes, escapes and all.
    quoted: &'t str,
    /// Whether it holds an escape.
    escaped: bool,
}

impl<'t> JsonString<'t> {
    /// The string as written, without its quotes.
    fn raw(&self) -> &'t str {
        &self.quoted[1..self.quoted.len() - 1]
    }

    /// The string's text, escapes resolved.
    pub fn text(&self) -> Cow<'t, str> {
        if !self.escaped {
            return Cow::Borrowed(self.raw());
        }
        match serde_json::from_str::<String>(self.quoted) {
            Ok(s) => Cow::Owned(s),
            Err(_) => Cow::Borrowed(self.raw()),
        }
    }

    /// Looks for every kind in the string's text, as [`scan_value`] does.
    ///
    /// A string whose only escapes are `\"`, `\\` and `\/` is scanned as it is written,
    /// which saves unescaping it into a copy (network bodies are JSON written in a string,
    /// with a `\"` at every key): there the text has a quote, backslash or slash alone where
    /// the string has a backslash before it, and no scanner takes any of the three into a
    /// finding, so each ends a finding alike, and the scanners find the same in both. The
    /// text is at least half as long as the string (each escape is two characters for one),
    /// so from 10 characters written on, both are as long as [`scan_value`]'s shortest. A
    /// header's value is a finding as a whole, unescaped.
    pub fn scan(&self, header: bool, found: &mut dyn FnMut(Kind, String)) {
        let raw = self.raw();
        if !header && (!self.escaped || (raw.len() >= 10 && only_plain_escapes(raw))) {
            scan_value(raw, false, found);
        } else {
            scan_value(&self.text(), header, found);
        }
    }
}

/// Whether every escape in a string as written is `\"`, `\\` or `\/`.
fn only_plain_escapes(raw: &str) -> bool {
    let b = raw.as_bytes();
    let mut escaped_up_to = 0;
    for at in memchr::memchr_iter(b'\\', b) {
        if at < escaped_up_to {
            continue; // The second backslash of `\\`.
        }
        if !matches!(b.get(at + 1), Some(b'"' | b'\\' | b'/')) {
            return false;
        }
        escaped_up_to = at + 2;
    }
    true
}

/// Calls `visit` with each string value of a JSON text and the object keys leading to it
/// (array positions are not in the path). The text is valid JSON (every event was parsed when
/// it was read); on anything else the walk stops early, finding nothing more. Linear in the
/// text, with a path as deep as the JSON.
pub fn walk_strings<'t>(json: &'t str, mut visit: impl FnMut(&[&'t str], JsonString<'t>)) {
    let bytes = json.as_bytes();
    // For each open container: whether it is an object, and whether a key of it is on `path`.
    let mut stack: Vec<(bool, bool)> = Vec::new();
    let mut path: Vec<&'t str> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    // Ends a value: the member's key leaves the path.
    let end_value = |stack: &mut Vec<(bool, bool)>, path: &mut Vec<&'t str>| {
        if let Some((true, keyed)) = stack.last_mut()
            && *keyed
        {
            path.pop();
            *keyed = false;
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                stack.push((true, false));
                expect_key = true;
                i += 1;
            }
            b'[' => {
                stack.push((false, false));
                expect_key = false;
                i += 1;
            }
            b'}' | b']' => {
                if let Some((_, true)) = stack.pop() {
                    path.pop();
                }
                end_value(&mut stack, &mut path);
                i += 1;
            }
            b',' => {
                expect_key = matches!(stack.last(), Some((true, _)));
                i += 1;
            }
            b':' => {
                expect_key = false;
                i += 1;
            }
            b'"' => {
                let Some((end, escaped)) = crate::json::string_end(bytes, i + 1) else {
                    return;
                };
                let raw = &json[i + 1..end];
                let quoted = &json[i..=end];
                i = end + 1;
                if expect_key {
                    path.push(raw);
                    if let Some((_, keyed)) = stack.last_mut() {
                        *keyed = true;
                    }
                    expect_key = false;
                } else {
                    visit(&path, JsonString { quoted, escaped });
                    end_value(&mut stack, &mut path);
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                // A number, true, false or null.
                while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']') {
                    i += 1;
                }
                end_value(&mut stack, &mut path);
            }
        }
    }
}

/// Looks for every kind in one string. `header` says the string is the value of an
/// `Authorization`, `Cookie` or `Set-Cookie` header, which is a finding as a whole.
pub fn scan_value(value: &str, header: bool, found: &mut dyn FnMut(Kind, String)) {
    if value.len() < 5 {
        return;
    }
    if header {
        let v = value.trim();
        if !v.is_empty() && !v.bytes().all(|b| b == b'*' || b == b' ') {
            found(Kind::Bearer, mask_token(v));
            return;
        }
    }
    let b = value.as_bytes();
    if memchr::memchr(b'@', b).is_some() {
        emails(value, found);
    }
    if b.iter().any(u8::is_ascii_digit) {
        digit_runs(value, found);
        ipv4(value, found);
    }
    if memchr::memchr(b':', b).is_some() {
        ipv6(value, found);
    }
    tokens(value, found);
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Email addresses: around each `@`, a local part and a domain with a dot and a top-level
/// domain of letters.
fn emails(s: &str, found: &mut dyn FnMut(Kind, String)) {
    let b = s.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    let mut next_free = 0;
    for at in memchr::memchr_iter(b'@', b) {
        if at < next_free {
            continue;
        }
        let mut start = at;
        while start > next_free && local(b[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < b.len() && domain(b[end]) {
            end += 1;
        }
        next_free = end;
        let (user, host) = (&s[start..at], s[at + 1..end].trim_end_matches(['.', '-']));
        let user = user.trim_start_matches('.');
        if user.is_empty() || host.is_empty() {
            continue;
        }
        let Some((name, tld)) = host.rsplit_once('.') else {
            continue;
        };
        if name.is_empty()
            || tld.len() < 2
            || !tld.bytes().all(|c| c.is_ascii_alphabetic())
            || host.contains("..")
        {
            continue;
        }
        let first = |t: &str| t.chars().next().map(String::from).unwrap_or_default();
        found(
            Kind::Email,
            format!("{}***@{}***.{tld}", first(user), first(name)),
        );
    }
}

/// Runs of digits with single spaces or dashes between groups: card numbers, social security
/// numbers, and international phone numbers (which start with `+`).
fn digit_runs(s: &str, found: &mut dyn FnMut(Kind, String)) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && (is_word(b[i - 1]) || b[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let plus = i > 0 && b[i - 1] == b'+' && (i < 2 || !is_word(b[i - 2]));
        // The run: digits, and single separators between them.
        let start = i;
        let mut end = i;
        let mut digits = 0;
        let mut groups = Groups::default();
        let mut group = 0;
        let mut separators = Separators::default();
        let mut j = i;
        while j < b.len() {
            let c = b[j];
            if c.is_ascii_digit() {
                digits += 1;
                group += 1;
                end = j + 1;
                j += 1;
            } else if matches!(c, b' ' | b'-' | b'.' | b'(' | b')')
                && j + 1 < b.len()
                && (b[j + 1].is_ascii_digit() || (plus && matches!(b[j + 1], b'(' | b' ')))
                && group > 0
            {
                groups.push(group);
                group = 0;
                separators.push(c);
                j += 1;
                if plus && c == b')' && j < b.len() && b[j] == b' ' {
                    j += 1;
                }
            } else if plus && c == b'(' && j + 1 < b.len() && b[j + 1].is_ascii_digit() {
                j += 1;
            } else {
                break;
            }
            if digits > 40 {
                break;
            }
        }
        if group > 0 {
            groups.push(group);
        }
        i = end.max(i + 1);
        // The run must end at a word boundary.
        if end < b.len()
            && (is_word(b[end])
                || (b[end] == b'.' && b.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            continue;
        }
        let run = &s[start..end];
        let all = || -> String {
            run.bytes()
                .filter(u8::is_ascii_digit)
                .map(char::from)
                .collect()
        };
        if plus {
            if (8..=15).contains(&digits) && !separators.any(b'.') {
                found(Kind::Phone, mask_digits(&format!("+{run}"), 2, 2));
            }
            continue;
        }
        if (13..=19).contains(&digits)
            && (separators.only(b' ') || separators.only(b'-'))
            && (separators.count == 0 || groups.all_within(3, 6))
            && card_prefix(&all())
            && luhn(&all())
        {
            found(Kind::Card, mask_card(run));
            continue;
        }
        if groups.are([3, 2, 4]) && separators.count == 2 && separators.only(b'-') {
            let all = all();
            if ssn(&all) {
                found(Kind::Ssn, format!("***-**-{}", &all[5..]));
            }
        }
    }
}

/// The lengths of a run's groups of digits, as far as the checks need them (kept on the stack:
/// most strings hold runs of digits, and most runs are short).
#[derive(Default)]
struct Groups {
    count: usize,
    first: [usize; 3],
    shortest: usize,
    longest: usize,
}

impl Groups {
    fn push(&mut self, len: usize) {
        if let Some(slot) = self.first.get_mut(self.count) {
            *slot = len;
        }
        self.shortest = if self.count == 0 {
            len
        } else {
            self.shortest.min(len)
        };
        self.longest = self.longest.max(len);
        self.count += 1;
    }

    /// Whether the groups are these three, in this order.
    fn are(&self, lens: [usize; 3]) -> bool {
        self.count == 3 && self.first == lens
    }

    /// Whether every group is `min` to `max` digits long.
    fn all_within(&self, min: usize, max: usize) -> bool {
        self.count == 0 || (self.shortest >= min && self.longest <= max)
    }
}

/// The separators between a run's groups: how many, and which characters.
#[derive(Default)]
struct Separators {
    count: usize,
    /// Each separator character (` `, `-`, `.`, `(` or `)`) seen, as a bit.
    seen: u8,
}

impl Separators {
    fn push(&mut self, c: u8) {
        self.count += 1;
        self.seen |= Separators::bit(c);
    }

    fn any(&self, c: u8) -> bool {
        self.seen & Separators::bit(c) != 0
    }

    /// Whether there are none but `c` (or none at all).
    fn only(&self, c: u8) -> bool {
        self.seen & !Separators::bit(c) == 0
    }

    fn bit(c: u8) -> u8 {
        match c {
            b' ' => 1,
            b'-' => 2,
            b'.' => 4,
            b'(' => 8,
            b')' => 16,
            _ => 32,
        }
    }
}

/// Whether a number starts like a card of a known network (Visa, Mastercard, American
/// Express, Discover, JCB, Diners Club, UnionPay, Maestro).
fn card_prefix(digits: &str) -> bool {
    let n = |len: usize| digits[..len].parse::<u32>().unwrap_or(0);
    let len = digits.len();
    digits.starts_with('4')
        || (51..=55).contains(&n(2))
        || (2221..=2720).contains(&n(4))
        || (len == 15 && matches!(n(2), 34 | 37))
        || digits.starts_with("6011")
        || digits.starts_with("65")
        || (644..=649).contains(&n(3))
        || (3528..=3589).contains(&n(4))
        || matches!(n(2), 36 | 38)
        || (300..=305).contains(&n(3))
        || digits.starts_with("62")
        || matches!(n(4), 5018 | 5020 | 5038 | 6304 | 6759 | 6761 | 6763)
}

/// The Luhn check digit sum.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// A valid US social security number: no area 000, 666 or 9xx, no group 00, no serial 0000.
fn ssn(digits: &str) -> bool {
    let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

/// IPv4 addresses outside loopback, private, link-local, shared, multicast and reserved ranges.
fn ipv4(s: &str, found: &mut dyn FnMut(Kind, String)) {
    let b = s.as_bytes();
    let part = |c: u8| c.is_ascii_digit() || c == b'.';
    // An address lies in a run of digits and dots, with dots: only such runs are read.
    let mut done = 0;
    for dot in memchr::memchr_iter(b'.', b) {
        if dot < done {
            continue;
        }
        let mut start = dot;
        while start > 0 && part(b[start - 1]) {
            start -= 1;
        }
        let mut end = dot;
        while end < b.len() && part(b[end]) {
            end += 1;
        }
        done = end;
        ipv4_in(s, start, end, found);
    }
}

/// The addresses in `s[from..to]`, a run of digits and dots.
fn ipv4_in(s: &str, from: usize, to: usize, found: &mut dyn FnMut(Kind, String)) {
    let b = s.as_bytes();
    let mut i = from;
    while i < to {
        if !b[i].is_ascii_digit() || (i > 0 && (is_word(b[i - 1]) || b[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') && j - i < 16 {
            j += 1;
        }
        let next = i + 1;
        let mut end = j;
        // A trailing dot ends a sentence, not the address.
        while end > i && b[end - 1] == b'.' {
            end -= 1;
        }
        let boundary = j >= b.len() || !(is_word(b[j]) || b[j] == b'.' && end == j);
        let candidate = &s[i..end];
        i = next.max(j);
        if !boundary || candidate.bytes().filter(|&c| c == b'.').count() != 3 {
            continue;
        }
        let parts: Vec<&str> = candidate.split('.').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')))
        {
            continue;
        }
        let Ok(addr) = candidate.parse::<std::net::Ipv4Addr>() else {
            continue;
        };
        let [a, b2, _, _] = addr.octets();
        let private = addr.is_loopback()
            || addr.is_private()
            || addr.is_link_local()
            || addr.is_unspecified()
            || addr.is_broadcast()
            || addr.is_multicast()
            || a == 0
            || a >= 240
            || (a == 100 && (64..128).contains(&b2));
        if !private {
            found(Kind::Ip, format!("{}.{}.*.*", parts[0], parts[1]));
        }
    }
}

/// IPv6 addresses outside loopback, unique-local, link-local and unspecified ones.
fn ipv6(s: &str, found: &mut dyn FnMut(Kind, String)) {
    let b = s.as_bytes();
    // An address lies in a run of hex digits, colons and dots, with two colons at least: only
    // such runs are read. Each run is met at its first colon; most runs have only that one,
    // with a number or a word beside it (`"count":50`).
    let mut done = 0;
    for colon in memchr::memchr_iter(b':', b) {
        if colon < done {
            continue;
        }
        let mut end = colon + 1;
        while end < b.len() && hexish(b[end]) {
            end += 1;
        }
        done = end;
        if !b[colon + 1..end].contains(&b':') {
            continue;
        }
        let mut start = colon;
        while start > 0 && hexish(b[start - 1]) {
            start -= 1;
        }
        ipv6_in(s, start, end, found);
    }
}

fn hexish(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b':' || c == b'.'
}

/// The addresses in `s[from..to]`, a run of hex digits, colons and dots.
fn ipv6_in(s: &str, from: usize, to: usize, found: &mut dyn FnMut(Kind, String)) {
    let b = s.as_bytes();
    let mut i = from;
    while i < to {
        if !hexish(b[i]) || (i > 0 && (is_word(b[i - 1]) || b[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && hexish(b[j]) && j - i <= 45 {
            j += 1;
        }
        let end = if j > i && b[j - 1] == b'.' { j - 1 } else { j };
        let candidate = &s[i..end];
        let boundary = j >= b.len() || !(is_word(b[j]) || b[j] == b':');
        i = j.max(i + 1);
        if !boundary || candidate.bytes().filter(|&c| c == b':').count() < 2 {
            continue;
        }
        let Ok(addr) = candidate.parse::<std::net::Ipv6Addr>() else {
            continue;
        };
        let first = addr.segments()[0];
        let local = addr.is_loopback()
            || addr.is_unspecified()
            || (first & 0xfe00) == 0xfc00
            || (first & 0xffc0) == 0xfe80
            || addr.to_ipv4_mapped().is_some();
        if !local {
            let shown: Vec<String> = addr.segments()[..2]
                .iter()
                .map(|s| format!("{s:x}"))
                .collect();
            found(Kind::Ip, format!("{}:***", shown.join(":")));
        }
    }
}

/// The bytes of a token, as a table (letters, digits, `_` and `-`): the check is made for every
/// byte of every string scanned.
const TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        c += 1;
    }
    table
};

/// Words that are tokens: JWTs, bearer tokens, secret keys of well-known formats, IBANs.
fn tokens(s: &str, found: &mut dyn FnMut(Kind, String)) {
    let b = s.as_bytes();
    let token = |c: u8| TOKEN_BYTES[usize::from(c)];
    let mut i = 0;
    while i < b.len() {
        if !token(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (token(b[i]) || (b[i] == b'.' && i + 1 < b.len() && token(b[i + 1]))) {
            i += 1;
        }
        let word = &s[start..i];
        // The shortest token of a kind is 16 characters long (a bearer token), and an IBAN,
        // which may be written in groups of four, starts with two capitals and two digits:
        // most words are passed over here.
        let w = word.as_bytes();
        let iban_start = w.len() >= 4
            && w[..2].iter().all(u8::is_ascii_uppercase)
            && w[2..4].iter().all(u8::is_ascii_digit);
        if w.len() < 16 && !iban_start {
            continue;
        }
        let before = &s[..start];
        if let Some(kind) = token_kind(word, before) {
            let sample = match kind {
                Kind::Jwt => "eyJ***".to_owned(),
                _ => mask_token(word),
            };
            found(kind, sample);
            continue;
        }
        // IBANs may be written in groups of four: read ahead over spaces.
        if iban_start && word.len() <= 34 {
            let mut end = i;
            let mut j = i;
            while j + 1 < b.len()
                && b[j] == b' '
                && b[j + 1].is_ascii_alphanumeric()
                && j - start < 42
            {
                let mut k = j + 1;
                while k < b.len() && b[k].is_ascii_alphanumeric() {
                    k += 1;
                }
                if k - (j + 1) > 4 {
                    break;
                }
                end = k;
                j = k;
            }
            let compact: String = s[start..end].chars().filter(|c| *c != ' ').collect();
            if iban(&compact) {
                found(
                    Kind::Iban,
                    format!("{} **** {}", &compact[..4], &compact[compact.len() - 2..]),
                );
                i = end;
            }
        }
    }
}

/// Which kind of token a word is, if any; `before` is the text before it.
fn token_kind(word: &str, before: &str) -> Option<Kind> {
    let dots = word.bytes().filter(|&c| c == b'.').count();
    if word.starts_with("eyJ") && dots == 2 {
        let parts: Vec<&str> = word.split('.').collect();
        if parts[1].starts_with("eyJ") && parts[0].len() >= 10 && parts[1].len() >= 10 {
            return Some(Kind::Jwt);
        }
    }
    let ends_with_ci = |t: &str, suffix: &str| {
        t.len() >= suffix.len() && t[t.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    if word.len() >= 16 && ends_with_ci(before, "bearer ") {
        return Some(Kind::Bearer);
    }
    if dots > 0 {
        return None;
    }
    let rest_at_least = |prefix: &str, n: usize| {
        word.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() >= n && rest.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
    };
    let secret = rest_at_least("phx_", 20)
        || rest_at_least("sk_live_", 16)
        || rest_at_least("rk_live_", 16)
        || rest_at_least("ghp_", 30)
        || rest_at_least("gho_", 30)
        || rest_at_least("ghu_", 30)
        || rest_at_least("ghs_", 30)
        || rest_at_least("github_pat_", 30)
        || (word.len() == 20
            && (word.starts_with("AKIA") || word.starts_with("ASIA"))
            && word[4..]
                .bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        || (["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"]
            .iter()
            .any(|p| word.starts_with(p))
            && word.len() >= 20);
    secret.then_some(Kind::Secret)
}

/// Whether a compact IBAN (no spaces) passes its mod-97 check.
pub fn iban(compact: &str) -> bool {
    let b = compact.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let mut remainder: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let value = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// A card number with all but its first and last four digits masked, separators kept.
fn mask_card(run: &str) -> String {
    let total = run.bytes().filter(u8::is_ascii_digit).count();
    let mut seen = 0;
    run.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= 4 || seen > total - 4 {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// A number with all but its first `keep_start` and last `keep_end` digits masked.
fn mask_digits(run: &str, keep_start: usize, keep_end: usize) -> String {
    let total = run.bytes().filter(u8::is_ascii_digit).count();
    let mut seen = 0;
    run.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= keep_start || seen + keep_end > total {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// A token shown by its first few characters.
fn mask_token(token: &str) -> String {
    let keep = match token.find('_') {
        Some(p) if p < 12 => p + 1,
        _ => 4.min(token.len() / 4),
    };
    let head: String = token.chars().take(keep).collect();
    format!("{head}***")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(value: &str) -> Vec<(Kind, String)> {
        let mut found = Vec::new();
        scan_value(value, false, &mut |kind, sample| found.push((kind, sample)));
        found
    }

    #[test]
    fn finds_each_kind_with_a_masked_sample() {
        for (value, kind, sample) in [
            (
                "write to jane.doe@example.org today",
                Kind::Email,
                "j***@e***.org",
            ),
            (
                "card 4111 1111 1111 1111 ok",
                Kind::Card,
                "4111 **** **** 1111",
            ),
            ("4111-1111-1111-1111", Kind::Card, "4111-****-****-1111"),
            ("5500005555555559", Kind::Card, "5500********5559"),
            ("378282246310005", Kind::Card, "3782*******0005"),
            (
                "IBAN DE89 3704 0044 0532 0130 00.",
                Kind::Iban,
                "DE89 **** 00",
            ),
            ("GB82WEST12345698765432", Kind::Iban, "GB82 **** 32"),
            ("call +1 415 555 0100", Kind::Phone, "+1 4** *** **00"),
            ("+44 (20) 7946-0958", Kind::Phone, "+44 (**) ****-**58"),
            ("ssn 123-45-6789", Kind::Ssn, "***-**-6789"),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                Kind::Jwt,
                "eyJ***",
            ),
            (
                "Authorization: Bearer abcdef0123456789abcdef",
                Kind::Bearer,
                "abcd***",
            ),
            (
                "key phx_abcdefghijklmnopqrstuvwxyz012345",
                Kind::Secret,
                "phx_***",
            ),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", Kind::Secret, "sk_***"),
            ("AKIAIOSFODNN7EXAMPLE", Kind::Secret, "AKIA***"),
            (
                "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                Kind::Secret,
                "ghp_***",
            ),
            ("xoxb-123456789012-abcdefghijkl", Kind::Secret, "xoxb***"),
            ("from 8.8.4.4, retry", Kind::Ip, "8.8.*.*"),
            ("peer 2001:4860:4860::8888", Kind::Ip, "2001:4860:***"),
        ] {
            assert_eq!(find(value), [(kind, sample.to_owned())], "{value}");
        }
    }

    #[test]
    fn does_not_find_look_alikes() {
        for value in [
            "order 1234-5678-9012-3456", // not Luhn-valid
            "timestamp 1700000000000",   // a Luhn-valid count of digits, no card prefix
            "at 1712345678901 and 1712345678",
            "version 1.2.3 and v10.4.2.1 and 4.2.1-beta",
            "build 10.0.19045.2965",
            "id 550e8400-e29b-41d4-a716-446655440000",
            "key phc_abcdefghijklmnopqrstuvwxyz0123456789",
            "local 127.0.0.1, 192.168.1.20, 10.0.0.1, 172.16.5.4, ::1, fe80::1",
            "masked ******** and **** **** **** ****",
            "date 2024-01-15 12:30:45+02:00",
            "css a::before, li:nth-child(2n+1)",
            "mac 00:1a:2b:3c:4d:5e",
            "at user@localhost",
            "sum 4111111111111112", // not Luhn-valid
            "ssn-like 000-12-3456 and 666-12-3456",
            "+3 points",
            "DE12 is not an IBAN, nor is DE00123456789012345678",
            "#ff0000 rgba(0,0,0,0.5) 1e10",
            "sku ABCD-1234-EFGH",
        ] {
            assert_eq!(find(value), [], "{value}");
        }
    }

    #[test]
    fn header_values_are_findings_whole() {
        let mut found = Vec::new();
        scan_value("session=abc123def", true, &mut |k, s| found.push((k, s)));
        assert_eq!(found, [(Kind::Bearer, "sess***".to_owned())]);
        found.clear();
        scan_value("*********", true, &mut |k, s| found.push((k, s)));
        assert_eq!(found, []);
    }

    #[test]
    fn walks_strings_with_their_keys() {
        let mut seen = Vec::new();
        walk_strings(
            r#"{"a":{"b":["x",{"c":"y"}],"d":1,"e":"z\u0040"},"f":[true,"w"]}"#,
            |path, value| seen.push((path.join("/"), value.text().into_owned())),
        );
        assert_eq!(
            seen,
            [
                ("a/b".to_owned(), "x".to_owned()),
                ("a/b/c".to_owned(), "y".to_owned()),
                ("a/e".to_owned(), "z@".to_owned()),
                ("f".to_owned(), "w".to_owned()),
            ]
        );
    }

    /// What [`JsonString::scan`] finds in a value written as JSON (with `/` escaped as `\/`,
    /// too, when `slashes`), and what [`scan_value`] finds in the value itself.
    fn found_written_and_unescaped(value: &str, slashes: bool) -> [Vec<(Kind, String)>; 2] {
        let mut written = serde_json::to_string(value).unwrap();
        if slashes {
            written = written.replace('/', "\\/");
        }
        let mut in_json = Vec::new();
        walk_strings(&written, |_, string| {
            string.scan(false, &mut |kind, sample| in_json.push((kind, sample)))
        });
        [in_json, find(value)]
    }

    #[test]
    fn strings_with_only_plain_escapes_are_scanned_as_written_with_the_same_findings() {
        for value in [
            r#"{"email":"jane.doe@example.org","card":"4111 1111 1111 1111"}"#,
            r#"{"phone":"+1 415 555 0100","ssn":"123-45-6789","ip":"8.8.4.4"}"#,
            r#"say "+44 (20) 7946-0958" and "2001:4860:4860::8888""#,
            r#"Authorization: Bearer "abcdef0123456789abcdef" / "sk_live_4eC39HqLyjWDarjtT1zdp7dc""#,
            r#"https://example.org/a?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjg"#,
            r#"C:\Users\jane@example.org\8.8.8.8\"DE89 3704 0044 0532 0130 00""#,
            r#""1::""#,
            "\"1::",
            r#"a"b\c/d"e"#,
            "line one\njane@example.org", // `\n`: scanned as text
        ] {
            for slashes in [false, true] {
                let [written, unescaped] = found_written_and_unescaped(value, slashes);
                assert_eq!(written, unescaped, "{value}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn scanning_as_written_finds_what_the_text_holds(
            value in "[a-zA-Z0-9@.:+() _/\"\\\\\n-]{0,60}",
            slashes: bool,
        ) {
            let [written, unescaped] = found_written_and_unescaped(&value, slashes);
            proptest::prop_assert_eq!(written, unescaped);
        }
    }

    #[test]
    fn a_pathological_string_is_scanned_in_linear_time() {
        // Each of these would make a backtracking pattern go quadratic or worse. Ten times the
        // text must take about ten times as long (a quadratic scan would take a hundred).
        let time = |value: &str| {
            let started = std::time::Instant::now();
            find(value);
            started.elapsed().as_secs_f64()
        };
        for unit in [
            "a@", "1 ", "1.", "+1 ", "a:", "eyJa.", "DE89 ", "@a.", "-1", "1-",
        ] {
            let small = time(&unit.repeat(20_000));
            let large = time(&unit.repeat(200_000));
            assert!(
                large < 40.0 * small + 0.05,
                "{unit:?}: {small}s, then {large}s"
            );
        }
    }
}
