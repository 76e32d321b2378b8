//! Generates a realistic PostHog session recording of a given size, to benchmark the bundler
//! on inputs like the ones it meets in the wild.
//!
//! ```sh
//! cargo run --release --example generate_recording -- --size 100MB --format export -o rec.json
//! cargo run --release --example generate_recording -- --size 1GB --format jsonl -o rec.jsonl --seed 7
//! cargo run --release --example generate_recording -- --size 90MB --format export --shape data-heavy -o heavy.json
//! ```
//!
//! The recording is of a heavy single-page app (an operations dashboard with big tables and
//! charts) used for about an hour per 100 MB of export, in up to four windows: see
//! `session.rs` for what happens in it and `app.rs` for its pages. `--shape data-heavy` makes
//! it a data-heavy app in two windows, with far larger snapshots, taken far more often, and a
//! chatty console and network (`session::Shape`). The same arguments give
//! the same bytes: randomness comes from a seeded generator, time from a simulated clock.
//! The file is written as the session unfolds, one step at a time, so memory stays flat
//! whatever the size.

// The modules live in `generate_recording/`, beside this file (an example's root file looks for
// modules next to itself otherwise).
#[path = "generate_recording/app.rs"]
mod app;
#[path = "generate_recording/calendar.rs"]
mod calendar;
#[path = "generate_recording/dom.rs"]
mod dom;
#[path = "generate_recording/events.rs"]
mod events;
#[path = "generate_recording/output.rs"]
mod output;
#[path = "generate_recording/records.rs"]
mod records;
#[path = "generate_recording/rng.rs"]
mod rng;
#[path = "generate_recording/session.rs"]
mod session;
#[path = "generate_recording/vocab.rs"]
mod vocab;
#[path = "generate_recording/widgets.rs"]
mod widgets;

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use output::Format;
use session::{Session, Shape};

#[derive(Parser)]
#[command(about = "Generate a realistic, deterministic PostHog session recording of a given size.")]
struct Args {
    /// Size of the file to write: a number and a unit, KB, MB or GB (powers of 1000) or KiB,
    /// MiB or GiB (powers of 1024), like 10MB or 1GB. The file ends within a few KB of it.
    #[arg(long, value_parser = parse_size)]
    size: u64,

    /// File format.
    #[arg(long, value_enum)]
    format: Format,

    /// The file to write.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    /// Seed of the session: the same seed, size, format and shape always give the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// What the session is like.
    #[arg(long, value_enum, default_value_t = Shape::Dashboard)]
    shape: Shape,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match generate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("generate_recording: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the recording; a file that could not be finished is removed.
fn generate(args: &Args) -> Result<()> {
    let path = &args.output;
    let file =
        File::create(path).with_context(|| format!("could not create {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let result = output::write_recording(
        Session::new(args.seed, args.shape),
        args.format,
        args.size,
        &mut out,
    );
    if result.is_err() {
        // Best effort: the error about the recording is the one worth reporting.
        let _ = fs::remove_file(path);
    }
    result.with_context(|| format!("could not write {}", path.display()))?;
    Ok(())
}

/// `10MB`, `1.5GB`, `512KiB`, `2000000`: a byte count.
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` does not start with a number (try 10MB or 1GB)"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown unit `{other}`: use KB, MB, GB, KiB, MiB or GiB"
            ));
        }
    };
    let bytes = number * scale as f64;
    if !(1.0..=1e13).contains(&bytes) {
        return Err(format!("`{text}` is not a size between 1 byte and 10 TB"));
    }
    Ok(bytes as u64)
}
