//! The thread-safe jar: a [`Store`] behind a mutex, with the configuration that governs it.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use url::Url;

use crate::cookie::Cookie;
use crate::store::{Origin, Store};
use crate::suffix::{PublicSuffixList, SuffixPolicy};
use crate::{Limits, RejectReason};

/// An RFC 6265 cookie jar. Cheap to share: `Send + Sync`, every method takes `&self`.
///
/// Time is a parameter wherever expiry is decided, so that tests can fix the clock; pass
/// `SystemTime::now()` in production. The few methods without one ([`cookies`](Self::cookies),
/// [`get`](Self::get), [`add`](Self::add), and `add_for` with the `cookie` feature) read the
/// system clock and have an `_at` twin that takes the time instead.
#[derive(Debug)]
pub struct Jar {
    store: Mutex<Store>,
    /// How many cookies the store held when its lock was last let go. An empty jar (most API
    /// clients' jar) answers `cookie_header` from this alone: a read that many threads share
    /// without taking turns, where the lock would be a write each of them makes per request.
    len_hint: AtomicUsize,
    pub(crate) limits: Limits,
    pub(crate) suffixes: SuffixPolicy,
}

/// The locked store; on release it leaves the store's size in [`Jar::len_hint`].
pub(crate) struct StoreGuard<'a> {
    store: MutexGuard<'a, Store>,
    len_hint: &'a AtomicUsize,
}

impl Deref for StoreGuard<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}

impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        let len = self.store.len();
        // Written only when it changed, so that readers' cached copies stay valid.
        if self.len_hint.load(Ordering::Relaxed) != len {
            self.len_hint.store(len, Ordering::Release);
        }
    }
}

/// What storing one response's `Set-Cookie` lines did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreReport {
    /// Lines stored (a deletion through an expired cookie counts as stored).
    pub stored: usize,
    /// Lines refused, by their index in the response, and why.
    pub rejected: Vec<(usize, RejectReason)>,
}

/// Builds a [`Jar`] with non-default limits or public-suffix handling.
#[derive(Debug)]
pub struct JarBuilder {
    limits: Limits,
    suffixes: SuffixPolicy,
}

impl JarBuilder {
    /// Uses these limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Checks `Domain` attributes against this public-suffix list instead of the embedded one.
    pub fn public_suffix_list(mut self, list: impl PublicSuffixList + 'static) -> Self {
        self.suffixes = SuffixPolicy::List(Arc::new(list));
        self
    }

    /// Turns the public-suffix check off: a server may then scope cookies to `co.uk`. Only for
    /// closed environments whose names are not on the public list anyway.
    pub fn without_public_suffix_check(mut self) -> Self {
        self.suffixes = SuffixPolicy::Off;
        self
    }

    /// The jar.
    pub fn build(self) -> Jar {
        Jar {
            store: Mutex::new(Store::default()),
            len_hint: AtomicUsize::new(0),
            limits: self.limits,
            suffixes: self.suffixes,
        }
    }
}

impl Default for Jar {
    fn default() -> Self {
        Jar::new()
    }
}

impl Jar {
    /// An empty jar with default limits and the embedded public-suffix list.
    pub fn new() -> Jar {
        Jar::builder().build()
    }

    /// A builder for a jar with other settings.
    pub fn builder() -> JarBuilder {
        JarBuilder {
            limits: Limits::default(),
            suffixes: SuffixPolicy::default_policy(),
        }
    }

    /// The jar's limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn lock(&self) -> StoreGuard<'_> {
        // A panic while holding the lock cannot leave a half-written cookie (every mutation is
        // a single push, remove or retain), so a poisoned lock is still a consistent store.
        let store = self
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        StoreGuard {
            store,
            len_hint: &self.len_hint,
        }
    }

    /// Stores the `Set-Cookie` header values of one response to a request for `url`.
    ///
    /// Lines past [`Limits::set_cookie_per_response`] are refused as
    /// [`RejectReason::TooManyInResponse`]. A line that is not UTF-8 is refused as
    /// [`RejectReason::NotUtf8`].
    pub fn store_response<I, L>(
        &self,
        url: &Url,
        set_cookie_lines: I,
        now: SystemTime,
    ) -> StoreReport
    where
        I: IntoIterator<Item = L>,
        L: AsRef<[u8]>,
    {
        let mut report = StoreReport::default();
        let origin = Origin::of(url);
        let mut store = self.lock();
        for (i, line) in set_cookie_lines.into_iter().enumerate() {
            let result = if i >= self.limits.set_cookie_per_response() {
                Err(RejectReason::TooManyInResponse)
            } else {
                match (&origin, std::str::from_utf8(line.as_ref())) {
                    (Err(reason), _) => Err(*reason),
                    (_, Err(_)) => Err(RejectReason::NotUtf8),
                    (Ok(origin), Ok(line)) => {
                        store.store(origin, line, now, &self.limits, &self.suffixes)
                    }
                }
            };
            match result {
                Ok(()) => report.stored += 1,
                Err(reason) => report.rejected.push((i, reason)),
            }
        }
        report
    }

    /// Stores one cookie written in `Set-Cookie` syntax as if `url` had sent it. It is scoped
    /// like any other, to `url`'s host unless it names a `Domain` that host may set; there is
    /// no cookie "for every site". To add a cookie from its parts, with a value that cannot
    /// spill into attributes, use [`NewCookie`](crate::NewCookie) and [`add`](Self::add).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// let jar = tarry_jar::Jar::new();
    /// let url = url::Url::parse("https://shop.test/").unwrap();
    /// jar.insert(&url, "cart=42; Path=/", SystemTime::now()).unwrap();
    /// assert_eq!(jar.cookie_header(&url, SystemTime::now()).as_deref(), Some("cart=42"));
    /// ```
    pub fn insert(&self, url: &Url, cookie: &str, now: SystemTime) -> Result<(), RejectReason> {
        let origin = Origin::of(url)?;
        self.lock()
            .store(&origin, cookie, now, &self.limits, &self.suffixes)
    }

    /// The `Cookie` header value for a request to `url` at `now`, or `None` when no cookie
    /// applies. Cookies that would push it past [`Limits::cookie_header_bytes`] are left out.
    pub fn cookie_header(&self, url: &Url, now: SystemTime) -> Option<String> {
        // An empty jar (the common case for API clients) answers before any lock or URL work.
        // A store racing with this call is ordered either side of it, as with the lock.
        if self.len_hint.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut store = self.lock();
        if store.len() == 0 {
            return None;
        }
        let origin = Origin::of(url).ok()?;
        let cookies = store.matching(&origin, now);
        let limit = self.limits.cookie_header_bytes();
        let mut header = String::new();
        for c in cookies {
            // Written, then taken back if it does not fit: a quoted value's length is known
            // only once it is written, and no value is scanned beforehand.
            let mark = header.len();
            if !header.is_empty() {
                header.push_str("; ");
            }
            c.push_pair(&mut header);
            if header.len() > limit {
                header.truncate(mark);
            }
        }
        (!header.is_empty()).then_some(header)
    }

    /// The cookies a request to `url` would carry, in header order.
    pub fn cookies_for(&self, url: &Url, now: SystemTime) -> Vec<Cookie> {
        let Ok(origin) = Origin::of(url) else {
            return Vec::new();
        };
        self.lock()
            .matching(&origin, now)
            .into_iter()
            .cloned()
            .collect()
    }

    /// Every live cookie in the jar, in no order. The cookies that have expired by the system
    /// clock are removed first (as [`clear_expired`](Self::clear_expired) would), so that the
    /// list and [`len`](Self::len) agree.
    pub fn cookies(&self) -> Vec<Cookie> {
        self.cookies_at(SystemTime::now())
    }

    /// [`cookies`](Self::cookies) on the caller's clock: removes the cookies expired at `now`
    /// and lists the rest.
    pub fn cookies_at(&self, now: SystemTime) -> Vec<Cookie> {
        let mut store = self.lock();
        store.clear_expired(now);
        store.cookies().cloned().collect()
    }

    /// The cookie with this canonical domain, path and name, unless it has expired by the
    /// system clock. Only looks: an expired cookie stays until it is cleared.
    pub fn get(&self, domain: &str, path: &str, name: &str) -> Option<Cookie> {
        self.get_at(domain, path, name, SystemTime::now())
    }

    /// [`get`](Self::get) on the caller's clock: `None` for a cookie expired at `now`.
    pub fn get_at(&self, domain: &str, path: &str, name: &str, now: SystemTime) -> Option<Cookie> {
        self.lock()
            .get(domain, path, name)
            .filter(|c| !c.expires_by(now))
            .cloned()
    }

    /// Removes and returns the cookie with this canonical domain, path and name (expired or
    /// not).
    pub fn remove(&self, domain: &str, path: &str, name: &str) -> Option<Cookie> {
        self.lock().remove(domain, path, name)
    }

    /// How many cookies the jar holds, counting expired ones not yet removed (by
    /// [`clear_expired`](Self::clear_expired), a listing, or eviction).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the jar is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every cookie.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Removes the cookies expired at `now`; returns how many.
    pub fn clear_expired(&self, now: SystemTime) -> usize {
        self.lock().clear_expired(now)
    }

    /// Puts a cookie read from a saved jar back, unless it has expired at `now` or breaks a
    /// rule a server-set cookie would have to follow (see `persist::admissible`).
    pub(crate) fn restore(&self, mut cookie: Cookie, now: SystemTime) -> bool {
        if cookie.expires_by(now) || !crate::persist::admissible(&mut cookie, self, now) {
            return false;
        }
        self.lock().put(cookie, now, &self.limits);
        true
    }
}
