//! Words, names and styles for the recorded app, so that its pages, requests and logs read
//! (and compress) like a real product's rather than like noise or like one repeated string.

use crate::rng::Rng;

pub const FIRST_NAMES: &[&str] = &[
    "Amara", "Jonas", "Priya", "Mateo", "Chloé", "Tomasz", "Aiko", "Kwame", "Ingrid", "Rafael",
    "Leila", "Oskar", "Mei", "Diego", "Saoirse", "Yusuf", "Hana", "Lucas", "Zanele", "Elif",
    "Noah", "Ines", "Arjun", "Freya", "Kenji", "Olga", "Samir", "Beatriz", "Finn", "Nadia",
];

pub const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Raman",
    "García",
    "Dubois",
    "Nowak",
    "Tanaka",
    "Mensah",
    "Berg",
    "Oliveira",
    "Haddad",
    "Nielsen",
    "Chen",
    "Morales",
    "Byrne",
    "Demir",
    "Kobayashi",
    "Weber",
    "Dlamini",
    "Yılmaz",
    "Fischer",
    "Costa",
    "Iyer",
    "Larsen",
    "Sato",
    "Petrova",
    "Aziz",
    "Santos",
    "Walsh",
    "Rahman",
];

pub const COMPANIES: &[&str] = &[
    "Northwind Traders",
    "Bluefin Logistics",
    "Cedar & Pine",
    "Helios Energy",
    "Kestrel Labs",
    "Larkspur Foods",
    "Meridian Health",
    "Nimbus Cloudworks",
    "Orchard Retail",
    "Pioneer Freight",
    "Quarry Analytics",
    "Riverbend Outfitters",
    "Sable Systems",
    "Tidewater Marine",
    "Umber Studio",
    "Vantage Realty",
    "Willow Home",
    "Yardley Print Co.",
];

pub const PRODUCTS: &[&str] = &[
    "Ceramic pour-over set",
    "Merino crew socks",
    "Walnut desk organiser",
    "Linen duvet cover",
    "Cast-iron skillet 26 cm",
    "Trail running vest",
    "Bamboo cutting board",
    "Espresso grinder",
    "Wool throw blanket",
    "Standing desk mat",
    "Insulated bottle 750 ml",
    "Canvas tote bag",
    "Noise-cancelling headphones",
    "Leather card holder",
    "Oak bookshelf",
    "Glass storage jars",
];

pub const CITIES: &[&str] = &[
    "Lisbon",
    "Rotterdam",
    "Nairobi",
    "Osaka",
    "Toronto",
    "Kraków",
    "Melbourne",
    "Austin",
    "Gothenburg",
    "Bogotá",
    "Accra",
    "Dublin",
    "Pune",
    "Valencia",
    "Leipzig",
    "Auckland",
];

pub const ORDER_STATUSES: &[&str] = &[
    "Paid",
    "Paid",
    "Paid",
    "Fulfilled",
    "Fulfilled",
    "Pending",
    "Refunded",
    "Overdue",
    "Cancelled",
];

pub const PLANS: &[&str] = &["Starter", "Growth", "Growth", "Scale", "Enterprise"];

pub const ROLES: &[&str] = &["Owner", "Admin", "Member", "Member", "Member", "Viewer"];

/// Words for descriptions, notes and messages.
const WORDS: &[&str] = &[
    "order",
    "customer",
    "shipment",
    "invoice",
    "refund",
    "delivery",
    "warehouse",
    "carrier",
    "payment",
    "label",
    "return",
    "package",
    "account",
    "discount",
    "inventory",
    "supplier",
    "schedule",
    "update",
    "request",
    "address",
    "confirmed",
    "delayed",
    "updated",
    "received",
    "pending",
    "approved",
    "processed",
    "the",
    "a",
    "for",
    "with",
    "before",
    "after",
    "from",
    "to",
    "was",
    "has",
    "been",
    "will",
    "be",
    "needs",
    "review",
    "today",
    "tomorrow",
    "by",
    "team",
    "note",
    "priority",
    "region",
    "batch",
    "route",
    "stock",
    "count",
    "weekly",
    "monthly",
    "report",
    "threshold",
    "reached",
    "missing",
    "damaged",
    "replacement",
    "sent",
    "tracking",
    "number",
    "reference",
    "contact",
    "support",
    "ticket",
    "escalated",
    "resolved",
];

pub fn full_name(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

/// A work email for a name at a company (ASCII only, as mail addresses usually are).
pub fn email(name: &str, company: &str) -> String {
    let ascii = |text: &str| -> String {
        text.chars()
            .filter_map(|c| match c {
                'a'..='z' | 'A'..='Z' => Some(c.to_ascii_lowercase()),
                'é' => Some('e'),
                'ı' => Some('i'),
                'í' => Some('i'),
                'á' => Some('a'),
                ' ' => Some('.'),
                _ => None,
            })
            .collect()
    };
    let domain: String = ascii(company).replace('.', "");
    format!("{}@{domain}.com", ascii(name))
}

pub fn initials(name: &str) -> String {
    name.split(' ').filter_map(|w| w.chars().next()).collect()
}

/// A sentence of `words` words, capitalised and ended with a full stop.
pub fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        let word = rng.pick(WORDS);
        if i == 0 {
            let mut chars = word.chars();
            text.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            text.push_str(chars.as_str());
        } else {
            text.push(' ');
            text.push_str(word);
        }
    }
    text.push('.');
    text
}

/// A whole number with thousands separators: `12,431`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut text = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(c);
    }
    text
}

/// An amount of cents as a price: `$1,204.50`.
pub fn money(cents: u64) -> String {
    format!("${}.{:02}", thousands(cents / 100), cents % 100)
}

/// A CSS-module class name, as a bundler mangles `Table.module.css`'s `.row`: `Table_row__k3J9a`.
pub fn module_class(rng: &mut Rng, module: &str, local: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let hash: String = (0..5).map(|_| char::from(rng.pick(ALPHABET))).collect();
    format!("{module}_{local}__{hash}")
}

const CSS_PROPERTIES: &[(&str, &[&str])] = &[
    ("display", &["flex", "grid", "block", "inline-flex", "none"]),
    ("align-items", &["center", "flex-start", "stretch"]),
    (
        "padding",
        &["4px 8px", "8px 12px", "12px 16px", "0px", "16px 24px"],
    ),
    ("margin", &["0px", "0px auto", "8px 0px", "0px 0px 16px"]),
    (
        "color",
        &[
            "rgb(17, 24, 39)",
            "rgb(55, 65, 81)",
            "rgb(107, 114, 128)",
            "rgb(79, 70, 229)",
        ],
    ),
    (
        "background-color",
        &[
            "rgb(255, 255, 255)",
            "rgb(249, 250, 251)",
            "rgb(238, 242, 255)",
            "rgba(0, 0, 0, 0.04)",
        ],
    ),
    (
        "border",
        &[
            "1px solid rgb(229, 231, 235)",
            "0px",
            "1px solid transparent",
        ],
    ),
    ("border-radius", &["4px", "6px", "8px", "9999px"]),
    ("font-size", &["12px", "13px", "14px", "16px", "20px"]),
    ("font-weight", &["400", "500", "600"]),
    ("line-height", &["16px", "20px", "1.5", "24px"]),
    (
        "box-shadow",
        &[
            "rgba(0, 0, 0, 0.05) 0px 1px 2px 0px",
            "rgba(0, 0, 0, 0.1) 0px 4px 6px -1px, rgba(0, 0, 0, 0.06) 0px 2px 4px -1px",
        ],
    ),
    (
        "transition",
        &[
            "background-color 0.15s ease-in-out",
            "opacity 0.2s",
            "transform 0.2s cubic-bezier(0.4, 0, 0.2, 1)",
        ],
    ),
    ("gap", &["4px", "8px", "12px", "16px"]),
    ("width", &["100%", "auto", "240px", "32px", "fit-content"]),
    ("overflow", &["hidden", "auto", "visible"]),
    ("white-space", &["nowrap", "normal"]),
    ("cursor", &["pointer", "default"]),
];

const CSS_ELEMENTS: &[&str] = &[
    "",
    " > svg",
    " td",
    " th",
    ":hover",
    ":focus-visible",
    "[aria-selected=\"true\"]",
    "::placeholder",
    ":disabled",
    " + *",
    ":first-child",
];

/// A stylesheet of `rules` rules, as rrweb records one: the browser's normalised `cssText` of
/// each rule, one after the other (`sel { prop: value; }sel2 { ... }`).
pub fn stylesheet(rng: &mut Rng, module: &str, rules: usize) -> String {
    let locals = [
        "root", "row", "cell", "header", "title", "badge", "button", "icon", "panel", "label",
        "input", "menu", "item", "active", "muted", "chart", "legend", "tooltip",
    ];
    let mut css = String::new();
    for _ in 0..rules {
        let local = rng.pick(&locals);
        let class = module_class(rng, module, local);
        css.push('.');
        css.push_str(&class);
        css.push_str(rng.pick(CSS_ELEMENTS));
        css.push_str(" {");
        for _ in 0..rng.range(2, 7) {
            let (property, values) = rng.pick(CSS_PROPERTIES);
            css.push(' ');
            css.push_str(property);
            css.push_str(": ");
            css.push_str(rng.pick(values));
            css.push(';');
        }
        css.push_str(" }");
        if rng.chance(0.04) {
            css.push_str("@media (max-width: 768px) { .");
            css.push_str(&class);
            css.push_str(" { display: none; } }");
        }
    }
    css
}

/// The `d` of an outline icon's path (24 x 24 view box).
pub fn icon_path(rng: &mut Rng) -> String {
    let mut d = format!("M{} {}", rng.range(2, 22), rng.range(2, 22));
    for _ in 0..rng.range(3, 9) {
        match rng.below(3) {
            0 => d.push_str(&format!("h{}", rng.range(1, 12))),
            1 => d.push_str(&format!("v{}", rng.range(1, 12))),
            _ => d.push_str(&format!(
                "a{} {} 0 0 1 {}.{} {}.{}",
                rng.range(1, 9),
                rng.range(1, 9),
                rng.range(0, 9),
                rng.range(0, 99),
                rng.range(0, 9),
                rng.range(0, 99)
            )),
        }
    }
    d.push('z');
    d
}
