//! The app's data: orders, customers, team members, conversations. The same records fill a
//! table on the page and the JSON body of the request that fetched them, as in a real app.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::app::Route;
use crate::calendar;
use crate::rng::Rng;
use crate::vocab;

#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    Order,
    Customer,
    LineItem,
    Member,
    Conversation,
}

impl Kind {
    /// Column headers of a table of these records (after the selection checkbox).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Order => &[
                "Order",
                "Customer",
                "Status",
                "Channel",
                "Tags",
                "Fulfilment",
                "Total",
                "Items",
                "Placed",
                "",
            ],
            Kind::Customer => &[
                "Customer", "Company", "Plan", "Tags", "MRR", "Orders", "City", "Since",
            ],
            Kind::LineItem => &["Product", "SKU", "Qty", "Unit price", "Total"],
            Kind::Member => &["Member", "Role", "Last active", ""],
            Kind::Conversation => &["From", "Subject", "Status", "Updated"],
        }
    }

    /// The API path the records come from.
    pub fn endpoint(self) -> &'static str {
        match self {
            Kind::Order | Kind::LineItem => "/api/v2/orders/",
            Kind::Customer => "/api/v2/customers/",
            Kind::Member => "/api/v2/team/members/",
            Kind::Conversation => "/api/v2/inbox/conversations/",
        }
    }

    /// The API path of `limit` records from the `offset`th on.
    pub fn page_path(self, limit: usize, offset: u64) -> String {
        format!("{}?limit={limit}&offset={offset}", self.endpoint())
    }
}

/// What a table cell shows.
pub enum Cell {
    Text(String),
    Person {
        name: String,
        email: String,
    },
    Status(&'static str),
    Money(u64),
    Count(u64),
    Date(u64),
    Link {
        label: String,
        route: Route,
    },
    Tags(Vec<&'static str>),
    /// A progress bar, in percent.
    Progress(u64),
}

pub struct Record {
    pub id: u32,
    /// JSON key and cell, in column order.
    pub cells: Vec<(&'static str, Cell)>,
    /// What the API sends besides: addresses, line items, payment. Tables never show it,
    /// but request bodies carry it, as real APIs do.
    pub details: Value,
}

const TAGS: &[&str] = &[
    "wholesale",
    "priority",
    "gift",
    "b2b",
    "repeat",
    "vip",
    "fragile",
    "backorder",
    "promo",
];
const CHANNELS: &[&str] = &["Web", "Web", "Marketplace", "Wholesale", "Point of sale"];

/// A record of a kind, made at (epoch ms) `now`.
pub fn generate(rng: &mut Rng, kind: Kind, now: u64) -> Record {
    let id = rng.range(10_000, 99_999) as u32;
    let ago = |rng: &mut Rng, max_days: u64| now - rng.below(max_days * 86_400_000);
    let name = vocab::full_name(rng);
    let company = rng.pick(vocab::COMPANIES);
    let email = vocab::email(&name, company);
    let cells = match kind {
        Kind::Order => vec![
            (
                "number",
                Cell::Link {
                    label: format!("#{id}"),
                    route: Route::Order(id),
                },
            ),
            ("customer", Cell::Person { name, email }),
            ("status", Cell::Status(rng.pick(vocab::ORDER_STATUSES))),
            ("channel", Cell::Text(rng.pick(CHANNELS).to_string())),
            ("tags", Cell::Tags(tags(rng))),
            ("fulfilled_percent", Cell::Progress(rng.below(101))),
            ("total_cents", Cell::Money(rng.range(900, 250_000))),
            ("item_count", Cell::Count(rng.range(1, 12))),
            ("created_at", Cell::Date(ago(rng, 60))),
        ],
        Kind::Customer => vec![
            (
                "customer",
                Cell::Link {
                    label: name,
                    route: Route::Customer(id),
                },
            ),
            ("company", Cell::Text(company.to_owned())),
            ("plan", Cell::Status(rng.pick(vocab::PLANS))),
            ("tags", Cell::Tags(tags(rng))),
            ("mrr_cents", Cell::Money(rng.range(2_900, 990_000))),
            ("order_count", Cell::Count(rng.range(0, 480))),
            ("city", Cell::Text(rng.pick(vocab::CITIES).to_string())),
            ("created_at", Cell::Date(ago(rng, 900))),
        ],
        Kind::LineItem => {
            let quantity = rng.range(1, 6);
            let price = rng.range(450, 38_000);
            vec![
                ("product", Cell::Text(rng.pick(vocab::PRODUCTS).to_string())),
                ("sku", Cell::Text(sku(rng))),
                ("quantity", Cell::Count(quantity)),
                ("unit_price_cents", Cell::Money(price)),
                ("total_cents", Cell::Money(price * quantity)),
            ]
        }
        Kind::Member => vec![
            ("member", Cell::Person { name, email }),
            ("role", Cell::Status(rng.pick(vocab::ROLES))),
            ("last_active_at", Cell::Date(ago(rng, 30))),
        ],
        Kind::Conversation => {
            let words = rng.range(4, 12) as usize;
            vec![
                ("from", Cell::Person { name, email }),
                ("subject", Cell::Text(vocab::sentence(rng, words))),
                (
                    "status",
                    Cell::Status(rng.pick(&["Open", "Open", "Waiting", "Closed"])),
                ),
                ("updated_at", Cell::Date(ago(rng, 14))),
            ]
        }
    };
    let details = details(rng, kind, now);
    Record { id, cells, details }
}

fn tags(rng: &mut Rng) -> Vec<&'static str> {
    (0..rng.below(4)).map(|_| rng.pick(TAGS)).collect()
}

/// A product's stock-keeping unit, like SKU-482-9f3a.
fn sku(rng: &mut Rng) -> String {
    format!("SKU-{}-{}", rng.range(100, 999), rng.hex(4))
}

/// The nested data an API sends with a record.
fn details(rng: &mut Rng, kind: Kind, now: u64) -> Value {
    match kind {
        Kind::Order | Kind::Customer => {
            let items: Vec<Value> = (0..rng.range(1, 6))
                .map(|_| {
                    json!({
                        "sku": sku(rng),
                        "product": rng.pick(vocab::PRODUCTS),
                        "quantity": rng.range(1, 6),
                        "unit_price_cents": rng.range(450, 38_000),
                        "tax_rate": "0.2100",
                        "warehouse": rng.pick(vocab::CITIES),
                    })
                })
                .collect();
            json!({
                "currency": rng.pick(&["EUR", "USD", "GBP", "SEK"]),
                "shipping_address": address(rng),
                "billing_address": address(rng),
                "line_items": items,
                "payment": {
                    "method": "card",
                    "brand": rng.pick(&["visa", "mastercard", "amex"]),
                    "last4": format!("{:04}", rng.below(10_000)),
                    "captured_at": calendar::iso(now - rng.below(86_400_000)),
                },
                "notes": vocab::sentence(rng, 12),
                "updated_at": calendar::iso(now - rng.below(3_600_000)),
                "_links": {"self": format!("{}{}", kind.endpoint(), rng.range(10_000, 99_999))},
            })
        }
        Kind::LineItem | Kind::Member | Kind::Conversation => json!({
            "updated_at": calendar::iso(now - rng.below(86_400_000)),
            "notes": vocab::sentence(rng, 8),
        }),
    }
}

fn address(rng: &mut Rng) -> Value {
    json!({
        "name": vocab::full_name(rng),
        "line1": format!("{} {}", rng.range(1, 240), rng.pick(&["Harbour Street", "Main Street", "Rua Augusta", "Kings Road", "Lindenallee"])),
        "city": rng.pick(vocab::CITIES),
        "postcode": format!("{}", rng.range(10_000, 99_999)),
        "country": rng.pick(&["PT", "NL", "KE", "JP", "CA", "PL", "AU", "US", "SE"]),
    })
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        for (key, cell) in &self.cells {
            match cell {
                Cell::Text(text) | Cell::Link { label: text, .. } => {
                    map.serialize_entry(key, text)?
                }
                Cell::Person { name, email } => {
                    map.serialize_entry(key, &PersonJson { name, email })?
                }
                Cell::Status(status) => map.serialize_entry(key, &status.to_lowercase())?,
                Cell::Money(cents) | Cell::Count(cents) => map.serialize_entry(key, cents)?,
                Cell::Date(ms) => map.serialize_entry(key, &calendar::iso(*ms))?,
                Cell::Tags(tags) => map.serialize_entry(key, tags)?,
                Cell::Progress(percent) => map.serialize_entry(key, percent)?,
            }
        }
        if let Value::Object(details) = &self.details {
            for (key, value) in details {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
struct PersonJson<'a> {
    name: &'a str,
    email: &'a str,
}

/// A page of a paginated API answer, as Django REST framework writes it.
#[derive(Serialize)]
pub struct ApiPage<'a> {
    pub count: u64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: &'a [Record],
}

impl ApiPage<'_> {
    /// The page as the API answers it.
    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("records serialize")
    }
}
