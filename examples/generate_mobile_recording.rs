//! Generates a large mobile session recording, as PostHog's snapshot API gives it
//! (`["<window>", event]` JSONL), to benchmark the bundler and the page on app recordings.
//!
//! ```sh
//! cargo run --release --example generate_mobile_recording -- --mode diffs -o android.jsonl
//! cargo run --release --example generate_mobile_recording -- --mode screenshots --image-kb 40 -o shots.jsonl
//! ```
//!
//! - `diffs`: Android's wireframe mode. A screen (about 60 wireframes: a status bar, a toolbar,
//!   a list of rows with texts, small icons and buttons, a navigation bar) is sent as a full
//!   snapshot, then changed once a second by a diff (texts updated, rows scrolled in and out,
//!   a checkbox ticked); every two minutes the user opens another screen (a Meta and a full
//!   snapshot). Touches, the keyboard, logcat lines and network requests come in between.
//! - `screenshots`: screenshot mode (React Native, Flutter, or a native SDK asked for it): one
//!   screenshot a second, the first in a full snapshot and the rest as updates, each a PNG of
//!   `--image-kb` kilobytes on average (from half to one and a half times that) that does not
//!   compress further, as the SDKs' lossy WebP and JPEG frames do not. The images are real
//!   PNGs (noise), so a browser decodes them.
//!
//! The same arguments give the same bytes: randomness comes from a seeded generator, time from
//! a simulated clock starting at a fixed moment.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use base64::Engine as _;
use clap::{Parser, ValueEnum};
use serde_json::{Value, json};

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Diffs,
    Screenshots,
}

#[derive(Parser)]
#[command(about = "Generate a large, deterministic mobile session recording (snapshot JSONL).")]
struct Args {
    #[arg(long, value_enum)]
    mode: Mode,
    /// Length of the session in minutes.
    #[arg(long, default_value_t = 60)]
    minutes: u64,
    /// Average size of a screenshot in KB (1000 bytes), in screenshot mode.
    #[arg(long, default_value_t = 40)]
    image_kb: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(short, long)]
    out: PathBuf,
}

/// The session's first moment: 2026-03-02 09:00 UTC.
const START_MS: u64 = 1_772_442_000_000;
const WIDTH: u64 = 411;
const HEIGHT: u64 = 914;

/// xorshift64*: small, fast and seeded.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

struct Writer {
    out: BufWriter<File>,
    window: String,
}

impl Writer {
    fn event(&mut self, kind: u8, t: u64, data: Value) -> Result<()> {
        let line = json!([self.window, {"type": kind, "data": data, "timestamp": START_MS + t}]);
        serde_json::to_writer(&mut self.out, &line)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
}

/// A PNG of noise of about `bytes` bytes, 128 pixels wide, which no compressor shrinks.
fn noise_png(rng: &mut Rng, bytes: u64) -> Vec<u8> {
    let width = 128u32;
    let height = (bytes / (u64::from(width) * 3)).max(1) as u32;
    let mut raw = Vec::with_capacity((height * (width * 3 + 1)) as usize);
    for _ in 0..height {
        // Each row: filter type 0, then the row's pixels.
        raw.extend(std::iter::once(0).chain((0..width * 3).map(|_| rng.next() as u8)));
    }
    let mut compressor = libdeflater::Compressor::new(libdeflater::CompressionLvl::fastest());
    let mut idat = vec![0; compressor.zlib_compress_bound(raw.len())];
    let n = compressor
        .zlib_compress(&raw, &mut idat)
        .expect("the bound is enough");
    idat.truncate(n);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&libdeflater::crc32(&body).to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &idat);
    chunk(b"IEND", &[]);
    png
}

fn data_url(png: &[u8]) -> String {
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

const WORDS: [&str; 16] = [
    "Order",
    "Invoice",
    "Parcel",
    "Delivered",
    "Pending",
    "Refund",
    "Account",
    "Payment",
    "Shipped",
    "Return",
    "Warehouse",
    "Courier",
    "Express",
    "Standard",
    "Paid",
    "Open",
];
const SCREENS: [&str; 6] = [
    "OrdersActivity",
    "OrderDetailActivity",
    "CheckoutActivity",
    "ProfileActivity",
    "SearchActivity",
    "SettingsActivity",
];

fn text(id: u64, x: u64, y: u64, width: u64, value: String, size: u64) -> Value {
    json!({"id": id, "x": x, "y": y, "width": width, "height": size + 8, "type": "text", "text": value,
           "style": {"color": "#1d1f27", "fontSize": size, "fontFamily": "sans-serif", "verticalAlign": "center", "horizontalAlign": "left"}})
}

/// One row of the list: a card with an icon, two texts, a checkbox and a button.
fn row(rng: &mut Rng, id: u64, y: u64, icon: &str) -> Value {
    let words = format!("{} #{}", rng.pick(&WORDS), 10_000 + rng.below(90_000));
    json!({"id": id, "x": 8, "y": y, "width": WIDTH - 16, "height": 72, "type": "div",
    "style": {"backgroundColor": "#ffffff", "borderRadius": 8, "borderWidth": 1, "borderColor": "#e5e7eb"},
    "childWireframes": [
        {"id": id + 1, "x": 16, "y": y + 12, "width": 48, "height": 48, "type": "image", "base64": icon},
        text(id + 2, 72, y + 10, 220, words, 16),
        text(id + 3, 72, y + 38, 220, format!("{} · {} items", rng.pick(&WORDS), 1 + rng.below(9)), 13),
        {"id": id + 4, "x": 300, "y": y + 24, "width": 24, "height": 24, "type": "input", "inputType": "checkbox", "checked": rng.chance(30), "disabled": false},
        {"id": id + 5, "x": 332, "y": y + 20, "width": 64, "height": 32, "type": "input", "inputType": "button", "value": "Open", "disabled": false,
         "style": {"borderWidth": 1, "borderColor": "#000000", "borderRadius": 4}}
    ]})
}

/// A whole screen: its root wireframe, and the ids and places of its rows.
fn screen(rng: &mut Rng, base: u64, name: &str, icon: &str) -> (Value, Vec<(u64, u64)>) {
    let mut rows = Vec::new();
    let mut children = vec![
        json!({"id": base + 1, "x": 0, "y": 0, "width": WIDTH, "height": 24, "type": "status_bar", "style": {"backgroundColor": "#1d4aff"}}),
        json!({"id": base + 2, "x": 0, "y": 24, "width": WIDTH, "height": 56, "type": "div", "style": {"backgroundColor": "#1d4aff"},
               "childWireframes": [text(base + 3, 16, 36, 300, name.trim_end_matches("Activity").to_owned(), 20)]}),
        json!({"id": base + 4, "x": 16, "y": 88, "width": WIDTH - 32, "height": 40, "type": "input", "inputType": "search", "value": "", "disabled": false,
               "style": {"borderWidth": 1, "borderColor": "#c9cbd3", "borderRadius": 20, "paddingLeft": 12}}),
    ];
    for i in 0..9 {
        let id = base + 100 + i * 10;
        let y = 136 + i * 80;
        children.push(row(rng, id, y, icon));
        rows.push((id, y));
    }
    children.push(json!({"id": base + 5, "x": 0, "y": HEIGHT - 48, "width": WIDTH, "height": 48, "type": "navigation_bar", "style": {"backgroundColor": "#000000"}}));
    let root = json!({"id": base, "x": 0, "y": 0, "width": WIDTH, "height": HEIGHT, "type": "div",
                      "style": {"backgroundColor": "#f3f4ef"}, "childWireframes": children});
    (root, rows)
}

fn diffs(w: &mut Writer, rng: &mut Rng, minutes: u64) -> Result<()> {
    let icon = data_url(&noise_png(rng, 1200));
    let end = minutes * 60_000;
    let mut t = 0;
    let mut screen_number = 0u64;
    while t < end {
        let name = SCREENS[(screen_number % SCREENS.len() as u64) as usize];
        let base = 1_000_000 * (screen_number + 1);
        let (root, mut rows) = screen(rng, base, name, &icon);
        w.event(
            4,
            t,
            json!({"href": name, "width": WIDTH, "height": HEIGHT}),
        )?;
        w.event(
            2,
            t,
            json!({"wireframes": [root], "initialOffset": {"top": 0, "left": 0}}),
        )?;
        let screen_end = (t + 120_000).min(end);
        let mut next_row = base + 10_000;
        let mut keyboard = false;
        t += 1000;
        while t < screen_end {
            // The diff of this second.
            let mut updates = Vec::new();
            let mut adds = Vec::new();
            let mut removes = Vec::new();
            for _ in 0..1 + rng.below(4) {
                let (id, y) = rows[rng.below(rows.len() as u64) as usize];
                updates.push(
                    json!({"parentId": id, "wireframe": text(id + 3, 72, y + 38, 220,
                    format!("{} · {} items", rng.pick(&WORDS), 1 + rng.below(9)), 13)}),
                );
            }
            if rng.chance(25) {
                // A scroll: the top row goes, a new one comes in at the bottom.
                let (gone, _) = rows.remove(0);
                removes.push(json!({"parentId": base, "id": gone}));
                let y = rows.last().map_or(136, |&(_, y)| y + 80);
                let shifted: Vec<(u64, u64)> = rows.iter().map(|&(id, y)| (id, y - 80)).collect();
                rows = shifted;
                adds.push(
                    json!({"parentId": base, "wireframe": row(rng, next_row, y - 80, &icon)}),
                );
                rows.push((next_row, y - 80));
                next_row += 10;
            }
            if rng.chance(10) {
                let (id, y) = rows[rng.below(rows.len() as u64) as usize];
                updates.push(json!({"parentId": id, "wireframe": {"id": id + 4, "x": 300, "y": y + 24, "width": 24, "height": 24,
                    "type": "input", "inputType": "checkbox", "checked": rng.chance(50), "disabled": false}}));
            }
            let mut data = json!({"source": 0, "updates": updates});
            if !adds.is_empty() {
                data["adds"] = json!(adds);
            }
            if !removes.is_empty() {
                data["removes"] = json!(removes);
            }
            w.event(3, t, data)?;
            if rng.chance(30) {
                let (x, y) = (20 + rng.below(WIDTH - 40), 100 + rng.below(HEIGHT - 200));
                w.event(
                    3,
                    t + 200,
                    json!({"source": 2, "type": 7, "id": 0, "x": x, "y": y, "pointerType": 2}),
                )?;
                w.event(
                    3,
                    t + 280,
                    json!({"source": 2, "type": 9, "id": 0, "x": x, "y": y, "pointerType": 2}),
                )?;
            }
            if rng.chance(3) {
                keyboard = !keyboard;
                let payload = if keyboard {
                    json!({"open": true, "height": 300})
                } else {
                    json!({"open": false})
                };
                w.event(5, t + 400, json!({"tag": "keyboard", "payload": payload}))?;
            }
            if rng.chance(20) {
                w.event(6, t + 500, json!({"plugin": "rrweb/console@1", "payload": {"level": if rng.chance(10) { "error" } else { "info" },
                    "payload": [format!("{name}: {} {}", rng.pick(&WORDS), rng.below(1000))]}}))?;
            }
            if rng.chance(15) {
                let status = if rng.chance(5) { 500 } else { 200 };
                w.event(6, t + 600, json!({"plugin": "rrweb/network@1", "payload": {"requests": [{
                    "name": format!("https://api.example.com/orders/{}", rng.below(100_000)), "method": "GET",
                    "responseStatus": status, "timestamp": START_MS + t + 600, "duration": 50 + rng.below(400),
                    "initiatorType": "fetch", "entryType": "resource", "transferSize": 500 + rng.below(5000)}]}}))?;
            }
            t += 1000;
        }
        screen_number += 1;
    }
    Ok(())
}

fn screenshots(w: &mut Writer, rng: &mut Rng, minutes: u64, image_kb: u64) -> Result<()> {
    let (width, height) = (360, 800);
    let shot = |rng: &mut Rng| {
        let bytes = image_kb * 1000 / 2 + rng.below(image_kb * 1000 + 1);
        json!({"id": 1, "x": 0, "y": 0, "width": width, "height": height, "type": "screenshot",
               "base64": data_url(&noise_png(rng, bytes))})
    };
    w.event(
        4,
        0,
        json!({"href": "HomeScreen", "width": width, "height": height}),
    )?;
    w.event(
        2,
        0,
        json!({"wireframes": [shot(rng)], "initialOffset": {"top": 0, "left": 0}}),
    )?;
    let end = minutes * 60_000;
    let mut t = 1000;
    while t < end {
        w.event(
            3,
            t,
            json!({"source": 0, "updates": [{"wireframe": shot(rng)}]}),
        )?;
        if rng.chance(30) {
            let (x, y) = (20 + rng.below(width - 40), 100 + rng.below(height - 200));
            w.event(
                3,
                t + 200,
                json!({"source": 2, "type": 7, "id": 0, "x": x, "y": y, "pointerType": 2}),
            )?;
            w.event(
                3,
                t + 280,
                json!({"source": 2, "type": 9, "id": 0, "x": x, "y": y, "pointerType": 2}),
            )?;
        }
        t += 1000;
    }
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut rng = Rng::new(args.seed);
    let window = format!(
        "{:08x}-{:04x}-7{:03x}-8{:03x}-{:012x}",
        rng.next() as u32,
        rng.next() as u16,
        rng.next() as u16 & 0xfff,
        rng.next() as u16 & 0xfff,
        rng.next() & 0xffff_ffff_ffff
    );
    let file =
        File::create(&args.out).with_context(|| format!("cannot write {}", args.out.display()))?;
    let mut writer = Writer {
        out: BufWriter::new(file),
        window,
    };
    match args.mode {
        Mode::Diffs => diffs(&mut writer, &mut rng, args.minutes)?,
        Mode::Screenshots => screenshots(&mut writer, &mut rng, args.minutes, args.image_kb)?,
    }
    writer.out.flush()?;
    Ok(())
}
