//! The cookie as the jar keeps it: the storage model's fields of RFC 6265 §5.3.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The `SameSite` attribute. Stored and persisted; not enforced, since a client library has
/// no notion of the "site" a request is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "json", derive(serde::Serialize, serde::Deserialize))]
pub enum SameSite {
    /// `SameSite=Strict`
    Strict,
    /// `SameSite=Lax`
    Lax,
    /// `SameSite=None`
    None,
}

impl SameSite {
    pub(crate) fn parse(value: &str) -> Option<SameSite> {
        if value.eq_ignore_ascii_case("strict") {
            Some(SameSite::Strict)
        } else if value.eq_ignore_ascii_case("lax") {
            Some(SameSite::Lax)
        } else if value.eq_ignore_ascii_case("none") {
            Some(SameSite::None)
        } else {
            None
        }
    }
}

/// One stored cookie.
///
/// `domain` is canonical (lowercase, IDNA, no leading dot). A host-only cookie is sent to
/// exactly that host; any other to the domain and its subdomains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) domain: String,
    pub(crate) path: String,
    pub(crate) host_only: bool,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) same_site: Option<SameSite>,
    /// `None` for a session cookie.
    pub(crate) expires: Option<SystemTime>,
    pub(crate) created: SystemTime,
    pub(crate) last_access: SystemTime,
    /// Ties creation times: the jar's running count when the cookie was first stored.
    pub(crate) sequence: u64,
    /// The `Cookie` header carries the value as a quoted string (`quote.rs`). Set only for a
    /// cookie the caller added (a [`NewCookie`](crate::NewCookie), or a `cookie` crate cookie)
    /// whose value needs quoting, and decided when it is stored, so that writing a header
    /// never scans a value; a server's cookie goes back exactly as it was sent.
    pub(crate) send_quoted: bool,
}

impl Cookie {
    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The cookie's value: as the server sent it (quotes included), or the exact text given
    /// to [`NewCookie`](crate::NewCookie).
    pub fn value(&self) -> &str {
        &self.value
    }
    /// The domain the cookie is scoped to (canonical form).
    pub fn domain(&self) -> &str {
        &self.domain
    }
    /// The path the cookie is scoped to.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// Whether the cookie is sent only to exactly [`domain`](Self::domain), not its subdomains.
    pub fn host_only(&self) -> bool {
        self.host_only
    }
    /// Whether the cookie is sent only over secure (https) connections.
    pub fn secure(&self) -> bool {
        self.secure
    }
    /// Whether the cookie carried `HttpOnly` (meaningful to browsers; kept and persisted).
    pub fn http_only(&self) -> bool {
        self.http_only
    }
    /// The `SameSite` attribute, if any.
    pub fn same_site(&self) -> Option<SameSite> {
        self.same_site
    }
    /// When the cookie expires; `None` for a session cookie.
    pub fn expires(&self) -> Option<SystemTime> {
        self.expires
    }
    /// When the cookie was first stored (kept across replacements, as §5.3 step 11 asks).
    pub fn created(&self) -> SystemTime {
        self.created
    }
    /// When the cookie was last sent or stored.
    pub fn last_access(&self) -> SystemTime {
        self.last_access
    }
    /// Whether the cookie survives the session (has an expiry).
    pub fn is_persistent(&self) -> bool {
        self.expires.is_some()
    }
    /// Whether the cookie has expired at `now`.
    pub fn expires_by(&self, now: SystemTime) -> bool {
        self.expires.is_some_and(|at| at <= now)
    }
    /// Whether the cookie has expired by the system clock.
    pub fn is_expired(&self) -> bool {
        self.expires_by(SystemTime::now())
    }

    /// Whether the `Cookie` header carries the value as a quoted string: true only for a
    /// cookie the caller added whose value needs it, such as a [`NewCookie`](crate::NewCookie)
    /// whose value is not all cookie-octets (see there).
    pub fn sent_quoted(&self) -> bool {
        self.send_quoted
    }

    /// The `name=value` pair as it goes into a `Cookie` header; the value quoted when
    /// [`sent_quoted`](Self::sent_quoted).
    pub fn pair(&self) -> String {
        let mut pair = String::with_capacity(self.name.len() + 1 + self.value.len());
        self.push_pair(&mut pair);
        pair
    }

    /// Appends the pair to a header being written.
    pub(crate) fn push_pair(&self, out: &mut String) {
        out.push_str(&self.name);
        out.push('=');
        if self.send_quoted {
            crate::quote::push_quoted(out, &self.value);
        } else {
            out.push_str(&self.value);
        }
    }
}

/// The latest expiry kept: 9999-12-31T23:59:59Z. Later dates (year 99999) are clamped so that
/// no platform's `SystemTime` overflows; the 400-day cap makes them moot for stored cookies.
const MAX_UNIX: i64 = 253_402_300_799;

/// Seconds since the epoch as a `SystemTime`, clamped to year 1601..=9999.
pub(crate) fn from_unix(seconds: i64) -> SystemTime {
    const MIN_UNIX: i64 = -11_644_473_600; // 1601-01-01, the earliest cookie-date
    let seconds = seconds.clamp(MIN_UNIX, MAX_UNIX);
    let magnitude = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH.checked_sub(magnitude).unwrap_or(UNIX_EPOCH)
    }
}

/// A `SystemTime` as seconds since the epoch (negative before it).
pub(crate) fn to_unix(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}
