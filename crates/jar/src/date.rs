//! RFC 6265 §5.1.1: the cookie-date algorithm.
//!
//! Not an HTTP-date parser: servers send every format under the sun (`Wed, 09-Jun-2021`,
//! `Thu Jan 1 00:00:00 1970`, two-digit years), and the RFC's algorithm is deliberately
//! forgiving. It splits the string on delimiters, then takes the first token that looks like a
//! time, the first that looks like a day of month, a month, and a year, in any order.

/// Seconds since the Unix epoch for the cookie-date in `input`, or `None` when §5.1.1 says
/// "fail to parse".
///
/// ```
/// assert_eq!(tarry_jar::parse_cookie_date("Wed, 09 Jun 2021 10:18:14 GMT"), Some(1_623_233_894));
/// assert_eq!(tarry_jar::parse_cookie_date("Thu, 01-Jan-70 00:00:00 GMT"), Some(0));
/// assert_eq!(tarry_jar::parse_cookie_date("not a date"), None);
/// ```
pub fn parse_cookie_date(input: &str) -> Option<i64> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<u32> = None;

    // 1. Tokens are runs of non-delimiters.
    for token in input.as_bytes().split(|&b| is_delimiter(b)) {
        if token.is_empty() {
            continue;
        }
        // 2. Each token is tried against the productions in this order, each at most once.
        if time.is_none()
            && let Some(t) = parse_time(token)
        {
            time = Some(t);
            continue;
        }
        if day.is_none()
            && let Some(d) = digits_then_anything(token, 1, 2)
        {
            day = Some(d);
            continue;
        }
        if month.is_none()
            && let Some(m) = parse_month(token)
        {
            month = Some(m);
            continue;
        }
        if year.is_none()
            && let Some(y) = digits_then_anything(token, 2, 4)
        {
            year = Some(y);
            continue;
        }
    }

    let (hour, minute, second) = time?;
    let (day, month, mut year) = (day?, month?, year?);
    // 3-4. Two-digit years.
    if (70..=99).contains(&year) {
        year += 1900;
    } else if year <= 69 {
        year += 2000;
    }
    // 5. Range checks.
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // 6. A day that does not exist in that month (31 April) fails too.
    if day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    Some(days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second))
}

/// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// `min..=max` DIGITs, then optionally any non-digits: day-of-month (1-2) and year (2-4).
fn digits_then_anything(token: &[u8], min: usize, max: usize) -> Option<u32> {
    let n = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    token[..n]
        .iter()
        .try_fold(0u32, |acc, &b| Some(acc * 10 + u32::from(b - b'0')))
}

/// time = hms-time [ non-digit *OCTET ]; hms-time = time-field ":" time-field ":" time-field,
/// each time-field 1*2DIGIT.
fn parse_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let mut fields = [0u32; 3];
    let mut rest = token;
    for (i, field) in fields.iter_mut().enumerate() {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 || n > 2 {
            return None;
        }
        *field = rest[..n]
            .iter()
            .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'));
        rest = &rest[n..];
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        } else if rest.first().is_some_and(u8::is_ascii_digit) {
            return None;
        }
    }
    Some((fields[0], fields[1], fields[2]))
}

/// month = ( "jan" / … / "dec" ) *OCTET, case-insensitive.
fn parse_month(token: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let prefix = token.get(..3)?;
    MONTHS
        .iter()
        .position(|m| prefix.eq_ignore_ascii_case(&m[..]))
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_servers_send() {
        let epoch_2007 = parse_cookie_date("Mon, 10 Dec 2007 17:02:24 GMT");
        assert_eq!(epoch_2007, Some(1_197_306_144));
        for same in [
            "Mon, 10-Dec-2007 17:02:24 GMT",
            "Mon Dec 10 17:02:24 2007 GMT",
            "10 Dec 07 17:02:24",
            "17:02:24 2007 december 10",
        ] {
            assert_eq!(parse_cookie_date(same), epoch_2007, "{same}");
        }
    }

    #[test]
    fn rejects_what_the_rfc_rejects() {
        for bad in [
            "",
            "Mon, 10 Dec 2007",          // no time
            "Mon, 32 Dec 2007 17:02:24", // day out of range
            "Mon, 10 Dec 1600 17:02:24", // before 1601
            "Mon, 10 Dec 2007 24:00:00", // hour out of range
            "Mon, 31 Apr 2007 10:00:00", // no such day
            "Mon, 10 Dec 2007 1:2:345",  // three-digit time field
        ] {
            assert_eq!(parse_cookie_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_days_round_the_epoch_and_far_years() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(9999, 12, 31), 2_932_896);
    }
}
