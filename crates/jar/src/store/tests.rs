//! Unit tests of `store.rs`.

use std::time::{Duration, UNIX_EPOCH};

use super::*;

fn origin(url: &str) -> Origin {
    Origin::of(&url::Url::parse(url).unwrap()).unwrap()
}

#[test]
fn the_secure_name_index_follows_every_removal() {
    let (limits, suffixes) = (Limits::default(), SuffixPolicy::Off);
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let (https, http) = (origin("https://a.test/"), origin("http://a.test/"));
    let mut store = Store::default();
    store
        .store(&https, "s=1; Secure; Max-Age=60", now, &limits, &suffixes)
        .unwrap();
    assert_eq!(
        store.store(&http, "s=2", now, &limits, &suffixes),
        Err(RejectReason::ShadowsSecureCookie)
    );
    // Once the Secure cookie has expired and is cleared, the name is free again.
    let later = now + Duration::from_secs(61);
    assert_eq!(store.clear_expired(later), 1);
    assert!(store.secure_names.is_empty());
    assert_eq!(store.expiry_floor, None);
    store
        .store(&http, "s=2", later, &limits, &suffixes)
        .unwrap();
    // Replacing and deleting keep the count exact as well.
    store
        .store(&https, "t=1; Secure", now, &limits, &suffixes)
        .unwrap();
    store
        .store(&https, "t=2; Secure", now, &limits, &suffixes)
        .unwrap();
    assert_eq!(store.secure_names["t"].get("test.a"), Some(&1));
    store
        .store(&https, "t=3; Secure; Max-Age=0", now, &limits, &suffixes)
        .unwrap();
    assert_eq!(store.secure_names.get("t"), None);
    assert_eq!(store.len(), 1);
}

#[test]
fn secure_cookies_are_found_above_and_below_the_new_domain() {
    let (limits, suffixes) = (Limits::default(), SuffixPolicy::Off);
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut store = Store::default();
    // A Secure cookie on a subdomain: an insecure cookie for the parent would cover it.
    store
        .store(
            &origin("https://a.example.test/"),
            "s=1; Secure",
            now,
            &limits,
            &suffixes,
        )
        .unwrap();
    let parent = "s=2; Domain=example.test";
    assert_eq!(
        store.store(
            &origin("http://b.example.test/"),
            parent,
            now,
            &limits,
            &suffixes
        ),
        Err(RejectReason::ShadowsSecureCookie)
    );
    // A Secure domain cookie above: an insecure host-only cookie below falls under it.
    store
        .store(
            &origin("https://example.test/"),
            "d=1; Secure; Domain=example.test; Path=/p",
            now,
            &limits,
            &suffixes,
        )
        .unwrap();
    let below = origin("http://x.example.test/p/q");
    assert_eq!(
        store.store(&below, "d=2", now, &limits, &suffixes),
        Err(RejectReason::ShadowsSecureCookie)
    );
    // Unrelated paths and unrelated domains are not shadowed.
    store
        .store(
            &origin("http://x.example.test/other"),
            "d=3",
            now,
            &limits,
            &suffixes,
        )
        .unwrap();
    store
        .store(
            &origin("http://example.org/"),
            "s=3",
            now,
            &limits,
            &suffixes,
        )
        .unwrap();
    // A sibling label that only shares a string prefix is not a subdomain.
    store
        .store(
            &origin("http://aexample.test/"),
            "s=4",
            now,
            &limits,
            &suffixes,
        )
        .unwrap();
}

#[test]
fn a_flood_from_http_cannot_push_out_a_secure_cookie() {
    let (limits, suffixes) = (Limits::default(), SuffixPolicy::Off);
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut store = Store::default();
    let (https, http) = (origin("https://bank.test/"), origin("http://bank.test/"));
    store
        .store(
            &https,
            "sid=victim; Secure; Path=/",
            now,
            &limits,
            &suffixes,
        )
        .unwrap();
    for i in 0..60 {
        let later = now + Duration::from_secs(i + 1);
        store
            .store(&http, &format!("j{i}=x; Path=/"), later, &limits, &suffixes)
            .unwrap();
    }
    assert_eq!(store.len(), limits.cookies_per_domain());
    assert_eq!(
        store.store(&http, "sid=attacker; Path=/", now, &limits, &suffixes),
        Err(RejectReason::ShadowsSecureCookie)
    );
    assert_eq!(
        store.get("bank.test", "/", "sid").map(|c| c.value.as_str()),
        Some("victim")
    );
}
