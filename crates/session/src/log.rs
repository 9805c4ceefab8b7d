//! Events for `tracing` subscribers, behind the `tracing` feature.
//!
//! The macros take `tracing`'s own syntax and expand to nothing without the feature, arguments
//! included. No event carries a secret: URLs go through [`Redacted`] (no password, no query
//! values), cookies are named but never valued, and header values are never written.

/// A fact per request, at `debug`.
macro_rules! debug {
    ($($event:tt)*) => {{
        #[cfg(feature = "tracing")]
        {
            tracing::debug!($($event)*);
        }
    }};
}

/// Something the user should act on, at `warn`.
macro_rules! warning {
    ($($event:tt)*) => {{
        #[cfg(feature = "tracing")]
        {
            tracing::warn!($($event)*);
        }
    }};
}

pub(crate) use {debug, warning};

/// A URL as events show it: scheme, user name, host, port and path, with the password left
/// out and every query value replaced by `…`; no fragment.
#[cfg(feature = "tracing")]
pub(crate) struct Redacted<'a>(pub(crate) &'a url::Url);

#[cfg(feature = "tracing")]
impl std::fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.0;
        write!(f, "{}://", url.scheme())?;
        if !url.username().is_empty() {
            write!(f, "{}@", url.username())?;
        }
        if let Some(host) = url.host_str() {
            f.write_str(host)?;
        }
        if let Some(port) = url.port() {
            write!(f, ":{port}")?;
        }
        f.write_str(url.path())?;
        if let Some(query) = url.query() {
            f.write_str("?")?;
            for (i, pair) in query.split('&').enumerate() {
                let sep = if i == 0 { "" } else { "&" };
                match pair.split_once('=') {
                    Some((name, _)) => write!(f, "{sep}{name}=…")?,
                    None => write!(f, "{sep}{pair}")?,
                }
            }
        }
        Ok(())
    }
}

/// A duration in whole microseconds, for a span's or an event's field.
#[cfg(feature = "tracing")]
pub(crate) fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(all(test, feature = "tracing"))]
mod tests {
    use super::Redacted;

    #[test]
    fn passwords_query_values_and_fragments_stay_out() {
        let url =
            url::Url::parse("https://ann:pw@api.test:8443/a/b?token=abc&flag&x=1#frag").unwrap();
        assert_eq!(
            Redacted(&url).to_string(),
            "https://ann@api.test:8443/a/b?token=…&flag&x=…"
        );
        let plain = url::Url::parse("http://example.test/").unwrap();
        assert_eq!(Redacted(&plain).to_string(), "http://example.test/");
    }
}
