//! What happens in the recorded session: one person working in the app for hours, in up to
//! four windows, one step (an action and what it sets off) at a time.
//!
//! The session is a stream: its steps do not depend on how much of it is written, so a file
//! of any size holds the beginning of the same session for the same seed, and the export and
//! the JSONL of one seed tell the same story (the JSONL, being smaller per event, tells more
//! of it). Events come out in time order across windows, each strictly later than the last.
//!
//! Realism, as the benchmark needs it (see the real recording in `tests/fixtures/real/`):
//! - every page load (a new window, a reload) starts with Meta + FullSnapshot, and each window
//!   takes a new full snapshot when the user acts in it 5 minutes or more after the last one,
//!   as posthog-js does (every 5 minutes, and on coming back from idle);
//! - navigation swaps a view of thousands of nodes in one mutation; sorting and filtering
//!   replace table rows; counters, tooltips and row selection change texts and attributes;
//! - the pointer moves in 500 ms batches of 50 ms samples; clicks are mousedown, focus,
//!   mouseup, click; typing is one masked input event per key, as posthog-js records them;
//! - API requests carry their JSON bodies; some fail (4xx, 5xx) and log errors;
//! - reading, and stepping away, leave gaps of more than 5 s with no user activity.

use replay_html::recording::event_type;
use serde::Serialize;

use crate::app::{App, ORIGIN, Page, Route};
use crate::calendar;
use crate::dom::NodeId;
use crate::events::{
    self, CONSOLE_PLUGIN, Captured, Console, Custom, FullSnapshot, Headers, Href, MouseInteraction,
    MouseMove, NETWORK_PLUGIN, Network, Offset, Plugin, Position, Request, Scroll, Timing,
    ViewportResize, interaction,
};
use crate::output::{Emitter, WindowTag};
use crate::records::{self, ApiPage, Kind};
use crate::rng::Rng;
use crate::vocab;
use crate::widgets::Fetch;

/// What kind of app and session the recording holds.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Shape {
    /// An operations dashboard in up to four windows; posthog-js' full snapshot every 5 minutes.
    Dashboard,
    /// A data-heavy app in two windows (the case of issue #15): a live grid of 1,800 rows on
    /// every page, for full snapshots of over 20,000 nodes, one every 90 s, and a chatty app that
    /// logs to the console and calls its API about once a second.
    DataHeavy,
}

impl Shape {
    fn max_windows(self) -> usize {
        match self {
            Shape::Dashboard => 4,
            Shape::DataHeavy => 2,
        }
    }

    fn full_snapshot_interval_ms(self) -> u64 {
        match self {
            // posthog-js takes a full snapshot of a window every 5 minutes.
            Shape::Dashboard => 5 * 60_000,
            Shape::DataHeavy => 90_000,
        }
    }

    fn grid_rows(self) -> usize {
        match self {
            Shape::Dashboard => 0,
            Shape::DataHeavy => 1_800,
        }
    }

    /// Every how many ms the app logs a line and makes a request of its own, or None.
    fn chatter_ms(self) -> Option<u64> {
        match self {
            Shape::Dashboard => None,
            Shape::DataHeavy => Some(1_000),
        }
    }
}
/// rrweb samples the pointer every 50 ms and sends the samples every 500 ms.
const POINTER_SAMPLE_MS: u64 = 50;
const POINTER_BATCH_MS: u64 = 500;
/// Sessions start on an ordinary working morning in June 2025 (and up to 30 days later).
const FIRST_START_MS: u64 = 1_748_851_200_000;
/// Window sizes people use: a laptop, a big screen, a half-screen window.
const VIEWPORTS: [(u32, u32); 4] = [(1440, 789), (1728, 1001), (1920, 969), (1280, 720)];
/// How often live pages update themselves while the user reads.
const LIVE_UPDATE_MS: std::ops::Range<u64> = 3_000..7_000;
/// Below this much room, the end of the session is pointer moves only.
const PREFETCH_MIN_ROOM: u64 = 16_000;
const PREFETCH_MAX_BODY: u64 = 1_000_000;

/// What the user does next, with how often (see [`Session::step`]).
#[derive(Clone, Copy)]
enum Action {
    Read,
    Browse,
    Scroll,
    Navigate,
    OpenRecord,
    Sort,
    Filter,
    SelectRows,
    HoverChart,
    Form,
    Poll,
    Resize,
    Reload,
    StepAway,
}

const ACTIONS: [(Action, u32); 14] = [
    (Action::Read, 12),
    (Action::Browse, 22),
    (Action::Scroll, 10),
    (Action::Navigate, 9),
    (Action::OpenRecord, 5),
    (Action::Sort, 4),
    (Action::Filter, 4),
    (Action::SelectRows, 5),
    (Action::HoverChart, 8),
    (Action::Form, 3),
    (Action::Poll, 10),
    (Action::Resize, 1),
    (Action::Reload, 1),
    (Action::StepAway, 1),
];

struct Window {
    tag: WindowTag,
    page: Page,
    viewport: (u32, u32),
    pointer: (u32, u32),
    scroll: u32,
    /// The element with focus, if it is a field (clicking elsewhere blurs it).
    focused: Option<NodeId>,
    last_full_snapshot: u64,
    /// Epoch ms of the page load, the origin of its performance timings.
    time_origin: u64,
    navigation_id: u32,
}

/// The person recorded: the signed-in user of the app.
struct User {
    name: String,
    email: String,
    company: &'static str,
    uuid: String,
    anonymous_id: String,
    created_at: u64,
}

pub struct Session {
    app: App,
    rng: Rng,
    /// Epoch ms of the last event: every event is at least 1 ms after the one before.
    clock: u64,
    pub id: String,
    user: User,
    windows: Vec<Window>,
    /// Index in `windows` of the window the user is in.
    focus: usize,
    next_window_at: u64,
    /// When the page in focus next updates itself.
    next_live_update: u64,
    /// Whether the session is filling the end of the file (see [`Session::fill`]).
    filling: bool,
    shape: Shape,
    /// When the app next logs and calls its API of its own (see `Shape::chatter_ms`).
    next_chatter: u64,
}

impl Session {
    pub fn new(seed: u64, shape: Shape) -> Session {
        let mut rng = Rng::new(seed);
        let start = FIRST_START_MS + rng.below(30 * 86_400_000);
        let mut app = App::new(&mut rng);
        app.grid_rows = shape.grid_rows();
        let name = vocab::full_name(&mut rng);
        let company = rng.pick(vocab::COMPANIES);
        let created_at = start - rng.range(86_400_000, 400 * 86_400_000);
        let user = User {
            email: vocab::email(&name, company),
            name,
            company,
            uuid: rng.uuid_v7(created_at),
            anonymous_id: rng.uuid_v7(created_at - 60_000),
            created_at,
        };
        Session {
            id: rng.uuid_v7(start),
            next_window_at: start + rng.range(60_000, 150_000),
            next_live_update: start + LIVE_UPDATE_MS.end,
            filling: false,
            shape,
            next_chatter: start,
            app,
            rng,
            clock: start,
            user,
            windows: Vec::new(),
            focus: 0,
        }
    }

    /// Writes the next step of the session.
    pub fn step(&mut self, out: &mut Emitter) {
        if self.windows.is_empty() {
            return self.open_window(out, Route::Dashboard);
        }
        if self.windows.len() < self.shape.max_windows() && self.clock >= self.next_window_at {
            return self.open_record_in_new_window(out);
        }
        let away_from_home = self.focus != 0;
        if self.windows.len() > 1 && self.rng.chance(if away_from_home { 0.1 } else { 0.03 }) {
            self.switch_window();
        }
        if self.clock >= self.next_live_update {
            self.live_update(out);
        }
        if let Some(every) = self.shape.chatter_ms() {
            self.chatter(out, every);
        }
        let action = ACTIONS[self.rng.weighted(&ACTIONS.map(|(_, weight)| weight))].0;
        if !matches!(action, Action::Read | Action::Poll | Action::StepAway) {
            self.refresh_snapshot_if_due(out);
        }
        match action {
            Action::Read => self.read(out),
            Action::Browse => self.browse(out),
            Action::Scroll => self.scroll(out),
            Action::Navigate => self.navigate(out),
            Action::OpenRecord => self.open_record(out),
            Action::Sort => self.sort(out),
            Action::Filter => self.filter(out),
            Action::SelectRows => self.select_rows(out),
            Action::HoverChart => self.hover_chart(out),
            Action::Form => self.fill_form(out),
            Action::Poll => self.poll(out),
            Action::Resize => self.resize(out),
            Action::Reload => self.reload(out),
            Action::StepAway => self.step_away(),
        }
    }

    /// Advances the clock by about `ms` (at least 1) and returns the new time.
    fn after(&mut self, ms: u64) -> u64 {
        self.clock += ms.max(1);
        self.clock
    }

    fn window(&self) -> &Window {
        &self.windows[self.focus]
    }

    fn window_mut(&mut self) -> &mut Window {
        &mut self.windows[self.focus]
    }

    fn emit(&mut self, out: &mut Emitter, after_ms: u64, kind: u8, data: &impl Serialize) {
        let at = self.after(after_ms);
        out.event(&self.window().tag, kind, at, data);
    }

    fn emit_mutation(&mut self, out: &mut Emitter, after_ms: u64) {
        let at = self.after(after_ms);
        let window = &mut self.windows[self.focus];
        out.mutation(&window.tag, at, &mut window.page.dom);
    }

    // ---- Windows and page loads ----

    fn open_window(&mut self, out: &mut Emitter, route: Route) {
        let at = self.after(1);
        let number = self.windows.len() as u32 + 1;
        let tag = WindowTag {
            number,
            uuid: self.rng.uuid_v7(at),
        };
        let viewport = self.rng.pick(&VIEWPORTS);
        let (page, fetches) = Page::load(&self.app, &mut self.rng, route, at);
        self.windows.push(Window {
            tag,
            page,
            viewport,
            pointer: (viewport.0 / 2, viewport.1 / 2),
            scroll: 0,
            focused: None,
            last_full_snapshot: at,
            time_origin: at,
            navigation_id: self.rng.range(1_000, 9_999) as u32,
        });
        self.focus = self.windows.len() - 1;
        self.page_loaded(out, fetches);
    }

    /// What follows a page load: Meta and FullSnapshot, the recorder starting, the page's own
    /// requests, the pageview, the app's boot log and its first API calls.
    fn page_loaded(&mut self, out: &mut Emitter, fetches: Vec<Fetch>) {
        let load_ms = self.rng.range(600, 2_400);
        self.clock += load_ms;
        self.full_snapshot(out);
        let started = Reason {
            reason: "recording_initialized",
        };
        self.custom(out, 3, "$recording_started", started);
        self.initial_requests(out, load_ms);
        let href = self.window().page.route.url();
        self.custom(out, 8, "$pageview", Href { href: &href });
        let booted = format!("\"[fieldline] build {} booted\"", self.app.build());
        self.console(
            out,
            "info",
            vec![booted],
            vec![self.frame("bootstrap", 1, 402)],
        );
        self.api_fetches(out, fetches);
    }

    fn full_snapshot(&mut self, out: &mut Emitter) {
        let at = self.after(1);
        let window = &self.windows[self.focus];
        let href = window.page.route.url();
        let (width, height) = window.viewport;
        let meta = events::Meta {
            href: &href,
            width,
            height,
        };
        out.event(&window.tag, event_type::META, at, &meta);
        let at = self.after(1);
        let window = &mut self.windows[self.focus];
        out.full_snapshot(
            &window.tag,
            at,
            &FullSnapshot {
                node: window.page.dom.document(),
                initial_offset: Offset { left: 0, top: 0 },
            },
        );
        window.last_full_snapshot = at;
    }

    fn refresh_snapshot_if_due(&mut self, out: &mut Emitter) {
        if self.clock - self.window().last_full_snapshot >= self.shape.full_snapshot_interval_ms() {
            self.full_snapshot(out);
        }
    }

    /// A cmd-click on a record (or a section) opens it in a new tab, and the user follows it.
    fn open_record_in_new_window(&mut self, out: &mut Emitter) {
        self.refresh_snapshot_if_due(out);
        let page = &self.windows[self.focus].page;
        let (link, route) = match page.record_link(&mut self.rng) {
            Some(link) => link,
            None => page.nav_link(&mut self.rng),
        };
        self.click(out, link);
        self.next_window_at = self.clock
            + match self.windows.len() {
                1 => self.rng.range(15 * 60_000, 40 * 60_000),
                _ => self.rng.range(90 * 60_000, 240 * 60_000),
            };
        let new_tab = self.rng.range(200, 900);
        self.clock += new_tab;
        self.open_window(out, route);
    }

    /// The user moves to another window: mostly back to the first, where the work is.
    fn switch_window(&mut self) {
        let others: Vec<usize> = (0..self.windows.len())
            .filter(|&w| w != self.focus)
            .collect();
        self.focus = if self.focus != 0 && self.rng.chance(0.7) {
            0
        } else {
            self.rng.pick(&others)
        };
        self.clock += self.rng.range(300, 3_000);
    }

    fn reload(&mut self, out: &mut Emitter) {
        let route = self.window().page.route;
        let pause = self.rng.range(500, 2_000);
        let at = self.after(pause);
        let (page, fetches) = Page::load(&self.app, &mut self.rng, route, at);
        let navigation_id = self.rng.range(1_000, 9_999) as u32;
        let window = self.window_mut();
        window.page = page;
        window.scroll = 0;
        window.focused = None;
        window.time_origin = at;
        window.navigation_id = navigation_id;
        self.page_loaded(out, fetches);
    }

    // ---- Pointer and keyboard ----

    /// Where an element is on screen: a stable spot per element, inside the viewport.
    fn position(&self, id: NodeId) -> (u32, u32) {
        let (width, height) = self.window().viewport;
        let hash = u64::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let x = (hash >> 20) % u64::from(width - 40) + 20;
        let y = (hash >> 40) % u64::from(height - 40) + 20;
        (x as u32, y as u32)
    }

    /// An element the pointer passes over: anywhere on the page, or, once the session fills
    /// the end of the file, only the shell.
    fn hovered(&mut self) -> NodeId {
        let page = &self.windows[self.focus].page;
        if self.filling {
            page.shell_target(&mut self.rng)
        } else {
            page.pointer_target(&mut self.rng)
        }
    }

    /// Moves the pointer to an element over about `duration_ms`: a sample every 50 ms, sent
    /// in batches of up to 10 with each sample's offset from the send time.
    fn move_pointer(&mut self, out: &mut Emitter, to: NodeId, duration_ms: u64) {
        let from = self.window().pointer;
        let target = self.position(to);
        let samples = (duration_ms / POINTER_SAMPLE_MS).max(1);
        let per_batch = (POINTER_BATCH_MS / POINTER_SAMPLE_MS) as usize;
        let mut batch = Vec::with_capacity(per_batch);
        for sample in 1..=samples {
            let t = sample as f64 / samples as f64;
            let along = |a: u32, b: u32| f64::from(a) + (f64::from(b) - f64::from(a)) * t;
            let jitter = self.rng.range(0, 7) as f64 - 3.0;
            let x = (along(from.0, target.0) + jitter).max(0.0) as u32;
            let y = along(from.1, target.1) as u32;
            let over = if sample == samples {
                to
            } else {
                self.hovered()
            };
            batch.push((x, y, over));
            if batch.len() == per_batch || sample == samples {
                let at = self.after(batch.len() as u64 * POINTER_SAMPLE_MS);
                let last = batch.len() - 1;
                let positions: Vec<Position> = batch
                    .drain(..)
                    .enumerate()
                    .map(|(i, (x, y, id))| Position {
                        x,
                        y,
                        id,
                        time_offset: -(((last - i) as u64 * POINTER_SAMPLE_MS) as i64),
                    })
                    .collect();
                out.event(
                    &self.window().tag,
                    event_type::INCREMENTAL_SNAPSHOT,
                    at,
                    &MouseMove::new(&positions),
                );
            }
        }
        self.window_mut().pointer = target;
    }

    /// Moves to an element and clicks it: mousedown, focus (fields), mouseup, click.
    fn click(&mut self, out: &mut Emitter, target: NodeId) {
        let duration = self.rng.range(250, 1_200);
        self.move_pointer(out, target, duration);
        let (x, y) = self.position(target);
        let (x, y) = (f64::from(x) + 0.5, f64::from(y) + 0.62);
        let down = self.rng.range(40, 160);
        self.emit(
            out,
            down,
            event_type::INCREMENTAL_SNAPSHOT,
            &MouseInteraction::at(interaction::MOUSE_DOWN, target, x, y),
        );
        if let Some(previous) = self.window_mut().focused.take() {
            self.emit(
                out,
                2,
                event_type::INCREMENTAL_SNAPSHOT,
                &MouseInteraction::focus(interaction::BLUR, previous),
            );
        }
        let up = self.rng.range(60, 140);
        self.emit(
            out,
            up,
            event_type::INCREMENTAL_SNAPSHOT,
            &MouseInteraction::at(interaction::MOUSE_UP, target, x, y),
        );
        self.emit(
            out,
            3,
            event_type::INCREMENTAL_SNAPSHOT,
            &MouseInteraction::at(interaction::CLICK, target, x.floor(), y.floor()),
        );
    }

    /// Clicks into a field and types `length` keys (masked, as posthog-js records inputs).
    fn type_into(&mut self, out: &mut Emitter, field: NodeId, length: usize) {
        self.click(out, field);
        self.emit(
            out,
            1,
            event_type::INCREMENTAL_SNAPSHOT,
            &MouseInteraction::focus(interaction::FOCUS, field),
        );
        self.window_mut().focused = Some(field);
        for typed in 1..=length {
            let pause = self.rng.range(70, 260);
            let masked = "*".repeat(typed);
            self.emit(
                out,
                pause,
                event_type::INCREMENTAL_SNAPSHOT,
                &events::Input::new(field, &masked, false),
            );
        }
    }

    // ---- Actions ----

    /// Reading: no user activity for 5 to 20 s, while the page updates itself.
    fn read(&mut self, out: &mut Emitter) {
        let end = self.clock + self.rng.range(5_200, 20_000);
        while self.next_live_update < end {
            self.clock = self.clock.max(self.next_live_update);
            self.live_update(out);
        }
        self.clock = end;
    }

    /// The page updating itself: counters and relative times move on, and live tables get
    /// the orders or conversations that arrived since the last poll.
    fn live_update(&mut self, out: &mut Emitter) {
        self.next_live_update =
            self.clock + self.rng.range(LIVE_UPDATE_MS.start, LIVE_UPDATE_MS.end);
        let window = self.focus;
        let count = self.rng.range(2, 10) as usize;
        let now = self.clock;
        if let Some(records) = self.windows[window]
            .page
            .stream_rows(&mut self.rng, now, count)
        {
            let page = ApiPage {
                count: records.len() as u64,
                next: None,
                previous: None,
                results: &records,
            };
            let answer = page.json();
            let wait = self.rng.range(40, 300);
            let path = format!("/api/v2/live/?since={}", calendar::iso(now - 10_000));
            let request = self.api_request("GET", &path, 200, None, answer, wait);
            self.network(out, vec![request], false);
        }
        self.windows[window].page.tick(&mut self.rng);
        self.emit_mutation(out, 1);
    }

    /// A chatty app's own traffic since the last step: a metrics request and a debug line per
    /// `every` ms, and a third more lines. (Only while the user is there: a tab stepped away
    /// from is throttled.)
    fn chatter(&mut self, out: &mut Emitter, every: u64) {
        let due = (self.clock.saturating_sub(self.next_chatter) / every).min(20);
        self.next_chatter = self.clock + every;
        for i in 0..due {
            let wait = self.rng.range(20, 200);
            let answer = format!("{{\"ok\":true,\"accepted\":{}}}", self.rng.range(1, 40));
            let request =
                self.api_request("POST", "/api/v2/metrics/batch", 200, None, answer, wait);
            self.network(out, vec![request], false);
            let lines = if i % 3 == 0 { 2 } else { 1 };
            for _ in 0..lines {
                let line = format!(
                    "\"[fieldline] cache {} hit, {} entries\"",
                    self.rng.hex(6),
                    self.rng.range(10, 5_000)
                );
                self.console(
                    out,
                    "debug",
                    vec![line],
                    vec![self.frame("queryCache", 3, 1_207)],
                );
            }
        }
    }

    /// Gone for a coffee: minutes without a single event. Coming back takes a new snapshot.
    fn step_away(&mut self) {
        self.clock += self.rng.range(60_000, 4 * 60_000);
    }

    /// The pointer wandering over the page while the user looks around.
    fn browse(&mut self, out: &mut Emitter) {
        for _ in 0..self.rng.range(2, 5) {
            let target = self.hovered();
            let duration = self.rng.range(300, 1_800);
            self.move_pointer(out, target, duration);
            self.clock += self.rng.range(100, 800);
        }
    }

    /// A flick of the wheel: scroll events every 100 ms or so, down or back up.
    fn scroll(&mut self, out: &mut Emitter) {
        let main = self.window().page.main;
        let down = self.window().scroll < 600 || self.rng.chance(0.6);
        for _ in 0..self.rng.range(4, 20) {
            let step = self.rng.range(40, 240) as u32;
            let window = self.window_mut();
            window.scroll = if down {
                (window.scroll + step).min(6_000)
            } else {
                window.scroll.saturating_sub(step)
            };
            let y = window.scroll;
            let pause = self.rng.range(90, 160);
            self.emit(
                out,
                pause,
                event_type::INCREMENTAL_SNAPSHOT,
                &Scroll::new(main, y),
            );
        }
    }

    /// A sidebar link: the router swaps the whole view in one mutation.
    fn navigate(&mut self, out: &mut Emitter) {
        let (link, route) = self.windows[self.focus].page.nav_link(&mut self.rng);
        self.click(out, link);
        self.change_route(out, route);
    }

    /// A record's link in the table: its detail page, in the same window.
    fn open_record(&mut self, out: &mut Emitter) {
        match self.windows[self.focus].page.record_link(&mut self.rng) {
            Some((link, route)) => {
                self.click(out, link);
                self.change_route(out, route);
            }
            None => self.navigate(out),
        }
    }

    fn change_route(&mut self, out: &mut Emitter, route: Route) {
        let from = self.window().page.route.path();
        let at = self.clock;
        let window = self.focus;
        let fetches = self.windows[window].page.navigate(&mut self.rng, route, at);
        let render = self.rng.range(30, 400);
        self.emit_mutation(out, render);
        self.window_mut().scroll = 0;
        let href = route.url();
        self.custom(out, 2, "$url_changed", Href { href: &href });
        self.custom(out, 5, "$pageview", Href { href: &href });
        let moved = format!("{{\"from\":\"{from}\",\"to\":\"{}\"}}", route.path());
        self.console(
            out,
            "debug",
            vec!["\"[router] navigate\"".to_owned(), moved],
            vec![self.frame("navigate", 2, 91_236)],
        );
        if self.rng.chance(0.08) {
            self.react_warning(out);
        }
        self.api_fetches(out, fetches);
    }

    /// Clicks a column header: the table comes back sorted.
    fn sort(&mut self, out: &mut Emitter) {
        let window = self.focus;
        let Some(header) = self.windows[window].page.sort(&mut self.rng) else {
            return self.browse(out);
        };
        self.click(out, header);
        self.emit_mutation(out, 4);
        let rows = self.rng.range(25, 120) as usize;
        self.refresh_table(out, rows);
    }

    fn refresh_table(&mut self, out: &mut Emitter, rows: usize) {
        let at = self.clock;
        let window = self.focus;
        if let Some(fetch) = self.windows[window]
            .page
            .refresh_table(&mut self.rng, at, rows)
        {
            let wait = self.rng.range(120, 900);
            self.clock += wait;
            self.api_fetches(out, vec![fetch]);
            self.emit_mutation(out, 20);
        }
    }

    /// Types a search into the view's filter (or, without one, the top bar's search); the
    /// table follows the query as it narrows.
    fn filter(&mut self, out: &mut Emitter) {
        let page = &self.window().page;
        let field = page.view.fields.first().copied().unwrap_or(page.search);
        let length = self.rng.range(3, 14) as usize;
        self.type_into(out, field, length);
        let rows = self.rng.range(0, 40) as usize;
        self.refresh_table(out, rows);
    }

    /// Ticks a few rows: each tick is an input event and a row highlighted.
    fn select_rows(&mut self, out: &mut Emitter) {
        for _ in 0..self.rng.range(1, 6) {
            let window = self.focus;
            let Some((checkbox, checked)) = self.windows[window].page.toggle_row(&mut self.rng)
            else {
                return self.browse(out);
            };
            self.click(out, checkbox);
            let text = if checked { "on" } else { "off" };
            self.emit(
                out,
                1,
                event_type::INCREMENTAL_SNAPSHOT,
                &events::Input::new(checkbox, text, checked),
            );
            self.emit_mutation(out, 2);
        }
    }

    /// Runs the pointer along a chart: the tooltip follows with a new text each time.
    fn hover_chart(&mut self, out: &mut Emitter) {
        if !self.window().page.has_charts() {
            return self.browse(out);
        }
        for _ in 0..self.rng.range(3, 15) {
            let label = format!(
                "W{}: {} orders",
                self.rng.range(1, 52),
                vocab::thousands(self.rng.range(40, 4_000))
            );
            let window = self.focus;
            if let Some(tooltip) = self.windows[window]
                .page
                .chart_tooltip(&mut self.rng, Some(label))
            {
                let duration = self.rng.range(150, 600);
                self.move_pointer(out, tooltip, duration);
                self.emit_mutation(out, 2);
            }
        }
        let window = self.focus;
        self.windows[window].page.chart_tooltip(&mut self.rng, None);
        self.emit_mutation(out, 300);
    }

    /// Opens a dialog, fills it and submits it. Most submissions succeed (the dialog closes
    /// and a toast shows for a few seconds); some fail validation or on the server.
    fn fill_form(&mut self, out: &mut Emitter) {
        let buttons = self.window().page.view.buttons.clone();
        if buttons.is_empty() {
            return self.browse(out);
        }
        let opener = self.rng.pick(&buttons);
        self.click(out, opener);
        let window = self.focus;
        let modal = self.windows[window].page.open_modal(
            &mut self.rng,
            "New order",
            &["Customer email", "Reference", "Shipping address", "Notes"],
            "Create order",
        );
        self.emit_mutation(out, 40);
        for &field in &modal.fields {
            let length = self.rng.range(4, 30) as usize;
            self.type_into(out, field, length);
        }
        self.click(out, modal.submit);
        let status = self.rng.pick(&[201, 201, 201, 201, 201, 201, 422, 500]);
        let body = format!(
            "{{\"customer_email\":\"{}\",\"reference\":\"PO-{}\",\"notes\":\"\"}}",
            self.user.email,
            self.rng.range(1_000, 9_999)
        );
        let answer = match status {
            201 => format!("{{\"id\":{},\"status\":\"pending\"}}", self.rng.range(10_000, 99_999)),
            422 => "{\"errors\":{\"shipping_address\":[\"Enter a full address, including the postcode.\"]}}".to_owned(),
            _ => "{\"detail\":\"Internal server error\",\"request_id\":\"req_8f2c1d\"}".to_owned(),
        };
        let wait = self.rng.range(150, 1_400);
        self.clock += wait;
        let request = self.api_request("POST", "/api/v2/orders/", status, Some(body), answer, wait);
        self.network(out, vec![request], false);
        let window = self.focus;
        if status == 201 {
            self.windows[window].page.remove(modal.root);
            let toast = self.windows[window].page.toast(
                "Order created",
                "The customer gets a confirmation email.",
                false,
            );
            self.emit_mutation(out, 16);
            self.clock += self.rng.range(3_500, 5_000);
            self.windows[window].page.remove(toast);
            self.emit_mutation(out, 1);
        } else {
            let message = if status == 422 {
                "Enter a full address, including the postcode."
            } else {
                "Something went wrong. Try again in a minute."
            };
            self.windows[window].page.form_error(&modal, message);
            self.emit_mutation(out, 12);
            let error = format!("\"Error: Request failed with status code {status}\"");
            self.console(out, "error", vec![error], self.stack("createOrder"));
            self.click(out, modal.cancel);
            self.windows[window].page.remove(modal.root);
            self.emit_mutation(out, 30);
        }
    }

    /// The app polling for notifications, and dashboards redrawing with new data.
    fn poll(&mut self, out: &mut Emitter) {
        self.clock += self.rng.range(1_000, 6_000);
        let status = if self.rng.chance(0.04) { 503 } else { 200 };
        let answer = if status == 200 {
            format!(
                "{{\"unread\":{},\"latest\":\"{}\"}}",
                self.rng.range(0, 12),
                calendar::iso(self.clock)
            )
        } else {
            "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>".to_owned()
        };
        let wait = self.rng.range(40, 400);
        let request = self.api_request(
            "GET",
            "/api/v2/notifications/?unread=true",
            status,
            None,
            answer,
            wait,
        );
        self.network(out, vec![request], false);
        if status != 200 {
            let message = format!("\"Failed to refresh notifications: {status}\"");
            self.console(
                out,
                "warn",
                vec![message],
                vec![self.frame("pollNotifications", 2, 44_871)],
            );
        }
        let window = self.focus;
        if !self.windows[window].page.view.bars.is_empty() && self.rng.chance(0.5) {
            self.windows[window].page.redraw_bars(&mut self.rng);
            self.emit_mutation(out, 30);
        }
        self.live_update(out);
    }

    /// The window resized (a laptop docked, a window snapped to half the screen).
    fn resize(&mut self, out: &mut Emitter) {
        let viewport = self.rng.pick(&VIEWPORTS);
        self.window_mut().viewport = viewport;
        self.emit(
            out,
            200,
            event_type::INCREMENTAL_SNAPSHOT,
            &ViewportResize::new(viewport.0, viewport.1),
        );
    }

    /// The end of the session, filling the last `room` bytes of the file in the first window:
    /// the app prefetching the next pages of orders in the background while the user's
    /// pointer rests on the sidebar, then a few last pointer moves.
    ///
    /// It touches nothing but the app's shell, whose ids are the same in every page load, so it
    /// is valid after any step, even one the file left out (see
    /// [`crate::output::write_recording`]). Each prefetch fills about two thirds of the room:
    /// the end comes within a few steps, and a few seconds, of the size asked for.
    pub fn fill(&mut self, out: &mut Emitter, room: u64) {
        if self.windows.is_empty() {
            return;
        }
        self.focus = 0;
        self.filling = true;
        if room > PREFETCH_MIN_ROOM {
            self.clock += self.rng.range(1_000, 6_000);
            let request = self.prefetch(room * 2 / 3);
            self.network(out, vec![request], false);
        } else {
            let target = self.hovered();
            let duration = self.rng.range(300, 1_500);
            self.move_pointer(out, target, duration);
        }
    }

    /// A request for the next page of orders whose body, as written in the file, is about
    /// `budget` bytes (at most a megabyte, as the recorder caps a body).
    fn prefetch(&mut self, budget: u64) -> Request {
        let budget = budget.min(PREFETCH_MAX_BODY);
        let mut records = Vec::new();
        let mut written = 0;
        while written < budget {
            let record = records::generate(&mut self.rng, Kind::Order, self.clock);
            // The body is a JSON text inside a JSON string: measure it escaped.
            let text = serde_json::to_string(&record).expect("records serialize");
            written += serde_json::to_string(&text)
                .expect("strings serialize")
                .len() as u64;
            records.push(record);
        }
        let offset = self.rng.range(1, 40) * 100;
        let page = ApiPage {
            count: offset + 5_000,
            next: Some(format!(
                "{ORIGIN}{}",
                Kind::Order.page_path(records.len(), offset + records.len() as u64)
            )),
            previous: None,
            results: &records,
        };
        let answer = page.json();
        let path = Kind::Order.page_path(records.len(), offset);
        let wait = self.rng.range(200, 1_500);
        self.api_request("GET", &path, 200, None, answer, wait)
    }

    // ---- Network and console ----

    /// A request the app made to its API, as posthog-js records it with bodies.
    fn api_request(
        &mut self,
        method: &'static str,
        path: &str,
        status: u16,
        body: Option<String>,
        answer: String,
        duration_ms: u64,
    ) -> Request {
        let window = &self.windows[self.focus];
        let end = self.clock.saturating_sub(window.time_origin) as f64;
        let duration = duration_ms as f64 + self.rng.unit();
        let start = events::round((end - duration).max(0.0));
        let encoded = answer.len() as u64 / 4 + 20;
        let mut request_headers = vec![
            ("accept", "application/json".to_owned()),
            ("x-fieldline-build", self.app.build().to_owned()),
        ];
        if body.is_some() {
            request_headers.push(("content-type", "application/json".to_owned()));
        }
        let content_type = if answer.starts_with('{') {
            "application/json"
        } else {
            "text/html"
        };
        Request {
            name: format!("{ORIGIN}{path}"),
            entry_type: "resource",
            start_time: start,
            duration: events::round(duration),
            navigation_id: window.navigation_id,
            initiator_type: "fetch",
            delivery_type: "",
            next_hop_protocol: "h2",
            render_blocking_status: "non-blocking",
            content_type,
            content_encoding: "br",
            timing: Timing::warm(start, duration),
            transfer_size: encoded + 300,
            encoded_body_size: encoded,
            decoded_body_size: answer.len() as u64,
            response_status: status,
            server_timing: [],
            end_time: end.round(),
            time_origin: window.time_origin,
            timestamp: window.time_origin + start as u64,
            captured: Some(Captured {
                method,
                status,
                request_headers: Headers(request_headers),
                request_body: body,
                response_headers: Headers(vec![
                    ("cache-control", "no-store".to_owned()),
                    ("content-encoding", "br".to_owned()),
                    ("content-type", content_type.to_owned()),
                    ("date", calendar::http_date(self.clock)),
                    ("server", "nginx".to_owned()),
                    ("vary", "Accept, Cookie, Origin".to_owned()),
                    ("x-request-id", self.rng.uuid_v7(self.clock)),
                ]),
                response_body: Some(answer),
            }),
            is_initial: false,
        }
    }

    /// The API calls that brought a view its data; now and then one fails.
    fn api_fetches(&mut self, out: &mut Emitter, fetches: Vec<Fetch>) {
        let mut requests = Vec::new();
        for fetch in fetches {
            let page = ApiPage {
                count: fetch.total,
                next: (fetch.total > fetch.records.len() as u64).then(|| {
                    let shown = fetch.records.len();
                    format!("{ORIGIN}{}", fetch.kind.page_path(shown, shown as u64))
                }),
                previous: None,
                results: &fetch.records,
            };
            let answer = page.json();
            let wait = self.rng.range(60, 700);
            let path = format!("{}{}", fetch.kind.endpoint(), fetch.query);
            requests.push(self.api_request("GET", &path, 200, None, answer, wait));
        }
        if self.rng.chance(0.05) {
            requests.push(self.failed_side_request(out));
        }
        self.network(out, requests, false);
    }

    /// A request that fails next to the main ones: a missing resource, an expired session, a
    /// flaky upstream; the app logs it.
    fn failed_side_request(&mut self, out: &mut Emitter) -> Request {
        let (path, status, answer) = self.rng.pick(&[
            (
                "/api/v2/recommendations/",
                404,
                "{\"detail\":\"Not found.\"}",
            ),
            (
                "/api/v2/me/",
                401,
                "{\"detail\":\"Authentication credentials were not provided.\"}",
            ),
            (
                "/api/v2/integrations/shopify/status/",
                502,
                "{\"detail\":\"Upstream timed out\"}",
            ),
            (
                "/api/v2/exports/latest/",
                500,
                "{\"detail\":\"Internal server error\"}",
            ),
        ]);
        let message = format!("\"GET {path} failed with {status}\"");
        self.console(out, "error", vec![message], self.stack("fetchJson"));
        let wait = self.rng.range(30, 3_000);
        self.api_request("GET", path, status, None, answer.to_owned(), wait)
    }

    /// The page's own files, reported once the recorder starts (`isInitial`).
    fn initial_requests(&mut self, out: &mut Emitter, load_ms: u64) {
        let window = self.window();
        let (origin, navigation_id) = (window.time_origin, window.navigation_id);
        let requests: Vec<Request> = self
            .app
            .assets()
            .into_iter()
            .enumerate()
            .map(|(i, asset)| {
                let start = 20.0 + i as f64 * 3.1;
                let duration = (load_ms as f64 / 4.0) + i as f64 * 7.3;
                Request {
                    name: asset.url,
                    entry_type: "resource",
                    start_time: events::round(start),
                    duration: events::round(duration),
                    navigation_id,
                    initiator_type: asset.initiator,
                    delivery_type: if i % 3 == 0 { "cache" } else { "" },
                    next_hop_protocol: "h2",
                    render_blocking_status: if asset.initiator == "link" {
                        "blocking"
                    } else {
                        "non-blocking"
                    },
                    content_type: asset.content_type,
                    content_encoding: "br",
                    timing: Timing::warm(start, duration),
                    transfer_size: asset.bytes / 4 + 300,
                    encoded_body_size: asset.bytes / 4,
                    decoded_body_size: asset.bytes,
                    response_status: 200,
                    server_timing: [],
                    end_time: (start + duration).round(),
                    time_origin: origin,
                    timestamp: origin + start as u64,
                    captured: None,
                    is_initial: true,
                }
            })
            .collect();
        self.network(out, requests, true);
    }

    fn network(&mut self, out: &mut Emitter, requests: Vec<Request>, is_initial: bool) {
        let payload = Network {
            requests: &requests,
            is_initial,
        };
        self.emit(
            out,
            5,
            event_type::PLUGIN,
            &Plugin {
                plugin: NETWORK_PLUGIN,
                payload,
            },
        );
    }

    /// A custom event: what posthog-js adds to the recording itself (`$pageview` and such).
    fn custom(&mut self, out: &mut Emitter, after_ms: u64, tag: &str, payload: impl Serialize) {
        self.emit(out, after_ms, event_type::CUSTOM, &Custom { tag, payload });
    }

    fn console(
        &mut self,
        out: &mut Emitter,
        level: &'static str,
        payload: Vec<String>,
        trace: Vec<String>,
    ) {
        self.emit(
            out,
            2,
            event_type::PLUGIN,
            &Plugin {
                plugin: CONSOLE_PLUGIN,
                payload: Console {
                    level,
                    trace,
                    payload,
                },
            },
        );
    }

    /// A stack frame in the app's bundle.
    fn frame(&self, function: &str, line: u32, column: u32) -> String {
        format!("{function} ({}:{line}:{column})", self.app.script("main"))
    }

    /// The stack of an error thrown in the app's data layer.
    fn stack(&self, function: &str) -> Vec<String> {
        vec![
            self.frame(function, 2, 184_220),
            self.frame("async Object.queryFn", 2, 97_114),
            format!("{}:1:331208", self.app.script("vendor")),
        ]
    }

    fn react_warning(&mut self, out: &mut Emitter) {
        let payload = vec![
            "\"Warning: Each child in a list should have a unique \\\"key\\\" prop.%s%s See https://reactjs.org/link/warning-keys for more information.\"".to_owned(),
            "\"\\n\\nCheck the render method of `DataTable`.\"".to_owned(),
            "\"\\n    at tr\\n    at DataTable (webpack://fieldline/./src/components/DataTable.tsx:41:3)\\n    at OrdersPage\"".to_owned(),
        ];
        self.console(
            out,
            "warn",
            payload,
            vec![format!("{}:1:88412", self.app.script("vendor"))],
        );
    }

    // ---- The person, for the export ----

    /// PostHog's person for the export's `data.person`.
    pub fn person(&self) -> Person<'_> {
        let user = &self.user;
        Person {
            id: &user.uuid,
            uuid: &user.uuid,
            name: &user.email,
            distinct_ids: [&user.email, &user.anonymous_id],
            properties: PersonProperties {
                email: &user.email,
                name: &user.name,
                company: user.company,
                browser: "Chrome",
                browser_version: 137,
                os: "Mac OS X",
                os_version: "15.5.0",
                device_type: "Desktop",
                current_url: format!("{ORIGIN}/"),
                host: "app.fieldline.io",
                pathname: "/",
                lib: "web",
                lib_version: "1.258.2",
                referrer: "$direct",
                initial_browser: "Chrome",
                initial_os: "Mac OS X",
                initial_current_url: format!("{ORIGIN}/"),
                initial_referrer: "https://www.google.com/",
            },
            created_at: calendar::iso(user.created_at),
            is_identified: true,
        }
    }
}

#[derive(Serialize)]
struct Reason {
    reason: &'static str,
}

#[derive(Serialize)]
pub struct Person<'a> {
    id: &'a str,
    uuid: &'a str,
    name: &'a str,
    distinct_ids: [&'a str; 2],
    properties: PersonProperties<'a>,
    created_at: String,
    is_identified: bool,
}

#[derive(Serialize)]
struct PersonProperties<'a> {
    email: &'a str,
    name: &'a str,
    company: &'a str,
    #[serde(rename = "$browser")]
    browser: &'a str,
    #[serde(rename = "$browser_version")]
    browser_version: u32,
    #[serde(rename = "$os")]
    os: &'a str,
    #[serde(rename = "$os_version")]
    os_version: &'a str,
    #[serde(rename = "$device_type")]
    device_type: &'a str,
    #[serde(rename = "$current_url")]
    current_url: String,
    #[serde(rename = "$host")]
    host: &'a str,
    #[serde(rename = "$pathname")]
    pathname: &'a str,
    #[serde(rename = "$lib")]
    lib: &'a str,
    #[serde(rename = "$lib_version")]
    lib_version: &'a str,
    #[serde(rename = "$referrer")]
    referrer: &'a str,
    #[serde(rename = "$initial_browser")]
    initial_browser: &'a str,
    #[serde(rename = "$initial_os")]
    initial_os: &'a str,
    #[serde(rename = "$initial_current_url")]
    initial_current_url: String,
    #[serde(rename = "$initial_referrer")]
    initial_referrer: &'a str,
}
