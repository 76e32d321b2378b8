//! The recorded app, "Fieldline": an operations dashboard (orders, customers, inbox, reports,
//! team) served as a single-page app from `https://app.fieldline.io`.
//!
//! A [`Page`] is one page load of the app in one window: its DOM, and the nodes the session
//! acts on. Its methods are what the user and the app do to the page; each records its DOM
//! changes, which the session then writes as one mutation event.

use crate::dom::{DOCUMENT, Dom, NodeId};
use crate::records::{self, Kind, Record};
use crate::rng::Rng;
use crate::vocab;
use crate::widgets::{self, Fetch, View, ViewBuilder};

pub const ORIGIN: &str = "https://app.fieldline.io";

#[derive(Clone, Copy, PartialEq)]
pub enum Route {
    Dashboard,
    Orders,
    Order(u32),
    Customers,
    Customer(u32),
    Inbox,
    Report(usize),
    Team,
}

const REPORTS: [&str; 4] = ["revenue", "fulfilment", "retention", "refunds"];

/// The sidebar, top to bottom.
const NAVIGATION: [(&str, Route); 9] = [
    ("Dashboard", Route::Dashboard),
    ("Orders", Route::Orders),
    ("Customers", Route::Customers),
    ("Inbox", Route::Inbox),
    ("Revenue", Route::Report(0)),
    ("Fulfilment", Route::Report(1)),
    ("Retention", Route::Report(2)),
    ("Refunds", Route::Report(3)),
    ("Team", Route::Team),
];

impl Route {
    pub fn path(self) -> String {
        match self {
            Route::Dashboard => "/".to_owned(),
            Route::Orders => "/orders".to_owned(),
            Route::Order(id) => format!("/orders/{id}"),
            Route::Customers => "/customers".to_owned(),
            Route::Customer(id) => format!("/customers/{id}"),
            Route::Inbox => "/inbox".to_owned(),
            Route::Report(i) => format!("/reports/{}", REPORTS[i]),
            Route::Team => "/settings/team".to_owned(),
        }
    }

    pub fn url(self) -> String {
        format!("{ORIGIN}{}", self.path())
    }

    /// What the page is called: its heading, and its title before the app's name.
    fn name(self) -> String {
        match self {
            Route::Order(id) => format!("Order #{id}"),
            Route::Customer(id) => format!("Customer {id}"),
            _ => NAVIGATION
                .iter()
                .find(|(_, r)| *r == self)
                .map_or("", |n| n.0)
                .to_owned(),
        }
    }

    fn title(self) -> String {
        format!("{} · Fieldline", self.name())
    }
}

/// What stays the same all session: the deployed build of the app.
pub struct App {
    build: String,
    /// `<link rel="stylesheet">` files, which rrweb inlines as `_cssText`.
    stylesheets: Vec<(String, String)>,
    /// CSS-in-JS `<style>` elements.
    styles: Vec<String>,
    /// Paths of the icon sprite's symbols.
    icons: Vec<String>,
    /// Rows of the live data grid every page holds, or 0 for none (see `Shape::grid_rows`).
    pub grid_rows: usize,
}

/// A file the page loads when it starts: URL, initiator type, content type, bytes.
pub struct Asset {
    pub url: String,
    pub initiator: &'static str,
    pub content_type: &'static str,
    pub bytes: u64,
}

/// Generated rules per file: a component library, then the app's own CSS (after the utility
/// classes its markup uses); and CSS-in-JS `<style>` elements.
const STYLESHEET_RULES: [(&str, usize); 2] = [("vendor", 1400), ("main", 900)];
/// The utility classes the markup uses (so that replays look like the app), as rrweb records
/// a stylesheet: each rule's normalized text, one after the other (here one a line).
const UTILITIES: &str = include_str!("utilities.css");
const STYLE_ELEMENT_RULES: [usize; 4] = [300, 160, 120, 80];
const SPRITE_ICONS: usize = 48;

impl App {
    pub fn new(rng: &mut Rng) -> App {
        let build = rng.hex(8);
        let stylesheets = STYLESHEET_RULES
            .iter()
            .map(|&(name, rules)| {
                let href = format!("{ORIGIN}/static/css/{name}.{build}.css");
                let mut css: String = match name {
                    "main" => UTILITIES.lines().collect(),
                    _ => String::new(),
                };
                css.push_str(&vocab::stylesheet(rng, name, rules));
                (href, css)
            })
            .collect();
        let styles = STYLE_ELEMENT_RULES
            .iter()
            .map(|&rules| vocab::stylesheet(rng, "css", rules))
            .collect();
        let icons = (0..SPRITE_ICONS).map(|_| vocab::icon_path(rng)).collect();
        App {
            build,
            stylesheets,
            styles,
            icons,
            grid_rows: 0,
        }
    }

    /// The deployed build's hash, as asset names carry it.
    pub fn build(&self) -> &str {
        &self.build
    }

    /// The URL of one of the app's bundles.
    pub fn script(&self, name: &str) -> String {
        format!("{ORIGIN}/static/js/{name}.{}.js", self.build)
    }

    /// What a page load fetches before the app runs.
    pub fn assets(&self) -> Vec<Asset> {
        let mut assets: Vec<Asset> = self
            .stylesheets
            .iter()
            .map(|(href, css)| Asset {
                url: href.clone(),
                initiator: "link",
                content_type: "text/css",
                bytes: css.len() as u64,
            })
            .collect();
        for (name, bytes) in [("runtime", 4_812), ("vendor", 1_284_377), ("main", 642_950)] {
            assets.push(Asset {
                url: self.script(name),
                initiator: "script",
                content_type: "text/javascript",
                bytes,
            });
        }
        for font in ["inter-var-latin", "inter-var-latin-ext"] {
            assets.push(Asset {
                url: format!("{ORIGIN}/static/media/{font}.{}.woff2", self.build),
                initiator: "css",
                content_type: "font/woff2",
                bytes: 48_256,
            });
        }
        assets
    }
}

/// One page load of the app in one window.
///
/// The shell (head, sprite, sidebar, top bar, the `main` element) is built before the view, in
/// the same order every time, so it has the same ids in every page load.
pub struct Page {
    pub dom: Dom,
    pub route: Route,
    title: NodeId,
    nav: Vec<(NodeId, Route)>,
    /// Topbar controls the pointer passes over.
    chrome: Vec<NodeId>,
    pub search: NodeId,
    body: NodeId,
    /// The scrolling element that holds the view.
    pub main: NodeId,
    toasts: NodeId,
    pub view: View,
}

/// A dialog opened over the page.
pub struct Modal {
    pub root: NodeId,
    pub form: NodeId,
    pub fields: Vec<NodeId>,
    pub cancel: NodeId,
    pub submit: NodeId,
}

impl Page {
    /// The page as rrweb first serializes it, once the app has rendered `route`; and the
    /// requests that fetched its data.
    pub fn load(app: &App, rng: &mut Rng, route: Route, now: u64) -> (Page, Vec<Fetch>) {
        let mut dom = Dom::new();
        let html = dom.element(
            DOCUMENT,
            "html",
            &[("lang", "en"), ("class", "h-full bg-gray-50")],
        );
        let title = head(&mut dom, app, html, route);
        let body = dom.element(html, "body", &[("class", "h-full antialiased")]);
        sprite(&mut dom, app, body);
        let root = dom.element(body, "div", &[("id", "root")]);
        let shell = dom.element(
            root,
            "div",
            &[("class", "AppShell_root__h2Xw9 flex h-full")],
        );
        let nav = sidebar(&mut dom, rng, shell, route);
        let column = dom.element(shell, "div", &[("class", "flex min-w-0 flex-1 flex-col")]);
        let (search, chrome) = topbar(&mut dom, rng, column);
        let main = dom.element(
            column,
            "main",
            &[
                ("id", "content"),
                ("class", "flex-1 overflow-y-auto focus:outline-none"),
                ("tabindex", "-1"),
            ],
        );
        notifications(&mut dom, rng, body);
        if app.grid_rows > 0 {
            data_grid(&mut dom, rng, body, app.grid_rows);
        }
        let toasts = dom.element(
            body,
            "div",
            &[
                ("id", "toasts"),
                (
                    "class",
                    "Toaster_region__s8DqP fixed bottom-4 right-4 z-50 space-y-2",
                ),
                ("aria-live", "polite"),
            ],
        );
        dom.element(
            body,
            "script",
            &[
                ("type", "text/javascript"),
                ("crossorigin", "anonymous"),
                ("src", "https://us-assets.i.posthog.com/static/array.js"),
            ],
        );
        let mut page = Page {
            dom,
            route,
            title,
            nav,
            chrome,
            search,
            body,
            main,
            toasts,
            view: View::default(),
        };
        let fetches = page.render(rng, route, now);
        // The first render is part of the page load, not a mutation.
        page.dom.take_mutation();
        (page, fetches)
    }

    fn render(&mut self, rng: &mut Rng, route: Route, now: u64) -> Vec<Fetch> {
        let mut builder = ViewBuilder {
            dom: &mut self.dom,
            rng,
            now,
            view: View::default(),
            fetches: Vec::new(),
        };
        render_view(&mut builder, self.main, route);
        self.view = builder.view;
        self.route = route;
        builder.fetches
    }

    /// Client-side navigation: the router swaps the view, the title and the active link.
    pub fn navigate(&mut self, rng: &mut Rng, route: Route, now: u64) -> Vec<Fetch> {
        self.dom.remove(self.view.root);
        for &(link, to) in &self.nav {
            if to == self.route {
                self.dom.set_attribute(link, "aria-current", None);
                self.dom
                    .set_attribute(link, "class", Some(nav_class(false)));
            } else if to == route {
                self.dom
                    .set_attribute(link, "aria-current", Some("page".to_owned()));
                self.dom.set_attribute(link, "class", Some(nav_class(true)));
            }
        }
        self.dom.set_text(self.title, route.title());
        let fetches = self.render(rng, route, now);
        self.dom.added(self.view.root);
        fetches
    }

    /// Replaces the table's rows with a fresh page of data (after a sort, filter or refresh).
    pub fn refresh_table(&mut self, rng: &mut Rng, now: u64, rows: usize) -> Option<Fetch> {
        let table = self.view.table.as_mut()?;
        for row in table.rows.drain(..) {
            self.dom.remove(row.root);
        }
        let records: Vec<_> = (0..rows)
            .map(|_| records::generate(rng, table.kind, now))
            .collect();
        table.rows = table.add_rows(&mut self.dom, None, &records);
        table.total = match table.summary {
            Some(summary) => {
                let total = rng.range(rows as u64, 9_000);
                self.dom
                    .set_text(summary, widgets::showing(rows as u64, total));
                total
            }
            None => rows as u64,
        };
        Some(Fetch {
            kind: table.kind,
            query: format!("?limit={rows}&offset=0&ordering=-created_at"),
            records,
            total: table.total,
        })
    }

    /// Marks a column header as sorted; returns it, to be clicked.
    pub fn sort(&mut self, rng: &mut Rng) -> Option<NodeId> {
        let headers = self.view.table.as_ref()?.headers.clone();
        let header = rng.pick(&headers);
        for &other in &headers {
            if other != header {
                self.dom
                    .set_attribute(other, "aria-sort", Some("none".to_owned()));
            }
        }
        let order = if rng.chance(0.5) {
            "ascending"
        } else {
            "descending"
        };
        self.dom
            .set_attribute(header, "aria-sort", Some(order.to_owned()));
        Some(header)
    }

    /// New records arriving in a live table (orders, conversations), as the app streams
    /// them in: new rows at the top, as many old ones dropped at the bottom. Returns the
    /// new records, which the app polled for.
    pub fn stream_rows(&mut self, rng: &mut Rng, now: u64, count: usize) -> Option<Vec<Record>> {
        let table = self.view.table.as_mut()?;
        let live = matches!(table.kind, Kind::Order | Kind::Conversation);
        if !live || table.rows.len() < count {
            return None;
        }
        for row in table.rows.drain(table.rows.len() - count..) {
            self.dom.remove(row.root);
        }
        let first = table.rows.first().map(|r| r.root);
        let records: Vec<Record> = (0..count)
            .map(|_| records::generate(rng, table.kind, now))
            .collect();
        let rows = table.add_rows(&mut self.dom, first, &records);
        table.rows.splice(0..0, rows);
        Some(records)
    }

    /// Counters and "n min ago" texts moving on.
    pub fn tick(&mut self, rng: &mut Rng) {
        if self.view.live.is_empty() {
            return;
        }
        for _ in 0..rng.range(1, 4) {
            let at = rng.index(self.view.live.len());
            let live = &mut self.view.live[at];
            live.value += if live.minutes_ago {
                1
            } else {
                rng.range(1, 40)
            };
            let text = live.render();
            let id = live.text;
            self.dom.set_text(id, text);
        }
    }

    /// New data for the charts: bars change height.
    pub fn redraw_bars(&mut self, rng: &mut Rng) {
        for at in 0..self.view.bars.len() {
            let bar = self.view.bars[at];
            let height = rng.range(8, 230);
            self.dom
                .set_attribute(bar, "y", Some((240 - height).to_string()));
            self.dom
                .set_attribute(bar, "height", Some(height.to_string()));
        }
    }

    /// Shows (or, with `None`, hides) a chart tooltip; returns the chart area's tooltip.
    pub fn chart_tooltip(&mut self, rng: &mut Rng, label: Option<String>) -> Option<NodeId> {
        if self.view.tooltips.is_empty() {
            return None;
        }
        let tooltip = rng.pick(&self.view.tooltips);
        let style = match &label {
            Some(_) => format!(
                "opacity: 1; transform: translate({}px, {}px);",
                rng.range(20, 900),
                rng.range(10, 200)
            ),
            None => "opacity: 0; transform: translate(0px, 0px);".to_owned(),
        };
        self.dom.set_attribute(tooltip.root, "style", Some(style));
        self.dom.set_text(tooltip.text, label.unwrap_or_default());
        Some(tooltip.root)
    }

    pub fn has_charts(&self) -> bool {
        !self.view.tooltips.is_empty()
    }

    /// Ticks or unticks a table row; returns its checkbox and whether it is now ticked.
    pub fn toggle_row(&mut self, rng: &mut Rng) -> Option<(NodeId, bool)> {
        let table = self.view.table.as_mut()?;
        if table.rows.is_empty() {
            return None;
        }
        let at = rng.index(table.rows.len());
        let row = &mut table.rows[at];
        row.selected = !row.selected;
        let class = if row.selected {
            format!("{} bg-indigo-50", widgets::TR)
        } else {
            widgets::TR.to_owned()
        };
        let (root, checkbox, selected) = (row.root, row.checkbox, row.selected);
        self.dom.set_attribute(root, "class", Some(class));
        self.dom
            .set_attribute(root, "aria-selected", Some(selected.to_string()));
        Some((checkbox, selected))
    }

    /// Shows a toast; returns its root, to remove it a few seconds later.
    pub fn toast(&mut self, title: &str, message: &str, error: bool) -> NodeId {
        let tone = if error {
            "border-rose-200"
        } else {
            "border-emerald-200"
        };
        let dom = &mut self.dom;
        let toast = dom.element(
            self.toasts,
            "div",
            &[
                (
                    "class",
                    &format!(
                        "Toast_root__k1Zr7 w-96 rounded-lg border bg-white p-4 shadow-lg {tone}"
                    ),
                ),
                ("role", "status"),
            ],
        );
        let body = dom.element(toast, "div", &[("class", "min-w-0 flex-1")]);
        let heading = dom.element(body, "p", &[("class", "text-sm font-medium text-gray-900")]);
        dom.text(heading, title);
        let text = dom.element(body, "p", &[("class", "mt-1 text-sm text-gray-500")]);
        dom.text(text, message);
        let close = dom.element(
            toast,
            "button",
            &[
                ("class", "rounded-md text-gray-400 hover:text-gray-500"),
                ("aria-label", "Dismiss"),
            ],
        );
        widgets::icon(dom, close, "M6 18 18 6M6 6l12 12");
        dom.added(toast);
        toast
    }

    /// Opens a dialog with a form of labelled fields.
    pub fn open_modal(
        &mut self,
        rng: &mut Rng,
        title: &str,
        labels: &[&str],
        submit: &str,
    ) -> Modal {
        let dom = &mut self.dom;
        let root = dom.element(
            self.body,
            "div",
            &[(
                "class",
                "Modal_backdrop__Ya0Pe fixed inset-0 z-40 bg-gray-500/75",
            )],
        );
        let panel = dom.element(
            root,
            "div",
            &[
                (
                    "class",
                    "Modal_panel__c3Vb8 mx-auto mt-24 max-w-lg rounded-lg bg-white p-6 shadow-xl",
                ),
                ("role", "dialog"),
                ("aria-modal", "true"),
            ],
        );
        let heading = dom.element(
            panel,
            "h2",
            &[("class", "text-lg font-semibold text-gray-900")],
        );
        dom.text(heading, title);
        let intro = dom.element(panel, "p", &[("class", "mt-2 text-sm text-gray-500")]);
        dom.text(intro, vocab::sentence(rng, 14));
        let form = dom.element(
            panel,
            "form",
            &[("class", "mt-4 space-y-4"), ("novalidate", "")],
        );
        let mut fields = Vec::new();
        for label in labels {
            let wrapper = dom.element(
                form,
                "label",
                &[("class", "block text-sm font-medium text-gray-700")],
            );
            dom.text(wrapper, *label);
            let field = dom.element(
                wrapper,
                "input",
                &[
                    ("type", "text"),
                    ("name", &label.to_lowercase()),
                    (
                        "class",
                        "Input_root__Zp0aK mt-1 block w-full rounded-md border-gray-300 text-sm",
                    ),
                ],
            );
            fields.push(field);
        }
        let actions = dom.element(form, "div", &[("class", "flex justify-end gap-3 pt-2")]);
        let cancel = dom.element(
            actions,
            "button",
            &[
                ("type", "button"),
                ("class", "Button_root__7TbQe bg-white text-gray-900"),
            ],
        );
        dom.text(cancel, "Cancel");
        let submit_button = dom.element(
            actions,
            "button",
            &[
                ("type", "submit"),
                ("class", "Button_root__7TbQe bg-indigo-600 text-white"),
            ],
        );
        dom.text(submit_button, submit);
        dom.added(root);
        Modal {
            root,
            form,
            fields,
            cancel,
            submit: submit_button,
        }
    }

    /// Shows a validation or server error inside a dialog's form.
    pub fn form_error(&mut self, modal: &Modal, message: &str) {
        let error = self.dom.element_before(
            modal.form,
            self.dom.children(modal.form)[0],
            "p",
            &[
                ("class", "rounded-md bg-rose-50 p-3 text-sm text-rose-700"),
                ("role", "alert"),
            ],
        );
        self.dom.text(error, message);
        self.dom.added(error);
    }

    pub fn remove(&mut self, id: NodeId) {
        self.dom.remove(id);
    }

    /// An element the pointer may be over: mostly the view, sometimes the app's chrome.
    pub fn pointer_target(&self, rng: &mut Rng) -> NodeId {
        let view = &self.view;
        let rows = view.table.as_ref().map_or(&[][..], |t| &t.rows[..]);
        match rng.below(10) {
            0 => rng.pick(&self.nav).0,
            1 => rng.pick(&self.chrome),
            2..=4 if !view.buttons.is_empty() => rng.pick(&view.buttons),
            5..=7 if !rows.is_empty() => rows[rng.index(rows.len())].root,
            8 if !view.fields.is_empty() => rng.pick(&view.fields),
            _ => self.main,
        }
    }

    /// An element of the shell (sidebar links, top bar controls), which has the same id in
    /// every page load.
    pub fn shell_target(&self, rng: &mut Rng) -> NodeId {
        if rng.chance(0.5) {
            rng.pick(&self.nav).0
        } else {
            rng.pick(&self.chrome)
        }
    }

    /// A sidebar link to another section.
    pub fn nav_link(&self, rng: &mut Rng) -> (NodeId, Route) {
        loop {
            let link = rng.pick(&self.nav);
            if link.1 != self.route {
                return link;
            }
        }
    }

    /// A link to one record (an order, a customer) on this view.
    pub fn record_link(&self, rng: &mut Rng) -> Option<(NodeId, Route)> {
        let table = self.view.table.as_ref()?;
        let links: Vec<_> = table.rows.iter().filter_map(|r| r.link).collect();
        (!links.is_empty()).then(|| rng.pick(&links))
    }
}

fn head(dom: &mut Dom, app: &App, html: NodeId, route: Route) -> NodeId {
    let head = dom.element(html, "head", &[]);
    dom.element(head, "meta", &[("charset", "utf-8")]);
    dom.element(
        head,
        "meta",
        &[
            ("name", "viewport"),
            ("content", "width=device-width, initial-scale=1"),
        ],
    );
    dom.element(
        head,
        "link",
        &[
            ("rel", "icon"),
            ("href", &format!("{ORIGIN}/favicon.svg")),
            ("type", "image/svg+xml"),
        ],
    );
    dom.element(
        head,
        "link",
        &[("rel", "preconnect"), ("href", "https://us.i.posthog.com")],
    );
    let title = dom.element(head, "title", &[]);
    let title_text = dom.text(title, route.title());
    for (href, css) in &app.stylesheets {
        dom.element(
            head,
            "link",
            &[("rel", "stylesheet"), ("href", href), ("_cssText", css)],
        );
    }
    for name in ["runtime", "vendor", "main"] {
        dom.element(head, "script", &[("defer", ""), ("src", &app.script(name))]);
    }
    for css in &app.styles {
        let style = dom.element(head, "style", &[("data-emotion", "css"), ("data-s", "")]);
        dom.style_text(style, css.as_str());
    }
    title_text
}

/// The icon sprite at the top of the body: one `<symbol>` per icon, used by `<use>` elsewhere.
fn sprite(dom: &mut Dom, app: &App, body: NodeId) {
    let svg = dom.svg(
        body,
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("style", "display: none;"),
        ],
    );
    for (i, path) in app.icons.iter().enumerate() {
        let symbol = dom.svg(
            svg,
            "symbol",
            &[("id", &format!("icon-{i}")), ("viewBox", "0 0 24 24")],
        );
        dom.svg(
            symbol,
            "path",
            &[
                ("d", path),
                ("fill", "none"),
                ("stroke", "currentColor"),
                ("stroke-width", "1.5"),
            ],
        );
    }
}

fn nav_class(active: bool) -> String {
    let tone = if active {
        "bg-gray-800 text-white"
    } else {
        "text-gray-400 hover:bg-gray-800 hover:text-white"
    };
    format!(
        "Sidebar_link__p0Qz3 group flex gap-x-3 rounded-md p-2 text-sm font-semibold leading-6 {tone}"
    )
}

/// The sidebar: logo, navigation, workspace switcher. Returns the navigation links.
fn sidebar(dom: &mut Dom, rng: &mut Rng, shell: NodeId, route: Route) -> Vec<(NodeId, Route)> {
    let aside = dom.element(
        shell,
        "aside",
        &[(
            "class",
            "Sidebar_root__Tm4Ce flex w-64 shrink-0 flex-col gap-y-5 bg-gray-900 px-6",
        )],
    );
    let logo = dom.element(
        aside,
        "div",
        &[("class", "flex h-16 items-center gap-2 text-white")],
    );
    let mark = dom.svg(
        logo,
        "svg",
        &[("class", "h-8 w-8"), ("viewBox", "0 0 24 24")],
    );
    dom.svg(mark, "use", &[("href", "#icon-0")]);
    let name = dom.element(logo, "span", &[("class", "text-lg font-semibold")]);
    dom.text(name, "Fieldline");
    let nav = dom.element(
        aside,
        "nav",
        &[("class", "flex flex-1 flex-col"), ("aria-label", "Main")],
    );
    let list = dom.element(nav, "ul", &[("role", "list"), ("class", "-mx-2 space-y-1")]);
    let mut links = Vec::new();
    for (i, &(label, to)) in NAVIGATION.iter().enumerate() {
        let item = dom.element(list, "li", &[]);
        let mut attributes = vec![("href", to.path()), ("class", nav_class(to == route))];
        if to == route {
            attributes.push(("aria-current", "page".to_owned()));
        }
        let attributes: Vec<_> = attributes.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let link = dom.element(item, "a", &attributes);
        let icon = dom.svg(
            link,
            "svg",
            &[("class", "h-6 w-6 shrink-0"), ("aria-hidden", "true")],
        );
        dom.svg(icon, "use", &[("href", &format!("#icon-{}", i + 1))]);
        dom.text(link, label);
        if matches!(to, Route::Inbox | Route::Orders) {
            let badge = dom.element(link, "span", &[("class", "ml-auto min-w-max rounded-full bg-gray-800 px-2.5 py-0.5 text-xs text-white ring-1 ring-inset ring-gray-700")]);
            dom.text(badge, rng.range(1, 40).to_string());
        }
        links.push((link, to));
    }
    saved_views(dom, rng, nav);
    let footer = dom.element(aside, "div", &[("class", "-mx-6 mt-auto")]);
    let workspace = dom.element(footer, "button", &[("class", "flex w-full items-center gap-x-4 px-6 py-3 text-sm font-semibold text-white hover:bg-gray-800")]);
    let company = rng.pick(vocab::COMPANIES);
    dom.text(workspace, company);
    links
}

/// The user's saved table views, under the navigation.
fn saved_views(dom: &mut Dom, rng: &mut Rng, nav: NodeId) {
    const VIEWS: usize = 24;
    let heading = dom.element(
        nav,
        "div",
        &[(
            "class",
            "mt-6 text-xs font-semibold leading-6 text-gray-400",
        )],
    );
    dom.text(heading, "Saved views");
    let list = dom.element(
        nav,
        "ul",
        &[("role", "list"), ("class", "-mx-2 mt-2 space-y-1")],
    );
    for view in 0..VIEWS {
        let item = dom.element(list, "li", &[]);
        let link = dom.element(
            item,
            "a",
            &[("href", &format!("/orders?view={view}")), ("class", "group flex gap-x-3 rounded-md p-2 text-sm leading-6 text-gray-400 hover:bg-gray-800 hover:text-white")],
        );
        let hue = rng.below(360);
        dom.element(
            link,
            "span",
            &[
                ("class", "h-2 w-2 rounded-full"),
                ("style", &format!("background-color: hsl({hue}, 70%, 60%);")),
            ],
        );
        let name = dom.element(link, "span", &[("class", "truncate")]);
        let words = rng.range(2, 4) as usize;
        dom.text(name, vocab::sentence(rng, words).trim_end_matches('.'));
        let count = dom.element(link, "span", &[("class", "ml-auto text-xs tabular-nums")]);
        dom.text(count, vocab::thousands(rng.range(3, 4_000)));
    }
}

/// The notifications drawer: rendered hidden, as apps keep it ready to slide in.
/// A data-heavy app's live grid, in a panel of every page: `rows` rows of five cells.
fn data_grid(dom: &mut Dom, rng: &mut Rng, body: NodeId, rows: usize) {
    let panel = dom.element(
        body,
        "section",
        &[("id", "live-grid"), ("aria-label", "Live data"), ("class", "Grid_root__k2Pq7 fixed bottom-0 left-64 right-0 h-72 overflow-auto bg-white border-t")],
    );
    let table = dom.element(
        panel,
        "table",
        &[("class", "min-w-full text-xs tabular-nums")],
    );
    let body = dom.element(table, "tbody", &[]);
    for row in 0..rows {
        let tr = dom.element(body, "tr", &[("class", "Grid_row__x81Lm")]);
        let cells = [
            format!("#{}", 100_000 + row),
            vocab::full_name(rng),
            format!("{}.{:02}", rng.range(1, 9_999), rng.range(0, 99)),
            rng.pick(&["ok", "pending", "late", "failed"]).to_string(),
            rng.hex(8),
        ];
        for text in cells {
            let td = dom.element(tr, "td", &[("class", "px-2 py-0.5")]);
            dom.text(td, text);
        }
    }
}

fn notifications(dom: &mut Dom, rng: &mut Rng, body: NodeId) {
    const NOTIFICATIONS: usize = 40;
    let drawer = dom.element(
        body,
        "aside",
        &[("id", "notifications"), ("hidden", ""), ("aria-label", "Notifications"), ("class", "Drawer_root__r5Tq0 fixed inset-y-0 right-0 z-40 w-96 overflow-y-auto bg-white shadow-xl")],
    );
    let heading = dom.element(
        drawer,
        "h2",
        &[("class", "px-4 py-3 text-base font-semibold text-gray-900")],
    );
    dom.text(heading, "Notifications");
    let list = dom.element(
        drawer,
        "ul",
        &[("role", "list"), ("class", "divide-y divide-gray-100")],
    );
    for _ in 0..NOTIFICATIONS {
        let item = dom.element(list, "li", &[("class", "flex gap-3 px-4 py-3")]);
        let name = vocab::full_name(rng);
        let avatar = dom.element(
            item,
            "span",
            &[(
                "class",
                "Avatar_root__f3Yu1 h-8 w-8 rounded-full bg-gray-400 text-xs text-white",
            )],
        );
        dom.text(avatar, vocab::initials(&name));
        let text = dom.element(item, "div", &[("class", "min-w-0 flex-1 text-sm")]);
        let who = dom.element(text, "p", &[("class", "font-medium text-gray-900")]);
        dom.text(who, name);
        let words = rng.range(6, 16) as usize;
        let what = dom.element(text, "p", &[("class", "text-gray-500")]);
        dom.text(what, vocab::sentence(rng, words));
        let time = dom.element(text, "time", &[("class", "text-xs text-gray-400")]);
        dom.text(time, format!("{} h ago", rng.range(1, 72)));
    }
}

/// The top bar: breadcrumbs, search, notifications, account. Returns the search field and
/// the controls the pointer passes over.
fn topbar(dom: &mut Dom, rng: &mut Rng, column: NodeId) -> (NodeId, Vec<NodeId>) {
    let bar = dom.element(column, "header", &[("class", "Topbar_root__Jm2Ae sticky top-0 z-30 flex h-16 items-center gap-x-4 border-b border-gray-200 bg-white px-6 shadow-sm")]);
    let form = dom.element(
        bar,
        "form",
        &[("class", "relative flex flex-1"), ("role", "search")],
    );
    widgets::icon(
        dom,
        form,
        "m21 21-5.197-5.197m0 0A7.5 7.5 0 1 0 5.196 5.196a7.5 7.5 0 0 0 10.607 10.607Z",
    );
    let search = dom.element(
        form,
        "input",
        &[("type", "search"), ("name", "q"), ("placeholder", "Search orders, customers, conversations… (⌘K)"), ("class", "block h-full w-full border-0 py-0 pl-8 pr-0 text-gray-900 placeholder:text-gray-400 sm:text-sm")],
    );
    let mut chrome = vec![search];
    for label in ["View notifications", "Help", "Open user menu"] {
        let button = dom.element(
            bar,
            "button",
            &[
                ("type", "button"),
                ("class", "-m-2.5 p-2.5 text-gray-400 hover:text-gray-500"),
                ("aria-label", label),
            ],
        );
        let path = vocab::icon_path(rng);
        widgets::icon(dom, button, &path);
        chrome.push(button);
    }
    (search, chrome)
}

/// Builds the view of a route into `main`.
fn render_view(b: &mut ViewBuilder, main: NodeId, route: Route) {
    let root = b.dom.element(
        main,
        "div",
        &[(
            "class",
            "PageContent_root__u7Yh2 mx-auto max-w-7xl px-6 py-8",
        )],
    );
    b.view.root = root;
    let title = route.name();
    match route {
        Route::Dashboard => {
            b.header(root, &title, &["Export", "New order"]);
            b.stat_cards(root, 8);
            b.bar_chart(root, "Orders per week", 60);
            b.line_chart(root, "Revenue", 180);
            b.feed(root, 30);
            b.table(root, Kind::Order, 50, false);
        }
        Route::Orders | Route::Customers | Route::Inbox => {
            let (kind, placeholder) = match route {
                Route::Orders => (Kind::Order, "Search orders, customers, SKUs…"),
                Route::Customers => (
                    Kind::Customer,
                    "Search customers by name, email or company…",
                ),
                _ => (Kind::Conversation, "Search conversations…"),
            };
            b.header(root, &title, &["Export", "Import", "New"]);
            b.filters(root, placeholder);
            let rows = b.rng.range(100, 250) as usize;
            b.table(root, kind, rows, true);
        }
        Route::Order(_) => {
            b.header(root, &title, &["Refund", "Print label", "Mark fulfilled"]);
            b.details(root, 12);
            let rows = b.rng.range(3, 20) as usize;
            b.table(root, Kind::LineItem, rows, false);
            let events = b.rng.range(10, 30) as usize;
            b.timeline(root, events);
            b.form(root, "Internal note", &["Note"], "Save note");
        }
        Route::Customer(_) => {
            b.header(root, &title, &["Email", "Edit customer"]);
            b.stat_cards(root, 4);
            b.line_chart(root, "Spend", 90);
            b.details(root, 8);
            let rows = b.rng.range(10, 40) as usize;
            b.table(root, Kind::Order, rows, false);
            let events = b.rng.range(5, 15) as usize;
            b.timeline(root, events);
        }
        Route::Report(_) => {
            b.header(root, &title, &["Share", "Download CSV"]);
            b.filters(root, "Filter by product, region or channel…");
            for chart in 0..b.rng.range(2, 5) {
                b.bar_chart(root, &format!("{title} by week ({})", chart + 1), 52);
            }
            b.line_chart(root, &format!("{title}, trailing 12 months"), 365);
            let rows = b.rng.range(40, 100) as usize;
            b.table(root, Kind::Customer, rows, false);
        }
        Route::Team => {
            b.header(root, &title, &["Audit log"]);
            b.form(root, "Invite a teammate", &["Email", "Name"], "Send invite");
            let rows = b.rng.range(10, 60) as usize;
            b.table(root, Kind::Member, rows, false);
        }
    }
}
