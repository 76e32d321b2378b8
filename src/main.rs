//! The `replay-html` command: parses the command line and calls the library.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "replay-html",
    version,
    about = "Turn a session-recording export into one self-contained HTML file that replays offline."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bundle a recording into one HTML file.
    #[command(after_help = BUNDLE_EXAMPLES)]
    Bundle(BundleArgs),
}

const BUNDLE_EXAMPLES: &str = "\
Inputs (found from the content, not the file name): a PostHog recording export
(\"Export to file\", versions 2023-04-28 and 2022-12-02), PostHog snapshot JSONL,
or a JSON array of rrweb events; any of them may be gzip-compressed.

Examples:
  replay-html bundle export-0193…-ph-recording.json          writes export-0193…-ph-recording.html
  replay-html bundle recording.json -o replay.html --title \"Checkout bug, ticket 4711\"
  replay-html bundle recording.json --offline --strip-person --strip-network-bodies --mask-text
                                                              a file safe to share outside the company
  curl … | replay-html bundle - -o - > replay.html             standard input to standard output";

#[derive(clap::Args)]
struct BundleArgs {
    /// The recording to bundle; `-` reads standard input.
    input: PathBuf,

    /// Where to write the page; `-` writes standard output. [default: the input's name with
    /// `.html`, in the current folder]
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// Title of the page. [default: the session id, or else the first URL]
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,

    /// Block the recorded site's remote images, fonts and stylesheets too: opening the page
    /// makes no network request at all (the replay may look plainer).
    #[arg(long)]
    offline: bool,

    /// Remove console messages from the file.
    #[arg(long, help_heading = "Redaction (removes data from the file itself)")]
    strip_console: bool,

    /// Remove every network request from the file.
    #[arg(long, help_heading = "Redaction (removes data from the file itself)")]
    strip_network: bool,

    /// Keep network timings, remove request and response headers and bodies.
    #[arg(long, help_heading = "Redaction (removes data from the file itself)")]
    strip_network_bodies: bool,

    /// Remove the person (name, email, distinct ids, properties).
    #[arg(long, help_heading = "Redaction (removes data from the file itself)")]
    strip_person: bool,

    /// Replace every input value with `*` of the same length.
    #[arg(long, help_heading = "Redaction (removes data from the file itself)")]
    mask_inputs: bool,

    /// Replace every text of the recorded page with `*` of the same length (layout kept).
    #[arg(long, help_heading = "Redaction (removes data from the file itself)")]
    mask_text: bool,

    /// Mask the texts and inputs of matching elements and all inside them: a tag, .class,
    /// #id, [attr] or [attr=value], or a compound like input.secret. Repeatable.
    #[arg(
        long,
        value_name = "SELECTOR",
        help_heading = "Redaction (removes data from the file itself)"
    )]
    mask_selector: Vec<replay_html::Selector>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bundle(args) => bundle(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("replay-html: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn bundle(args: BundleArgs) -> Result<()> {
    let from_stdin = args.input == Path::new("-");
    let name = if from_stdin {
        "standard input".to_owned()
    } else {
        args.input.display().to_string()
    };
    let output = output_path(&args.input, args.output, from_stdin)?;
    let input =
        read_input(&args.input, from_stdin).with_context(|| format!("could not read {name}"))?;
    let options = replay_html::Options {
        title: args.title,
        offline: args.offline,
        redaction: replay_html::Redaction {
            strip_console: args.strip_console,
            strip_network: args.strip_network,
            strip_network_bodies: args.strip_network_bodies,
            strip_person: args.strip_person,
            mask_inputs: args.mask_inputs,
            mask_text: args.mask_text,
            mask_selectors: args.mask_selector,
        },
    };
    let bundle = replay_html::bundle(&input, &options)
        .with_context(|| format!("could not bundle {name}"))?;
    for warning in &bundle.warnings {
        eprintln!("replay-html: warning: {name}: {warning}");
    }

    match output {
        None => io::stdout()
            .lock()
            .write_all(bundle.html.as_bytes())
            .context("could not write to standard output"),
        Some(path) => {
            write_atomically(&path, bundle.html.as_bytes())
                .with_context(|| format!("could not write {}", path.display()))?;
            eprintln!(
                "replay-html: wrote {} ({}, {} bytes)",
                path.display(),
                bundle.format,
                bundle.html.len()
            );
            Ok(())
        }
    }
}

fn read_input(path: &Path, from_stdin: bool) -> io::Result<Vec<u8>> {
    if from_stdin {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        fs::read(path)
    }
}

/// Where the page goes: `None` for standard output.
fn output_path(input: &Path, output: Option<PathBuf>, from_stdin: bool) -> Result<Option<PathBuf>> {
    match output {
        Some(path) if path == Path::new("-") => Ok(None),
        Some(path) => Ok(Some(path)),
        None if from_stdin => {
            anyhow::bail!("reading standard input needs -o OUT (or -o - for standard output)")
        }
        None => {
            let stem = input
                .file_stem()
                .with_context(|| format!("{} names no file: give -o OUT", input.display()))?;
            Ok(Some(PathBuf::from(stem).with_extension("html")))
        }
    }
}

/// Writes a temporary file beside the target and renames it over the target, so a failed run
/// never leaves a partial file and never replaces an existing one.
fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".replay-html-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .context("could not create a temporary file beside it")?;
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
