//! Sending a request: the merge, then one hop after another until a response is not a
//! redirect to follow.
//!
//! Per hop: the Cookie header is rebuilt from the jar (plus the request's own cookies and the
//! caller's raw Cookie header, on the original origin only; once a hop leaves that origin, the
//! raw header stays off for the rest of the chain); `Authorization` goes only where
//! credentials may (the original origin, or its http→https upgrade), and once a hop leaves,
//! credentials stay off for the rest of the chain; `Set-Cookie` of every response, redirects
//! included, is stored against the URL that sent it; hooks see every response.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

#[cfg(feature = "digest")]
use http::header::WWW_AUTHENTICATE;
use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use http::{HeaderValue, Method, StatusCode};
use tarry_pool::RequestParts;
use url::Url;

use crate::causes::BuildError;
#[cfg(feature = "digest")]
use crate::digest::{Challenge, DigestState};
use crate::merge::{self, merge_parsed};
use crate::parts::{Parts, ProxyChoice};
use crate::redirect::{self, Next};
use crate::url_cache::request_target;
use crate::{Error, Response, Session};

/// Redirect bodies kept in the history at most; a larger one is dropped (and its connection
/// closed) rather than read.
const REDIRECT_BODY_LIMIT: usize = 1024 * 1024;

/// Sends the request, following redirects, in a `request` span (feature `tracing`) whose
/// fields get the status, the time taken and the last hop's timings.
pub(crate) async fn send(
    session: Session,
    method: Method,
    url: Result<(Arc<Url>, Option<http::Uri>), Error>,
    parts: Option<Box<Parts>>,
    error: Option<BuildError>,
) -> Result<Response, Error> {
    #[cfg(feature = "tracing")]
    {
        use tracing::Instrument;
        use tracing::field::Empty;
        let span = match &url {
            Ok((parsed, _)) => tracing::debug_span!(
                "request",
                method = %method,
                url = %crate::log::Redacted(parsed),
                status = Empty,
                elapsed_us = Empty,
                dns_us = Empty,
                connect_us = Empty,
                tls_us = Empty,
                wait_us = Empty,
                body_us = Empty,
            ),
            Err(_) => tracing::debug_span!("request", method = %method),
        };
        if span.is_disabled() {
            return hops(session, method, url, parts, error).await;
        }
        let started = Instant::now();
        span.in_scope(|| tracing::debug!("request started"));
        let mut result = hops(session, method, url, parts, error)
            .instrument(span.clone())
            .await;
        if let Ok(response) = &mut result {
            response.trace_body(span.clone());
        }
        let _in = span.enter();
        let micros = crate::log::micros;
        let elapsed = micros(started.elapsed());
        match &result {
            Ok(response) => {
                let t = response.timings();
                span.record("status", response.status().as_u16());
                span.record("elapsed_us", elapsed);
                span.record("wait_us", micros(t.wait));
                if let Some(d) = t.dns {
                    span.record("dns_us", micros(d));
                }
                if let Some(d) = t.connect {
                    span.record("connect_us", micros(d));
                }
                if let Some(d) = t.tls {
                    span.record("tls_us", micros(d));
                }
                tracing::debug!(
                    status = response.status().as_u16(),
                    elapsed_us = elapsed,
                    redirects = response.history().len(),
                    "request answered"
                );
            }
            Err(e) => tracing::debug!(error = e.kind(), elapsed_us = elapsed, "request failed"),
        }
        result
    }
    #[cfg(not(feature = "tracing"))]
    hops(session, method, url, parts, error).await
}

/// The request's hops, one after another until a response is not a redirect to follow.
async fn hops(
    session: Session,
    method: Method,
    url: Result<(Arc<Url>, Option<http::Uri>), Error>,
    parts: Option<Box<Parts>>,
    error: Option<BuildError>,
) -> Result<Response, Error> {
    if session.is_closed() {
        return Err(Error::Closed);
    }
    let (parsed, target) = url?;
    if let Some(reason) = error {
        return Err(Error::builder(Some(&parsed), reason));
    }
    let snapshot = session.snapshot();
    let defaults = &snapshot.defaults;
    let request_options = parts.as_ref().is_some_and(|parts| parts.sets_options());
    let parts = parts.map(|parts| *parts).unwrap_or_default();
    let mut prepared = merge_parsed(defaults, method, parsed, parts)?;
    // The remembered request target fits the first hop if merging left the URL as it was.
    let mut first_target = target.filter(|_| prepared.url_as_given);
    // The call's deadline, the same for every hop and for reading the body.
    let deadline = prepared
        .timeouts
        .total
        .and_then(|total| Instant::now().checked_add(total));
    // The session's own pool settings were made with its defaults; only a request that
    // sets a timeout or TLS settings of its own, or has a deadline, needs others.
    let own_options;
    let options = if request_options || deadline.is_some() {
        let base = if request_options {
            #[cfg(feature = "tls")]
            let tls = prepared.tls.as_ref().or(snapshot.tls.as_ref());
            crate::session::options(
                &prepared.timeouts,
                #[cfg(feature = "tls")]
                tls,
            )
        } else {
            snapshot.options.clone()
        };
        own_options = match deadline {
            Some(deadline) => base.deadline(deadline),
            None => base,
        };
        &own_options
    } else {
        &snapshot.options
    };
    // The hop about to be sent, which the pool borrows while it sends; a redirect replaces
    // these. The merged URL moves out of `prepared`, which nothing reads it from again.
    let mut hop_url = prepared.url;
    let mut hop_method = prepared.method.clone();
    // `None`: the session's own headers, sent from its map as they are.
    let mut headers = prepared.headers.take();
    let mut body = prepared.body.take();
    // The first hop's URL, kept once a redirect happens: credentials and the caller's own
    // cookies are judged against it.
    let mut original: Option<Url> = None;
    let mut first_proxy: Option<crate::Proxy> = None;
    let mut body_dropped = false;
    // Whether a one-time body went with an earlier hop.
    let mut body_taken = false;
    let mut credentials_ok = true;
    let mut raw_cookie_ok = true;
    let mut history: Vec<Response> = Vec::new();
    // Digest challenges answered on this hop.
    let mut digest_tries = 0u8;
    loop {
        let same_origin = original
            .as_ref()
            .is_none_or(|o| redirect::same_origin(o, &hop_url));
        credentials_ok &= original
            .as_ref()
            .is_none_or(|o| redirect::keeps_credentials(o, &hop_url));
        raw_cookie_ok &= same_origin;
        let target = match first_target.take() {
            Some(target) => target,
            None => request_target(&hop_url)?,
        };
        // The fields sent per hop go after the others, as inserting them into the map would
        // put them, but without a copy of the map to insert into.
        let mut per_hop = Vec::new();
        if let (true, Some(value)) = (credentials_ok, &prepared.authorization) {
            per_hop.push((AUTHORIZATION, value.clone()));
        }
        // Digest: the answer to this origin's last challenge, when there is one.
        if let (true, Some(credentials)) = (credentials_ok, &prepared.digest) {
            let answer = digest_answer(
                &session,
                &hop_url,
                credentials,
                &hop_method,
                &target,
                body.as_ref(),
            );
            if let Some(value) = answer {
                per_hop.push((AUTHORIZATION, value));
            }
        }
        let own = (prepared.cookies.as_slice(), &prepared.raw_cookie);
        let cookie = cookie_header(&session, own, &hop_url, same_origin, raw_cookie_ok);
        if let Some(cookie) = cookie {
            per_hop.push((COOKIE, cookie));
        }
        let version = http::Version::HTTP_11;
        let parts = match (&headers, &snapshot.headers) {
            (Some(merged), _) => RequestParts::new(&hop_method, &target, version, merged),
            (None, Some(checked)) => {
                RequestParts::with_checked(&hop_method, &target, version, checked)
            }
            (None, None) => RequestParts::new(&hop_method, &target, version, &defaults.headers),
        }
        .with_extra(&per_hop);

        // The proxy is chosen again for every hop's URL (requests' `rebuild_proxies`); the
        // caller's Proxy-Authorization goes only to the proxy the first hop went through.
        let hop_proxy = choose_proxy(&session, &prepared.proxy, defaults, &hop_url);
        if original.is_none() {
            first_proxy = hop_proxy.clone();
        }
        let proxied;
        let options = match hop_proxy {
            None => options,
            Some(proxy) => {
                crate::log::debug!(
                    kind = ?proxy.kind(),
                    proxy = %format_args!("{}:{}", proxy.host(), proxy.port()),
                    "through a proxy"
                );
                let own = prepared.proxy_authorization.as_ref();
                let proxy = match own.filter(|_| first_proxy.as_ref() == Some(&proxy)) {
                    Some(value) => proxy.with_authorization(value.clone()),
                    None => proxy,
                };
                proxied = options.clone().proxy(proxy);
                &proxied
            }
        };
        let started = Instant::now();
        let pool = session.pool();
        // A body that can be made again is, so that a 307 or 308 can send it once more; a
        // one-time body (a stream) goes with this hop and is gone.
        let hop_body = match body.as_mut().map(crate::Body::replay) {
            Some(Some(again)) => again.map_err(|e| {
                Error::from_pool(&hop_url, tarry_pool::Error::RequestBody(e), deadline)
            })?,
            Some(None) => body.take().unwrap_or_default(),
            None if body_taken => {
                return Err(Error::Redirect {
                    url: history
                        .last()
                        .map_or_else(|| (*hop_url).clone(), |r| r.url().clone()),
                    reason: crate::RedirectError::BodyNotReplayable,
                });
            }
            None => crate::Body::empty(),
        };
        body_taken |= !hop_body.is_replayable() && hop_body.length() != Some(0);
        let sent = pool.send_parts(parts, hop_body, options);
        let inner = sent
            .await
            .map_err(|e| Error::from_pool(&hop_url, e, deadline))?;
        let elapsed = started.elapsed();
        let cookies = store_cookies(&session, &hop_url, inner.head());
        let next = redirect::next_hop(
            inner.status(),
            redirect::locations(inner.head()),
            &hop_method,
            &hop_url,
            prepared.https_only,
        );
        let body_limits = (prepared.max_body_size, deadline);
        let mut response = Response::new(inner, hop_url, elapsed, cookies, body_limits)?;
        for hook in &prepared.hooks.0 {
            hook(&response);
        }
        // A Digest challenge is answered by sending the hop once more: once, and once again
        // only when the server says the nonce went stale. A body read from a one-time source
        // that went with the first try cannot go again: the 401 is the answer then.
        if let (true, Some(_)) = (credentials_ok, &prepared.digest)
            && response.status() == StatusCode::UNAUTHORIZED
            && digest_tries < 2
            && !body_taken
            && take_challenge(&session, &response, digest_tries)
        {
            digest_tries += 1;
            hop_url = response.shared_url();
            continue;
        }
        digest_tries = 0;
        let next = next.map_err(|reason| Error::Redirect {
            url: response.url().clone(),
            reason,
        })?;
        let Some(Next {
            url: next_url,
            method: next_method,
            drop_body,
        }) = next.filter(|_| prepared.follow_redirects)
        else {
            response.history = history;
            return Ok(response);
        };
        // What the next hop leaves behind, and why: worked out only for a listener, since
        // the next hop decides it again for itself.
        #[cfg(feature = "tracing")]
        if tracing::enabled!(tracing::Level::DEBUG) {
            let from: &Url = original.as_ref().unwrap_or(response.url());
            let mut stripped: Vec<&str> = Vec::new();
            let has_credentials = prepared.authorization.is_some() || prepared.digest.is_some();
            if has_credentials && credentials_ok && !redirect::keeps_credentials(from, &next_url) {
                stripped.push("authorization: the redirect leaves the origin");
            }
            let own_cookies = prepared.raw_cookie.is_some() || !prepared.cookies.is_empty();
            if own_cookies && raw_cookie_ok && !redirect::same_origin(from, &next_url) {
                stripped.push("the request's own cookies: the redirect leaves the origin");
            }
            if drop_body && !body_dropped {
                stripped.push("the body and its headers: the method becomes GET");
            }
            tracing::debug!(
                status = response.status().as_u16(),
                to = %crate::log::Redacted(&next_url),
                method = %next_method,
                stripped = ?stripped,
                "redirect"
            );
        }
        response.buffer(REDIRECT_BODY_LIMIT).await;
        if history.len() >= prepared.max_redirects {
            response.history = history;
            return Err(Error::TooManyRedirects {
                url: response.url().clone(),
                response: Box::new(response),
            });
        }
        if original.is_none() {
            original = Some(response.url().clone());
        }
        history.push(response);
        if drop_body {
            body = None;
            body_dropped = true;
            body_taken = false;
        }
        headers = Some(merge::hop_headers(defaults, &prepared.edits, !body_dropped));
        hop_url = Arc::new(next_url);
        hop_method = next_method;
    }
}

/// The origin `url` is on, as the Digest state is kept by.
#[cfg(feature = "digest")]
fn origin_of(url: &Url) -> (String, String, u16) {
    (
        url.scheme().to_owned(),
        url.host_str().unwrap_or_default().to_owned(),
        url.port_or_known_default().unwrap_or(0),
    )
}

/// The `Authorization` answering the last Digest challenge of `url`'s origin, if it has
/// sent one; the body is hashed for `auth-int` when it is in memory.
#[cfg(feature = "digest")]
fn digest_answer(
    session: &Session,
    url: &Url,
    (user, password): &(String, String),
    method: &Method,
    target: &http::Uri,
    body: Option<&crate::Body>,
) -> Option<HeaderValue> {
    let mut states = session
        .inner
        .digest
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if states.is_empty() {
        return None;
    }
    let state = states.get_mut(&origin_of(url))?;
    let uri = target.path_and_query().map_or("/", |p| p.as_str());
    let body = body.and_then(crate::Body::as_bytes).map(|b| &b[..]);
    state.authorize((user, password), method.as_str(), uri, body)
}

/// Without the `digest` feature there are no Digest credentials to answer with.
#[cfg(not(feature = "digest"))]
fn digest_answer(
    _: &Session,
    _: &Url,
    _: &(String, String),
    _: &Method,
    _: &http::Uri,
    _: Option<&crate::Body>,
) -> Option<HeaderValue> {
    None
}

/// Keeps the best Digest challenge of a 401 as the one its origin answers from now on;
/// whether there was one to answer (a stale nonce only, after the first try).
#[cfg(feature = "digest")]
fn take_challenge(session: &Session, response: &Response, tries: u8) -> bool {
    let challenges = response.headers().get_all(WWW_AUTHENTICATE);
    let challenge = Challenge::best(challenges.iter().map(HeaderValue::as_bytes));
    let Some(challenge) = challenge.filter(|c| tries == 0 || c.stale) else {
        return false;
    };
    let mut states = session
        .inner
        .digest
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    states.insert(origin_of(response.url()), DigestState::new(challenge));
    true
}

/// Without the `digest` feature there are no Digest credentials to answer with.
#[cfg(not(feature = "digest"))]
fn take_challenge(_: &Session, _: &Response, _: u8) -> bool {
    false
}

/// The proxy for a hop to `url`: the request's, else the session's, else the environment's
/// when the session trusts it.
fn choose_proxy(
    session: &Session,
    choice: &ProxyChoice,
    defaults: &crate::Defaults,
    url: &Url,
) -> Option<crate::Proxy> {
    match choice {
        ProxyChoice::Off => None,
        ProxyChoice::Use(proxy) => Some(proxy.clone()),
        ProxyChoice::Session => defaults
            .proxies
            .select(url)
            .or_else(|| {
                let env = session.inner.env_proxies.as_ref();
                env.filter(|_| defaults.trust_env)?.select(url)
            })
            .cloned(),
    }
}

/// The Cookie header for a hop: the caller's own header (while the chain has not left the
/// original origin) and the request's cookies on the original origin, then the jar's cookies
/// for this URL that the request did not replace.
fn cookie_header(
    session: &crate::Session,
    (cookies, raw_cookie): (&[(String, String)], &Option<HeaderValue>),
    url: &Url,
    same_origin: bool,
    raw_ok: bool,
) -> Option<HeaderValue> {
    let now = SystemTime::now();
    let own: &[(String, String)] = if same_origin { cookies } else { &[] };
    let raw = raw_cookie.as_ref().filter(|_| raw_ok);
    if own.is_empty() && raw.is_none() {
        // The common case: the jar alone.
        let header = session.jar().cookie_header(url, now)?;
        return HeaderValue::try_from(header).ok();
    }
    let mut pairs: Vec<String> = Vec::new();
    if let Some(raw) = raw.and_then(|v| v.to_str().ok()) {
        pairs.push(raw.to_owned());
    }
    for (name, value) in own {
        pairs.push(format!("{name}={value}"));
    }
    for cookie in session.jar().cookies_for(url, now) {
        if !own.iter().any(|(name, _)| name == cookie.name()) {
            pairs.push(cookie.pair());
        }
    }
    if pairs.is_empty() {
        return None;
    }
    HeaderValue::try_from(pairs.join("; ")).ok()
}

/// Stores the response's cookies against the URL that sent them; returns those the jar took.
fn store_cookies(
    session: &crate::Session,
    url: &Url,
    head: &tarry_wire::ResponseHead,
) -> Vec<(String, String)> {
    let lines: Vec<&[u8]> = head.get_all(SET_COOKIE.as_str()).collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let report = session
        .jar()
        .store_response(url, lines.iter().copied(), SystemTime::now());
    // Names are parsed for events only when something listens: this runs for every response
    // that sets cookies.
    #[cfg(feature = "tracing")]
    if tracing::enabled!(tracing::Level::DEBUG) {
        for (i, line) in lines.iter().enumerate() {
            // The name only: a cookie's value is a secret as often as not.
            let name = line
                .split(|&b| b == b';')
                .next()
                .and_then(|pair| pair.split(|&b| b == b'=').next())
                .map(|name| String::from_utf8_lossy(name).trim().to_owned())
                .unwrap_or_default();
            match report.rejected.iter().find(|(r, _)| *r == i) {
                Some((_, reason)) => {
                    tracing::debug!(cookie = %name, rule = ?reason, "cookie refused");
                }
                None => tracing::debug!(cookie = %name, "cookie stored"),
            }
        }
    }
    lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !report.rejected.iter().any(|(r, _)| r == i))
        .filter_map(|(_, line)| {
            let line = std::str::from_utf8(line).ok()?;
            let pair = line.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect()
}
