//! The jar's one error type, and the reasons a cookie is not stored.

use std::fmt;

/// Why a `Set-Cookie` line, or a cookie added by hand ([`Jar::insert`](crate::Jar::insert),
/// [`Jar::add`](crate::Jar::add)), was not stored, or why [`cookie_pair`](crate::cookie_pair)
/// refused a pair.
///
/// A rejection is not an error of the exchange: the response is fine, the cookie is simply not
/// kept, as RFC 6265 says "ignore the cookie entirely". [`Jar::add`](crate::Jar::add) returns
/// it inside [`Error::Rejected`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectReason {
    /// The line has no `=` in its name-value pair.
    NoNameValuePair,
    /// The cookie name is empty.
    EmptyName,
    /// A control character appears in the line (HTAB aside), or in the value of a cookie
    /// given by the caller (HTAB included): a [`NewCookie`](crate::NewCookie), or a
    /// [`cookie_pair`](crate::cookie_pair).
    ControlCharacter,
    /// Name plus value exceed the limit.
    TooLarge,
    /// The line is not UTF-8 (the jar keeps cookies as text).
    NotUtf8,
    /// The request URL has no usable host (a `data:` or `file:` URL, or a host with an
    /// empty label such as `a..example`).
    NoHost,
    /// `Domain` does not domain-match the request host.
    DomainMismatch,
    /// `Domain` is a public suffix (`co.uk`, `github.io`) other than the request host itself.
    PublicSuffix,
    /// `Secure` from an insecure (http) origin.
    SecureFromInsecureOrigin,
    /// An insecure origin tried to overwrite or shadow a `Secure` cookie.
    ShadowsSecureCookie,
    /// The `__Secure-` or `__Host-` name prefix rules are not met.
    PrefixRules,
    /// More `Set-Cookie` lines in one response than the limit.
    TooManyInResponse,
    /// The name of a cookie given by the caller ([`NewCookie`](crate::NewCookie),
    /// [`cookie_pair`](crate::cookie_pair)) is not an RFC 6265 token: it holds a separator
    /// (`()<>@,;:\"/[]?={}`, space, HTAB), a control character or a non-ASCII character.
    InvalidName,
    /// A [`NewCookie`](crate::NewCookie) has neither a domain nor a host.
    NoDomain,
    /// A [`NewCookie`](crate::NewCookie)'s domain or host is not a host name or IP address.
    InvalidDomain,
    /// The path of a cookie given by the caller does not start with `/`, or holds a `;` or a
    /// control character.
    InvalidPath,
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RejectReason::NoNameValuePair => "no name=value pair",
            RejectReason::EmptyName => "empty cookie name",
            RejectReason::ControlCharacter => "control character in the cookie",
            RejectReason::TooLarge => "cookie name and value exceed the size limit",
            RejectReason::NotUtf8 => "cookie is not UTF-8",
            RejectReason::NoHost => "request URL has no usable host",
            RejectReason::DomainMismatch => "Domain does not match the request host",
            RejectReason::PublicSuffix => "Domain is a public suffix",
            RejectReason::SecureFromInsecureOrigin => "Secure cookie from an insecure origin",
            RejectReason::ShadowsSecureCookie => "insecure origin would overwrite a Secure cookie",
            RejectReason::PrefixRules => "__Secure- or __Host- prefix rules not met",
            RejectReason::TooManyInResponse => "too many Set-Cookie lines in one response",
            RejectReason::InvalidName => "cookie name is not a token",
            RejectReason::NoDomain => "cookie has no domain",
            RejectReason::InvalidDomain => "cookie domain is not a host name or IP address",
            RejectReason::InvalidPath => {
                "cookie path does not start with / or holds a ; or a control character"
            }
        })
    }
}

/// Everything that can fail in the jar's API: persistence, and a cookie added by hand.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// Reading or writing a cookie file failed.
    Io(std::io::Error),
    /// A JSON cookie document is malformed.
    #[cfg(feature = "json")]
    Json(serde_json::Error),
    /// A JSON cookie document has a version this crate does not read.
    UnsupportedVersion(u32),
    /// A cookie given by hand was refused.
    Rejected(RejectReason),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "cookie file: {e}"),
            #[cfg(feature = "json")]
            Error::Json(e) => write!(f, "cookie JSON: {e}"),
            Error::UnsupportedVersion(v) => write!(f, "cookie JSON version {v} is not supported"),
            Error::Rejected(r) => write!(f, "cookie refused: {r}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            #[cfg(feature = "json")]
            Error::Json(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

#[cfg(feature = "json")]
impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e)
    }
}

impl From<RejectReason> for Error {
    fn from(r: RejectReason) -> Self {
        Error::Rejected(r)
    }
}
