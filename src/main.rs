//! The `replay-html` command: parses the command line and calls the library.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use replay_html::Input;

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
    let bytes =
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
        viewer: replay_html::ViewerSettings::default(),
    };
    let input = Input::new(bytes).with_context(|| format!("could not bundle {name}"))?;
    let (format, recording) = input
        .read()
        .with_context(|| format!("could not bundle {name}"))?;
    let recordings = [recording];
    let write = |out: &mut dyn Write| {
        replay_html::write_page(&recordings, &options, out)
            .with_context(|| format!("could not bundle {name}"))
    };
    let warnings = match &output {
        None => write(&mut io::stdout().lock())?,
        Some(path) => write_atomically(path, write)
            .with_context(|| format!("could not write {}", path.display()))?,
    };
    for warning in &warnings {
        eprintln!("replay-html: warning: {name}: {warning}");
    }
    if let Some(path) = output {
        let bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or_default();
        eprintln!(
            "replay-html: wrote {} ({format}, {bytes} bytes)",
            path.display()
        );
    }
    Ok(())
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

/// Writes a file through `write`, into a temporary file beside the target that is renamed over
/// the target once complete: a failed run never leaves a partial file and never replaces an
/// existing one. The file gets the mode of the file it replaces, or else the usual mode for a
/// new file (0666 less the umask: readable by a web server), not the temporary file's 0600.
fn write_atomically<T>(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".replay-html-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).map_or(0o666, |m| m.permissions().mode());
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let file = builder
        .tempfile_in(dir)
        .context("could not create a temporary file beside it")?;
    let mut out = io::BufWriter::with_capacity(1 << 20, file);
    let value = write(&mut out)?;
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(value)
}
