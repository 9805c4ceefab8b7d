//! The merge of a session's defaults with one request's parts: a pure function, so that every
//! rule of it is tested without a server.
//!
//! Rules (requests' behaviour, except where noted):
//! - Headers: the session's first, in their order. A name the request sets (names are
//!   case-insensitive) takes the session header's place with the request's value; a name it
//!   appends to keeps the session's values and adds its own after them; a name it removes is
//!   not sent; new request headers follow.
//! - Query: the URL's own query, then the session's pairs, then the request's. A request name
//!   replaces every session value of that name (names are case-sensitive); a removal drops it.
//!   Unlike requests, a list of pairs merges too.
//! - Credentials: the request's, else the session's, else user and password in the URL (which
//!   never go out in the URL itself). `no_auth` means none, which requests cannot say. An
//!   `Authorization` header written by the caller is kept unless credentials are also set.
//! - A caller's `Cookie` header and `Proxy-Authorization` are taken out of the header map:
//!   the first is sent on same-origin hops only (next to the jar's cookies); the second goes to
//!   the proxy only, never to an origin.

use std::sync::Arc;
use std::time::Duration;

use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

use crate::causes::BuildError;
use crate::defaults::{Defaults, Hooks};
use crate::parts::{AuthChoice, HeaderEdits, Parts, QueryEdits};
use crate::{Auth, Error};

/// A request with the session's defaults applied, ready for its first hop.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) method: Method,
    pub(crate) url: Arc<Url>,
    /// Whether `url` is the URL exactly as parsed (no credentials taken out, no query added).
    pub(crate) url_as_given: bool,
    /// Every header but `Authorization`, `Cookie` and `Proxy-Authorization`; `None` when
    /// these are the session's headers as they are (the request edits none and none must come
    /// out), which are then sent from the session's map without a copy.
    pub(crate) headers: Option<HeaderMap>,
    /// The request's own header edits, to build the headers of a later hop again.
    pub(crate) edits: HeaderEdits,
    /// The `Authorization` value, from credentials or the caller's header.
    pub(crate) authorization: Option<HeaderValue>,
    /// The caller's own `Cookie` header.
    pub(crate) raw_cookie: Option<HeaderValue>,
    /// Digest credentials (user, password): answered per challenge, never sent ahead.
    pub(crate) digest: Option<(String, String)>,
    /// The caller's own `Proxy-Authorization` header, for the proxy.
    pub(crate) proxy_authorization: Option<HeaderValue>,
    pub(crate) proxy: crate::parts::ProxyChoice,
    /// Cookies for this request only.
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) body: Option<crate::Body>,
    pub(crate) timeouts: crate::Timeouts,
    pub(crate) follow_redirects: bool,
    pub(crate) max_redirects: usize,
    pub(crate) https_only: bool,
    pub(crate) hooks: Hooks,
    pub(crate) max_body_size: usize,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<tarry_pool::TlsSettings>,
}

/// The headers of a redirect hop: the first hop's merge again (the same defaults snapshot
/// and edits give the same headers), less those sent per hop, and less those that describe a
/// body when the body was dropped.
pub(crate) fn hop_headers(defaults: &Defaults, edits: &HeaderEdits, with_body: bool) -> HeaderMap {
    let mut headers = merge_headers(&defaults.headers, edits);
    for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION] {
        if headers.contains_key(&name) {
            headers.remove(name);
        }
    }
    if !with_body {
        crate::redirect::drop_body_headers(&mut headers);
    }
    headers
}

/// Applies `defaults` to a request for `url` with `parts`.
#[cfg(test)]
pub(crate) fn merge(
    defaults: &Defaults,
    method: Method,
    url: &str,
    parts: Parts,
) -> Result<Prepared, Error> {
    let url = crate::url_cache::parse_url(url)?;
    merge_parsed(defaults, method, Arc::new(url), parts)
}

/// [`merge`] for a URL parsed already.
pub(crate) fn merge_parsed(
    defaults: &Defaults,
    method: Method,
    mut url: Arc<Url>,
    parts: Parts,
) -> Result<Prepared, Error> {
    let url_auth = take_userinfo(&mut url);
    let query_added = merge_query(&mut url, &defaults.query, &parts.query);
    let url_as_given = url_auth.is_none() && !query_added;

    let edits = parts.headers;
    let special =
        |name: &HeaderName| name == AUTHORIZATION || name == COOKIE || name == PROXY_AUTHORIZATION;
    // Most requests change nothing in the session's headers: they are sent as they are, with
    // no copy to make and drop. One pass over the few names says whether any must come out;
    // three hashed lookups cost more than the pass.
    let (headers, written_auth, raw_cookie, proxy_authorization) =
        if edits.is_empty() && !defaults.headers.keys().any(special) {
            (None, None, None, None)
        } else {
            let mut headers = merge_headers(&defaults.headers, &edits);
            let taken = if headers.keys().any(special) {
                (
                    take_last(&mut headers, &AUTHORIZATION),
                    take_joined_cookie(&mut headers),
                    take_last(&mut headers, &PROXY_AUTHORIZATION),
                )
            } else {
                (None, None, None)
            };
            (Some(headers), taken.0, taken.1, taken.2)
        };

    let auth = match parts.auth {
        AuthChoice::Use(auth) => Some(auth),
        AuthChoice::Off => None,
        AuthChoice::Session => defaults.auth.clone().or(url_auth),
    };
    let digest = auth
        .as_ref()
        .and_then(Auth::digest_credentials)
        .map(|(user, password)| (user.to_owned(), password.to_owned()));
    let authorization = match auth {
        Some(auth) if auth.digest_credentials().is_some() => None,
        Some(auth) => Some(
            auth.header_value()
                .ok_or_else(|| Error::builder(Some(&url), BuildError::Credentials))?,
        ),
        None => written_auth,
    };

    let pick =
        |request: Option<Option<Duration>>, session: Option<Duration>| request.unwrap_or(session);
    let t = &defaults.timeouts;
    let timeouts = crate::Timeouts {
        connect: pick(parts.connect_timeout, t.connect),
        read: pick(parts.read_timeout, t.read),
        total: pick(parts.timeout, t.total),
    };
    // Request hooks replace the session's (requests' rule).
    let hooks = parts.hooks.unwrap_or_else(|| Hooks(defaults.hooks.clone()));
    let redirects = &defaults.redirects;
    Ok(Prepared {
        method,
        url,
        url_as_given,
        edits,
        headers,
        authorization,
        raw_cookie,
        proxy_authorization,
        digest,
        proxy: parts.proxy,
        cookies: parts.cookies,
        body: parts.body,
        timeouts,
        follow_redirects: parts.follow_redirects.unwrap_or(redirects.follow),
        max_redirects: parts.max_redirects.unwrap_or(redirects.max),
        https_only: redirects.https_only,
        hooks,
        max_body_size: defaults.max_body_size,
        #[cfg(feature = "tls")]
        tls: parts.tls,
    })
}

/// Takes user and password out of the URL, as Basic credentials (percent-decoded).
fn take_userinfo(url: &mut Arc<Url>) -> Option<Auth> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let url = Arc::make_mut(url);
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let auth = Auth::basic(decode(url.username()), decode(url.password().unwrap_or("")));
    // Both setters only fail for URLs without a host, which `parse_url` refused.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(auth)
}

/// Appends the query pairs; says whether the URL changed.
fn merge_query(url: &mut Arc<Url>, session: &[(String, String)], request: &QueryEdits) -> bool {
    if session.is_empty() && request.pairs.is_empty() {
        return false;
    }
    let url = Arc::make_mut(url);
    let before = url.as_str().len();
    let overridden = |name: &str| {
        request.removed.iter().any(|r| r == name) || request.pairs.iter().any(|(k, _)| k == name)
    };
    let kept = session.iter().filter(|(k, _)| !overridden(k));
    let mut pairs = url.query_pairs_mut();
    pairs.extend_pairs(kept.chain(request.pairs.iter()));
    drop(pairs);
    // `query_pairs_mut` leaves `?` behind when nothing was added.
    if url.query() == Some("") {
        url.set_query(None);
    }
    url.as_str().len() != before
}

fn merge_headers(session: &HeaderMap, edits: &HeaderEdits) -> HeaderMap {
    let mut merged = merge_fields(session, edits);
    if let (Some(body_type), false) = (&edits.body_type, merged.contains_key(CONTENT_TYPE)) {
        merged.insert(CONTENT_TYPE, body_type.clone());
    }
    merged
}

fn merge_fields(session: &HeaderMap, edits: &HeaderEdits) -> HeaderMap {
    if edits.fields.is_empty() && edits.replaced.is_empty() {
        return session.clone();
    }
    let own = &edits.fields;
    let mut merged = HeaderMap::with_capacity(session.keys_len() + own.len());
    for name in session.keys() {
        if edits.removed.contains(name) {
            continue;
        }
        if !edits.replaced.contains(name) {
            for value in session.get_all(name) {
                merged.append(name.clone(), value.clone());
            }
        }
        // The request's own values of the name, set or appended, go where the session's were.
        for (n, value) in own.iter().filter(|(n, _)| n == name) {
            merged.append(n.clone(), value.clone());
        }
    }
    for (name, value) in own {
        // A removed session header left no slot behind: the request's own values follow.
        if !session.contains_key(name) || edits.removed.contains(name) {
            merged.append(name.clone(), value.clone());
        }
    }
    merged
}

/// Removes every value of `name`, returning the last (a later header wins).
fn take_last(headers: &mut HeaderMap, name: &http::HeaderName) -> Option<HeaderValue> {
    // `entry` may grow the map; most requests have no such header at all.
    if !headers.contains_key(name) {
        return None;
    }
    match headers.entry(name) {
        http::header::Entry::Occupied(e) => e.remove_entry_mult().1.last(),
        http::header::Entry::Vacant(_) => None,
    }
}

/// Removes the caller's `Cookie` headers, joined into one value as RFC 6265 §5.4 wants.
fn take_joined_cookie(headers: &mut HeaderMap) -> Option<HeaderValue> {
    if !headers.contains_key(COOKIE) {
        return None;
    }
    let http::header::Entry::Occupied(e) = headers.entry(COOKIE) else {
        return None;
    };
    let values: Vec<HeaderValue> = e.remove_entry_mult().1.collect();
    if values.len() == 1 {
        return values.into_iter().next();
    }
    let joined: Vec<&[u8]> = values.iter().map(HeaderValue::as_bytes).collect();
    HeaderValue::from_bytes(&joined.join(&b"; "[..])).ok()
}

#[cfg(test)]
mod tests;
