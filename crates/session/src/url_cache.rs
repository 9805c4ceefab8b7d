//! Parsed URLs of recent requests, per thread.
//!
//! Parsing a URL with the `url` crate and again as the request target is about a third of
//! what the session adds to a kept-alive request, and clients mostly call the same few URLs
//! again and again. So each thread remembers the last few distinct URL strings it parsed, with
//! both results; the same string always parses the same way, so a remembered one is exactly
//! what parsing would give, whichever session asks. Per thread rather than per session:
//! requests on many threads never take turns at a lock for it, nor write to memory another
//! thread reads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use url::Url;

use crate::Error;
use crate::causes::UrlError;

/// Distinct URL strings remembered per thread; past it, the memory starts over.
const CAPACITY: usize = 64;

#[derive(Debug, Default)]
struct Memory {
    entries: HashMap<Box<str>, (Arc<Url>, http::Uri)>,
    /// The entry asked for last, again: a client calling one URL over and over finds it with
    /// one comparison, without hashing the string.
    last: Option<(Box<str>, Arc<Url>, http::Uri)>,
}

thread_local! {
    static MEMORY: RefCell<Memory> = RefCell::new(Memory::default());
}

/// `text` parsed as a request URL, and as a request target when it can be one. The URL is
/// shared, not copied: a request changes it (credentials out, query added) only through
/// `Arc::make_mut`, which copies it first.
pub(crate) fn parse(text: &str) -> Result<(Arc<Url>, Option<http::Uri>), Error> {
    MEMORY.with(|memory| memory.borrow_mut().parse(text))
}

impl Memory {
    fn parse(&mut self, text: &str) -> Result<(Arc<Url>, Option<http::Uri>), Error> {
        if let Some((last, url, uri)) = &self.last
            && **last == *text
        {
            return Ok((url.clone(), Some(uri.clone())));
        }
        if let Some((key, (url, uri))) = self.entries.get_key_value(text) {
            let (key, url, uri) = (key.clone(), url.clone(), uri.clone());
            self.last = Some((key, url.clone(), uri.clone()));
            return Ok((url, Some(uri)));
        }
        let url = Arc::new(parse_url(text)?);
        let Ok(uri) = request_target(&url) else {
            return Ok((url, None));
        };
        if self.entries.len() >= CAPACITY {
            self.entries.clear();
        }
        self.entries.insert(text.into(), (url.clone(), uri.clone()));
        self.last = Some((text.into(), url.clone(), uri.clone()));
        Ok((url, Some(uri)))
    }
}

/// Parses a request URL: http or https, with a host.
pub(crate) fn parse_url(url: &str) -> Result<Url, Error> {
    let invalid = |reason| Error::InvalidUrl {
        url: url.to_owned(),
        reason,
    };
    let parsed = Url::parse(url).map_err(|e| invalid(UrlError::Parse(e)))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        let scheme = parsed.scheme().to_owned();
        return Err(invalid(UrlError::UnsupportedScheme(scheme)));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid(UrlError::NoHost));
    }
    Ok(parsed)
}

/// The URL as a request target: no fragment (it never goes on the wire).
pub(crate) fn request_target(url: &Url) -> Result<http::Uri, Error> {
    let without_fragment = &url[..url::Position::AfterQuery];
    without_fragment.parse().map_err(|_| Error::InvalidUrl {
        url: url.to_string(),
        reason: UrlError::Target,
    })
}

#[cfg(test)]
mod tests {
    use super::{Memory, parse};

    #[test]
    fn a_remembered_url_is_what_parsing_gives() {
        for text in [
            "http://A.test:80/x?q=1#f",
            "https://b.test/p%20q",
            "http://c.test",
        ] {
            let first = parse(text).unwrap();
            let again = parse(text).unwrap();
            assert_eq!(first.0, again.0, "{text}");
            assert_eq!(first.1, again.1, "{text}");
        }
        let (url, uri) = parse("http://A.test:80/x?q=1#f").unwrap();
        assert_eq!(url.as_str(), "http://a.test/x?q=1#f");
        assert_eq!(uri.unwrap(), "http://a.test/x?q=1");
        assert!(
            parse("ftp://x/").is_err(),
            "errors are not remembered as URLs"
        );
    }

    #[test]
    fn the_memory_is_bounded() {
        let mut memory = Memory::default();
        for i in 0..200 {
            memory.parse(&format!("http://h{i}.test/")).unwrap();
        }
        assert!(memory.entries.len() <= super::CAPACITY);
    }
}
