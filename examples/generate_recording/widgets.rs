//! The parts the app's pages are made of (headers, stat cards, charts, tables, feeds, forms),
//! built into a page's DOM with the markup a React and Tailwind app renders: the same long
//! class lists on every row, SVG icons, inline styles on charts and avatars.
//!
//! A [`ViewBuilder`] builds one view and notes, in a [`View`], the nodes the session acts on
//! later (buttons, fields, table rows, live texts, chart tooltips), and in `fetches` the API
//! requests that brought its data.

use crate::app::Route;
use crate::calendar;
use crate::dom::{Dom, NodeId};
use crate::records::{self, Cell, Kind, Record};
use crate::rng::Rng;
use crate::vocab;

const PAGE_HEADER: &str = "PageHeader_root__q81Lc flex items-center justify-between gap-4 pb-6";
const CARD: &str = "Card_root__Hx81b rounded-lg border border-gray-200 bg-white shadow-sm";
const CARD_TITLE: &str = "Card_title__m2VvX text-sm font-semibold text-gray-900";
const BUTTON: &str = "Button_root__7TbQe inline-flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium shadow-sm focus:outline-none focus-visible:ring-2";
const ICON: &str = "h-4 w-4 shrink-0";
const TABLE: &str = "DataTable_table__p2LmQ min-w-full divide-y divide-gray-200";
const TH: &str = "DataTable_th__Vv7Ck px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500";
pub const TR: &str = "DataTable_row__3kJ9a group hover:bg-gray-50";
const TD: &str = "DataTable_cell__k0Pq1 whitespace-nowrap px-3 py-2 text-sm text-gray-700";
const CHECKBOX: &str = "Checkbox_input__c9Rt4 h-4 w-4 rounded border-gray-300 text-indigo-600";
const AVATAR: &str = "Avatar_root__f3Yu1 inline-flex h-8 w-8 items-center justify-center rounded-full text-xs font-medium text-white";
const BADGE: &str =
    "Badge_root__Q5sPz inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium";
const LINK: &str = "Link_root__b7Nn2 font-medium text-indigo-600 hover:text-indigo-500";
const MUTED: &str = "text-xs text-gray-500 truncate";
const INPUT: &str = "Input_root__Zp0aK block w-full rounded-md border-gray-300 px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:ring-indigo-500";
/// Filter controls sit side by side in a row, each as wide as its content.
const FILTER_INPUT: &str =
    "Input_root__Zp0aK rounded-md border border-gray-300 px-3 py-2 text-sm shadow-sm";
const TOOLTIP: &str = "ChartTooltip_root__W4qe8 pointer-events-none absolute rounded bg-gray-900 px-2 py-1 text-xs text-white";

/// Nodes of a view that the session acts on after it is built.
#[derive(Default)]
pub struct View {
    pub root: NodeId,
    pub buttons: Vec<NodeId>,
    /// Text inputs: search boxes, filters, notes.
    pub fields: Vec<NodeId>,
    /// Texts that change on their own (counters, "5 min ago").
    pub live: Vec<Live>,
    pub tooltips: Vec<Tooltip>,
    /// Chart bars, whose height changes when data refreshes.
    pub bars: Vec<NodeId>,
    pub table: Option<Table>,
}

pub struct Live {
    pub text: NodeId,
    pub value: u64,
    pub minutes_ago: bool,
}

impl Live {
    pub fn render(&self) -> String {
        if self.minutes_ago {
            format!("{} min ago", self.value)
        } else {
            vocab::thousands(self.value)
        }
    }
}

#[derive(Clone, Copy)]
pub struct Tooltip {
    pub root: NodeId,
    pub text: NodeId,
}

/// A data table whose rows are replaced when it is sorted, filtered or paged.
pub struct Table {
    pub kind: Kind,
    pub body: NodeId,
    pub headers: Vec<NodeId>,
    pub rows: Vec<Row>,
    /// "Showing 1–100 of 4,213", when the table is paginated.
    pub summary: Option<NodeId>,
    pub total: u64,
}

impl Table {
    /// Rows for new records, put in after the page was built: before the row `before` (none:
    /// at the end), each an added subtree of the next mutation.
    pub fn add_rows(&self, dom: &mut Dom, before: Option<NodeId>, records: &[Record]) -> Vec<Row> {
        records
            .iter()
            .map(|record| {
                let row = row(dom, self.body, before, self.kind, record);
                dom.added(row.root);
                row
            })
            .collect()
    }
}

pub struct Row {
    pub root: NodeId,
    pub checkbox: NodeId,
    pub link: Option<(NodeId, Route)>,
    pub selected: bool,
}

/// An API request a view made for its data.
pub struct Fetch {
    pub kind: Kind,
    pub query: String,
    pub records: Vec<Record>,
    pub total: u64,
}

pub struct ViewBuilder<'a> {
    pub dom: &'a mut Dom,
    pub rng: &'a mut Rng,
    /// Epoch ms the view is built at (records are dated before it).
    pub now: u64,
    pub view: View,
    pub fetches: Vec<Fetch>,
}

impl ViewBuilder<'_> {
    fn el(&mut self, parent: NodeId, tag: &'static str, class: &str) -> NodeId {
        self.dom.element(parent, tag, &[("class", class)])
    }

    fn text_el(&mut self, parent: NodeId, tag: &'static str, class: &str, text: &str) -> NodeId {
        let element = self.el(parent, tag, class);
        self.dom.text(element, text);
        element
    }

    fn icon(&mut self, parent: NodeId) {
        let path = vocab::icon_path(self.rng);
        icon(self.dom, parent, &path);
    }

    pub fn button(&mut self, parent: NodeId, label: &str, primary: bool) -> NodeId {
        let tone = if primary {
            " bg-indigo-600 text-white hover:bg-indigo-500"
        } else {
            " bg-white text-gray-900 ring-1 ring-inset ring-gray-300 hover:bg-gray-50"
        };
        let button = self.dom.element(
            parent,
            "button",
            &[("type", "button"), ("class", &format!("{BUTTON}{tone}"))],
        );
        self.icon(button);
        self.dom.text(button, label);
        self.view.buttons.push(button);
        button
    }

    pub fn header(&mut self, parent: NodeId, title: &str, actions: &[&str]) {
        let header = self.el(parent, "div", PAGE_HEADER);
        let heading = self.el(header, "div", "min-w-0");
        self.text_el(heading, "h1", "text-2xl font-semibold text-gray-900", title);
        let subtitle = vocab::sentence(self.rng, 9);
        self.text_el(heading, "p", "mt-1 text-sm text-gray-500", &subtitle);
        let bar = self.el(header, "div", "flex shrink-0 gap-2");
        for (i, label) in actions.iter().enumerate() {
            self.button(bar, label, i + 1 == actions.len());
        }
    }

    pub fn stat_cards(&mut self, parent: NodeId, count: usize) {
        const LABELS: &[&str] = &[
            "Revenue",
            "Orders",
            "Average order",
            "Refund rate",
            "Active customers",
            "Open tickets",
            "Fulfilment time",
            "Conversion",
        ];
        let grid = self.el(parent, "div", "grid grid-cols-2 gap-4 lg:grid-cols-4 pb-6");
        for i in 0..count {
            let card = self.el(grid, "div", &format!("{CARD} p-4"));
            self.text_el(card, "p", "text-sm text-gray-500", LABELS[i % LABELS.len()]);
            let value = self.el(
                card,
                "p",
                "mt-2 text-3xl font-semibold tabular-nums text-gray-900",
            );
            let count = self.rng.range(100, 90_000);
            self.live_text(value, count, false);
            let up = self.rng.chance(0.6);
            let delta = format!(
                "{}{}.{}%",
                if up { "+" } else { "−" },
                self.rng.below(30),
                self.rng.below(10)
            );
            let tone = if up {
                "text-emerald-600"
            } else {
                "text-rose-600"
            };
            self.text_el(card, "span", &format!("text-xs font-medium {tone}"), &delta);
            let points: Vec<u64> = (0..24).map(|_| self.rng.range(4, 36)).collect();
            self.sparkline(card, &points);
        }
    }

    fn sparkline(&mut self, parent: NodeId, points: &[u64]) {
        let svg = self.dom.svg(
            parent,
            "svg",
            &[
                ("viewBox", "0 0 120 40"),
                ("class", "mt-3 h-10 w-full"),
                ("preserveAspectRatio", "none"),
            ],
        );
        let d = polyline(points, 120.0 / points.len() as f64);
        self.dom.svg(
            svg,
            "path",
            &[
                ("d", &d),
                ("fill", "none"),
                ("stroke", "currentColor"),
                ("stroke-width", "1.5"),
            ],
        );
    }

    fn card(&mut self, parent: NodeId, title: &str) -> NodeId {
        let card = self.el(parent, "section", &format!("{CARD} mb-6"));
        let header = self.el(
            card,
            "header",
            "flex items-center justify-between border-b border-gray-100 px-4 py-3",
        );
        self.text_el(header, "h2", CARD_TITLE, title);
        let legend = self.el(header, "div", "flex gap-3 text-xs text-gray-500");
        for (color, label) in [
            ("rgb(99, 102, 241)", "This period"),
            ("rgb(203, 213, 225)", "Previous"),
        ] {
            let item = self.el(legend, "span", "inline-flex items-center gap-1");
            self.dom.element(
                item,
                "i",
                &[
                    ("class", "h-2 w-2 rounded-full"),
                    ("style", &format!("background-color: {color};")),
                ],
            );
            self.dom.text(item, label);
        }
        card
    }

    /// A bar chart as a charting library draws it: one `rect` per bar, grid lines, axis labels,
    /// and a tooltip moved with inline styles.
    pub fn bar_chart(&mut self, parent: NodeId, title: &str, bars: usize) {
        let card = self.card(parent, title);
        let area = self.dom.element(
            card,
            "div",
            &[("class", "relative p-4"), ("style", "height: 280px;")],
        );
        let width = bars * 12;
        let svg = self.dom.svg(
            area,
            "svg",
            &[
                ("width", "100%"),
                ("height", "240"),
                ("viewBox", &format!("0 0 {width} 240")),
                ("role", "img"),
            ],
        );
        let grid = self
            .dom
            .svg(svg, "g", &[("class", "recharts-cartesian-grid")]);
        for line in 0..5 {
            let y = (line * 48).to_string();
            self.dom.svg(
                grid,
                "line",
                &[
                    ("x1", "0"),
                    ("x2", &width.to_string()),
                    ("y1", &y),
                    ("y2", &y),
                    ("stroke", "#e5e7eb"),
                ],
            );
        }
        let series = self
            .dom
            .svg(svg, "g", &[("class", "recharts-bar-rectangles")]);
        for i in 0..bars {
            let height = self.rng.range(8, 230);
            let bar = self.dom.svg(
                series,
                "rect",
                &[
                    ("x", &(i * 12 + 2).to_string()),
                    ("y", &(240 - height).to_string()),
                    ("width", "8"),
                    ("height", &height.to_string()),
                    ("rx", "2"),
                    ("class", "recharts-rectangle fill-indigo-500"),
                ],
            );
            self.view.bars.push(bar);
        }
        let axis = self.dom.svg(svg, "g", &[("class", "recharts-xAxis")]);
        for i in (0..bars).step_by(6) {
            let label = self.dom.svg(
                axis,
                "text",
                &[
                    ("x", &(i * 12).to_string()),
                    ("y", "238"),
                    ("class", "fill-gray-500 text-[10px]"),
                ],
            );
            self.dom.text(label, format!("W{}", i / 6 + 1));
        }
        self.tooltip(area);
    }

    /// A line chart: one long path, a dot per point, and a tooltip.
    pub fn line_chart(&mut self, parent: NodeId, title: &str, points: usize) {
        let card = self.card(parent, title);
        let area = self.dom.element(
            card,
            "div",
            &[("class", "relative p-4"), ("style", "height: 260px;")],
        );
        let svg = self.dom.svg(
            area,
            "svg",
            &[
                ("width", "100%"),
                ("height", "220"),
                ("viewBox", "0 0 960 220"),
            ],
        );
        let values: Vec<u64> = (0..points).map(|_| self.rng.range(10, 210)).collect();
        let step = 960.0 / points as f64;
        let d = polyline(&values, step);
        self.dom.svg(
            svg,
            "path",
            &[
                ("d", &d),
                ("fill", "none"),
                ("stroke", "rgb(99, 102, 241)"),
                ("stroke-width", "2"),
                ("class", "recharts-curve recharts-line-curve"),
            ],
        );
        let dots = self.dom.svg(svg, "g", &[("class", "recharts-line-dots")]);
        for (i, value) in values.iter().enumerate().step_by(4) {
            self.dom.svg(
                dots,
                "circle",
                &[
                    ("cx", &format!("{:.1}", i as f64 * step)),
                    ("cy", &value.to_string()),
                    ("r", "3"),
                    ("class", "recharts-dot"),
                ],
            );
        }
        self.tooltip(area);
    }

    fn tooltip(&mut self, parent: NodeId) {
        let root = self.dom.element(
            parent,
            "div",
            &[
                ("class", TOOLTIP),
                ("style", "opacity: 0; transform: translate(0px, 0px);"),
            ],
        );
        let text = self.dom.text(root, "");
        self.view.tooltips.push(Tooltip { root, text });
    }

    /// Recent activity: who did what, and how long ago (a live text).
    pub fn feed(&mut self, parent: NodeId, items: usize) {
        let card = self.card(parent, "Activity");
        let list = self.el(card, "ul", "divide-y divide-gray-100");
        for _ in 0..items {
            let item = self.el(list, "li", "flex gap-3 px-4 py-3");
            let name = vocab::full_name(self.rng);
            avatar(self.dom, item, &name);
            let body = self.el(item, "div", "min-w-0 flex-1");
            let line = self.el(body, "p", "text-sm text-gray-700");
            self.text_el(line, "strong", "font-medium text-gray-900", &name);
            let words = self.rng.range(5, 14) as usize;
            let what = vocab::sentence(self.rng, words);
            self.dom.text(line, format!(" {what}"));
            let time = self.el(body, "time", MUTED);
            let minutes = self.rng.range(1, 59);
            self.live_text(time, minutes, true);
        }
    }

    /// A text that changes on its own: a counter, or how long ago something happened.
    fn live_text(&mut self, parent: NodeId, value: u64, minutes_ago: bool) {
        let mut live = Live {
            text: 0,
            value,
            minutes_ago,
        };
        live.text = self.dom.text(parent, live.render());
        self.view.live.push(live);
    }

    /// Search, selects, date range and a checkbox above a table.
    pub fn filters(&mut self, parent: NodeId, placeholder: &str) {
        let bar = self.el(
            parent,
            "div",
            "Filters_root__N2cWd mb-4 flex flex-wrap items-end gap-3",
        );
        let search = self.el(bar, "div", "relative w-72");
        self.icon(search);
        let field = self.dom.element(
            search,
            "input",
            &[
                ("type", "search"),
                ("class", INPUT),
                ("placeholder", placeholder),
                ("autocomplete", "off"),
            ],
        );
        self.view.fields.push(field);
        for options in [
            &[
                "All statuses",
                "Paid",
                "Pending",
                "Fulfilled",
                "Refunded",
                "Overdue",
            ][..],
            &["All regions", "EMEA", "North America", "LATAM", "APAC"],
            &[
                "Any channel",
                "Web",
                "Marketplace",
                "Wholesale",
                "Point of sale",
            ],
        ] {
            let select = self.dom.element(bar, "select", &[("class", FILTER_INPUT)]);
            for option in options {
                let element =
                    self.dom
                        .element(select, "option", &[("value", &option.to_lowercase())]);
                self.dom.text(element, *option);
            }
        }
        for label in ["From", "To"] {
            let field = self.dom.element(
                bar,
                "input",
                &[
                    ("type", "date"),
                    ("class", FILTER_INPUT),
                    ("aria-label", label),
                ],
            );
            self.view.fields.push(field);
        }
        let toggle = self.el(
            bar,
            "label",
            "inline-flex items-center gap-2 text-sm text-gray-700",
        );
        let checkbox = self.dom.element(
            toggle,
            "input",
            &[("type", "checkbox"), ("class", CHECKBOX)],
        );
        self.view.buttons.push(checkbox);
        self.dom.text(toggle, "Only needing attention");
        self.button(bar, "Clear filters", false);
    }

    /// A table of records fetched from the API, with a pagination footer when `paginated`.
    pub fn table(&mut self, parent: NodeId, kind: Kind, rows: usize, paginated: bool) {
        let total = if paginated {
            self.rng.range(rows as u64 + 1, 9_000)
        } else {
            rows as u64
        };
        let fetch = self.fetch(kind, rows, total);
        let card = self.el(parent, "div", &format!("{CARD} overflow-hidden mb-6"));
        let table = self.el(card, "table", TABLE);
        let head = self.el(table, "thead", "bg-gray-50");
        let head_row = self.el(head, "tr", "");
        let all = self.el(head_row, "th", &format!("{TH} w-10"));
        self.dom.element(
            all,
            "input",
            &[
                ("type", "checkbox"),
                ("class", CHECKBOX),
                ("aria-label", "Select all"),
            ],
        );
        let mut headers = Vec::new();
        for column in kind.columns() {
            let th = self.dom.element(
                head_row,
                "th",
                &[("class", TH), ("scope", "col"), ("aria-sort", "none")],
            );
            if !column.is_empty() {
                let sort = self.el(th, "button", "group inline-flex items-center gap-1");
                self.dom.text(sort, *column);
                self.icon(sort);
                headers.push(th);
            }
        }
        let body = self.el(table, "tbody", "divide-y divide-gray-100 bg-white");
        let rows = fetch
            .records
            .iter()
            .map(|record| row(self.dom, body, None, kind, record))
            .collect();
        let summary = paginated.then(|| self.pagination(card, fetch.records.len() as u64, total));
        self.view.table = Some(Table {
            kind,
            body,
            headers,
            rows,
            summary,
            total,
        });
        self.fetches.push(fetch);
    }

    fn fetch(&mut self, kind: Kind, rows: usize, total: u64) -> Fetch {
        Fetch {
            kind,
            query: format!("?limit={rows}&offset=0"),
            records: (0..rows)
                .map(|_| records::generate(self.rng, kind, self.now))
                .collect(),
            total,
        }
    }

    fn pagination(&mut self, parent: NodeId, shown: u64, total: u64) -> NodeId {
        let footer = self.el(
            parent,
            "div",
            "flex items-center justify-between border-t border-gray-200 px-4 py-3",
        );
        let summary = self.el(footer, "p", "text-sm text-gray-700");
        let text = self.dom.text(summary, showing(shown, total));
        let nav = self.dom.element(
            footer,
            "nav",
            &[
                ("class", "inline-flex -space-x-px"),
                ("aria-label", "Pagination"),
            ],
        );
        self.button(nav, "Previous", false);
        self.button(nav, "Next", false);
        text
    }

    /// Key facts of a record as a description list.
    pub fn details(&mut self, parent: NodeId, facts: usize) {
        const TERMS: &[&str] = &[
            "Customer",
            "Channel",
            "Payment",
            "Carrier",
            "Tracking",
            "Warehouse",
            "Placed",
            "Shipped",
            "Region",
            "Currency",
            "Tax",
            "Discount code",
        ];
        let card = self.card(parent, "Details");
        let list = self.el(card, "dl", "grid grid-cols-2 gap-x-6 gap-y-4 p-4");
        for i in 0..facts {
            let item = self.el(list, "div", "min-w-0");
            self.text_el(
                item,
                "dt",
                "text-xs font-medium text-gray-500",
                TERMS[i % TERMS.len()],
            );
            let words = self.rng.range(1, 4) as usize;
            let value = vocab::sentence(self.rng, words);
            self.text_el(item, "dd", "mt-1 text-sm text-gray-900", &value);
        }
    }

    pub fn timeline(&mut self, parent: NodeId, events: usize) {
        let card = self.card(parent, "Timeline");
        let list = self.el(
            card,
            "ol",
            "relative space-y-4 border-l border-gray-200 p-4",
        );
        for _ in 0..events {
            let item = self.el(list, "li", "ml-4");
            self.el(
                item,
                "span",
                "absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full border border-white bg-gray-300",
            );
            let words = self.rng.range(4, 12) as usize;
            let what = vocab::sentence(self.rng, words);
            self.text_el(item, "p", "text-sm text-gray-700", &what);
            let when = self.now - self.rng.below(30 * 86_400_000);
            let time = self.dom.element(
                item,
                "time",
                &[("class", MUTED), ("datetime", &calendar::iso(when))],
            );
            self.dom.text(time, calendar::short_date(when));
        }
    }

    /// A form: labelled text fields and a submit button.
    pub fn form(&mut self, parent: NodeId, title: &str, labels: &[&str], submit: &str) {
        let card = self.card(parent, title);
        let form = self.el(card, "form", "space-y-4 p-4");
        for label in labels {
            let wrapper = self.el(form, "label", "block text-sm font-medium text-gray-700");
            self.dom.text(wrapper, *label);
            let field = self.dom.element(
                wrapper,
                "input",
                &[
                    ("type", "text"),
                    ("class", INPUT),
                    ("name", &label.to_lowercase()),
                ],
            );
            self.view.fields.push(field);
        }
        self.button(form, submit, true);
    }
}

/// The text under a paginated table.
pub fn showing(shown: u64, total: u64) -> String {
    format!("Showing 1–{shown} of {}", vocab::thousands(total))
}

/// A 24 x 24 outline icon.
pub fn icon(dom: &mut Dom, parent: NodeId, path: &str) {
    let svg = dom.svg(
        parent,
        "svg",
        &[
            ("class", ICON),
            ("viewBox", "0 0 24 24"),
            ("fill", "none"),
            ("stroke", "currentColor"),
            ("aria-hidden", "true"),
        ],
    );
    dom.svg(
        svg,
        "path",
        &[
            ("stroke-linecap", "round"),
            ("stroke-linejoin", "round"),
            ("d", path),
        ],
    );
}

/// A person's initials on a colour of their own.
fn avatar(dom: &mut Dom, parent: NodeId, name: &str) {
    let hue = name.bytes().map(u64::from).sum::<u64>() % 360;
    let avatar = dom.element(
        parent,
        "span",
        &[
            ("class", AVATAR),
            ("style", &format!("background-color: hsl({hue}, 55%, 45%);")),
        ],
    );
    dom.text(avatar, vocab::initials(name));
}

/// One table row for a record, at the end of the table's body or before the row `before`: a
/// selection checkbox, then a cell per column.
pub fn row(
    dom: &mut Dom,
    body: NodeId,
    before: Option<NodeId>,
    kind: Kind,
    record: &Record,
) -> Row {
    let key = record.id.to_string();
    let attributes = [("class", TR), ("data-row-key", key.as_str())];
    let root = match before {
        Some(next) => dom.element_before(body, next, "tr", &attributes),
        None => dom.element(body, "tr", &attributes),
    };
    let select = dom.element(root, "td", &[("class", TD)]);
    let checkbox = dom.element(
        select,
        "input",
        &[("type", "checkbox"), ("class", CHECKBOX)],
    );
    let mut link = None;
    let mut cells = record.cells.iter();
    for column in kind.columns() {
        let td = dom.element(root, "td", &[("class", TD)]);
        if column.is_empty() {
            let more = dom.element(
                td,
                "button",
                &[
                    ("class", "rounded p-1 text-gray-400 hover:text-gray-600"),
                    ("aria-label", "More actions"),
                ],
            );
            icon(
                dom,
                more,
                "M12 6.75a.75.75 0 1 1 0-1.5.75.75 0 0 1 0 1.5Zm0 6a.75.75 0 1 1 0-1.5.75.75 0 0 1 0 1.5Zm0 6a.75.75 0 1 1 0-1.5.75.75 0 0 1 0 1.5Z",
            );
            continue;
        }
        let Some((_, cell)) = cells.next() else {
            continue;
        };
        if let Some(target) = render_cell(dom, td, cell) {
            link = Some(target);
        }
    }
    Row {
        root,
        checkbox,
        link,
        selected: false,
    }
}

/// Fills a table cell; returns the link it holds, if any.
fn render_cell(dom: &mut Dom, td: NodeId, cell: &Cell) -> Option<(NodeId, Route)> {
    match cell {
        Cell::Text(text) => {
            dom.text(td, text.as_str());
        }
        Cell::Person { name, email } => {
            let wrapper = dom.element(td, "div", &[("class", "flex items-center gap-3")]);
            avatar(dom, wrapper, name);
            let lines = dom.element(wrapper, "div", &[("class", "min-w-0")]);
            let first = dom.element(lines, "p", &[("class", "font-medium text-gray-900")]);
            dom.text(first, name.as_str());
            let second = dom.element(lines, "p", &[("class", MUTED)]);
            dom.text(second, email.as_str());
        }
        Cell::Status(status) => {
            let tone = match *status {
                "Paid" | "Fulfilled" | "Open" | "Enterprise" | "Owner" => {
                    "bg-emerald-50 text-emerald-700"
                }
                "Overdue" | "Cancelled" | "Refunded" => "bg-rose-50 text-rose-700",
                _ => "bg-gray-100 text-gray-700",
            };
            let badge = dom.element(td, "span", &[("class", &format!("{BADGE} {tone}"))]);
            dom.text(badge, *status);
        }
        Cell::Money(cents) => {
            dom.text(td, vocab::money(*cents));
        }
        Cell::Count(count) => {
            dom.text(td, count.to_string());
        }
        Cell::Date(ms) => {
            let time = dom.element(td, "time", &[("datetime", &calendar::iso(*ms))]);
            dom.text(time, calendar::short_date(*ms));
        }
        Cell::Tags(tags) => {
            let list = dom.element(td, "div", &[("class", "flex flex-wrap gap-1")]);
            for tag in tags {
                let badge = dom.element(
                    list,
                    "span",
                    &[("class", &format!("{BADGE} bg-indigo-50 text-indigo-700"))],
                );
                dom.text(badge, *tag);
            }
        }
        Cell::Progress(percent) => {
            let track = dom.element(
                td,
                "div",
                &[
                    ("class", "h-1.5 w-24 rounded-full bg-gray-200"),
                    ("role", "progressbar"),
                    ("aria-valuenow", &percent.to_string()),
                ],
            );
            dom.element(
                track,
                "div",
                &[
                    ("class", "h-1.5 rounded-full bg-emerald-500"),
                    ("style", &format!("width: {percent}%;")),
                ],
            );
        }
        Cell::Link { label, route } => {
            let anchor = dom.element(td, "a", &[("href", &route.path()), ("class", LINK)]);
            dom.text(anchor, label.as_str());
            return Some((anchor, *route));
        }
    }
    None
}

/// An SVG path through values spaced `step` apart.
fn polyline(values: &[u64], step: f64) -> String {
    let mut d = String::new();
    for (i, value) in values.iter().enumerate() {
        let command = if i == 0 { 'M' } else { 'L' };
        d.push_str(&format!("{command}{:.1},{value}", i as f64 * step));
    }
    d
}
