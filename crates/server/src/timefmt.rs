//! Unix seconds to and from the UTC date-times people read and type
//! (`2026-12-01 12:00 UTC`, an HTML `datetime-local` value), without a calendar crate.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `2026-12-01 12:00 UTC`.
pub fn format(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Reads `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD HH:MM` (UTC; a date alone is
/// its end, 23:59) into Unix seconds.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    let (h, min) = match time {
        Some(t) => {
            let mut hm = t.splitn(3, ':');
            let h: i64 = hm.next()?.parse().ok()?;
            let min: i64 = hm.next()?.parse().ok()?;
            (h, min)
        }
        None => (23, 59),
    };
    if !(0..24).contains(&h) || !(0..60).contains(&min) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // Reject 2026-02-31 and the like: the date must read back the same.
    if civil_from_days(days) != (y, m, d) {
        return None;
    }
    Some(days * 86_400 + h * 3600 + min * 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(format(0), "1970-01-01 00:00 UTC");
        assert_eq!(parse("1970-01-01T00:00"), Some(0));
        let t = parse("2026-12-01T12:30").unwrap();
        assert_eq!(format(t), "2026-12-01 12:30 UTC");
        assert_eq!(
            parse("2024-02-29"),
            Some(parse("2024-02-29 23:59").unwrap())
        );
        assert_eq!(parse("2026-02-31"), None);
        assert_eq!(parse("2026-13-01"), None);
        assert_eq!(parse("soon"), None);
    }
}
