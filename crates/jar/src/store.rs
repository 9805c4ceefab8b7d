//! RFC 6265 §5.3 (the storage model) and §5.4 (the Cookie header), with the 6265bis safety
//! rules, limits and eviction. No locking here: `Jar` wraps a `Store` in a mutex.
//!
//! Cookies are kept per domain in a hash map, so a lookup visits only the request host and its
//! parent domains (`a.b.example.com`, `b.example.com`, `example.com`, `com`), never the whole
//! jar. A domain's cookies sit in a short vector: at most `cookies_per_domain` of them.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use crate::cookie::{Cookie, from_unix};
use crate::domain::{candidate_domains, canonical_domain_attribute, domain_match};
use crate::parse::{SetCookie, parse_set_cookie};
use crate::path::{default_path, path_match};
use crate::prefix::prefix_rules_met;
use crate::suffix::SuffixPolicy;
use crate::{Limits, RejectReason};

/// 6265bis: no cookie lives longer than 400 days, whatever its attributes say.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 60 * 60);

/// What the jar needs to know about the request a cookie comes from or goes to.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) host: String,
    pub(crate) path: String,
    pub(crate) secure: bool,
}

impl Origin {
    pub(crate) fn of(url: &url::Url) -> Result<Origin, RejectReason> {
        let host = crate::domain::canonical_host(&url.host().ok_or(RejectReason::NoHost)?);
        if host.is_empty() || host.split('.').any(str::is_empty) {
            return Err(RejectReason::NoHost);
        }
        Ok(Origin {
            host,
            path: url.path().to_owned(),
            // "Secure" origins: https and wss. (6265bis also trusts loopback; a client library
            // talking to 127.0.0.1 over http gets no Secure cookies, which errs on the safe side.)
            secure: matches!(url.scheme(), "https" | "wss"),
        })
    }
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    domains: HashMap<String, Vec<Cookie>>,
    count: usize,
    sequence: u64,
    /// For each name borne by Secure cookies: their domains, labels reversed
    /// (`com.example.www`), with a count. The "leave Secure cookies alone" check runs on every
    /// insecure store; this index makes it a few lookups and one range scan (a domain's
    /// subdomains share its reversed prefix) instead of a pass over the whole jar.
    secure_names: HashMap<String, BTreeMap<String, usize>>,
    /// No cookie in the store expires before this instant (a lower bound), so that the
    /// total-limit path sweeps for expired cookies only when one can have expired.
    expiry_floor: Option<SystemTime>,
}

/// `www.example.com` → `com.example.www`.
fn reversed(domain: &str) -> String {
    let mut out = String::with_capacity(domain.len());
    for label in domain.rsplit('.') {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(label);
    }
    out
}

impl Store {
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// §5.3 for one `Set-Cookie` line received from `origin` at `now`.
    pub(crate) fn store(
        &mut self,
        origin: &Origin,
        line: &str,
        now: SystemTime,
        limits: &Limits,
        suffixes: &SuffixPolicy,
    ) -> Result<(), RejectReason> {
        let parsed = parse_set_cookie(line, limits)?;
        let cookie = self.admit(origin, &parsed, now, suffixes)?;
        self.put(cookie, now, limits);
        Ok(())
    }

    /// Decides what cookie `parsed` makes, or why it is refused (§5.3 steps 1-10, 6265bis).
    /// Also the rules for a `cookie` crate cookie added for a URL, so that both are scoped
    /// alike.
    pub(crate) fn admit(
        &self,
        origin: &Origin,
        parsed: &SetCookie<'_>,
        now: SystemTime,
        suffixes: &SuffixPolicy,
    ) -> Result<Cookie, RejectReason> {
        // Step 3: Max-Age beats Expires; zero or less means "expired already"; far futures
        // are capped at 400 days.
        let expires = match (parsed.max_age, parsed.expires) {
            (Some(seconds), _) if seconds <= 0 => Some(std::time::UNIX_EPOCH),
            (Some(seconds), _) => {
                Some(now + MAX_LIFETIME.min(Duration::from_secs(seconds.unsigned_abs())))
            }
            (None, Some(at)) => Some(from_unix(at).min(now + MAX_LIFETIME)),
            (None, None) => None,
        };

        // Steps 4-6: Domain, public suffixes, domain matching.
        let mut domain = match parsed.domain {
            Some(raw) => canonical_domain_attribute(raw).ok_or(RejectReason::DomainMismatch)?,
            None => String::new(),
        };
        if !domain.is_empty() && suffixes.is_public_suffix(&domain) {
            if domain == origin.host {
                domain.clear(); // the host itself may set a host-only cookie
            } else {
                return Err(RejectReason::PublicSuffix);
            }
        }
        // A trailing dot survives §5.2.3, so `Domain=home.example.org.` names a cookie-domain
        // that the (dotless, canonical) request host never domain-matches: refuse it (suite
        // cases DOMAIN0014/0015). The dot is dropped above only so that `co.uk.` still reports
        // a public suffix.
        let trailing_dot = parsed.domain.is_some_and(|raw| raw.ends_with('.'));
        let host_only = domain.is_empty();
        if host_only {
            domain.clone_from(&origin.host);
        } else if trailing_dot || !domain_match(&origin.host, &domain) {
            return Err(RejectReason::DomainMismatch);
        }

        // Step 7: Path.
        let path = match parsed.path {
            Some(p) if !p.is_empty() => p.to_owned(),
            _ => default_path(&origin.path).to_owned(),
        };

        // 6265bis: Secure only from secure origins; prefixes; leave Secure cookies alone.
        if parsed.secure && !origin.secure {
            return Err(RejectReason::SecureFromInsecureOrigin);
        }
        // 6265bis asks `__Host-` cookies for an explicit `Path=/`, not merely a default-path
        // that happens to be `/` (a line set from `/login` without Path would otherwise pass).
        let explicit_root = parsed.path == Some("/");
        if !prefix_rules_met(parsed.name, parsed.secure, host_only, explicit_root) {
            return Err(RejectReason::PrefixRules);
        }
        if !parsed.secure && !origin.secure && self.shadows_secure(parsed.name, &domain, &path) {
            return Err(RejectReason::ShadowsSecureCookie);
        }

        Ok(Cookie {
            name: parsed.name.to_owned(),
            value: parsed.value.to_owned(),
            domain,
            path,
            host_only,
            secure: parsed.secure,
            http_only: parsed.http_only,
            same_site: parsed.same_site,
            expires,
            created: now,
            last_access: now,
            sequence: 0,
            send_quoted: false,
        })
    }

    /// Whether a Secure cookie of that name covers `domain` and `path` (6265bis §5.7 step 16).
    fn shadows_secure(&self, name: &str, domain: &str, path: &str) -> bool {
        let Some(secure_domains) = self.secure_names.get(name) else {
            return false;
        };
        // The Secure cookies of that name on one domain: does one cover `path`?
        let covers = |d: &str| {
            self.domains.get(d).is_some_and(|list| {
                list.iter()
                    .any(|c| c.secure && c.name == name && path_match(path, &c.path))
            })
        };
        // The domain itself and its parents: existing cookies the new one falls under.
        if candidate_domains(domain).any(|d| secure_domains.contains_key(&reversed(d)) && covers(d))
        {
            return true;
        }
        // Its subdomains: existing cookies that fall under the new one.
        let mut prefix = reversed(domain);
        prefix.push('.');
        secure_domains
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .any(|(k, _)| covers(&reversed(k)))
    }

    /// Stores `cookie`, replacing a cookie with the same name, domain and path (keeping its
    /// creation time, §5.3 step 11), or deleting it if the new one has already expired.
    pub(crate) fn put(&mut self, mut cookie: Cookie, now: SystemTime, limits: &Limits) {
        let existing = self.domains.get(&cookie.domain).and_then(|list| {
            list.iter()
                .position(|c| c.name == cookie.name && c.path == cookie.path)
        });
        let replaced = existing.and_then(|i| self.remove_at(&cookie.domain, i));
        if cookie.expires_by(now) {
            return; // storing an expired cookie is how a server deletes one
        }
        match replaced {
            Some(old) => {
                cookie.created = old.created;
                cookie.sequence = old.sequence;
            }
            None => {
                self.sequence += 1;
                cookie.sequence = self.sequence;
            }
        }
        if cookie.secure {
            *self
                .secure_names
                .entry(cookie.name.clone())
                .or_default()
                .entry(reversed(&cookie.domain))
                .or_default() += 1;
        }
        if let Some(at) = cookie.expires {
            self.expiry_floor = Some(self.expiry_floor.map_or(at, |floor| floor.min(at)));
        }
        let key = cookie.domain.clone();
        self.domains.entry(key.clone()).or_default().push(cookie);
        self.count += 1;
        self.enforce_domain_limit(&key, now, limits);
        self.enforce_total_limit(now, limits);
    }

    fn enforce_domain_limit(&mut self, key: &str, now: SystemTime, limits: &Limits) {
        let over = |store: &Store| {
            store
                .domains
                .get(key)
                .is_some_and(|list| list.len() > limits.cookies_per_domain())
        };
        if !over(self) {
            return;
        }
        // Expired cookies go first, then the least recently used.
        while let Some(i) = self
            .domains
            .get(key)
            .and_then(|list| list.iter().rposition(|c| c.expires_by(now)))
        {
            self.remove_at(key, i);
        }
        while over(self) {
            let Some(lru) = self
                .domains
                .get(key)
                .and_then(|l| least_recently_used(l.iter()))
            else {
                break;
            };
            self.remove_at(key, lru);
        }
    }

    fn enforce_total_limit(&mut self, now: SystemTime, limits: &Limits) {
        if self.count <= limits.cookies_total() {
            return;
        }
        if self.expiry_floor.is_some_and(|floor| floor <= now) {
            self.clear_expired(now);
        }
        while self.count > limits.cookies_total() {
            let victim = self
                .domains
                .iter()
                .filter_map(|(key, list)| {
                    least_recently_used(list.iter()).map(|i| (key, i, &list[i]))
                })
                .min_by_key(|(_, _, c)| (c.secure, c.last_access, c.sequence))
                .map(|(key, i, _)| (key.clone(), i));
            let Some((key, i)) = victim else { break };
            self.remove_at(&key, i);
        }
    }

    /// The one way a cookie leaves the store, so that the counts stay true.
    fn remove_at(&mut self, key: &str, i: usize) -> Option<Cookie> {
        let list = self.domains.get_mut(key)?;
        if i >= list.len() {
            return None;
        }
        let removed = list.remove(i);
        if list.is_empty() {
            self.domains.remove(key);
        }
        self.count -= 1;
        if removed.secure
            && let Some(domains) = self.secure_names.get_mut(&removed.name)
        {
            let key = reversed(&removed.domain);
            if let Some(n) = domains.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    domains.remove(&key);
                }
            }
            if domains.is_empty() {
                self.secure_names.remove(&removed.name);
            }
        }
        Some(removed)
    }

    /// §5.4: the cookies to send to `origin`, in order: longer paths first, then earlier
    /// creation. Marks each as accessed at `now`.
    pub(crate) fn matching(&mut self, origin: &Origin, now: SystemTime) -> Vec<&Cookie> {
        let mut found: Vec<(&str, usize)> = Vec::new();
        for domain in candidate_domains(&origin.host) {
            let Some(list) = self.domains.get(domain) else {
                continue;
            };
            for (i, c) in list.iter().enumerate() {
                let host_ok = !c.host_only || c.domain == origin.host;
                if host_ok
                    && (!c.secure || origin.secure)
                    && path_match(&origin.path, &c.path)
                    && !c.expires_by(now)
                {
                    found.push((domain, i));
                }
            }
        }
        for (domain, i) in &found {
            if let Some(c) = self.domains.get_mut(*domain).and_then(|l| l.get_mut(*i)) {
                c.last_access = now;
            }
        }
        let mut cookies: Vec<&Cookie> = found
            .iter()
            .filter_map(|(domain, i)| self.domains.get(*domain).and_then(|l| l.get(*i)))
            .collect();
        cookies.sort_by(|a, b| {
            b.path
                .len()
                .cmp(&a.path.len())
                .then(a.created.cmp(&b.created))
                .then(a.sequence.cmp(&b.sequence))
        });
        cookies
    }

    pub(crate) fn cookies(&self) -> impl Iterator<Item = &Cookie> {
        self.domains.values().flatten()
    }

    pub(crate) fn get(&self, domain: &str, path: &str, name: &str) -> Option<&Cookie> {
        self.domains
            .get(domain)?
            .iter()
            .find(|c| c.path == path && c.name == name)
    }

    pub(crate) fn remove(&mut self, domain: &str, path: &str, name: &str) -> Option<Cookie> {
        let i = self
            .domains
            .get(domain)?
            .iter()
            .position(|c| c.path == path && c.name == name)?;
        self.remove_at(domain, i)
    }

    pub(crate) fn clear(&mut self) {
        self.domains.clear();
        self.secure_names.clear();
        self.expiry_floor = None;
        self.count = 0;
    }

    pub(crate) fn clear_expired(&mut self, now: SystemTime) -> usize {
        // The floor is a lower bound on every expiry: above `now`, nothing can have expired,
        // and a listing need not walk the jar twice.
        if self.expiry_floor.is_none_or(|floor| floor > now) {
            return 0;
        }
        let expired: Vec<(String, usize)> = self
            .domains
            .iter()
            .flat_map(|(key, list)| {
                // Highest index first, so earlier removals do not shift later ones.
                (0..list.len())
                    .rev()
                    .filter(|&i| list[i].expires_by(now))
                    .map(move |i| (key.clone(), i))
            })
            .collect();
        for (key, i) in &expired {
            self.remove_at(key, *i);
        }
        self.expiry_floor = self.cookies().filter_map(|c| c.expires).min();
        expired.len()
    }
}

/// Index of the cookie to evict first (6265bis §5.7.2 order, after expired ones): a cookie
/// without `Secure` before any `Secure` one, so that an insecure origin flooding the jar can
/// never push out a Secure cookie and then set its own; among equals, the least recently used
/// (ties: the earliest stored).
fn least_recently_used<'a>(cookies: impl Iterator<Item = &'a Cookie>) -> Option<usize> {
    cookies
        .enumerate()
        .min_by_key(|(_, c)| (c.secure, c.last_access, c.sequence))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests;
