//! `cookie_date`: the RFC 6265 §5.1.1 date algorithm on arbitrary text.

use tarry_jar::parse_cookie_date;

/// 1601-01-01T00:00:00Z, the earliest date §5.1.1 accepts (a year below 1601 fails).
pub const MIN_COOKIE_DATE: i64 = -11_644_473_600;
/// 9999-12-31T23:59:59Z: a year has at most four digits.
pub const MAX_COOKIE_DATE: i64 = 253_402_300_799;

/// Arbitrary bytes (as lossy UTF-8) through [`parse_cookie_date`]. A date it returns lies in
/// year 1601..=9999, and written back as an IMF-fixdate (`Wdy, DD Mon YYYY HH:MM:SS GMT`, what
/// servers send most) it parses to the same second.
pub fn cookie_date(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let Some(at) = parse_cookie_date(&input) else {
        return;
    };
    assert!(
        (MIN_COOKIE_DATE..=MAX_COOKIE_DATE).contains(&at),
        "{input:?} -> {at}"
    );
    let written = imf_fixdate(at);
    assert_eq!(
        parse_cookie_date(&written),
        Some(at),
        "{input:?} -> {written}"
    );
}

/// `at` (seconds since the epoch) as `Wdy, DD Mon YYYY HH:MM:SS GMT`, computed without the
/// jar's own calendar code (civil-from-days, Howard Hinnant's algorithm).
pub fn imf_fixdate(at: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, secs) = (at.div_euclid(86_400), at.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[usize::try_from(days.rem_euclid(7)).expect("0..7")],
        MONTHS[usize::try_from(month - 1).expect("0..12")],
        secs / 3_600,
        secs / 60 % 60,
        secs % 60,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imf_fixdate_round_the_edges() {
        assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(imf_fixdate(1_623_233_894), "Wed, 09 Jun 2021 10:18:14 GMT");
        assert_eq!(imf_fixdate(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(
            imf_fixdate(MIN_COOKIE_DATE),
            "Mon, 01 Jan 1601 00:00:00 GMT"
        );
        assert_eq!(
            imf_fixdate(MAX_COOKIE_DATE),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        assert_eq!(imf_fixdate(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
    }
}
