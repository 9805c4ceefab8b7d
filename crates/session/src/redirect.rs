//! Where a redirect leads, and what of the request goes along: pure rules, tested without a
//! server.
//!
//! - Followed: 301, 302, 303, 307 and 308 with a `Location`. Without one, or with another
//!   status, the response is the answer. Two different `Location` values are an error.
//! - Method: 303 turns everything but HEAD into GET; 301 and 302 turn POST into GET (requests
//!   also turns PUT, PATCH and DELETE into GET on 302, and drops their body on 301: we keep
//!   both); 307 and 308 keep method and body. When the method changes, the body goes, and with
//!   it `Content-Length`, `Content-Type` and `Transfer-Encoding`.
//! - Target: `Location` resolved against the current URL by the `url` crate (relative,
//!   scheme-relative, dot segments); the old fragment kept when the new URL has none; user
//!   and password in it dropped; only http and https; https to http refused when asked.
//! - Origins are compared as (scheme, host, port) with default ports filled in, for equality
//!   only (SES-05).

use http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION, TRANSFER_ENCODING};
use http::{HeaderMap, Method, StatusCode};
use url::Url;

use crate::Error;
use crate::causes::RedirectError;

/// The next hop of a redirect.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Next {
    pub(crate) url: Url,
    pub(crate) method: Method,
    /// Whether the body (and the headers that describe it) must go.
    pub(crate) drop_body: bool,
}

/// Whether `status` is a redirect that is followed when it has a `Location`.
pub(crate) fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The next hop for a response with `status` and `locations` (the `Location` values) to a
/// `method` request for `current`; `Ok(None)` when the response is not a redirect to follow.
pub(crate) fn next_hop<'a>(
    status: StatusCode,
    locations: impl IntoIterator<Item = &'a [u8]>,
    method: &Method,
    current: &Url,
    https_only: bool,
) -> Result<Option<Next>, RedirectError> {
    if !is_redirect(status) {
        return Ok(None);
    }
    let Some(url) = resolve(current, locations, https_only)? else {
        return Ok(None);
    };
    let new_method = match status.as_u16() {
        303 if *method != Method::HEAD => Method::GET,
        301 | 302 if *method == Method::POST => Method::GET,
        _ => method.clone(),
    };
    let drop_body = new_method != *method;
    Ok(Some(Next {
        url,
        method: new_method,
        drop_body,
    }))
}

/// Where a redirect from `current` leads, given the response's `Location` header values:
/// the very rules the session follows a redirect by, for callers that follow redirects
/// themselves or want to know in advance where a `Location` would take a session.
///
/// `Ok(None)` when there is no `Location` (the response is then the answer). Otherwise:
///
/// - two different values are an error; repeats of one value are that value;
/// - the value is resolved against `current` as a browser would (relative, scheme-relative,
///   dot segments); UTF-8 is taken as such and other bytes as Latin-1;
/// - only http and https targets with a host are followed, and an https `current` never leads
///   to http when `https_only` is set;
/// - the fragment of `current` is kept when the target has none (RFC 9110 §10.2.2);
/// - user and password written into the target are dropped, so that a server cannot make a
///   client send credentials it never had.
///
/// The status code is not looked at: which statuses are followed is the session's business
/// (301, 302, 303, 307 and 308).
///
/// # Errors
///
/// [`Error::Redirect`] naming `current` and why the redirect cannot be followed
/// ([`RedirectError`](crate::RedirectError)).
///
/// # Example
///
/// ```
/// use tarry_session::{Error, Url, resolve_location};
///
/// let here = Url::parse("https://a.test/docs/intro#setup").unwrap();
/// let next = |values: &[&str]| resolve_location(&here, values.iter().map(|v| v.as_bytes()), true);
///
/// let url = next(&["../api?v=2"]).unwrap().unwrap();
/// assert_eq!(url.as_str(), "https://a.test/api?v=2#setup");
/// let url = next(&["//u:p@b.test/x", "//u:p@b.test/x"]).unwrap().unwrap();
/// assert_eq!(url.as_str(), "https://b.test/x#setup");
/// assert_eq!(next(&[]).unwrap(), None);
/// for bad in [&["/a", "/b"][..], &["ftp://a.test/"], &["http://a.test/"]] {
///     assert!(matches!(next(bad), Err(Error::Redirect { .. })));
/// }
/// ```
pub fn resolve_location<'a>(
    current: &Url,
    locations: impl IntoIterator<Item = &'a [u8]>,
    https_only: bool,
) -> Result<Option<Url>, Error> {
    resolve(current, locations, https_only).map_err(|reason| Error::Redirect {
        url: current.clone(),
        reason,
    })
}

/// [`resolve_location`] with the bare reason, which the hop loop turns into
/// [`Error::Redirect`] only after the response's hooks have seen it.
fn resolve<'a>(
    current: &Url,
    locations: impl IntoIterator<Item = &'a [u8]>,
    https_only: bool,
) -> Result<Option<Url>, RedirectError> {
    let mut location: Option<&[u8]> = None;
    for value in locations {
        match location {
            Some(seen) if seen != value => {
                return Err(RedirectError::TwoLocations);
            }
            _ => location = Some(value),
        }
    }
    let Some(location) = location else {
        return Ok(None);
    };
    // Header bytes are usually ASCII; UTF-8 is taken as such, anything else as Latin-1.
    let text = match std::str::from_utf8(location) {
        Ok(text) => text.to_owned(),
        Err(_) => location.iter().map(|&b| char::from(b)).collect(),
    };
    let mut url = current
        .join(text.trim())
        .map_err(|source| RedirectError::InvalidLocation {
            location: text.clone(),
            source,
        })?;
    // Credentials never travel in a redirect target, nor into the messages below.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RedirectError::UnsupportedScheme {
            location: Box::new(url),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(RedirectError::NoHost {
            location: Box::new(url),
        });
    }
    if https_only && current.scheme() == "https" && url.scheme() == "http" {
        return Err(RedirectError::LeavesHttps {
            location: Box::new(url),
        });
    }
    if url.fragment().is_none() && current.fragment().is_some() {
        url.set_fragment(current.fragment());
    }
    Ok(Some(url))
}

/// Removes the headers that describe a body that is no longer sent.
pub(crate) fn drop_body_headers(headers: &mut HeaderMap) {
    headers.remove(CONTENT_LENGTH);
    headers.remove(CONTENT_TYPE);
    headers.remove(TRANSFER_ENCODING);
}

/// (scheme, host, port) with the default port filled in.
fn origin(url: &Url) -> (&str, Option<url::Host<&str>>, Option<u16>) {
    (url.scheme(), url.host(), url.port_or_known_default())
}

/// Whether two URLs share an origin.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    origin(a) == origin(b)
}

/// Whether credentials for `original` may go to `next`: the same origin, or the upgrade of
/// http on port 80 to https on port 443 of the same host (which requests allows too).
pub(crate) fn keeps_credentials(original: &Url, next: &Url) -> bool {
    if same_origin(original, next) {
        return true;
    }
    original.scheme() == "http"
        && next.scheme() == "https"
        && original.host() == next.host()
        && original.port_or_known_default() == Some(80)
        && next.port_or_known_default() == Some(443)
}

/// The `Location` header values of a response head.
pub(crate) fn locations(head: &tarry_wire::ResponseHead) -> impl Iterator<Item = &[u8]> {
    head.get_all(LOCATION.as_str())
}

#[cfg(test)]
mod tests;
