//! The Cookie header's order (§5.4), creation and last-access times, and the inspection API.

use tarry_jar::{Jar, RejectReason};

use super::{at, header, names, store, url};

#[test]
fn header_order_is_longer_path_first_then_earlier_creation() {
    let jar = Jar::new();
    store(&jar, "http://a.test/", &["root1=1; Path=/"], at(0));
    store(&jar, "http://a.test/", &["deep=1; Path=/x/y"], at(1));
    store(&jar, "http://a.test/", &["mid=1; Path=/x"], at(2));
    store(&jar, "http://a.test/", &["root0=1; Path=/"], at(3));
    // Same response, same instant: header order decides.
    store(&jar, "http://a.test/", &["z=1", "a=1", "m=1"], at(4));
    assert_eq!(
        header(&jar, "http://a.test/x/y/z", at(5)).as_deref(),
        Some("deep=1; mid=1; root1=1; root0=1; z=1; a=1; m=1")
    );
    // Separate responses at the same instant: still the order they arrived in.
    let jar = Jar::new();
    for name in ["q", "b", "k"] {
        store(&jar, "http://a.test/", &[&format!("{name}=1")], at(0));
    }
    assert_eq!(names(&jar, "http://a.test/", at(0)), ["q", "b", "k"]);
}

#[test]
fn a_replaced_cookie_keeps_its_creation_time() {
    let jar = Jar::new();
    store(&jar, "http://a.test/", &["a=1"], at(0));
    store(&jar, "http://a.test/", &["b=1"], at(1));
    store(&jar, "http://a.test/", &["a=2; Max-Age=100"], at(2));
    let a = jar.get_at("a.test", "/", "a", at(2)).unwrap();
    assert_eq!((a.value(), a.created()), ("2", at(0)));
    assert_eq!(
        a.expires(),
        Some(at(102)),
        "every other attribute is the new one's"
    );
    assert_eq!(
        header(&jar, "http://a.test/", at(3)).as_deref(),
        Some("a=2; b=1")
    );

    // Deleted and set again, it is a new cookie.
    store(&jar, "http://a.test/", &["a=; Max-Age=0"], at(4));
    store(&jar, "http://a.test/", &["a=3"], at(5));
    assert_eq!(jar.get("a.test", "/", "a").unwrap().created(), at(5));
    assert_eq!(
        header(&jar, "http://a.test/", at(6)).as_deref(),
        Some("b=1; a=3")
    );
}

#[test]
fn sending_a_cookie_updates_its_last_access() {
    let jar = Jar::new();
    store(&jar, "http://a.test/", &["a=1", "p=1; Path=/p"], at(0));
    assert_eq!(jar.get("a.test", "/", "a").unwrap().last_access(), at(0));

    // `get` only looks; `cookie_header` and `cookies_for` touch what they return.
    assert_eq!(jar.get("a.test", "/", "a").unwrap().last_access(), at(0));
    header(&jar, "http://a.test/", at(5));
    assert_eq!(jar.get("a.test", "/", "a").unwrap().last_access(), at(5));
    assert_eq!(
        jar.get("a.test", "/p", "p").unwrap().last_access(),
        at(0),
        "not sent"
    );
    let sent = jar.cookies_for(&url("http://a.test/p"), at(7));
    assert!(sent.iter().all(|c| c.last_access() == at(7)), "{sent:?}");
    assert_eq!(jar.get("a.test", "/p", "p").unwrap().last_access(), at(7));
    assert_eq!(jar.get("a.test", "/", "a").unwrap().created(), at(0));
}

#[test]
fn get_remove_clear_and_clear_expired() {
    let jar = Jar::new();
    assert!(jar.is_empty());
    store(
        &jar,
        "https://www.a.test/app/page",
        &[
            "s=1; Secure; HttpOnly; SameSite=Lax",
            "d=1; Domain=a.test; Path=/; Max-Age=10",
            "e=1; Max-Age=20",
        ],
        at(0),
    );
    assert_eq!(jar.len(), 3);

    // Looked up by canonical domain, path and name, exactly.
    let s = jar.get("www.a.test", "/app", "s").unwrap();
    assert!(s.secure() && s.http_only() && s.host_only());
    assert_eq!(s.same_site(), Some(tarry_jar::SameSite::Lax));
    assert_eq!(s.pair(), "s=1");
    assert!(jar.get("www.a.test", "/", "s").is_none());
    assert!(jar.get("a.test", "/app", "s").is_none());
    assert!(jar.get("www.a.test", "/app", "S").is_none());

    // cookies_for: what a request carries, in header order, with the attributes.
    let sent = jar.cookies_for(&url("https://www.a.test/app/x"), at(1));
    let sent: Vec<_> = sent
        .iter()
        .map(|c| (c.name(), c.domain(), c.path()))
        .collect();
    assert_eq!(
        sent,
        [
            ("s", "www.a.test", "/app"),
            ("e", "www.a.test", "/app"),
            ("d", "a.test", "/")
        ]
    );
    assert!(
        jar.cookies_for(&url("http://www.a.test/app/x"), at(1))
            .iter()
            .all(|c| !c.secure())
    );
    assert!(jar.cookies_for(&url("data:text/plain,x"), at(1)).is_empty());

    // clear_expired: only what has expired at that instant.
    assert_eq!(jar.clear_expired(at(9)), 0);
    assert_eq!(jar.clear_expired(at(10)), 1);
    assert_eq!(jar.len(), 2);
    assert!(
        jar.get_at("a.test", "/", "d", at(9)).is_none(),
        "removed, not merely expired"
    );

    // remove: returns the cookie, and it is no longer sent.
    let removed = jar.remove("www.a.test", "/app", "s").unwrap();
    assert_eq!(removed.value(), "1");
    assert!(jar.remove("www.a.test", "/app", "s").is_none());
    assert_eq!(jar.len(), 1);
    assert_eq!(
        header(&jar, "https://www.a.test/app/", at(11)).as_deref(),
        Some("e=1")
    );

    jar.clear();
    assert!(jar.is_empty() && jar.cookies().is_empty());
    assert_eq!(header(&jar, "https://www.a.test/app/", at(11)), None);
}

#[test]
fn insert_scopes_a_cookie_like_a_response_would() {
    let jar = Jar::new();
    let shop = url("https://shop.test/cart/view");
    jar.insert(&shop, "cart=42", at(0)).unwrap();
    assert_eq!(jar.get("shop.test", "/cart", "cart").unwrap().value(), "42");
    assert_eq!(
        jar.insert(&shop, "x=1; Domain=other.test", at(0)),
        Err(RejectReason::DomainMismatch)
    );
    assert_eq!(
        jar.insert(&url("data:text/plain,hi"), "x=1", at(0)),
        Err(RejectReason::NoHost)
    );
    let report = jar.store_response(&url("file:///tmp/x"), ["x=1"], at(0));
    assert_eq!(report.rejected, [(0, RejectReason::NoHost)]);
    assert_eq!(jar.len(), 1);
}

/// The header is answered without the lock while the jar is empty; every way of filling or
/// emptying it must show at once, from any thread.
#[test]
fn the_header_follows_every_change_of_an_empty_jar() {
    let jar = std::sync::Arc::new(Jar::new());
    assert_eq!(header(&jar, "http://a.test/", at(0)), None);
    let filler = std::sync::Arc::clone(&jar);
    std::thread::spawn(move || store(&filler, "http://a.test/", &["a=1"], at(0)))
        .join()
        .unwrap();
    assert_eq!(
        header(&jar, "http://a.test/", at(1)).as_deref(),
        Some("a=1")
    );
    jar.clear();
    assert_eq!(header(&jar, "http://a.test/", at(2)), None);
    store(&jar, "http://a.test/", &["b=2"], at(3));
    assert_eq!(
        jar.remove("a.test", "/", "b")
            .map(|c| c.value().to_owned())
            .as_deref(),
        Some("2")
    );
    assert_eq!(header(&jar, "http://a.test/", at(4)), None);
    let loaded = jar.load_netscape_str("a.test\tFALSE\t/\tFALSE\t0\tc\t3\n", at(5));
    assert_eq!(loaded, 1);
    assert_eq!(
        header(&jar, "http://a.test/", at(6)).as_deref(),
        Some("c=3")
    );
}
