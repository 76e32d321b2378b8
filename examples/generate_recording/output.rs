//! Writing a session to a file: the two formats, posthog-js's compression, and stopping at
//! the size asked for.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;

use anyhow::{Result, bail};
use flate2::Compression;
use flate2::GzBuilder;
use replay_html::recording::{event_type, source};
use serde::Serialize;

use crate::dom::Dom;
use crate::session::Session;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// PostHog "Export to file" JSON (version 2023-04-28), windows numbered 1..n.
    Export,
    /// PostHog snapshot JSONL as stored in blob_v2: `["<window uuid>", event]` per line, with
    /// events compressed as posthog-js sends them (`"cv":"2024-10"`).
    Jsonl,
}

/// How a window is named in each format: the export numbers windows, the JSONL keeps the
/// UUID posthog-js gave the window.
pub struct WindowTag {
    pub number: u32,
    pub uuid: String,
}

/// Serialization into a `Vec` fails only when an event names a node that is not on the page,
/// which would be a bug in the generator, not a problem with the arguments.
const CONSISTENT: &str = "an event refers to a node that is not on its page";

/// One step of the session, serialized. The values posthog-js compresses are kept as JSON
/// text ([`Part::Packed`]) until [`Step::finish`] compresses them, on the writing thread.
#[derive(Default)]
pub struct Step {
    parts: Vec<Part>,
}

enum Part {
    Plain(Vec<u8>),
    Packed(Vec<u8>),
}

/// The gzip level fflate uses unless told otherwise, as posthog-js calls it.
const POSTHOG_GZIP_LEVEL: u32 = 6;
/// Unix, as fflate writes in the gzip header.
const GZIP_OS_UNIX: u8 = 3;

impl Step {
    fn plain(&mut self) -> &mut Vec<u8> {
        if !matches!(self.parts.last(), Some(Part::Plain(_))) {
            self.parts.push(Part::Plain(Vec::new()));
        }
        match self.parts.last_mut() {
            Some(Part::Plain(bytes)) => bytes,
            _ => unreachable!("a plain part was just pushed"),
        }
    }

    fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The most bytes the finished step can take: a packed value's gzip is at most an eighth
    /// (and a header) longer than its JSON (deflate falls back to stored blocks, which add
    /// 5 bytes per 64 KiB), and each of its bytes is written as at most 6 characters.
    fn size_bound(&self) -> u64 {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Plain(bytes) => bytes.len() as u64,
                Part::Packed(json) => {
                    let json = json.len() as u64;
                    6 * (json + json / 8 + 64) + 2
                }
            })
            .sum()
    }

    /// The step's bytes, each packed value compressed as posthog-js does: the string whose
    /// characters U+0000..U+00FF are the bytes of gzip of the value's JSON text (fflate's
    /// `gzipSync` with its defaults: level 6, a zero time and OS 3 in the header).
    fn finish(self, into: &mut Vec<u8>) {
        for part in self.parts {
            match part {
                Part::Plain(bytes) => into.extend_from_slice(&bytes),
                Part::Packed(json) => {
                    let mut gzip = GzBuilder::new()
                        .mtime(0)
                        .operating_system(GZIP_OS_UNIX)
                        .write(Vec::new(), Compression::new(POSTHOG_GZIP_LEVEL));
                    gzip.write_all(&json).expect("gzip into memory");
                    let bytes = gzip.finish().expect("gzip into memory");
                    let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
                    serde_json::to_writer(&mut *into, &latin1).expect("a string serializes");
                }
            }
        }
    }
}

/// Serializes the events of one step in the file's format.
pub struct Emitter {
    format: Format,
    step: Step,
}

impl Emitter {
    pub fn new(format: Format) -> Emitter {
        Emitter {
            format,
            step: Step::default(),
        }
    }

    pub fn into_step(self) -> Step {
        self.step
    }

    /// An event whose data posthog-js sends as it is.
    pub fn event(&mut self, window: &WindowTag, kind: u8, timestamp: u64, data: &impl Serialize) {
        self.open(window, kind);
        serde_json::to_writer(self.step.plain(), data).expect(CONSISTENT);
        self.close(window, timestamp, false);
    }

    /// A full snapshot: posthog-js compresses its whole `data`.
    pub fn full_snapshot(&mut self, window: &WindowTag, timestamp: u64, data: &impl Serialize) {
        self.open(window, event_type::FULL_SNAPSHOT);
        self.value(data);
        self.close(window, timestamp, true);
    }

    /// A mutation event of the page's changes since the last one (none: no event).
    /// posthog-js compresses each of its `texts`, `attributes`, `removes` and `adds`.
    pub fn mutation(&mut self, window: &WindowTag, timestamp: u64, dom: &mut Dom) {
        let mutation = dom.take_mutation();
        if mutation.is_empty() {
            return;
        }
        self.open(window, event_type::INCREMENTAL_SNAPSHOT);
        write!(
            self.step.plain(),
            "{{\"source\":{},\"texts\":",
            source::MUTATION
        )
        .expect("writing to memory");
        self.value(&mutation.texts);
        self.step.plain().extend_from_slice(b",\"attributes\":");
        self.value(&mutation.attributes);
        self.step.plain().extend_from_slice(b",\"removes\":");
        self.value(&mutation.removes);
        self.step.plain().extend_from_slice(b",\"adds\":");
        self.value(&dom.adds(&mutation));
        self.step.plain().push(b'}');
        self.close(window, timestamp, true);
    }

    /// A value posthog-js compresses: as it is in the export, packed in the JSONL.
    fn value(&mut self, value: &impl Serialize) {
        match self.format {
            Format::Export => serde_json::to_writer(self.step.plain(), value).expect(CONSISTENT),
            Format::Jsonl => {
                let json = serde_json::to_vec(value).expect(CONSISTENT);
                self.step.parts.push(Part::Packed(json));
            }
        }
    }

    /// `{"type","data","timestamp","windowId"}` in the export (comma-separated); a line
    /// `["<uuid>",{"type","data","timestamp"[,"cv"]}]` in the JSONL, as the real files have.
    fn open(&mut self, window: &WindowTag, kind: u8) {
        let first = self.step.is_empty();
        let format = self.format;
        let out = self.step.plain();
        match format {
            Format::Export if !first => out.push(b','),
            Format::Export => {}
            Format::Jsonl => write!(out, "[\"{}\",", window.uuid).expect("writing to memory"),
        }
        write!(out, "{{\"type\":{kind},\"data\":").expect("writing to memory");
    }

    fn close(&mut self, window: &WindowTag, timestamp: u64, packed: bool) {
        let format = self.format;
        let out = self.step.plain();
        match format {
            Format::Export => {
                write!(
                    out,
                    ",\"timestamp\":{timestamp},\"windowId\":{}}}",
                    window.number
                )
            }
            Format::Jsonl if packed => {
                writeln!(out, ",\"timestamp\":{timestamp},\"cv\":\"2024-10\"}}]")
            }
            Format::Jsonl => writeln!(out, ",\"timestamp\":{timestamp}}}]"),
        }
        .expect("writing to memory");
    }
}

/// The file being written, and how much of the size asked for is left.
struct File<'a, W> {
    out: &'a mut W,
    format: Format,
    target: u64,
    /// Bytes written, and the trailer still to come.
    written: u64,
    steps: u64,
    buffer: Vec<u8>,
}

impl<W: Write> File<'_, W> {
    fn separator(&self) -> &'static [u8] {
        match self.format {
            Format::Export if self.steps > 0 => b",",
            _ => b"",
        }
    }

    /// Bytes left for the next step.
    fn room(&self) -> u64 {
        self.target
            .saturating_sub(self.written + self.separator().len() as u64)
    }

    /// Writes a step if it fits in the room left; returns whether it did.
    fn append(&mut self, step: Step) -> io::Result<bool> {
        if step.is_empty() {
            return Ok(true);
        }
        self.buffer.clear();
        self.buffer.extend_from_slice(self.separator());
        step.finish(&mut self.buffer);
        if self.written + self.buffer.len() as u64 > self.target {
            return Ok(false);
        }
        self.out.write_all(&self.buffer)?;
        self.written += self.buffer.len() as u64;
        self.steps += 1;
        Ok(true)
    }
}

/// Steps made ahead while the writing thread compresses and writes: enough to keep both
/// threads busy.
const PIPELINE_DEPTH: usize = 2;

/// Writes the session until the file is `target` bytes, give or take a small step, and
/// returns the bytes written.
///
/// The first step that would overshoot the target is left out, and the session ends with
/// [`Session::fill`], which fills the rest closely.
pub fn write_recording(
    mut session: Session,
    format: Format,
    target: u64,
    out: &mut (impl Write + Send),
) -> Result<u64> {
    let header = header(&session, format)?;
    let trailer: &[u8] = match format {
        Format::Export => b"]}}",
        Format::Jsonl => b"",
    };
    out.write_all(&header)?;
    let mut file = File {
        out,
        format,
        target,
        written: (header.len() + trailer.len()) as u64,
        steps: 0,
        buffer: Vec::new(),
    };
    let mut next = write_ahead(&mut session, &mut file)?;
    loop {
        let step = next
            .take()
            .unwrap_or_else(|| next_step(&mut session, format));
        if !file.append(step)? {
            break;
        }
    }
    if file.steps == 0 {
        bail!("{target} bytes cannot hold even the first page load; ask for a larger --size");
    }
    loop {
        let mut emitter = Emitter::new(format);
        session.fill(&mut emitter, file.room());
        let step = emitter.into_step();
        if step.is_empty() || !file.append(step)? {
            break;
        }
    }
    file.out.write_all(trailer)?;
    file.out.flush()?;
    Ok(file.written)
}

fn next_step(session: &mut Session, format: Format) -> Step {
    let mut emitter = Emitter::new(format);
    session.step(&mut emitter);
    emitter.into_step()
}

/// Makes steps on this thread while another compresses and writes them, for as long as no
/// step can overshoot the target even at its largest ([`Step::size_bound`]). Returns the
/// first step that might, unwritten: from there on, steps are written one at a time.
///
/// The file does not depend on when this stops: no step is left out before it does.
fn write_ahead<W: Write + Send>(session: &mut Session, file: &mut File<W>) -> Result<Option<Step>> {
    let target = file.target;
    // Upper bound of the file's size once all steps sent so far are written; `slack` is how
    // much the written ones came in under their bound.
    let mut bound = file.written;
    let slack = AtomicU64::new(0);
    let format = file.format;
    thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<(Step, u64)>(PIPELINE_DEPTH);
        let writer = scope.spawn(|| -> io::Result<()> {
            for (step, step_bound) in receiver {
                let before = file.written;
                assert!(file.append(step)?, "a step overshot its size bound");
                let size = file.written - before;
                slack.fetch_add(step_bound - size, Ordering::Relaxed);
            }
            Ok(())
        });
        let held = loop {
            let step = next_step(session, format);
            // A comma before each export step.
            let step_bound = step.size_bound() + 1;
            if bound - slack.load(Ordering::Relaxed) + step_bound > target {
                break Some(step);
            }
            bound += step_bound;
            if sender.send((step, step_bound)).is_err() {
                break None; // the writer failed; joining it tells why
            }
        };
        drop(sender);
        writer.join().expect("the writing thread panicked")?;
        Ok(held)
    })
}

/// The export's opening, up to its `snapshots` array; the JSONL has none.
fn header(session: &Session, format: Format) -> Result<Vec<u8>> {
    let mut header = Vec::new();
    if format == Format::Export {
        write!(
            header,
            "{{\"version\":\"2023-04-28\",\"data\":{{\"id\":\"{}\",\"person\":",
            session.id
        )?;
        serde_json::to_writer(&mut header, &session.person())?;
        header.extend_from_slice(b",\"snapshots\":[");
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    //! Run with `cargo test --example generate_recording`.

    use std::collections::HashMap;

    use replay_html::recording::posthog_compression::expand_event;
    use serde_json::Value;

    use super::*;

    const SIZE: u64 = 6_000_000;
    /// The gzip header fflate writes: no flags, a zero time, OS 3 (Unix).
    const FFLATE_HEADER: [u32; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];

    fn generate(format: Format, seed: u64) -> Vec<u8> {
        let mut file = Vec::new();
        write_recording(
            Session::new(seed, crate::session::Shape::Dashboard),
            format,
            SIZE,
            &mut file,
        )
        .unwrap();
        file
    }

    /// The events of a file, decompressed, each with its window.
    fn events(format: Format, file: &[u8]) -> Vec<(String, Value)> {
        match format {
            Format::Export => {
                let export: Value = serde_json::from_slice(file).unwrap();
                let snapshots = export["data"]["snapshots"].as_array().unwrap();
                snapshots
                    .iter()
                    .map(|event| {
                        let mut event = event.clone();
                        let window = event.as_object_mut().unwrap().remove("windowId").unwrap();
                        (window.to_string(), event)
                    })
                    .collect()
            }
            Format::Jsonl => std::str::from_utf8(file)
                .unwrap()
                .lines()
                .map(|line| {
                    let line: (String, Value) = serde_json::from_str(line).unwrap();
                    (line.0, decompress(line.1))
                })
                .collect(),
        }
    }

    /// Expands a posthog-js compressed event as the crate does, after checking that each
    /// packed value is a string with fflate's gzip header.
    fn decompress(event: Value) -> Value {
        if event.get("cv").is_none() {
            return event;
        }
        let packed: Vec<&Value> = if event["type"] == 2 {
            vec![&event["data"]]
        } else {
            ["texts", "attributes", "removes", "adds"]
                .iter()
                .map(|field| &event["data"][*field])
                .collect()
        };
        for value in packed {
            let header: Vec<u32> = value
                .as_str()
                .unwrap()
                .chars()
                .take(10)
                .map(u32::from)
                .collect();
            assert_eq!(header, FFLATE_HEADER, "fflate's header");
        }
        let expanded = expand_event(&event.to_string()).unwrap();
        serde_json::from_str(&expanded).unwrap()
    }

    #[test]
    fn same_arguments_give_the_same_bytes_and_seeds_differ() {
        for format in [Format::Export, Format::Jsonl] {
            assert_eq!(generate(format, 3), generate(format, 3));
            assert_ne!(generate(format, 3), generate(format, 4));
        }
    }

    #[test]
    fn files_end_close_to_the_size_asked_for() {
        for format in [Format::Export, Format::Jsonl] {
            let size = generate(format, 1).len() as u64;
            assert!(size <= SIZE && size > SIZE - SIZE / 100, "{size} bytes");
        }
    }

    #[test]
    fn the_jsonl_tells_the_same_session_as_the_export() {
        let export = events(Format::Export, &generate(Format::Export, 2));
        let jsonl = events(Format::Jsonl, &generate(Format::Jsonl, 2));
        assert!(
            jsonl.len() > export.len(),
            "the JSONL holds more of the session"
        );
        // Up to where the export's end filled its last bytes.
        let shared = export.len() * 9 / 10;
        for (i, ((_, a), (_, b))) in export.iter().zip(&jsonl).take(shared).enumerate() {
            assert_eq!(a, b, "event {i}");
        }
    }

    /// Replays every event against a mirror of each window's page: each id an event names is
    /// on the page, and adds and removes keep parents right.
    #[test]
    fn events_only_name_nodes_on_their_page() {
        for format in [Format::Export, Format::Jsonl] {
            let mut pages: HashMap<String, Mirror> = HashMap::new();
            let mut windows_seen = Vec::new();
            let mut last_time = 0;
            for (window, event) in events(format, &generate(format, 1)) {
                let time = event["timestamp"].as_u64().unwrap();
                assert!(time > last_time, "events come in strictly increasing time");
                last_time = time;
                if !windows_seen.contains(&window) {
                    assert_eq!(event["type"], 4, "a window starts with Meta");
                    windows_seen.push(window.clone());
                }
                let page = pages.entry(window).or_default();
                page.apply(&event);
            }
            assert!(windows_seen.len() >= 2, "{} windows", windows_seen.len());
        }
    }

    #[derive(Default)]
    struct Mirror {
        /// Node id to parent id.
        parents: HashMap<u64, u64>,
        children: HashMap<u64, Vec<u64>>,
    }

    impl Mirror {
        fn apply(&mut self, event: &Value) {
            let data = &event["data"];
            match (event["type"].as_u64().unwrap(), data["source"].as_u64()) {
                (2, _) => {
                    *self = Mirror::default();
                    self.add_tree(&data["node"], 0);
                }
                (3, Some(0)) => self.mutate(data),
                (3, Some(1)) => {
                    for position in data["positions"].as_array().unwrap() {
                        self.check(&position["id"]);
                    }
                }
                (3, Some(2 | 3 | 5)) => self.check(&data["id"]),
                _ => {}
            }
        }

        fn check(&self, id: &Value) {
            let id = id.as_u64().unwrap();
            assert!(
                self.parents.contains_key(&id),
                "node {id} is not on the page"
            );
        }

        fn add_tree(&mut self, node: &Value, parent: u64) {
            let id = node["id"].as_u64().unwrap();
            self.insert(id, parent);
            for child in node["childNodes"].as_array().into_iter().flatten() {
                self.add_tree(child, id);
            }
        }

        fn insert(&mut self, id: u64, parent: u64) {
            assert!(
                self.parents.insert(id, parent).is_none(),
                "node {id} added twice"
            );
            self.children.entry(parent).or_default().push(id);
        }

        fn mutate(&mut self, data: &Value) {
            for removal in data["removes"].as_array().unwrap() {
                let id = removal["id"].as_u64().unwrap();
                assert_eq!(self.parents.get(&id), removal["parentId"].as_u64().as_ref());
                self.remove(id);
            }
            for add in data["adds"].as_array().unwrap() {
                let parent = add["parentId"].as_u64().unwrap();
                self.check(&add["parentId"]);
                if let Some(next) = add["nextId"].as_u64() {
                    assert_eq!(
                        self.parents.get(&next),
                        Some(&parent),
                        "next {next} is a sibling"
                    );
                }
                assert!(
                    add["node"]["childNodes"]
                        .as_array()
                        .is_none_or(|c| c.is_empty())
                );
                self.insert(add["node"]["id"].as_u64().unwrap(), parent);
            }
            for change in data["texts"].as_array().unwrap() {
                self.check(&change["id"]);
            }
            for change in data["attributes"].as_array().unwrap() {
                self.check(&change["id"]);
            }
        }

        fn remove(&mut self, id: u64) {
            let parent = self.parents[&id];
            self.children.get_mut(&parent).unwrap().retain(|&c| c != id);
            self.drop_subtree(id);
        }

        fn drop_subtree(&mut self, id: u64) {
            self.parents.remove(&id);
            for child in self.children.remove(&id).unwrap_or_default() {
                self.drop_subtree(child);
            }
        }
    }
}
