//! What the personal-data check costs bundling: bundles one input with the check off
//! (`PiiCheck::Skip`) and as `bundle` makes it by default (`Warn`: the events are scanned as
//! their chunks are compressed), and times the scan of the recording alone (`pii::scan`, which
//! `inspect --pii` makes, and `bundle --fail-on-pii` before it writes the page), each `--runs`
//! times, interleaved; prints the median seconds of each and the check's cost as a share of
//! the bundle without it.
//!
//! ```sh
//! cargo run --release --example generate_recording -- --size 100MB --format export -o r100.json
//! cargo run --release --example bench_pii -- r100.json [--runs 3]
//! ```
//!
//! A run is the whole of a bundle but for the file: reading the input, the recording, the
//! payload and the page, written to nowhere (`io::sink`). Each is timed in wall seconds and in
//! the process's CPU seconds (all threads; from `/proc/self/stat`, on Linux), which tell the
//! cost better on a machine that other work keeps busy.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use replay_html::{Input, Options, PiiCheck, write_page};

/// CPU seconds the process has used, in all its threads (0 where `/proc` does not tell).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // After the command's name in parentheses: utime and stime are the 12th and 13th fields.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Clock ticks are 1/100 s on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut runs = 3;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().context("--runs needs a number")?.parse()?,
            _ if path.is_none() => path = Some(arg),
            other => bail!("unexpected argument {other}"),
        }
    }
    let path = path.context("usage: bench_pii FILE [--runs N]")?;
    let bytes = std::fs::read(&path).with_context(|| format!("could not read {path}"))?;
    let bundle = |pii: PiiCheck| -> Result<(f64, f64)> {
        let started = (Instant::now(), cpu_seconds());
        let input = Input::new(bytes.clone())?;
        let (_, recording) = input.read()?;
        let options = Options {
            pii,
            ..Options::default()
        };
        write_page(std::slice::from_ref(&recording), &options, std::io::sink())?;
        Ok((started.0.elapsed().as_secs_f64(), cpu_seconds() - started.1))
    };
    let (mut skip, mut warn, mut scan) = (Vec::new(), Vec::new(), Vec::new());
    let mut found = 0;
    for _ in 0..runs {
        skip.push(bundle(PiiCheck::Skip)?);
        warn.push(bundle(PiiCheck::Warn)?);
        let input = Input::new(bytes.clone())?;
        let (_, recording) = input.read()?;
        let started = (Instant::now(), cpu_seconds());
        found = replay_html::pii::scan(&recording).len();
        scan.push((started.0.elapsed().as_secs_f64(), cpu_seconds() - started.1));
    }
    println!(
        "{path} ({:.1} MB), median of {runs}, {found} findings",
        bytes.len() as f64 / 1e6
    );
    for (clock, pick) in [("wall", 0), ("CPU", 1)] {
        let median = |times: &[(f64, f64)]| {
            let mut times: Vec<f64> = times
                .iter()
                .map(|t| if pick == 0 { t.0 } else { t.1 })
                .collect();
            times.sort_by(f64::total_cmp);
            times[times.len() / 2]
        };
        let (skip, warn, scan) = (median(&skip), median(&warn), median(&scan));
        println!(
            "{clock:>4} s: bundle, check off (Skip) {skip:.3}; check on (default, Warn) {warn:.3}, {:+.1}%; scan alone (inspect --pii, and --fail-on-pii before writing) {scan:.3}, {:.1}%",
            100.0 * (warn - skip) / skip,
            100.0 * scan / skip
        );
    }
    Ok(())
}
