//! Parsed URLs of recent requests, per session.
//!
//! Parsing a URL with the `url` crate and again as the request target is about a third of
//! what the session adds to a kept-alive request, and clients mostly call the same few URLs
//! again and again. So a session remembers the last few distinct URL strings it parsed, with
//! both results; the same string always parses the same way, so a remembered one is exactly
//! what parsing would give.

use std::collections::HashMap;
use std::sync::Mutex;

use url::Url;

use crate::Error;
use crate::merge::parse_url;

/// Distinct URL strings remembered; past it, the memory starts over.
const CAPACITY: usize = 64;

#[derive(Debug, Default)]
pub(crate) struct UrlCache {
    memory: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    entries: HashMap<Box<str>, (Url, http::Uri)>,
    /// The entry asked for last, again: a client calling one URL over and over finds it with
    /// one comparison, without hashing the string.
    last: Option<(Box<str>, Url, http::Uri)>,
}

impl UrlCache {
    /// `text` parsed as a request URL, and as a request target when it can be one.
    pub(crate) fn parse(&self, text: &str) -> Result<(Url, Option<http::Uri>), Error> {
        let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((last, url, uri)) = &memory.last
            && **last == *text
        {
            return Ok((url.clone(), Some(uri.clone())));
        }
        if let Some((key, (url, uri))) = memory.entries.get_key_value(text) {
            let (key, url, uri) = (key.clone(), url.clone(), uri.clone());
            memory.last = Some((key, url.clone(), uri.clone()));
            return Ok((url, Some(uri)));
        }
        let url = parse_url(text)?;
        let Ok(uri) = request_target(&url) else {
            return Ok((url, None));
        };
        if memory.entries.len() >= CAPACITY {
            memory.entries.clear();
        }
        memory
            .entries
            .insert(text.into(), (url.clone(), uri.clone()));
        memory.last = Some((text.into(), url.clone(), uri.clone()));
        Ok((url, Some(uri)))
    }
}

/// The URL as a request target: no fragment (it never goes on the wire).
pub(crate) fn request_target(url: &Url) -> Result<http::Uri, Error> {
    let without_fragment = &url[..url::Position::AfterQuery];
    without_fragment
        .parse()
        .map_err(|e: http::uri::InvalidUri| Error::InvalidUrl {
            url: url.to_string(),
            why: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::UrlCache;

    #[test]
    fn a_remembered_url_is_what_parsing_gives() {
        let cache = UrlCache::default();
        for text in [
            "http://A.test:80/x?q=1#f",
            "https://b.test/p%20q",
            "http://c.test",
        ] {
            let first = cache.parse(text).unwrap();
            let again = cache.parse(text).unwrap();
            assert_eq!(first.0, again.0, "{text}");
            assert_eq!(first.1, again.1, "{text}");
        }
        let (url, uri) = cache.parse("http://A.test:80/x?q=1#f").unwrap();
        assert_eq!(url.as_str(), "http://a.test/x?q=1#f");
        assert_eq!(uri.unwrap(), "http://a.test/x?q=1");
        assert!(
            cache.parse("ftp://x/").is_err(),
            "errors are not remembered as URLs"
        );
    }

    #[test]
    fn the_memory_is_bounded() {
        let cache = UrlCache::default();
        for i in 0..200 {
            cache.parse(&format!("http://h{i}.test/")).unwrap();
        }
        assert!(cache.memory.lock().unwrap().entries.len() <= super::CAPACITY);
    }
}
