//! The `replay-html` command: parses the command line and calls the library.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use replay_html::Theme;
use replay_html::batch::{Batch, Outcome, Status};
use replay_html::files::{self, Durability, Source};
use replay_html::input::{self, Input, Read};
use replay_html::inspect::{FailureReport, InputReport, Inspection};
use replay_html::output::Place;
use replay_html::source::posthog::{self, PosthogUrl};

/// Prints a line for people on standard error, with the control characters of any text from
/// the recording escaped ([`replay_html::terminal::printable`]).
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", replay_html::terminal::printable(&format!($($arg)*)))
    };
}

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
// Parsed once per run: the size of the bundle arguments does not matter.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Bundle recordings into one HTML file (or a file each, with --out-dir).
    #[command(after_help = BUNDLE_EXAMPLES)]
    Bundle(Box<BundleArgs>),
    /// Tell what inputs or bundled pages hold: format, session, windows, events, URLs, console
    /// errors, failed requests, sizes and problems.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(InspectArgs),
    /// Write the recording a page holds (or any input's) back out as a PostHog export, which
    /// PostHog's "Load from file" opens and which bundles back to the same page.
    #[command(after_help = EXTRACT_EXAMPLES)]
    Extract(ExtractArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write a page for each command into a folder.
    #[command(after_help = MAN_EXAMPLES)]
    Man {
        /// Write replay-html.1, replay-html-bundle.1, ... into this folder.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

const BUNDLE_EXAMPLES: &str = "\
A PostHog replay URL is an input too: the recording is fetched with a personal API key
(scope session_recording:read) from POSTHOG_API_KEY or --api-key-file; a project's
replay list with --out-dir bundles every recording in it; a shared link needs no key.

Inputs (found from the content, not the file name): a PostHog recording export
(\"Export to file\", versions 2023-04-28 and 2022-12-02), PostHog snapshot JSONL
(also as snappy blocks), a JSON array of rrweb events, posthog-js capture requests
(/s/ bodies a proxy saved), or a page replay-html wrote; any may be gzip-compressed.
Several inputs, or a folder of them, make one page that lists its recordings.

Examples:
  replay-html bundle https://us.posthog.com/project/123/replay/0193…   writes 0193….html
  replay-html bundle https://eu.posthog.com/project/123/replay --out-dir archive/ --since 30d
                                                              every recording of the last 30 days
  replay-html bundle export-0193…-ph-recording.json          writes export-0193…-ph-recording.html
  replay-html bundle recording.json -o replay.html --title \"Checkout bug, ticket 4711\"
  replay-html bundle recording.json --offline --strip-person --strip-network-bodies --mask-text
                                                              a file safe to share outside the company
  replay-html bundle recording.json --embed --autoplay --start 1m30s -o widget.html
                                                              for an iframe in a wiki or dashboard
  replay-html bundle a.json b.jsonl exports/ -o review.html   many recordings in one page
  replay-html bundle --out-dir pages/ exports/ captures/      a page each, on all cores
  replay-html bundle captures/ --session 01a2… -o one.html    one session of a proxy's /s/ captures
  curl … | replay-html bundle - -o - > replay.html             standard input to standard output";

const INSPECT_EXAMPLES: &str = "\
Examples:
  replay-html inspect export-0193…-ph-recording.json
  replay-html inspect replay.html --json | jq '.recordings[0].console_errors'
  replay-html inspect captures/                               every session of a proxy's captures";

const EXTRACT_EXAMPLES: &str = "\
Examples:
  replay-html extract replay.html                 writes export-<session id>-ph-recording.json
  replay-html extract replay.html -o export.json
  replay-html extract review.html --recording 01a2… -o one.json
  replay-html extract review.html --out-dir exports/      every recording of a collection
  replay-html extract snapshots.jsonl -o export.json      any input, as a PostHog export";

const COMPLETIONS_EXAMPLES: &str = "\
Install, for example:
  replay-html completions bash > ~/.local/share/bash-completion/completions/replay-html
  replay-html completions zsh > ~/.zfunc/_replay-html
  replay-html completions fish > ~/.config/fish/completions/replay-html.fish";

const MAN_EXAMPLES: &str = "\
Install, for example:
  mkdir -p ~/.local/share/man/man1 && replay-html man --out-dir ~/.local/share/man/man1
  man replay-html-bundle";

#[derive(clap::Args)]
struct BundleArgs {
    /// The recordings to bundle: a PostHog replay URL, or files, folders or glob patterns; `-`
    /// reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,

    /// Where to write the page; `-` writes standard output. [default: the input's name with
    /// `.html` (a PostHog recording's session id), in the current folder]
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,

    /// Write a page for each recording into this folder, on all cores, going on past inputs
    /// that fail, and skipping pages that are up to date (made from the same inputs with the
    /// same options by the same version).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// With --out-dir: bundle pages that are up to date too.
    #[arg(long, requires = "out_dir")]
    force: bool,

    /// With --out-dir: take only shard K of N (1-based) of the inputs, by a stable hash of
    /// their names, so that N workers cover every input once; auto/N takes K from
    /// JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (numbered from 0).
    #[arg(long, value_name = "K/N", requires = "out_dir")]
    shard: Option<replay_html::shard::Shard>,

    /// With --out-dir: write a JSON line for each page into FILE (`-` for standard output):
    /// input, page, status (made, skipped, failed), error, seconds, bytes in and out.
    #[arg(long, value_name = "FILE", requires = "out_dir")]
    report: Option<PathBuf>,

    /// Only the recording of this session (capture requests hold many).
    #[arg(long, value_name = "ID")]
    session: Option<String>,

    /// Title of the page. [default: the session id, or else the first URL]
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,

    /// Block the recorded site's remote images, fonts and stylesheets too: opening the page
    /// makes no network request at all (the replay may look plainer).
    #[arg(long)]
    offline: bool,

    /// The page's encoding. `smaller` writes a page that carries more than a few megabytes of
    /// data as UTF-16, about 10% smaller (its data costs 3% instead of UTF-8's 14%), and a
    /// small page as UTF-8; `utf-8` keeps every page readable by text tools.
    #[arg(
        long,
        value_name = "ENCODING",
        default_value = "smaller",
        value_parser = PossibleValuesParser::new(["smaller", "utf-8", "utf-16"]).try_map(|s| s.parse::<replay_html::page::PageEncoding>())
    )]
    page_encoding: replay_html::page::PageEncoding,

    #[command(flatten)]
    sharing: SharingArgs,

    /// Write no page, print what it would carry and exit with status 3, when the page would
    /// carry personal data (after redaction): emails, card numbers, tokens, ...
    #[arg(long)]
    fail_on_pii: bool,

    #[command(flatten)]
    viewer: ViewerArgs,

    #[command(flatten)]
    redaction: RedactionArgs,

    #[command(flatten)]
    posthog: PosthogArgs,

    #[command(flatten)]
    list: ListArgs,
}

#[derive(clap::Args)]
struct InspectArgs {
    /// The inputs: a PostHog replay URL, or files, folders or glob patterns; `-` reads
    /// standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,

    /// Print a JSON object (documented in the README) instead of text.
    #[arg(long)]
    json: bool,

    /// Also look for personal data a page would carry (emails, card numbers, IBANs, phone
    /// numbers, tokens, secret keys, public IPs), after the redaction options given.
    #[arg(long)]
    pii: bool,

    /// With --pii: look only at the clip `bundle --from` would make (90, 1m30s, 1:30,
    /// 1:02:03); the findings' times are the clip's.
    #[arg(long, value_name = "TIME", requires = "pii", value_parser = replay_html::page::parse_moment)]
    from: Option<f64>,

    /// With --pii: look only at the clip `bundle --to` would make.
    #[arg(long, value_name = "TIME", requires = "pii", value_parser = replay_html::page::parse_moment)]
    to: Option<f64>,

    #[command(flatten)]
    redaction: RedactionArgs,

    #[command(flatten)]
    posthog: PosthogArgs,
}

#[derive(clap::Args)]
struct ExtractArgs {
    /// A page replay-html wrote (or any input it reads).
    #[arg(value_name = "INPUT")]
    input: PathBuf,

    /// Where to write the export: a file, an object (s3://bucket/key.json, gs://, az://), or
    /// `-` for standard output. [default: export-<session id>-ph-recording.json, in the current
    /// folder]
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,

    /// Which recording of a page that holds several: its session id, or its number (1, 2, ...).
    #[arg(long, value_name = "ID")]
    recording: Option<String>,

    /// Write every recording the input holds into this folder (or object storage prefix,
    /// s3://bucket/prefix/), an export each.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    #[command(flatten)]
    posthog: PosthogArgs,
}

/// How to read from PostHog's API, when an input is a PostHog URL.
#[derive(clap::Args)]
#[command(next_help_heading = "PostHog (when the input is a PostHog URL)")]
struct PosthogArgs {
    /// Read the personal API key from this file (its first line) instead of the
    /// POSTHOG_API_KEY environment variable. The key needs the scope session_recording:read.
    #[arg(long, value_name = "FILE")]
    api_key_file: Option<PathBuf>,

    /// Ask PostHog for JSONL (true), or for its stored snappy blocks (false: less to download).
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    api_decompress: bool,

    /// How many block requests run at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    api_parallel: u16,

    /// Seconds to wait for PostHog to connect and to start answering before trying again.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = parse_seconds)]
    api_timeout: f64,
}

impl PosthogArgs {
    fn settings(&self) -> Result<posthog::Settings> {
        let mut settings = posthog::Settings {
            key: posthog::ApiKey::load(self.api_key_file.as_deref())?,
            decompress: self.api_decompress,
            parallel: self.api_parallel.into(),
            timeout: std::time::Duration::from_secs_f64(self.api_timeout),
            ..posthog::Settings::default()
        };
        // The first wait before a retry; the tests shorten it.
        if let Some(ms) = std::env::var("REPLAY_HTML_API_BACKOFF_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            settings.backoff = std::time::Duration::from_millis(ms);
        }
        Ok(settings)
    }

    /// Fetches the recording a PostHog URL names, as an input; prints PostHog's warnings.
    fn fetch(&self, url: &PosthogUrl) -> Result<Input> {
        let listener = TerminalListener::new();
        let mut client = posthog::Client::new(&url.site, self.settings()?, listener.clone());
        let fetched = client.fetch_url(url);
        listener.finish();
        let fetched = fetched?;
        for warning in &fetched.warnings {
            say!("replay-html: warning: {warning}");
        }
        fetched.into_input()
    }
}

/// Which recordings of a project's replay list to bundle.
#[derive(clap::Args)]
#[command(next_help_heading = "PostHog (when the input is a PostHog URL)")]
struct ListArgs {
    /// With a project's replay list: recordings from this long ago (3d, 24h, 2w) or this date
    /// (2025-01-31).
    #[arg(long, value_name = "WHEN", default_value = "3d")]
    since: String,

    /// With a project's replay list: recordings up to this long ago or this date.
    #[arg(long, value_name = "WHEN")]
    until: Option<String>,

    /// With a project's replay list: only this person's recordings (a distinct id).
    #[arg(long, value_name = "DISTINCT_ID")]
    person: Option<String>,

    /// With a project's replay list: at most this many recordings, in the order PostHog lists
    /// them.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
}

fn parse_seconds(text: &str) -> Result<f64> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 3600.0 => Ok(seconds),
        _ => bail!("expected seconds, more than 0 and at most 3600"),
    }
}

/// The PostHog URL among the inputs, when there is one: it is then the only input.
fn posthog_input(inputs: &[PathBuf]) -> Result<Option<PosthogUrl>> {
    let urls: Vec<&str> = inputs
        .iter()
        .filter_map(|p| p.to_str())
        .filter(|p| posthog::is_url(p))
        .collect();
    match (urls.as_slice(), inputs.len()) {
        ([], _) => Ok(None),
        ([url], 1) => PosthogUrl::parse(url).map(Some),
        _ => bail!("a PostHog URL is read on its own: give it as the only input"),
    }
}

/// Tells how fetching goes: a bar of block requests on a terminal, and waits and retries.
struct TerminalListener {
    bar: Option<ProgressBar>,
}

impl TerminalListener {
    fn new() -> Arc<TerminalListener> {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0).with_message("fetching blocks");
            bar.set_style(
                ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} requests")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Arc::new(TerminalListener { bar })
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl posthog::Listener for TerminalListener {
    fn notice(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.println(replay_html::terminal::printable(&format!(
                "replay-html: {message}"
            ))),
            None => say!("replay-html: {message}"),
        }
    }

    fn progress(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    }
}

/// A clip of the recording, and notes on it.
#[derive(clap::Args)]
#[command(next_help_heading = "Sharing (a clip, notes)")]
struct SharingArgs {
    /// Keep only the recording from this moment of the session (90, 1m30s, 1:30, 1:02:03);
    /// the page's time 0 is here.
    #[arg(long, value_name = "TIME", value_parser = replay_html::page::parse_moment)]
    from: Option<f64>,

    /// Keep only the recording up to this moment of the session.
    #[arg(long, value_name = "TIME", value_parser = replay_html::page::parse_moment)]
    to: Option<f64>,

    /// Pin a note to a moment of the session (its time as --from takes it): a marker on the
    /// timeline and a row in the inspector's Notes tab. Repeatable.
    #[arg(long, num_args = 2, value_names = ["TIME", "TEXT"], action = clap::ArgAction::Append)]
    note: Vec<String>,

    /// Notes from a file: CSV (time,text a line) or JSON ([{"t": "1:30", "text": "…"}]);
    /// `-` reads standard input. Repeatable.
    #[arg(long, value_name = "FILE")]
    notes: Vec<PathBuf>,
}

impl SharingArgs {
    fn clip(&self) -> replay_html::clip::Clip {
        replay_html::clip::Clip {
            from: self.from,
            to: self.to,
        }
    }

    fn notes(&self) -> Result<Vec<replay_html::notes::Note>> {
        let mut notes = Vec::new();
        for pair in self.note.chunks(2) {
            if let [time, text] = pair {
                notes.push(replay_html::notes::Note::new(time, text)?);
            }
        }
        for path in &self.notes {
            let text = if path == Path::new("-") {
                io::read_to_string(io::stdin())
                    .context("could not read notes from standard input")?
            } else {
                fs::read_to_string(path)
                    .with_context(|| format!("could not read the notes file {}", path.display()))?
            };
            notes.extend(
                replay_html::notes::parse_file(&text)
                    .with_context(|| format!("could not read the notes in {}", path.display()))?,
            );
        }
        notes.sort_by(|a, b| a.t.total_cmp(&b.t));
        Ok(notes)
    }
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
    #[arg(
        long,
        value_name = "THEME",
        default_value = "auto",
        value_parser = PossibleValuesParser::new(["light", "dark", "auto"]).try_map(|s| s.parse::<Theme>())
    )]
    theme: Theme,

    /// Whether the inspector panel (console, network, events) starts open or closed.
    #[arg(
        long = "inspector",
        action = clap::ArgAction::Set,
        value_name = "STATE",
        default_value = "open",
        value_parser = PossibleValuesParser::new(["open", "closed"]).map(|s| s == "open")
    )]
    inspector_open: bool,

    /// Show only the replay and a slim control bar, filling the page: for an iframe in
    /// Retool, a wiki or a dashboard (a page can also ask with ?embed=1 in its address).
    #[arg(long)]
    embed: bool,
}

impl ViewerArgs {
    fn settings(&self) -> replay_html::ViewerSettings {
        replay_html::ViewerSettings {
            autoplay: self.autoplay,
            speed: self.speed,
            start: self.start,
            skip_inactive: !self.no_skip_inactive,
            theme: self.theme,
            inspector_open: self.inspector_open,
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

    /// Replace every image and screenshot of a mobile recording with a placeholder of the
    /// same size.
    #[arg(long)]
    mask_images: bool,
}

impl RedactionArgs {
    fn redaction(&self) -> replay_html::Redaction {
        replay_html::Redaction {
            strip_console: self.strip_console,
            strip_network: self.strip_network,
            strip_network_bodies: self.strip_network_bodies,
            strip_person: self.strip_person,
            mask_inputs: self.mask_inputs,
            mask_text: self.mask_text,
            mask_selectors: self.mask_selector.clone(),
            mask_images: self.mask_images,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C (SIGINT), SIGTERM or SIGHUP while a file is written: remove its temporary file, so
    // that no partial page is left beside the output, then stop as the signal would.
    let _ = ctrlc::set_handler(|| {
        files::remove_temporary_files();
        std::process::exit(130);
    });
    let result = match cli.command {
        Command::Bundle(args) => bundle(*args),
        Command::Inspect(args) => inspect(args),
        Command::Extract(args) => extract(args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "replay-html", &mut io::stdout());
            Ok(())
        }
        Command::Man { out_dir: None } => clap_mangen::Man::new(Cli::command())
            .render(&mut io::stdout())
            .context("could not write the manual page"),
        Command::Man { out_dir: Some(dir) } => fs::create_dir_all(&dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), &dir))
            .with_context(|| format!("could not write the manual pages into {}", dir.display())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Output piped into a command that stopped reading (`| head`): nothing is wrong.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if err.downcast_ref::<replay_html::pii::Found>().is_some() => {
            say!("replay-html: error: {err:#}:");
            if let Some(found) = err.downcast_ref::<replay_html::pii::Found>() {
                for line in replay_html::pii::summary(&found.findings) {
                    say!("replay-html:   {line}");
                }
            }
            ExitCode::from(3)
        }
        Err(err) => {
            say!("replay-html: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

impl BundleArgs {
    /// The library's options these arguments ask for (no progress, no fingerprint: the caller
    /// adds what its kind of input needs).
    fn options(&self) -> Result<replay_html::Options> {
        Ok(replay_html::Options {
            title: self.title.clone(),
            offline: self.offline,
            redaction: self.redaction.redaction(),
            viewer: self.viewer.settings(),
            progress: None,
            pii: if self.fail_on_pii {
                replay_html::PiiCheck::Fail
            } else {
                replay_html::PiiCheck::Warn
            },
            fingerprint: None,
            clip: self.sharing.clip(),
            notes: self.sharing.notes()?,
            encoding: self.page_encoding,
        })
    }
}

fn bundle(args: BundleArgs) -> Result<()> {
    if args.force && args.out_dir.is_none() {
        bail!(
            "--force goes with --out-dir, where it bundles pages that are up to date too; without --out-dir the page is always written"
        );
    }
    if let Some(url) = posthog_input(&args.inputs)? {
        return bundle_posthog(args, url);
    }
    let sources = files::sources(&args.inputs)?;
    let progress = args
        .out_dir
        .is_none()
        .then(|| TerminalProgress::for_sources(&sources))
        .flatten();
    let options = replay_html::Options {
        progress: progress
            .clone()
            .map(|p| p as Arc<dyn replay_html::Progress>),
        ..args.options()?
    };
    if let Some(out_dir) = &args.out_dir {
        let out_dir = Place::parse(out_dir)?;
        let report = args.report.as_deref().map(Report::open).transpose()?;
        let tell = |outcome: &Outcome| {
            if let Some(report) = &report {
                report.line(outcome);
            }
        };
        let batch = Batch {
            out_dir: &out_dir,
            force: args.force,
            session: args.session.as_deref(),
            options: &options,
            shard: args.shard,
            on_outcome: Some(&tell),
        };
        let outcomes = batch.run(&sources)?;
        if let Some(report) = report {
            report.finish()?;
        }
        return report_batch(outcomes);
    }
    let output = output_path(&args.inputs, &sources, args.output)?;
    if let Some(path) = &output {
        files::refuse_input_as_output(path, &sources)?;
    }
    let inputs = load(&sources)?;
    let reads = select_session(input::read_inputs(&inputs), args.session.as_deref())?;
    let mut recordings = Vec::with_capacity(reads.len());
    let mut formats = Vec::with_capacity(reads.len());
    for read in reads {
        let name = names(&sources, &read.inputs);
        let recording = read
            .recording
            .with_context(|| format!("could not bundle {name}"))?;
        for warning in &recording.warnings {
            say!("replay-html: warning: {name}: {warning}");
        }
        formats.push(read.format);
        recordings.push(recording);
    }
    if let Some(start) = options.viewer.start {
        let longest = recordings.iter().map(|r| r.duration()).fold(0.0, f64::max);
        if start > longest {
            say!(
                "replay-html: warning: --start {:.1}s is past the end of the recording, which is {:.1}s long",
                start / 1000.0,
                longest / 1000.0
            );
        }
    }
    let what = match recordings.len() {
        1 => names(&sources, &(0..sources.len()).collect::<Vec<_>>()),
        n => format!("{n} recordings"),
    };
    let write = |out: &mut dyn Write| {
        replay_html::write_page(&recordings, &options, out)
            .with_context(|| format!("could not bundle {what}"))
    };
    // A local file, or an object (`-o s3://bucket/key.html`).
    let (warnings, bytes) = match &output {
        None => (write(&mut io::stdout().lock())?, 0),
        Some(path) => Place::parse(path)?.write(None, write)?,
    };
    if let Some(progress) = progress {
        progress.bar.finish_and_clear();
    }
    for warning in &warnings {
        say!("replay-html: warning: {what}: {warning}");
    }
    if let Some(path) = output {
        let read_as = match formats.as_slice() {
            [format] => format.to_string(),
            _ => format!("{} recordings", formats.len()),
        };
        say!(
            "replay-html: wrote {} ({read_as}, {bytes} bytes)",
            path.display()
        );
    }
    Ok(())
}

/// Bundles a PostHog URL: one recording into a page, or a project's replay list into a folder.
fn bundle_posthog(args: BundleArgs, url: PosthogUrl) -> Result<()> {
    if args.shard.is_some() || args.report.is_some() {
        bail!("--shard and --report take files and folders, not a PostHog URL");
    }
    let to_object_storage = [args.output.as_deref(), args.out_dir.as_deref()]
        .into_iter()
        .flatten()
        .any(|path| matches!(Place::parse(path), Ok(Place::Object(_))));
    if to_object_storage {
        bail!(
            "pages from a PostHog URL are written to local files: give a local -o or --out-dir (object storage takes pages made from files)"
        );
    }
    let mut options = args.options()?;
    if let posthog::Target::Project { project } = &url.target {
        let out_dir = args.out_dir.context(
            "a project's replay list makes a page for each recording: give --out-dir DIR",
        )?;
        let listener = TerminalListener::new();
        let client = posthog::Client::new(&url.site, args.posthog.settings()?, listener.clone());
        let filters = posthog::ListFilters {
            since: Some(args.list.since),
            until: args.list.until,
            person: args.list.person,
            limit: args.list.limit,
        };
        let outcomes =
            posthog::bundle_list(&client, project, &filters, &out_dir, args.force, &options);
        listener.finish();
        return report_batch(outcomes?);
    }
    let input = args.posthog.fetch(&url)?;
    let (format, recording) = input.read()?;
    let name = format!("recording {}", recording.id_among(0));
    if options.viewer.start.is_none() {
        options.viewer.start = url.start_ms(recording.start());
    }
    for warning in &recording.warnings {
        say!("replay-html: warning: {name}: {warning}");
    }
    let output = match (args.output, &args.out_dir) {
        (Some(path), _) if path == Path::new("-") => None,
        (Some(path), _) => Some(path),
        (None, dir) => Some(posthog::page_path(
            dir.as_deref().unwrap_or(Path::new("")),
            &recording.id_among(0),
        )),
    };
    if let Some(dir) = &args.out_dir {
        fs::create_dir_all(dir)
            .with_context(|| format!("could not create the folder {}", dir.display()))?;
    }
    let write = |out: &mut dyn Write| {
        replay_html::write_page(std::slice::from_ref(&recording), &options, out)
            .with_context(|| format!("could not bundle {name}"))
    };
    let warnings = match &output {
        None => write(&mut io::stdout().lock())?,
        Some(path) => files::write_atomically(path, Durability::Process, write)
            .with_context(|| format!("could not write {}", path.display()))?,
    };
    for warning in &warnings {
        say!("replay-html: warning: {name}: {warning}");
    }
    if let Some(path) = output {
        let bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or_default();
        say!(
            "replay-html: wrote {} ({format} from PostHog, {bytes} bytes)",
            path.display()
        );
    }
    Ok(())
}

/// A progress bar on standard error, for inputs that take more than a moment to bundle, when
/// standard error is a terminal: a spinner while the input is read, then the compression.
struct TerminalProgress {
    bar: ProgressBar,
}

impl TerminalProgress {
    /// Inputs smaller than this bundle in well under a second.
    const MIN_BYTES: u64 = 32 << 20;

    fn for_sources(sources: &[Source]) -> Option<Arc<TerminalProgress>> {
        let bytes: u64 = sources.iter().filter_map(Source::size).sum();
        if !io::stderr().is_terminal() || bytes < Self::MIN_BYTES {
            return None;
        }
        let bar = ProgressBar::new_spinner().with_message("reading");
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(Arc::new(TerminalProgress { bar }))
    }
}

impl replay_html::Progress for TerminalProgress {
    fn start(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_style(
            ProgressStyle::with_template(
                "{msg} {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.bar.set_message("compressing");
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
}

/// `--report`: a JSON line for each outcome, written as the batch goes.
struct Report {
    out: Mutex<Box<dyn Write + Send>>,
    name: String,
    error: Mutex<Option<io::Error>>,
}

impl Report {
    fn open(path: &Path) -> Result<Report> {
        let (out, name): (Box<dyn Write + Send>, String) = if path == Path::new("-") {
            (Box::new(io::stdout()), "standard output".to_owned())
        } else {
            let file = fs::File::create(path)
                .with_context(|| format!("could not create the report {}", path.display()))?;
            (Box::new(file), path.display().to_string())
        };
        Ok(Report {
            out: Mutex::new(out),
            name,
            error: Mutex::new(None),
        })
    }

    fn line(&self, outcome: &Outcome) {
        let mut line = serde_json::to_string(outcome).unwrap_or_default();
        line.push('\n');
        let written = match self.out.lock() {
            Ok(mut out) => out.write_all(line.as_bytes()).and_then(|()| out.flush()),
            Err(_) => Ok(()),
        };
        if let (Err(err), Ok(mut first)) = (written, self.error.lock()) {
            first.get_or_insert(err);
        }
    }

    fn finish(self) -> Result<()> {
        match self.error.into_inner().ok().flatten() {
            Some(err) => {
                Err(err).with_context(|| format!("could not write the report {}", self.name))
            }
            None => Ok(()),
        }
    }
}

/// Prints what a batch made, skipped and could not make, from its outcomes (the lines of the
/// report); fails if anything failed.
fn report_batch(outcomes: Vec<Outcome>) -> Result<()> {
    let count = |status| outcomes.iter().filter(|o| o.status == status).count();
    for outcome in outcomes.iter().filter(|o| o.status == Status::Made) {
        for warning in &outcome.warnings {
            say!("replay-html: warning: {}: {warning}", outcome.input);
        }
        say!(
            "replay-html: wrote {} ({}, from {})",
            outcome.page.as_deref().unwrap_or_default(),
            outcome.format.as_deref().unwrap_or_default(),
            outcome.input
        );
    }
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.status == Status::Failed)
        .collect();
    say!(
        "replay-html: made {}, skipped {} (up to date; --force bundles them again), failed {}",
        count(Status::Made),
        count(Status::Skipped),
        failed.len()
    );
    for outcome in &failed {
        say!(
            "replay-html: failed: {}: {}",
            outcome.input,
            outcome.error.as_deref().unwrap_or_default()
        );
    }
    if !failed.is_empty() {
        bail!(
            "{} of {} could not be bundled",
            failed.len(),
            outcomes.len()
        );
    }
    Ok(())
}

/// Reports on every input, going on past those that cannot be read: the report (text, or
/// one JSON document with `recordings` and `failures`) is always printed, and the run fails
/// when anything could not be read.
fn inspect(args: InspectArgs) -> Result<()> {
    let url = posthog_input(&args.inputs)?;
    let sources = match &url {
        Some(url) => vec![url_source(url)],
        None => files::sources(&args.inputs)?,
    };
    let mut inspection = Inspection {
        inputs: Vec::with_capacity(sources.len()),
        recordings: Vec::new(),
        failures: Vec::new(),
    };
    // The inputs that could be unwrapped, and the index in `sources` of each.
    let mut inputs = Vec::new();
    let mut input_sources = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        let file_bytes = source.size();
        let input = match &url {
            Some(url) => args.posthog.fetch(url),
            None => match source.read() {
                Err(err) => Err(anyhow::anyhow!("{}", err.root_cause())),
                Ok(bytes) => Input::new(bytes),
            },
        };
        match input {
            Ok(input) => {
                inspection.inputs.push(InputReport::new(
                    source.name(),
                    file_bytes.unwrap_or(input.text_len() as u64),
                    input.container(),
                    input.text_len(),
                ));
                inputs.push(input);
                input_sources.push(i);
            }
            Err(err) => {
                inspection.inputs.push(InputReport {
                    path: source.name(),
                    file_bytes: file_bytes.unwrap_or_default(),
                    container: "unread".to_owned(),
                    text_bytes: 0,
                });
                inspection.failures.push(FailureReport {
                    inputs: vec![i],
                    error: format!("{err:#}"),
                });
            }
        }
    }
    let redaction = args.redaction.redaction();
    for read in input::read_inputs(&inputs) {
        let read_from: Vec<usize> = read.inputs.iter().map(|&i| input_sources[i]).collect();
        match read.recording {
            Ok(recording) => {
                let mut report = replay_html::inspect::report(read_from, read.format, &recording);
                if args.pii {
                    let page = replay_html::Options {
                        redaction: redaction.clone(),
                        clip: replay_html::clip::Clip {
                            from: args.from,
                            to: args.to,
                        },
                        ..replay_html::Options::default()
                    };
                    report.pii = Some(replay_html::find_pii(&recording, &page)?);
                }
                inspection.recordings.push(report);
            }
            Err(err) => inspection.failures.push(FailureReport {
                inputs: read_from,
                error: format!("{err:#}"),
            }),
        }
    }
    inspection
        .failures
        .sort_by_key(|f| f.inputs.first().copied());
    let text = if args.json {
        serde_json::to_string_pretty(&inspection)? + "\n"
    } else {
        replay_html::terminal::printable(&inspection.to_text()?).into_owned()
    };
    io::stdout().lock().write_all(text.as_bytes())?;
    match inspection.failures.as_slice() {
        [] if inspection.recordings.is_empty() => bail!("no recording could be read"),
        [] => Ok(()),
        [failure] => bail!(
            "could not read {}: {}",
            names(&sources, &failure.inputs),
            failure.error
        ),
        failures => bail!(
            "{} of the inputs could not be read (first: {}: {})",
            failures.len(),
            names(&sources, &failures[0].inputs),
            failures[0].error
        ),
    }
}

fn extract(args: ExtractArgs) -> Result<()> {
    let (sources, inputs) = match posthog_input(std::slice::from_ref(&args.input))? {
        Some(url) => (vec![url_source(&url)], vec![args.posthog.fetch(&url)?]),
        None => {
            let sources = files::sources(std::slice::from_ref(&args.input))?;
            let inputs = load(&sources)?;
            (sources, inputs)
        }
    };
    let name = names(&sources, &[0]);
    let mut recordings = input::read_inputs(&inputs)
        .into_iter()
        .map(|read| {
            read.recording
                .with_context(|| format!("could not read {name}"))
        })
        .collect::<Result<Vec<_>>>()?;
    if let Some(wanted) = &args.recording {
        let by_number = || {
            let n: usize = wanted.parse().ok()?;
            (1..=recordings.len()).contains(&n).then(|| n - 1)
        };
        let position = recordings
            .iter()
            .position(|r| r.session_id.as_deref() == Some(wanted.as_str()))
            .or_else(by_number)
            .with_context(|| {
                format!(
                    "{name} holds no recording {wanted:?} (it holds {})",
                    recording_ids(&recordings)
                )
            })?;
        recordings = vec![recordings.swap_remove(position)];
    }
    if let Some(dir) = &args.out_dir {
        let dir = Place::parse(dir)?;
        dir.create_folder()?;
        for (n, recording) in recordings.iter().enumerate() {
            write_export(
                recording,
                Some(dir.join(&export_name(recording, n))),
                &sources[0],
            )?;
        }
        return Ok(());
    }
    let [recording] = recordings.as_slice() else {
        bail!(
            "{name} holds {} recordings ({}): pick one with --recording ID, or write them all with --out-dir DIR",
            recordings.len(),
            recording_ids(&recordings)
        );
    };
    let output = match args.output {
        Some(path) if path == Path::new("-") => None,
        Some(path) => Some(Place::parse(&path)?),
        None => Some(Place::File(PathBuf::from(export_name(recording, 0)))),
    };
    write_export(recording, output, &sources[0])
}

/// Writes a recording's export to a file or an object (`s3://…`), never over the input
/// itself, or without a place to standard output.
fn write_export(
    recording: &replay_html::Recording,
    output: Option<Place>,
    source: &Source,
) -> Result<()> {
    let write = |out: &mut dyn Write| replay_html::export::write_export(recording, out);
    let Some(place) = output else {
        return write(&mut io::BufWriter::new(io::stdout().lock()));
    };
    let path = match &place {
        Place::File(path) => path.clone(),
        Place::Object(url) => PathBuf::from(url.to_string()),
    };
    files::refuse_input_as_output(&path, [source])?;
    place.write_export(write)?;
    say!("replay-html: wrote {place}");
    Ok(())
}

/// PostHog's own name for an export, `export-<session id>-ph-recording.json`.
fn export_name(recording: &replay_html::Recording, n: usize) -> String {
    let id = recording
        .session_id
        .clone()
        .unwrap_or_else(|| format!("recording-{}", n + 1));
    format!("export-{}-ph-recording.json", files::safe_file_stem(&id))
}

fn recording_ids(recordings: &[replay_html::Recording]) -> String {
    recordings
        .iter()
        .enumerate()
        .map(|(n, r)| r.id_among(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How messages name a PostHog URL read as an input.
fn url_source(url: &PosthogUrl) -> Source {
    Source::file(&url.text)
}

/// Reads and unwraps every source; the first that fails stops the run.
fn load(sources: &[Source]) -> Result<Vec<Input>> {
    sources
        .iter()
        .map(|source| {
            Input::new(source.read()?).with_context(|| format!("could not read {}", source.name()))
        })
        .collect()
}

/// Keeps only the recording of `session`, when one is asked for.
fn select_session<'a>(reads: Vec<Read<'a>>, session: Option<&str>) -> Result<Vec<Read<'a>>> {
    let Some(session) = session else {
        return Ok(reads);
    };
    let ids: Vec<String> = reads
        .iter()
        .filter_map(|r| r.recording.as_ref().ok()?.session_id.clone())
        .collect();
    let chosen: Vec<Read> = reads
        .into_iter()
        .filter(|r| {
            r.recording
                .as_ref()
                .is_ok_and(|r| r.session_id.as_deref() == Some(session))
        })
        .collect();
    if chosen.is_empty() {
        let held = if ids.is_empty() {
            "none with an id".to_owned()
        } else {
            ids.join(", ")
        };
        bail!("no input holds session {session:?} (they hold {held})");
    }
    Ok(chosen)
}

/// How messages name the sources at these indexes.
fn names(sources: &[Source], indexes: &[usize]) -> String {
    match indexes {
        [one] => sources[*one].name(),
        [first, rest @ ..] => format!("{} and {} more", sources[*first].name(), rest.len()),
        [] => "no input".to_owned(),
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
            bail!("reading standard input needs -o OUT (or -o - for standard output)")
        }
        (None, [input], _) if input.is_dir() || sources.len() == 1 => {
            let stem = input
                .file_stem()
                .with_context(|| format!("{} names no file: give -o OUT", input.display()))?;
            Ok(Some(PathBuf::from(stem).with_extension("html")))
        }
        (None, _, _) => bail!(
            "several recordings make one page: name it with -o OUT, or a page each with --out-dir DIR"
        ),
    }
}
