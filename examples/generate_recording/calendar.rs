//! Dates for the texts a recording carries (`created_at`, HTTP `date` headers), computed from
//! the simulated clock, never read from the machine's.

const DAY_MS: u64 = 86_400_000;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Year, month (1-12) and day of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

fn time_of_day(epoch_ms: u64) -> (u64, u64, u64) {
    let seconds = (epoch_ms % DAY_MS) / 1000;
    (seconds / 3600, seconds / 60 % 60, seconds % 60)
}

/// `2025-06-03T09:14:02.518Z`
pub fn iso(epoch_ms: u64) -> String {
    let (year, month, day) = civil_from_days(epoch_ms / DAY_MS);
    let (hour, minute, second) = time_of_day(epoch_ms);
    format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{:03}Z",
        epoch_ms % 1000
    )
}

/// `3 Jun 2025`, as the app shows dates.
pub fn short_date(epoch_ms: u64) -> String {
    let (year, month, day) = civil_from_days(epoch_ms / DAY_MS);
    format!("{day} {} {year}", MONTHS[(month - 1) as usize])
}

/// `Tue, 03 Jun 2025 09:14:02 GMT`, as servers write the `date` header.
pub fn http_date(epoch_ms: u64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let days = epoch_ms / DAY_MS;
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = time_of_day(epoch_ms);
    format!(
        "{}, {day:02} {} {year} {hour:02}:{minute:02}:{second:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_moments() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_795_355_314_677), "2026-11-22T13:48:34.677Z");
        assert_eq!(short_date(1_795_355_314_677), "22 Nov 2026");
        assert_eq!(
            http_date(1_795_355_318_710),
            "Sun, 22 Nov 2026 13:48:38 GMT"
        );
    }
}
