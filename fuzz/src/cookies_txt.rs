//! `cookies_txt`: loading arbitrary Netscape `cookies.txt` text, and the save/load round trip.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tarry_jar::{Cookie, Jar};

/// Arbitrary bytes (as lossy UTF-8) loaded with `Jar::load_netscape_str`. Every cookie loaded
/// has a name and no control character; saving the jar and loading the text into a second jar
/// gives the same cookies; and saving that one gives the same text.
pub fn cookies_txt(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let now = UNIX_EPOCH + Duration::from_secs(1_750_000_000);

    let first = Jar::new();
    let added = first.load_netscape_str(&text, now);
    assert!(first.len() <= added, "{} cookies from {added}", first.len());
    let loaded = first.cookies();
    for c in &loaded {
        assert!(!c.name().is_empty(), "{c:?}");
        // CTL as RFC 6265 has it: %x00-1F / %x7F.
        for field in [c.name(), c.value(), c.domain(), c.path()] {
            assert!(!field.chars().any(|ch| ch.is_ascii_control()), "{c:?}");
        }
        assert!(c.path().starts_with('/'), "{c:?}");
        assert!(!c.expires_by(now), "{c:?}");
    }
    let cookies = sorted(loaded);

    let saved = first.to_netscape(true);
    let second = Jar::new();
    assert_eq!(
        second.load_netscape_str(&saved, now),
        cookies.len(),
        "{saved}"
    );
    assert_eq!(sorted(second.cookies()), cookies, "{saved}");
    assert_eq!(second.to_netscape(true), saved);
}

/// What survives a save: everything but the jar-internal tie-break sequence. `created` and
/// `last_access` are both the load time.
type Saved = (
    String,
    String,
    String,
    String,
    bool,
    bool,
    bool,
    Option<SystemTime>,
    SystemTime,
);

fn sorted(cookies: Vec<Cookie>) -> Vec<Saved> {
    let mut all: Vec<Saved> = cookies
        .iter()
        .map(|c| {
            (
                c.domain().to_owned(),
                c.path().to_owned(),
                c.name().to_owned(),
                c.value().to_owned(),
                c.host_only(),
                c.secure(),
                c.http_only(),
                c.expires(),
                c.created(),
            )
        })
        .collect();
    all.sort();
    all
}
