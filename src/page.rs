//! Rendering the page: the payloads, the vendored player and the viewer, in one HTML file.
//!
//! `templates/page.html` is the only template; the viewer's scripts and styles
//! (`templates/viewer/`) and the player (`vendor-player/`) are inlined as they are. All of them
//! are compiled into the binary, so an installed `replay-html` needs no file beside it. The
//! page is written as it is rendered: the data blocks, most of its size, are never copied.

use std::io::Write;

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use include_dir::{Dir, include_dir};
use minijinja::{Environment, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};

use rayon::prelude::*;

use crate::Progress;
use crate::payload::{self, Chunk, Packed, Payload};

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static VENDOR_PLAYER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/vendor-player");

const PAGE_TEMPLATE: &str = "page.html";
/// One data element of the page.
const DATA_TEMPLATE: &str = "data.html";
/// Where `page.html` puts the data: an HTML comment, which no escaped text can hold.
const DATA_MARKER: &str = "<!-- replay-html: the data goes here -->";
/// Where `data.html` puts a block's text, which the page writes itself, in its encoding.
const DATA_TEXT: &str = "<!-- replay-html: the block's text goes here -->";

/// The viewer's scripts, in the order they run (all in one function scope): helpers, the data
/// and the players, the parts of the page, the API, and last the start.
const VIEWER_SCRIPTS: [&str; 23] = [
    "viewer/support.js",
    "viewer/format.js",
    "viewer/dom.js",
    "viewer/decode.js",
    "viewer/mobile.js",
    "viewer/window-player.js",
    "viewer/loader.js",
    "viewer/session.js",
    "viewer/app.js",
    "viewer/header.js",
    "viewer/timeline.js",
    "viewer/controls.js",
    "viewer/inspector.js",
    "viewer/inspector-console.js",
    "viewer/inspector-network.js",
    "viewer/inspector-events.js",
    "viewer/inspector-notes.js",
    "viewer/links.js",
    "viewer/keyboard.js",
    "viewer/embed.js",
    "viewer/collection.js",
    "viewer/api.js",
    "viewer/main.js",
];
/// The script run in <head>, before the page is drawn.
const HEAD_SCRIPT: &str = "viewer/head.js";
/// The viewer's stylesheets, in order: colours, basics, layout, then each part of the page.
const VIEWER_STYLES: [&str; 7] = [
    "viewer/theme.css",
    "viewer/base.css",
    "viewer/layout.css",
    "viewer/timeline.css",
    "viewer/controls.css",
    "viewer/inspector.css",
    "viewer/collection.css",
];

/// What the page shows besides the recordings.
#[derive(Debug, Clone)]
pub struct PageOptions<'a> {
    /// The page's title.
    pub title: &'a str,
    /// Block every remote resource, so that opening the page makes no request at all.
    pub offline: bool,
    /// How the viewer starts.
    pub viewer: &'a ViewerSettings,
    /// The page's content fingerprint (see [`crate::fingerprint`]), recorded in a `<meta>`.
    pub fingerprint: Option<&'a str>,
    /// Scan the events for personal data as their chunks are written ([`Rendered::findings`]).
    pub pii: bool,
    /// The file's encoding.
    pub encoding: PageEncoding,
}

/// How the viewer starts; a reader can change each in the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewerSettings {
    /// Start playing once the first frame is drawn.
    pub autoplay: bool,
    /// Playback speed.
    pub speed: f64,
    /// Where to open, in ms of session time (a link's `#t=` wins).
    pub start: Option<f64>,
    /// Skip stretches without user activity.
    pub skip_inactive: bool,
    pub theme: Theme,
    /// Show the inspector panel (console, network, events) at first.
    pub inspector_open: bool,
    /// Show only the replay and a slim control bar, for embedding in an iframe. (The page is
    /// marked `data-embed` in its HTML, where styles see it first; the viewer's script has no
    /// use for it.)
    #[serde(skip)]
    pub embed: bool,
}

impl Default for ViewerSettings {
    fn default() -> Self {
        ViewerSettings {
            autoplay: false,
            speed: 1.0,
            start: None,
            skip_inactive: true,
            theme: Theme::Auto,
            inspector_open: true,
            embed: false,
        }
    }
}

/// The page's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
    /// Follow the reader's system setting (`prefers-color-scheme`).
    Auto,
}

impl Theme {
    /// The theme's name, as the page's `data-theme` and the command line spell it.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

impl std::str::FromStr for Theme {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Theme> {
        match text {
            "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            "auto" => Ok(Theme::Auto),
            _ => bail!("{text:?} is not a theme: use light, dark or auto"),
        }
    }
}

/// The playback speeds the viewer offers, as PostHog's player does.
pub const SPEEDS: [f64; 8] = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0, 16.0];

/// Reads a playback speed: one of [`SPEEDS`].
pub fn parse_speed(text: &str) -> Result<f64> {
    let speed: f64 = text
        .trim()
        .trim_end_matches('x')
        .parse()
        .ok()
        .unwrap_or(f64::NAN);
    if SPEEDS.contains(&speed) {
        Ok(speed)
    } else {
        bail!("{text:?} is not a speed the viewer offers: use 0.5, 1, 1.5, 2, 3, 4, 8 or 16")
    }
}

/// Reads a moment of the session as milliseconds: seconds (`90`, `12.5`), hours, minutes and
/// seconds (`1h2m3s`, `1m30s`, `45s`), or a clock (`1:30`, `1:02:03`). The viewer reads a
/// link's `#t=` alike (templates/viewer).
pub fn parse_moment(text: &str) -> Result<f64> {
    let wrong = || anyhow::anyhow!("{text:?} is not a moment: use seconds (90), 1m30s or 1:30");
    let text = text.trim();
    let number = |s: &str| -> Result<f64> {
        s.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or_else(wrong)
    };
    let seconds = if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        if parts.len() > 3 {
            return Err(wrong());
        }
        parts.iter().try_fold(0.0, |total, part| {
            Ok::<f64, anyhow::Error>(total * 60.0 + number(part)?)
        })?
    } else if text.ends_with(['h', 'm', 's']) {
        let mut total = 0.0;
        let mut rest = text;
        for (unit, scale) in [('h', 3600.0), ('m', 60.0), ('s', 1.0)] {
            if let Some((value, after)) = rest.split_once(unit) {
                total += number(value)? * scale;
                rest = after;
            }
        }
        if !rest.is_empty() {
            return Err(wrong());
        }
        total
    } else {
        number(text)?
    };
    Ok(seconds * 1000.0)
}

/// Writes the whole page for one recording, or for a collection of several. Returns the
/// problems met (damaged compressed events, replaced by notes in the replay), and with
/// `options.pii` what the personal-data check found in the events.
///
/// The page is rendered with a marker where its data goes; the data is written there chunk by
/// chunk, each batch of chunks compressed on all cores, so that it is never all in memory.
pub fn render(
    payloads: &[Payload],
    options: &PageOptions,
    out: impl Write,
    progress: Option<&dyn Progress>,
) -> Result<Rendered> {
    let mut env = Environment::new();
    for name in [PAGE_TEMPLATE, DATA_TEMPLATE] {
        env.add_template(name, text_of(&TEMPLATES, name)?)
            .with_context(|| format!("the template {name} does not compile"))?;
    }
    // The page's scripts: one in <head> (head.js), then, after the page's markup and before its
    // data, the player, then the viewer that uses it.
    let head_script = inline_script(text_of(&TEMPLATES, HEAD_SCRIPT)?)?;
    let scripts = [
        inline_script(without_source_map(text_of(
            &VENDOR_PLAYER,
            "rrweb-player.min.js",
        )?))?,
        inline_script(viewer_script()?)?,
    ];
    let viewer_css = VIEWER_STYLES
        .iter()
        .map(|path| inline_style(text_of(&TEMPLATES, path)?))
        .collect::<Result<Vec<_>>>()?
        .join("\n");
    let summaries = payloads
        .iter()
        .map(|payload| json_for_script(&payload.summary))
        .collect::<Result<Vec<_>>>()?;
    let page = context! {
        title => options.title,
        content_security_policy => content_security_policy(
            &[head_script.as_str(), scripts[0].as_str(), scripts[1].as_str()],
            options.offline,
        ),
        head_script => head_script,
        generator => concat!("replay-html ", env!("CARGO_PKG_VERSION")),
        player_version => text_of(&VENDOR_PLAYER, "VERSION")?.trim(),
        fingerprint_name => crate::fingerprint::META_NAME,
        fingerprint => options.fingerprint,
        player_css => inline_style(text_of(&VENDOR_PLAYER, "rrweb-player.css")?)?,
        viewer_css => viewer_css,
        theme => options.viewer.theme.name(),
        embed => options.viewer.embed,
        settings_json => json_for_script(options.viewer)?,
        summaries => summaries,
        data => DATA_MARKER,
        scripts => scripts,
    };
    // The page as it is around its data (a UTF-16 page has no charset `<meta>`: its byte-order
    // mark says what it is).
    let render_page = |utf16: bool| -> Result<(String, String)> {
        let page = env
            .get_template(PAGE_TEMPLATE)?
            .render(context! { utf16 => utf16, ..page.clone() })?;
        match page.split_once(DATA_MARKER) {
            Some((head, tail)) if !tail.contains(DATA_MARKER) => {
                Ok((head.to_owned(), tail.to_owned()))
            }
            _ => bail!("the page template must say once where the data goes ({{{{ data }}}})"),
        }
    };
    let data = env.get_template(DATA_TEMPLATE)?;
    if let Some(progress) = progress {
        progress.start(
            payloads
                .iter()
                .flat_map(|p| &p.chunks)
                .map(|c| c.input_bytes())
                .sum(),
        );
    }
    let mut batches: Vec<Batches> = payloads
        .iter()
        .map(|payload| Batches::new(&payload.chunks, payload.page_order(), options.pii))
        .collect();
    // The first batch is packed before anything is written: it tells how well the data
    // compresses, and so which encoding makes the smaller page. The page around the data is
    // rendered meanwhile.
    let (page_text, first) = rayon::join(
        || render_page(options.encoding == PageEncoding::Utf16),
        || batches.first_mut().and_then(Iterator::next).transpose(),
    );
    let (mut head, mut tail) = page_text?;
    let mut first = first?;
    let encoding = match options.encoding {
        PageEncoding::Utf8 => Encoding::Utf8,
        PageEncoding::Utf16 => Encoding::Utf16,
        PageEncoding::Smaller => {
            let (bytes, elements) = estimate_data(payloads, first.as_deref().unwrap_or_default());
            let encoding = Encoding::smaller_for(&[&head, &tail], bytes, elements);
            if encoding == Encoding::Utf16 {
                (head, tail) = render_page(true)?;
            }
            encoding
        }
    };
    // The chunks packed from now on are written as text as they are packed, on the pool.
    for batches in &mut batches {
        batches.encoding = Some(encoding);
    }
    let mut file = PageFile::new(out, encoding)?;
    file.text(&head)?;
    let mut problems = Vec::new();
    let mut findings = Vec::new();
    for ((r, payload), batches) in payloads.iter().enumerate().zip(&mut batches) {
        // What the chunks met, by chunk: told window by window and in event order, whatever
        // the order the page carries them in.
        let mut met: Vec<(Vec<String>, Vec<crate::pii::Finding>)> = Vec::new();
        met.resize_with(payload.chunks.len(), Default::default);
        let mut batch = first.take().map(Ok).or_else(|| batches.next());
        while let Some(ready) = batch {
            let ready = ready?;
            // The next batch is packed while this one is written.
            let mut next = None;
            let written = rayon::in_place_scope(|scope| {
                scope.spawn(|_| next = batches.next());
                ready.into_iter().try_for_each(|ready| -> Result<()> {
                    let chunk = &payload.chunks[ready.index];
                    let text = match ready.text {
                        Some(text) => text,
                        None => encoding.block_text(&ready.packed.block.gz),
                    };
                    let element =
                        context! { recording => r, window => chunk.window, chunk => chunk.index };
                    file.data_element(&data, element, &text)?;
                    met[ready.index] = (ready.packed.problems, ready.packed.findings);
                    if let Some(progress) = progress {
                        progress.advance(chunk.input_bytes());
                    }
                    Ok(())
                })
            });
            written?;
            batch = next;
        }
        for (chunk_problems, chunk_findings) in met {
            problems.extend(chunk_problems);
            findings.extend(chunk_findings);
        }
        // The inspector's rows after the events: the viewer reads them once the first frame is
        // drawn, and a big block read before that frame would hold it back (the browser draws
        // nothing while it reads one element's text).
        file.data_element(
            &data,
            context! { recording => r, inspector => true },
            &encoding.block_text(&payload.inspector.gz),
        )?;
        if let Some(outliers) = &payload.outliers {
            file.data_element(
                &data,
                context! { recording => r, outliers => true },
                &encoding.block_text(&outliers.gz),
            )?;
        }
    }
    file.text(&tail)?;
    file.out.flush()?;
    Ok(Rendered {
        warnings: payload::summarize_warnings(problems),
        findings,
    })
}

/// What writing a page met.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Problems (damaged compressed events, replaced by notes in the replay).
    pub warnings: Vec<String>,
    /// With [`PageOptions::pii`], what the personal-data check found in the events, window by
    /// window and in event order (not in time order: see [`crate::pii::in_order`]).
    pub findings: Vec<crate::pii::Finding>,
}

/// A recording's chunks compressed on all cores, a batch at a time, in the order the page
/// carries them: a few chunks for each core keep them all busy, and memory holds only those.
/// (A batch is a rayon `par_iter`, whose waiting threads help with the work: nothing blocks a
/// thread of the pool, which may itself be bundling many pages at once.)
///
/// [`render`] packs the next batch while it writes one, in a rayon `in_place_scope`: the
/// writing stays on the calling thread (the page's output need not be `Send`), the packing is
/// spawned on the pool, and at the end of the scope the calling thread, if it is one of the
/// pool's, helps with the pool's work until the packing is done, as it would in a `par_iter`:
/// still no thread of the pool blocks. Two batches are in memory at most.
struct Batches<'p> {
    chunks: &'p [Chunk<'p>],
    order: std::vec::IntoIter<usize>,
    scan: bool,
    /// The page's encoding, once known: each block's text is then written on the pool too.
    encoding: Option<Encoding>,
}

/// A chunk packed for the page, with its index in the payload's chunks, and its block's text
/// if the page's encoding was known when it was packed (all but the first batch's chunks).
struct Ready {
    index: usize,
    packed: Packed,
    text: Option<Vec<u8>>,
}

impl<'p> Batches<'p> {
    fn new(chunks: &'p [Chunk<'p>], order: Vec<usize>, scan: bool) -> Batches<'p> {
        Batches {
            chunks,
            order: order.into_iter(),
            scan,
            encoding: None,
        }
    }
}

impl Iterator for Batches<'_> {
    type Item = Result<Vec<Ready>>;

    fn next(&mut self) -> Option<Self::Item> {
        let indices: Vec<usize> = self
            .order
            .by_ref()
            .take(4 * rayon::current_num_threads())
            .collect();
        if indices.is_empty() {
            return None;
        }
        Some(
            indices
                .into_par_iter()
                .map(|index| {
                    let packed = self.chunks[index].pack(self.scan)?;
                    let text = self.encoding.map(|e| e.block_text(&packed.block.gz));
                    Ok(Ready {
                        index,
                        packed,
                        text,
                    })
                })
                .collect(),
        )
    }
}

/// Which encoding a page is written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PageEncoding {
    /// The one that makes the smaller file: UTF-16 once the data is a few megabytes.
    #[default]
    Smaller,
    Utf8,
    Utf16,
}

impl std::str::FromStr for PageEncoding {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<PageEncoding> {
        match text.to_ascii_lowercase().as_str() {
            "smaller" => Ok(PageEncoding::Smaller),
            "utf-8" | "utf8" => Ok(PageEncoding::Utf8),
            "utf-16" | "utf16" => Ok(PageEncoding::Utf16),
            _ => bail!("{text:?} is not a page encoding: use smaller, utf-8 or utf-16"),
        }
    }
}

/// How a page's text is stored in its file.
///
/// Most of a big page is its data blocks: compressed bytes, written as text. UTF-8 text can
/// carry at most 7 bits in a byte, so a UTF-8 page carries them as [`base122`](crate::base122),
/// 8 bytes for 7 (+14%). UTF-16 text carries nearly 16 bits in two bytes, so a UTF-16 page
/// carries them as [`utf16_text`](crate::utf16_text) (+3%), but every other character (the
/// player, the viewer, the summaries: about 400 KB of it) takes two bytes instead of one. A
/// UTF-16 page starts with a byte-order mark, which a browser trusts over any charset a server
/// names, so it opens from any host as from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The encoding that makes the smaller page, for its text (the page's markup, scripts and
    /// summaries) and about this many bytes of compressed data in this many data elements.
    fn smaller_for(text: &[&str], data_bytes: u64, data_elements: usize) -> Encoding {
        // The markup of one data element (data.html), about.
        const ELEMENT_CHARACTERS: u64 = 130;
        let markup = ELEMENT_CHARACTERS * data_elements as u64;
        let utf8_text: u64 = text.iter().map(|t| t.len() as u64).sum::<u64>() + markup;
        // A character outside the Basic Multilingual Plane (4 bytes in UTF-8, led by a byte
        // from 0xF0) takes two units; every other character, one.
        let utf16_units: u64 = text
            .iter()
            .map(|t| (t.chars().count() + t.bytes().filter(|&b| b >= 0xf0).count()) as u64)
            .sum::<u64>()
            + markup;
        let utf8 = utf8_text + data_bytes * 8 / 7;
        let utf16 = 2 * utf16_units + data_bytes * 1031 / 1000;
        if utf16 < utf8 {
            Encoding::Utf16
        } else {
            Encoding::Utf8
        }
    }

    /// The encoding's name, as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
        }
    }

    /// The page's bytes for a data block's compressed bytes.
    pub fn block_text(self, data: &[u8]) -> Vec<u8> {
        match self {
            Encoding::Utf8 => crate::base122::encode(data).into_bytes(),
            Encoding::Utf16 => crate::utf16_text::encode(data),
        }
    }

    /// A data block's compressed bytes, back from its text as a reader of the page has it;
    /// `None` if it is not such text.
    pub fn block_bytes(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Utf8 => crate::base122::decode(text.trim()),
            Encoding::Utf16 => crate::utf16_text::decode(text),
        }
    }
}

/// How many bytes of compressed data a page will carry, in how many data elements, told from
/// its first batch of chunks before the rest is compressed: the blocks packed so far as they
/// are, the other chunks at the same ratio to their events.
fn estimate_data(payloads: &[Payload], first: &[Ready]) -> (u64, usize) {
    let (packed_in, packed_out) = first.iter().fold((0, 0), |(i, o), ready| {
        (
            i + payloads[0].chunks[ready.index].input_bytes(),
            o + ready.packed.block.gz.len() as u64,
        )
    });
    let all_in: u64 = payloads
        .iter()
        .flat_map(|p| &p.chunks)
        .map(Chunk::input_bytes)
        .sum();
    let rest = (all_in - packed_in) as f64 * packed_out as f64 / packed_in.max(1) as f64;
    let blocks = payloads
        .iter()
        .flat_map(|p| std::iter::once(&p.inspector).chain(&p.outliers));
    let bytes = packed_out + rest as u64 + blocks.clone().map(|b| b.gz.len() as u64).sum::<u64>();
    let elements = payloads.iter().map(|p| p.chunks.len()).sum::<usize>() + blocks.count();
    (bytes, elements)
}

/// The page's file: text written in the page's encoding, a UTF-16 page after its byte-order
/// mark.
struct PageFile<W> {
    out: W,
    encoding: Encoding,
}

impl<W: Write> PageFile<W> {
    fn new(mut out: W, encoding: Encoding) -> Result<PageFile<W>> {
        if encoding == Encoding::Utf16 {
            out.write_all(&[0xff, 0xfe])?;
        }
        Ok(PageFile { out, encoding })
    }

    fn text(&mut self, text: &str) -> Result<()> {
        match self.encoding {
            Encoding::Utf8 => self.out.write_all(text.as_bytes())?,
            Encoding::Utf16 => {
                let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
                self.out.write_all(&bytes)?;
            }
        }
        Ok(())
    }

    /// One data element (`data.html` with `element`'s attributes) around a block's text,
    /// already in the page's encoding ([`Encoding::block_text`]).
    fn data_element(
        &mut self,
        template: &minijinja::Template,
        element: Value,
        text: &[u8],
    ) -> Result<()> {
        let markup = template.render(context! { text => DATA_TEXT, ..element })?;
        let Some((open, close)) = markup.split_once(DATA_TEXT) else {
            bail!("the data template must say where the block's text goes ({{{{ text }}}})");
        };
        self.text(open)?;
        self.out.write_all(text)?;
        self.text(close)
    }
}

/// The page's Content-Security-Policy, composed here and nowhere else.
///
/// - Scripts: only the page's own, each allowed by its sha256 hash; nothing else runs, and
///   `eval` is off. The recording's scripts never run anyway: rrweb's replay iframe is
///   sandboxed without `allow-scripts`, and it inherits this policy.
/// - Styles: inline styles are allowed. They must be: the replay iframe inherits this policy,
///   and rrweb rebuilds the recorded page's styles as inline `<style>` elements and `style`
///   attributes. (Listing hashes would switch `'unsafe-inline'` off and unstyle every replay.)
/// - Remote images, fonts, stylesheets and media of the recorded site load by default, so the
///   replay looks as the page did; `offline` blocks them, and then opening the page makes no
///   request at all.
/// - No connections, frames, workers, plugins, form submissions or `<base>` changes.
pub fn content_security_policy(scripts: &[&str], offline: bool) -> String {
    let remote = if offline { "" } else { " http: https:" };
    let script_hashes: Vec<String> = scripts
        .iter()
        .map(|script| {
            format!(
                "'sha256-{}'",
                BASE64.encode(Sha256::digest(script.as_bytes()))
            )
        })
        .collect();
    [
        "default-src 'none'".to_owned(),
        format!("script-src {}", script_hashes.join(" ")),
        format!("style-src 'unsafe-inline'{remote}"),
        format!("img-src data: blob:{remote}"),
        format!("font-src data:{remote}"),
        format!("media-src data: blob:{remote}"),
        "connect-src 'none'".to_owned(),
        "frame-src 'none'".to_owned(),
        "worker-src 'none'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'none'".to_owned(),
    ]
    .join("; ")
}

/// The viewer's scripts, in the order they run, in one function scope so that nothing but
/// `window.replayHtml` reaches the page's global scope.
fn viewer_script() -> Result<String> {
    let mut script = String::from("(() => {\n'use strict';\n");
    for part in VIEWER_SCRIPTS {
        script.push_str(text_of(&TEMPLATES, part)?);
        script.push('\n');
    }
    script.push_str("})();\n");
    Ok(script)
}

fn text_of(dir: &'static Dir<'static>, path: &str) -> Result<&'static str> {
    dir.get_file(path)
        .and_then(|f| f.contents_utf8())
        .with_context(|| format!("the built-in file {path} is missing (the binary was built from an incomplete checkout)"))
}

/// The vendored script ends with a `sourceMappingURL` comment naming a file the page does not
/// carry; drop it so the page refers to nothing outside itself.
fn without_source_map(script: &str) -> &str {
    match script.rfind("\n//# sourceMappingURL=") {
        Some(at) => &script[..at],
        None => script,
    }
}

/// A script's text, checked to be safe inside `<script>`: nothing in it may end the element.
fn inline_script(script: impl Into<String>) -> Result<String> {
    let script = script.into();
    if contains_ignore_case(&script, "</script") || contains_ignore_case(&script, "<!--") {
        bail!("a built-in script holds \"</script\" or \"<!--\" and cannot be inlined");
    }
    Ok(script)
}

/// A stylesheet's text, checked to be safe inside `<style>`.
fn inline_style(style: &str) -> Result<&str> {
    if contains_ignore_case(style, "</style") {
        bail!("a built-in stylesheet holds \"</style\" and cannot be inlined");
    }
    Ok(style)
}

/// Whether `haystack` holds `needle`, ASCII letters matched in either case. Looks only where
/// the needle's first byte is (for the tags looked for, a `<`): the player alone is 300 KB.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(first) = needle.first() else {
        return true;
    };
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        haystack,
    )
    .any(|at| {
        haystack
            .get(at..at + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// JSON that can sit inside a `<script type="application/json">` element whatever the strings
/// in it hold: `<`, `>` and `&` are written as `\u` escapes, which JSON.parse reads back as they were.
pub fn json_for_script(value: &impl Serialize) -> Result<String> {
    let json = serde_json::to_string(value).context("could not write the page's JSON")?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_for_script_cannot_end_the_element() {
        let text =
            json_for_script(&json!({"t": "</script><img src=x onerror=alert(1)>&amp;"})).unwrap();
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["t"], "</script><img src=x onerror=alert(1)>&amp;");
    }

    #[test]
    fn drops_the_source_map_comment() {
        assert_eq!(without_source_map("a()\n//# sourceMappingURL=x.map"), "a()");
        let player = without_source_map(text_of(&VENDOR_PLAYER, "rrweb-player.min.js").unwrap());
        assert!(!player.contains("//# sourceMappingURL=rrweb-player"));
    }

    #[test]
    fn the_policy_allows_each_script_by_hash_and_nothing_remote_offline() {
        let scripts = ["alert(1)"];
        let policy = content_security_policy(&scripts, false);
        // echo -n 'alert(1)' | openssl sha256 -binary | base64
        assert!(
            policy.contains("script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"),
            "{policy}"
        );
        assert!(!policy.contains("unsafe-eval"));
        assert!(
            policy.contains("connect-src 'none'")
                && policy.contains("img-src data: blob: http: https:")
        );
        let offline = content_security_policy(&scripts, true);
        assert!(!offline.contains("http"), "{offline}");
    }

    #[test]
    fn reads_moments_and_speeds_as_the_viewer_does() {
        for (text, ms) in [
            ("90", 90_000.0),
            ("12.5", 12_500.0),
            ("1m30s", 90_000.0),
            ("45s", 45_000.0),
            ("1h2m3s", 3_723_000.0),
            ("2m", 120_000.0),
            ("1:30", 90_000.0),
            ("1:02:03", 3_723_000.0),
        ] {
            assert_eq!(parse_moment(text).unwrap(), ms, "{text}");
        }
        for text in ["", "-5", "1m30", "1:2:3:4", "soon", "1x2s", "NaN"] {
            assert!(parse_moment(text).is_err(), "{text:?}");
        }
        assert_eq!(parse_speed("1.5").unwrap(), 1.5);
        assert_eq!(parse_speed("16x").unwrap(), 16.0);
        assert!(parse_speed("5").is_err() && parse_speed("fast").is_err());
    }

    #[test]
    fn writes_a_page_in_utf16_once_its_data_outweighs_its_text_doubled() {
        // 400 kB of text: UTF-16 adds 400 kB to it, and saves 11% of the data.
        let text = "x".repeat(400_000);
        let choose = |data_bytes| Encoding::smaller_for(&[&text], data_bytes, 10);
        assert_eq!(choose(300_000), Encoding::Utf8);
        assert_eq!(choose(3_000_000), Encoding::Utf8);
        assert_eq!(choose(4_000_000), Encoding::Utf16);
        // Text beyond ASCII costs UTF-8 more: "é" is two bytes in either.
        let accented = "é".repeat(200_000);
        assert_eq!(
            Encoding::smaller_for(&[&accented], 300_000, 10),
            Encoding::Utf16
        );
    }

    #[test]
    fn counts_a_character_beyond_the_basic_plane_as_two_utf16_units() {
        // 400 kB of ASCII, which UTF-16 doubles, outweighs what it saves of 3 MB of data (as
        // above); 100,000 emoji are 400 kB in either encoding (two units each in UTF-16), and
        // change nothing. (Counted as one unit each, they would tip the page to UTF-16.)
        let text = format!("{}{}", "x".repeat(400_000), "😀".repeat(100_000));
        assert_eq!(
            Encoding::smaller_for(&[&text], 3_000_000, 10),
            Encoding::Utf8
        );
    }

    #[test]
    fn finds_a_closing_tag_in_any_case_and_only_whole() {
        assert!(contains_ignore_case("a</ScRiPt>", "</script"));
        assert!(contains_ignore_case("<!--", "<!--"));
        assert!(!contains_ignore_case("a</scrip", "</script"));
        assert!(!contains_ignore_case("a<\\/script>", "</script"));
        assert!(contains_ignore_case("<< </STYLE", "</style"));
    }

    #[test]
    fn each_encoding_reads_back_its_own_block_text() {
        let data: Vec<u8> = (0..=255).chain([b'<', 0, b'\r']).collect();
        let utf8 = String::from_utf8(Encoding::Utf8.block_text(&data)).unwrap();
        assert_eq!(Encoding::Utf8.block_bytes(&utf8).unwrap(), data);
        let utf16 = crate::input::bundle::utf16_text(&Encoding::Utf16.block_text(&data));
        assert_eq!(Encoding::Utf16.block_bytes(&utf16).unwrap(), data);
    }

    #[test]
    fn refuses_a_script_that_would_end_its_element() {
        assert!(inline_script("let a = '</SCRIPT>';").is_err());
        assert!(inline_script("let a = 1 < 2;").is_ok());
    }
}
