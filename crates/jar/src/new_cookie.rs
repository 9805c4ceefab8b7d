//! Cookies added by hand: [`NewCookie`], [`Jar::add`], and the name and value rules they share
//! with [`cookie_pair`](crate::cookie_pair) and the `cookie` crate conversion.
//!
//! A `Set-Cookie` line carries its attributes in the same text as its value, so a value taken
//! from elsewhere and pasted into one can add an attribute or a second cookie. Here every part
//! is a separate argument, each checked for what it is, and a value that is not all
//! cookie-octets is sent quoted: no value can become more than one cookie.

use std::time::{Duration, SystemTime};

use crate::cookie::{Cookie, SameSite};
use crate::domain::{canonical_domain_attribute, is_ip};
use crate::prefix::prefix_rules_met;
use crate::quote::needs_quoting;
use crate::store::MAX_LIFETIME;
use crate::{Error, Jar, RejectReason};

/// A cookie to add to a [`Jar`] by hand, built one attribute at a time.
///
/// It needs a [`domain`](Self::domain) or a [`host`](Self::host); everything else has a
/// default: path `/`, not `Secure`, not `HttpOnly`, no `SameSite`, a session cookie.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use tarry_jar::{Jar, NewCookie};
/// use url::Url;
///
/// let jar = Jar::new();
/// jar.add(
///     NewCookie::new("sid", "abc")
///         .domain("example.com")
///         .secure(true)
///         .max_age(Duration::from_secs(3600)),
/// )?;
/// let api = Url::parse("https://api.example.com/").unwrap();
/// assert_eq!(jar.cookie_header(&api, SystemTime::now()).as_deref(), Some("sid=abc"));
/// # Ok::<(), tarry_jar::Error>(())
/// ```
///
/// # Names and values
///
/// The name must be an RFC 6265 token: ASCII letters, digits and ``!#$%&'*+-.^_`|~``. An
/// empty name is refused as [`RejectReason::EmptyName`], any other as
/// [`RejectReason::InvalidName`].
///
/// The value may be any text without control characters (U+0000 to U+001F, HTAB included,
/// and U+007F; else [`RejectReason::ControlCharacter`]). It is kept exactly:
/// [`Cookie::value`] returns the text given here. A value made only of cookie-octets
/// (visible ASCII except `"`, `,`, `;` and `\`) goes into the `Cookie` header as it is. Any
/// other goes out as a quoted string, escaped the way Python's `http.cookies` quotes one
/// (`"` and `\` backslash-escaped, `,` and `;` as `\054` and `\073`, non-ASCII text as UTF-8),
/// which Python's `SimpleCookie` and Werkzeug (Flask) unquote back to the original text:
/// `a;b, c` is sent as `name="a\073b\054 c"`, one cookie with no attribute.
/// [`Cookie::sent_quoted`] tells which.
///
/// # Scope
///
/// [`domain`](Self::domain) makes a domain cookie, sent to that domain and its subdomains, as
/// a `Domain` attribute would; [`host`](Self::host) a host-only cookie, sent to exactly that
/// host. Both take a host name (any letter case, IDNA, a leading or trailing dot is dropped)
/// or an IP address; an IP address is always host-only. A public suffix (`co.uk`, or under
/// the jar's own list; without the `public-suffix` feature, any single label such as
/// `localhost`) is refused as a domain ([`RejectReason::PublicSuffix`]) but allowed as a
/// host.
///
/// The checks that protect a jar from a server (`Secure` only from https, domain matching the
/// request host, an insecure origin overwriting a `Secure` cookie) have no request to check
/// against and do not apply: the caller is trusted with the scope. To add a cookie as a
/// response from a URL would set it, use [`Jar::insert`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCookie {
    name: String,
    value: String,
    scope: Option<Scope>,
    path: Option<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<SameSite>,
    expires: Option<SystemTime>,
    max_age: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    Domain(String),
    Host(String),
}

impl NewCookie {
    /// A session cookie `name=value`, still without a domain or host.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> NewCookie {
        NewCookie {
            name: name.into(),
            value: value.into(),
            scope: None,
            path: None,
            secure: false,
            http_only: false,
            same_site: None,
            expires: None,
            max_age: None,
        }
    }

    /// Sends the cookie to `domain` and its subdomains. Replaces an earlier
    /// [`host`](Self::host).
    pub fn domain(mut self, domain: impl Into<String>) -> NewCookie {
        self.scope = Some(Scope::Domain(domain.into()));
        self
    }

    /// Sends the cookie to exactly `host`, not its subdomains. Replaces an earlier
    /// [`domain`](Self::domain).
    pub fn host(mut self, host: impl Into<String>) -> NewCookie {
        self.scope = Some(Scope::Host(host.into()));
        self
    }

    /// Sends the cookie only to paths under `path` (by RFC 6265 path matching); `/` by
    /// default. It must start with `/` and hold neither `;` nor a control character
    /// ([`RejectReason::InvalidPath`]).
    pub fn path(mut self, path: impl Into<String>) -> NewCookie {
        self.path = Some(path.into());
        self
    }

    /// Sends the cookie only over https.
    pub fn secure(mut self, secure: bool) -> NewCookie {
        self.secure = secure;
        self
    }

    /// Marks the cookie `HttpOnly` (kept and persisted; a client library has no scripts to
    /// hide it from).
    pub fn http_only(mut self, http_only: bool) -> NewCookie {
        self.http_only = http_only;
        self
    }

    /// Sets the `SameSite` attribute (kept and persisted, not enforced).
    pub fn same_site(mut self, same_site: SameSite) -> NewCookie {
        self.same_site = Some(same_site);
        self
    }

    /// Expires the cookie at `at`. An instant already past deletes a stored cookie of the
    /// same name, domain and path, as a server deletes one.
    pub fn expires(mut self, at: SystemTime) -> NewCookie {
        self.expires = Some(at);
        self
    }

    /// Expires the cookie `max_age` after it is added; wins over [`expires`](Self::expires),
    /// as `Max-Age` wins over `Expires`. Zero deletes a stored cookie of the same name,
    /// domain and path.
    pub fn max_age(mut self, max_age: Duration) -> NewCookie {
        self.max_age = Some(max_age);
        self
    }

    /// The cookie the jar stores, or why it refuses it. Its lifetime is capped at 400 days.
    fn into_cookie(self, jar: &Jar, now: SystemTime) -> Result<Cookie, RejectReason> {
        check_name(&self.name)?;
        check_value(&self.value)?;
        if self.name.len() + self.value.len() > jar.limits.name_value_bytes() {
            return Err(RejectReason::TooLarge);
        }
        let (raw, wants_subdomains) = match &self.scope {
            Some(Scope::Domain(d)) => (d, true),
            Some(Scope::Host(h)) => (h, false),
            None => return Err(RejectReason::NoDomain),
        };
        let domain = canonical_domain_attribute(raw).ok_or(RejectReason::InvalidDomain)?;
        // An IP address has no subdomains: a "domain" cookie for one is sent to it alone.
        let host_only = !wants_subdomains || is_ip(&domain);
        if !host_only && jar.suffixes.is_public_suffix(&domain) {
            return Err(RejectReason::PublicSuffix);
        }
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        if !path_allowed(&path) {
            return Err(RejectReason::InvalidPath);
        }
        if !prefix_rules_met(&self.name, self.secure, host_only, path == "/") {
            return Err(RejectReason::PrefixRules);
        }
        let expires = match (self.max_age, self.expires) {
            (Some(age), _) => Some(later(now, age)),
            (None, at) => at,
        };
        let send_quoted = needs_quoting(&self.value);
        Ok(Cookie {
            name: self.name,
            value: self.value,
            domain,
            path,
            host_only,
            secure: self.secure,
            http_only: self.http_only,
            same_site: self.same_site,
            expires: expires.map(|at| at.min(later(now, MAX_LIFETIME))),
            created: now,
            last_access: now,
            sequence: 0,
            send_quoted,
        })
    }
}

/// `now + d`, or `now` itself past the end of the platform's time: no clock reaches that far,
/// and a caller's made-up instant must not panic the jar.
fn later(now: SystemTime, d: Duration) -> SystemTime {
    now.checked_add(d).unwrap_or(now)
}

impl Jar {
    /// Adds a cookie built by hand, on the system clock. See [`NewCookie`] for what is
    /// checked, and [`add_at`](Self::add_at).
    pub fn add(&self, cookie: NewCookie) -> Result<(), Error> {
        self.add_at(cookie, SystemTime::now())
    }

    /// Adds a cookie built by hand, as of `now`: its creation time, and the instant its
    /// [`max_age`](NewCookie::max_age) counts from.
    ///
    /// It replaces a stored cookie of the same name, domain and path, keeping that cookie's
    /// creation time (so its place in the `Cookie` header), as RFC 6265 §5.3 does for a
    /// server's cookie. The jar's limits apply as for any other cookie: past a per-domain
    /// or total limit, an expired or the least recently used cookie is evicted. A refusal
    /// is [`Error::Rejected`] and leaves the jar unchanged.
    pub fn add_at(&self, cookie: NewCookie, now: SystemTime) -> Result<(), Error> {
        let cookie = cookie.into_cookie(self, now)?;
        self.lock().put(cookie, now, &self.limits);
        Ok(())
    }
}

/// RFC 6265 §4.1.1 `cookie-name = token`, RFC 2616's token: ASCII, no control characters, no
/// separators.
pub(crate) fn check_name(name: &str) -> Result<(), RejectReason> {
    let separator = |b: u8| b"()<>@,;:\\\"/[]?={} \t".contains(&b);
    if name.is_empty() {
        Err(RejectReason::EmptyName)
    } else if name
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_control() && !separator(b))
    {
        Ok(())
    } else {
        Err(RejectReason::InvalidName)
    }
}

/// A value a caller may give: any text without control characters.
pub(crate) fn check_value(value: &str) -> Result<(), RejectReason> {
    if value_allowed(value) {
        Ok(())
    } else {
        Err(RejectReason::ControlCharacter)
    }
}

/// Whether `value` has no control character (U+0000 to U+001F, HTAB included, and U+007F).
/// Quoting escapes everything else, but a control character has no business in a cookie, and
/// some servers would read a raw one as the end of the header.
pub(crate) fn value_allowed(value: &str) -> bool {
    !value.bytes().any(|b| b.is_ascii_control())
}

/// A path a caller may give: starts with `/`, no `;` (it would end the attribute in a
/// `Set-Cookie` line written from the jar, such as curl's), no control character.
pub(crate) fn path_allowed(path: &str) -> bool {
    path.starts_with('/') && !path.bytes().any(|b| b == b';' || b.is_ascii_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tokens() {
        for good in ["a", "SID", "__Host-x", "!#$%&'*+-.^_`|~09"] {
            assert_eq!(check_name(good), Ok(()), "{good:?}");
        }
        assert_eq!(check_name(""), Err(RejectReason::EmptyName));
        for bad in [
            "a b", "a=b", "a;b", "a,b", "a\"", "(a)", "a\tb", "é", "a\u{7f}", "a\n",
        ] {
            assert_eq!(check_name(bad), Err(RejectReason::InvalidName), "{bad:?}");
        }
    }

    #[test]
    fn values_refuse_only_control_characters() {
        for good in ["", "a;b, c", "\"q\"", "é €", "\u{85}"] {
            assert!(value_allowed(good), "{good:?}");
        }
        for bad in ["\t", "a\r\nb", "\u{0}", "\u{7f}", "\u{1f}"] {
            assert!(!value_allowed(bad), "{bad:?}");
        }
    }

    #[test]
    fn paths() {
        assert!(path_allowed("/") && path_allowed("/a b/é"));
        for bad in ["", "a", "/a;b", "/a\tb", "/\u{7f}"] {
            assert!(!path_allowed(bad), "{bad:?}");
        }
    }
}
