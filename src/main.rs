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
or a JSON array of rrweb events; any of them may be gzip-compressed. Several
inputs, or a folder of them, make one page that lists its recordings.

Examples:
  replay-html bundle export-0193…-ph-recording.json          writes export-0193…-ph-recording.html
  replay-html bundle recording.json -o replay.html --title \"Checkout bug, ticket 4711\"
  replay-html bundle recording.json --offline --strip-person --strip-network-bodies --mask-text
                                                              a file safe to share outside the company
  replay-html bundle recording.json --embed --autoplay --start 1m30s -o widget.html
                                                              for an iframe in a wiki or dashboard
  replay-html bundle a.json b.jsonl exports/ -o review.html   many recordings in one page
  curl … | replay-html bundle - -o - > replay.html             standard input to standard output";

#[derive(clap::Args)]
struct BundleArgs {
    /// The recordings to bundle: files, or folders of them; `-` reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,

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

    #[command(flatten)]
    viewer: ViewerArgs,

    #[command(flatten)]
    redaction: RedactionArgs,
}

/// How the page starts; whoever opens it can change each.
#[derive(clap::Args)]
#[command(next_help_heading = "Viewer (how the page starts)")]
struct ViewerArgs {
    /// Start playing as soon as the page opens.
    #[arg(long)]
    autoplay: bool,

    /// Playback speed: 0.5, 1, 1.5, 2, 3, 4, 8 or 16.
    #[arg(long, value_name = "X", default_value = "1", value_parser = replay_html::page::parse_speed)]
    speed: f64,

    /// Open at this moment of the session: seconds (90), 1m30s, or 1:30. A link's #t= wins.
    #[arg(long, value_name = "TIME", value_parser = replay_html::page::parse_moment)]
    start: Option<f64>,

    /// Play stretches without user activity at normal speed instead of skipping them.
    #[arg(long)]
    no_skip_inactive: bool,

    /// Colours: light, dark, or auto (follows the system setting).
    #[arg(long, value_name = "THEME", default_value = "auto", value_parser = ["light", "dark", "auto"])]
    theme: String,

    /// Whether the inspector panel (console, network, events) starts open or closed.
    #[arg(long, value_name = "STATE", default_value = "open", value_parser = ["open", "closed"])]
    inspector: String,

    /// Show only the replay and a slim control bar, filling the page: for an iframe in
    /// Retool, a wiki or a dashboard (a page can also ask with ?embed=1 in its address).
    #[arg(long)]
    embed: bool,
}

impl ViewerArgs {
    fn settings(self) -> replay_html::ViewerSettings {
        replay_html::ViewerSettings {
            autoplay: self.autoplay,
            speed: self.speed,
            start: self.start,
            skip_inactive: !self.no_skip_inactive,
            theme: self.theme.parse().unwrap_or(replay_html::Theme::Auto),
            inspector_open: self.inspector == "open",
            embed: self.embed,
        }
    }
}

/// Personal data to remove from the file itself.
#[derive(clap::Args)]
#[command(next_help_heading = "Redaction (removes data from the file itself)")]
struct RedactionArgs {
    /// Remove console messages from the file.
    #[arg(long)]
    strip_console: bool,

    /// Remove every network request from the file.
    #[arg(long)]
    strip_network: bool,

    /// Keep network timings, remove request and response headers and bodies.
    #[arg(long)]
    strip_network_bodies: bool,

    /// Remove the person (name, email, distinct ids, properties).
    #[arg(long)]
    strip_person: bool,

    /// Replace every input value with `*` of the same length.
    #[arg(long)]
    mask_inputs: bool,

    /// Replace every text of the recorded page with `*` of the same length (layout kept).
    #[arg(long)]
    mask_text: bool,

    /// Mask the texts and inputs of matching elements and all inside them: a tag, .class,
    /// #id, [attr] or [attr=value], or a compound like input.secret. Repeatable.
    #[arg(long, value_name = "SELECTOR")]
    mask_selector: Vec<replay_html::Selector>,
}

impl RedactionArgs {
    fn redaction(self) -> replay_html::Redaction {
        replay_html::Redaction {
            strip_console: self.strip_console,
            strip_network: self.strip_network,
            strip_network_bodies: self.strip_network_bodies,
            strip_person: self.strip_person,
            mask_inputs: self.mask_inputs,
            mask_text: self.mask_text,
            mask_selectors: self.mask_selector,
        }
    }
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

/// An input as named on the command line.
struct Source {
    path: PathBuf,
    /// How messages name it.
    name: String,
}

impl Source {
    fn is_stdin(&self) -> bool {
        self.path == Path::new("-")
    }
}

fn bundle(args: BundleArgs) -> Result<()> {
    let sources = sources(&args.inputs)?;
    let output = output_path(&args.inputs, &sources, args.output)?;
    let options = replay_html::Options {
        title: args.title,
        offline: args.offline,
        redaction: args.redaction.redaction(),
        viewer: args.viewer.settings(),
    };
    let inputs = sources
        .iter()
        .map(|source| {
            let bytes = read_input(&source.path, source.is_stdin())
                .with_context(|| format!("could not read {}", source.name))?;
            Input::new(bytes).with_context(|| format!("could not bundle {}", source.name))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut recordings = Vec::with_capacity(inputs.len());
    let mut formats = Vec::with_capacity(inputs.len());
    for (input, source) in inputs.iter().zip(&sources) {
        let (format, recording) = input
            .read()
            .with_context(|| format!("could not bundle {}", source.name))?;
        for warning in &recording.warnings {
            eprintln!("replay-html: warning: {}: {warning}", source.name);
        }
        formats.push(format);
        recordings.push(recording);
    }
    let what = match sources.as_slice() {
        [only] => only.name.clone(),
        all => format!("{} recordings", all.len()),
    };
    let write = |out: &mut dyn Write| {
        replay_html::write_page(&recordings, &options, out)
            .with_context(|| format!("could not bundle {what}"))
    };
    let warnings = match &output {
        None => write(&mut io::stdout().lock())?,
        Some(path) => write_atomically(path, write)
            .with_context(|| format!("could not write {}", path.display()))?,
    };
    for warning in &warnings {
        eprintln!("replay-html: warning: {what}: {warning}");
    }
    if let Some(path) = output {
        let bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or_default();
        let read_as = match formats.as_slice() {
            [format] => format.to_string(),
            _ => format!("{} recordings", formats.len()),
        };
        eprintln!(
            "replay-html: wrote {} ({read_as}, {bytes} bytes)",
            path.display()
        );
    }
    Ok(())
}

/// The inputs named on the command line, folders replaced by the files in them (in name
/// order, hidden files left out).
fn sources(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    if inputs.len() > 1 && inputs.iter().any(|p| p == Path::new("-")) {
        anyhow::bail!("standard input (-) can only be the one input");
    }
    let mut sources = Vec::new();
    for path in inputs {
        if path == Path::new("-") {
            sources.push(Source {
                path: path.clone(),
                name: "standard input".to_owned(),
            });
        } else if path.is_dir() {
            let mut files: Vec<PathBuf> = fs::read_dir(path)
                .with_context(|| format!("could not read the folder {}", path.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            if files.is_empty() {
                anyhow::bail!("the folder {} holds no file to bundle", path.display());
            }
            files.sort();
            sources.extend(files.into_iter().map(|path| Source {
                name: path.display().to_string(),
                path,
            }));
        } else {
            sources.push(Source {
                path: path.clone(),
                name: path.display().to_string(),
            });
        }
    }
    Ok(sources)
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

/// Where the page goes: `None` for standard output. By default, the one input's name (a file's
/// or a folder's) with `.html`, in the current folder.
fn output_path(
    inputs: &[PathBuf],
    sources: &[Source],
    output: Option<PathBuf>,
) -> Result<Option<PathBuf>> {
    match (output, inputs, sources) {
        (Some(path), _, _) if path == Path::new("-") => Ok(None),
        (Some(path), _, _) => Ok(Some(path)),
        (None, _, [source]) if source.is_stdin() => {
            anyhow::bail!("reading standard input needs -o OUT (or -o - for standard output)")
        }
        (None, [input], _) if input.is_dir() || sources.len() == 1 => {
            let stem = input
                .file_stem()
                .with_context(|| format!("{} names no file: give -o OUT", input.display()))?;
            Ok(Some(PathBuf::from(stem).with_extension("html")))
        }
        (None, _, _) => anyhow::bail!("several recordings make one page: name it with -o OUT"),
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
