//! Credentials that become an `Authorization` header.

use std::fmt;

use base64::Engine;
use http::HeaderValue;

/// Credentials for the `Authorization` header. Its value is marked sensitive, and `Debug`
/// never shows a password or token.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// `Basic` (RFC 7617): user and password, joined by `:` and base64-encoded as UTF-8.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// `Bearer` (RFC 6750): a token sent as it is.
    Bearer(String),
    /// `Digest` (RFC 7616; MD5, MD5-sess, SHA-256, SHA-256-sess, `qop=auth` and `auth-int`):
    /// nothing is sent until the origin challenges; then the request is sent once more with
    /// the answer, and later requests to that origin answer its last challenge at once
    /// (requests' `HTTPDigestAuth`). With the `digest` feature.
    #[cfg(feature = "digest")]
    Digest {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
}

impl Auth {
    /// Basic credentials.
    pub fn basic(user: impl Into<String>, password: impl Into<String>) -> Auth {
        Auth::Basic {
            user: user.into(),
            password: password.into(),
        }
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Auth {
        Auth::Bearer(token.into())
    }

    /// Digest credentials.
    #[cfg(feature = "digest")]
    pub fn digest(user: impl Into<String>, password: impl Into<String>) -> Auth {
        Auth::Digest {
            user: user.into(),
            password: password.into(),
        }
    }

    /// User and password of Digest credentials.
    pub(crate) fn digest_credentials(&self) -> Option<(&str, &str)> {
        match self {
            #[cfg(feature = "digest")]
            Auth::Digest { user, password } => Some((user, password)),
            _ => None,
        }
    }

    /// The `Authorization` header value, or `None` when it cannot be a header value (a token
    /// with a line break, say).
    pub(crate) fn header_value(&self) -> Option<HeaderValue> {
        let text = match self {
            Auth::Basic { user, password } => {
                let pair = format!("{user}:{password}");
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                format!("Basic {encoded}")
            }
            Auth::Bearer(token) => format!("Bearer {token}"),
            // Answered per challenge, never sent ahead.
            #[cfg(feature = "digest")]
            Auth::Digest { .. } => return None,
        };
        let mut value = HeaderValue::try_from(text).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"<hidden>")
                .finish(),
            Auth::Bearer(_) => f.write_str("Bearer(<hidden>)"),
            #[cfg(feature = "digest")]
            Auth::Digest { user, .. } => f
                .debug_struct("Digest")
                .field("user", user)
                .field("password", &"<hidden>")
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Auth;

    #[test]
    fn basic_is_base64_of_user_colon_password() {
        let value = Auth::basic("user", "pass").header_value().unwrap();
        assert_eq!(value, "Basic dXNlcjpwYXNz");
        assert!(value.is_sensitive());
    }

    #[test]
    fn a_token_that_cannot_be_a_header_value_is_refused() {
        assert!(Auth::bearer("a\r\nb").header_value().is_none());
        assert_eq!(Auth::bearer("t0k").header_value().unwrap(), "Bearer t0k");
    }

    #[test]
    fn debug_hides_secrets() {
        let shown = format!("{:?} {:?}", Auth::basic("u", "secret"), Auth::bearer("tok"));
        assert!(
            !shown.contains("secret") && !shown.contains("tok"),
            "{shown}"
        );
    }
}
