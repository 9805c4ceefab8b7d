//! Bounds on what servers can make the jar keep and send.

/// The jar's limits. Every limit has a default and a setter.
///
/// ```
/// let limits = tarry_jar::Limits::default().max_cookies_per_domain(100);
/// assert_eq!(limits.cookies_per_domain(), 100);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    name_value_bytes: usize,
    attribute_value_bytes: usize,
    set_cookie_per_response: usize,
    cookies_per_domain: usize,
    cookies_total: usize,
    cookie_header_bytes: usize,
}

impl Limits {
    /// 4096 bytes of name plus value (RFC 6265 §6.1's minimum, 6265bis's maximum).
    pub const DEFAULT_NAME_VALUE_BYTES: usize = 4096;
    /// 1024 bytes per attribute value (6265bis); a longer attribute is ignored.
    pub const DEFAULT_ATTRIBUTE_VALUE_BYTES: usize = 1024;
    /// 50 `Set-Cookie` lines taken from one response, as curl.
    pub const DEFAULT_SET_COOKIE_PER_RESPONSE: usize = 50;
    /// 50 cookies per domain (RFC 6265 §6.1 asks for at least 50).
    pub const DEFAULT_COOKIES_PER_DOMAIN: usize = 50;
    /// 3000 cookies in all (RFC 6265 §6.1 asks for at least 3000).
    pub const DEFAULT_COOKIES_TOTAL: usize = 3000;
    /// 8 KiB of outgoing `Cookie` header, below common server limits (curl: 8190).
    pub const DEFAULT_COOKIE_HEADER_BYTES: usize = 8 * 1024;

    /// The defaults (the `DEFAULT_*` constants).
    pub const fn new() -> Self {
        Limits {
            name_value_bytes: Self::DEFAULT_NAME_VALUE_BYTES,
            attribute_value_bytes: Self::DEFAULT_ATTRIBUTE_VALUE_BYTES,
            set_cookie_per_response: Self::DEFAULT_SET_COOKIE_PER_RESPONSE,
            cookies_per_domain: Self::DEFAULT_COOKIES_PER_DOMAIN,
            cookies_total: Self::DEFAULT_COOKIES_TOTAL,
            cookie_header_bytes: Self::DEFAULT_COOKIE_HEADER_BYTES,
        }
    }

    /// Caps name plus value of one cookie; a larger cookie is ignored whole.
    pub const fn max_name_value_bytes(mut self, n: usize) -> Self {
        self.name_value_bytes = n;
        self
    }
    /// Caps one attribute value; a longer attribute is ignored.
    pub const fn max_attribute_value_bytes(mut self, n: usize) -> Self {
        self.attribute_value_bytes = n;
        self
    }
    /// Caps the `Set-Cookie` lines taken from one response; the rest are ignored.
    pub const fn max_set_cookie_per_response(mut self, n: usize) -> Self {
        self.set_cookie_per_response = n;
        self
    }
    /// Caps the cookies of one domain; past it, expired cookies go first, then the least
    /// recently used.
    pub const fn max_cookies_per_domain(mut self, n: usize) -> Self {
        self.cookies_per_domain = n;
        self
    }
    /// Caps all cookies; eviction as for the per-domain cap, across all domains.
    pub const fn max_cookies_total(mut self, n: usize) -> Self {
        self.cookies_total = n;
        self
    }
    /// Caps the outgoing `Cookie` header; cookies that do not fit (in RFC order) are left out.
    pub const fn max_cookie_header_bytes(mut self, n: usize) -> Self {
        self.cookie_header_bytes = n;
        self
    }

    /// See [`max_name_value_bytes`](Self::max_name_value_bytes).
    pub const fn name_value_bytes(&self) -> usize {
        self.name_value_bytes
    }
    /// See [`max_attribute_value_bytes`](Self::max_attribute_value_bytes).
    pub const fn attribute_value_bytes(&self) -> usize {
        self.attribute_value_bytes
    }
    /// See [`max_set_cookie_per_response`](Self::max_set_cookie_per_response).
    pub const fn set_cookie_per_response(&self) -> usize {
        self.set_cookie_per_response
    }
    /// See [`max_cookies_per_domain`](Self::max_cookies_per_domain).
    pub const fn cookies_per_domain(&self) -> usize {
        self.cookies_per_domain
    }
    /// See [`max_cookies_total`](Self::max_cookies_total).
    pub const fn cookies_total(&self) -> usize {
        self.cookies_total
    }
    /// See [`max_cookie_header_bytes`](Self::max_cookie_header_bytes).
    pub const fn cookie_header_bytes(&self) -> usize {
        self.cookie_header_bytes
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}
