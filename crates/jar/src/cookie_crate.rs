//! The `cookie` crate's `Cookie`, both ways (feature `cookie`): a jar's cookie as one, and one
//! added to the jar as if a URL had set it.

use std::time::SystemTime;

use ::cookie::time::{OffsetDateTime, PrimitiveDateTime};
use url::Url;

use crate::cookie::{Cookie, SameSite, to_unix};
use crate::new_cookie::{check_name, check_value, path_allowed};
use crate::parse::SetCookie;
use crate::quote::needs_quoting;
use crate::store::Origin;
use crate::{Error, Jar, RejectReason};

impl From<&Cookie> for ::cookie::Cookie<'static> {
    /// The cookie's name, value, path, `Secure`, `HttpOnly`, `SameSite` and expiry (as
    /// `Expires`; none for a session cookie).
    ///
    /// A domain cookie gets its domain as `Domain`. A host-only cookie gets no `Domain`, as it
    /// had none: [`Jar::add_for`] with a URL of its host makes the same cookie again.
    ///
    /// The value is [`Cookie::value`], the exact text. For a cookie that is
    /// [`sent_quoted`](Cookie::sent_quoted), the `cookie` crate writes that text unquoted,
    /// which is not what the jar sends: [`Cookie::pair`] is the pair as it goes out.
    fn from(c: &Cookie) -> Self {
        let mut theirs = ::cookie::Cookie::new(c.name.clone(), c.value.clone());
        theirs.set_path(c.path.clone());
        if !c.host_only {
            theirs.set_domain(c.domain.clone());
        }
        theirs.set_secure(c.secure);
        theirs.set_http_only(c.http_only);
        theirs.set_same_site(c.same_site.map(|s| match s {
            SameSite::Strict => ::cookie::SameSite::Strict,
            SameSite::Lax => ::cookie::SameSite::Lax,
            SameSite::None => ::cookie::SameSite::None,
        }));
        if let Some(at) = c.expires {
            theirs.set_expires(datetime(at));
        }
        theirs
    }
}

/// `at` to the second, clamped to the `time` crate's range (the jar's expiries are within it:
/// year 1601 to 9999).
fn datetime(at: SystemTime) -> OffsetDateTime {
    let seconds = to_unix(at);
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or_else(|_| {
        if seconds < 0 {
            PrimitiveDateTime::MIN.assume_utc()
        } else {
            PrimitiveDateTime::MAX.assume_utc()
        }
    })
}

impl Jar {
    /// Adds a `cookie` crate cookie as if a response from `url` had set it, on the system
    /// clock; see [`add_for_at`](Self::add_for_at).
    pub fn add_for(&self, url: &Url, cookie: &::cookie::Cookie<'_>) -> Result<(), Error> {
        self.add_for_at(url, cookie, SystemTime::now())
    }

    /// Adds a `cookie` crate cookie as if a response from `url` had set it at `now`: the
    /// rules of a `Set-Cookie` line, with the name, value and path rules of a
    /// [`NewCookie`](crate::NewCookie).
    ///
    /// - Without `Domain`, the cookie is host-only, for `url`'s host. A `Domain` must
    ///   domain-match that host ([`RejectReason::DomainMismatch`]) and not be a public suffix
    ///   ([`RejectReason::PublicSuffix`]).
    /// - Without `Path`, the path is RFC 6265's default-path of `url` (its directory). A
    ///   `Path` that does not start with `/`, or holds `;` or a control character, is refused
    ///   ([`RejectReason::InvalidPath`]).
    /// - `Secure` needs an https `url` ([`RejectReason::SecureFromInsecureOrigin`]); the
    ///   `__Secure-` and `__Host-` prefixes are enforced, and an http `url` cannot overwrite or
    ///   shadow a `Secure` cookie.
    /// - `Max-Age` wins over `Expires`; zero or less, or an `Expires` in the past, deletes a
    ///   stored cookie of the same name, domain and path. Lifetimes are capped at 400 days.
    /// - The name must be a token and the value free of control characters, as for a
    ///   [`NewCookie`](crate::NewCookie). A value that is an RFC 6265 cookie-value (all
    ///   cookie-octets, or those in double quotes, as `cookie::Cookie::parse` keeps them) is
    ///   sent as it is, exactly as a server's `Set-Cookie` with that pair would be; any other
    ///   value is sent quoted, as a `NewCookie`'s is.
    pub fn add_for_at(
        &self,
        url: &Url,
        cookie: &::cookie::Cookie<'_>,
        now: SystemTime,
    ) -> Result<(), Error> {
        let origin = Origin::of(url)?;
        let (name, value) = (cookie.name(), cookie.value());
        check_name(name)?;
        check_value(value)?;
        if name.len() + value.len() > self.limits.name_value_bytes() {
            return Err(RejectReason::TooLarge.into());
        }
        let path = match cookie.path() {
            Some(p) if !path_allowed(p) => return Err(RejectReason::InvalidPath.into()),
            p => p,
        };
        let parsed = SetCookie {
            name,
            value,
            expires: cookie.expires_datetime().map(|at| at.unix_timestamp()),
            max_age: cookie.max_age().map(|age| age.whole_seconds()),
            // §5.2.3: an empty Domain is ignored.
            domain: cookie.domain().filter(|d| !d.is_empty()),
            path,
            secure: cookie.secure().unwrap_or(false),
            http_only: cookie.http_only().unwrap_or(false),
            same_site: cookie.same_site().map(|s| match s {
                ::cookie::SameSite::Strict => SameSite::Strict,
                ::cookie::SameSite::Lax => SameSite::Lax,
                ::cookie::SameSite::None => SameSite::None,
            }),
        };
        let mut store = self.lock();
        let mut stored = store.admit(&origin, &parsed, now, &self.suffixes)?;
        stored.send_quoted = needs_quoting(value) && !is_quoted_cookie_octets(value);
        store.put(stored, now, &self.limits);
        Ok(())
    }
}

/// `DQUOTE *cookie-octet DQUOTE`, the quoted form of RFC 6265's cookie-value.
fn is_quoted_cookie_octets(value: &str) -> bool {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .is_some_and(|inner| !needs_quoting(inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_cookie_values() {
        assert!(is_quoted_cookie_octets("\"\"") && is_quoted_cookie_octets("\"abc\""));
        for other in ["\"", "abc", "\"a b\"", "\"a\"b\"", "\"a;b\"", "\"abc"] {
            assert!(!is_quoted_cookie_octets(other), "{other:?}");
        }
    }

    #[test]
    fn datetimes_are_clamped_not_panicking() {
        let far = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 40);
        assert_eq!(datetime(far), PrimitiveDateTime::MAX.assume_utc());
        assert_eq!(
            datetime(SystemTime::UNIX_EPOCH).unix_timestamp(),
            0,
            "in range: exact"
        );
    }
}
