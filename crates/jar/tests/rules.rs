//! The jar's rules, one test per JAR-* row of the security catalogue (`docs/security.md`) that concerns
//! the jar alone (`jar_01_…` to `jar_15_…`), and the RFC 6265 §5.3/§5.4 storage model around
//! them: ordering, host-only and domain cookies, public-suffix lists, last access and the
//! inspection API; and cookies added by hand (`NewCookie`), held to the same model.
//!
//! The modules live in `tests/rules/` (hence the `#[path]`s: a test crate's root resolves
//! modules beside itself).
//!
//! Every test runs on a fixed clock ([`at`]) so that expiry is decided by the test, not by the
//! machine's date.

#[path = "rules/api.rs"]
mod api;
#[path = "rules/by_hand.rs"]
mod by_hand;
#[path = "rules/domain.rs"]
mod domain;
#[path = "rules/expiry.rs"]
mod expiry;
#[path = "rules/limits.rs"]
mod limits;
#[path = "rules/octets.rs"]
mod octets;
#[path = "rules/path.rs"]
mod path;
#[path = "rules/secure.rs"]
mod secure;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tarry_jar::{Jar, StoreReport};
use url::Url;

/// 2026-01-01T00:00:00Z, the tests' "now"; [`at`] counts seconds from it.
const T0_UNIX: u64 = 1_767_225_600;
const DAY: u64 = 24 * 60 * 60;
/// 6265bis: the longest a cookie may live.
const FOUR_HUNDRED_DAYS: Duration = Duration::from_secs(400 * DAY);

/// `secs` seconds after the tests' fixed "now".
fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0_UNIX + secs)
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Stores one response's `Set-Cookie` lines as sent by `from`.
fn store(jar: &Jar, from: &str, lines: &[&str], now: SystemTime) -> StoreReport {
    jar.store_response(&url(from), lines, now)
}

/// The Cookie header for a request to `to`.
fn header(jar: &Jar, to: &str, now: SystemTime) -> Option<String> {
    jar.cookie_header(&url(to), now)
}

/// The names of the cookies a request to `to` carries, in header order.
fn names(jar: &Jar, to: &str, now: SystemTime) -> Vec<String> {
    jar.cookies_for(&url(to), now)
        .iter()
        .map(|c| c.name().to_owned())
        .collect()
}
