//! Volume: the cookie-bomb limits (JAR-08) and many threads on one jar (JAR-15).

use std::sync::{Arc, Barrier};

use tarry_jar::{Jar, Limits, RejectReason};

use super::{at, header, store};

fn lines(prefix: &str, n: usize, attributes: &str) -> Vec<String> {
    (0..n)
        .map(|i| format!("{prefix}{i}=v{attributes}"))
        .collect()
}

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

#[test]
fn jar_08_set_cookie_lines_per_response_are_capped() {
    let jar = Jar::new();
    let sixty = lines("c", 60, "");
    let report = store(&jar, "http://a.test/", &refs(&sixty), at(0));
    assert_eq!(report.stored, 50);
    let over: Vec<_> = (50..60)
        .map(|i| (i, RejectReason::TooManyInResponse))
        .collect();
    assert_eq!(report.rejected, over);
    assert!(jar.get("a.test", "/", "c49").is_some() && jar.get("a.test", "/", "c50").is_none());

    let jar = Jar::builder()
        .limits(Limits::default().max_set_cookie_per_response(3))
        .build();
    // Lines count by position, refused ones included.
    let report = store(&jar, "http://a.test/", &["=x", "a=1", "b=1", "c=1"], at(0));
    assert_eq!(report.stored, 2);
    assert_eq!(
        report.rejected,
        [
            (0, RejectReason::EmptyName),
            (3, RejectReason::TooManyInResponse)
        ]
    );
    // The cap is per response, not per jar.
    assert_eq!(store(&jar, "http://a.test/", &["d=1"], at(1)).stored, 1);
}

#[test]
fn jar_08_cookies_per_domain_evict_expired_then_least_recently_used() {
    let jar = Jar::new();
    // 49 session cookies, each on its own path so that a request can touch just one.
    for i in 0..49 {
        store(
            &jar,
            "http://a.test/",
            &[&format!("c{i}=v; Path=/c{i}")],
            at(i),
        );
    }
    store(&jar, "http://a.test/", &["exp=v; Max-Age=5"], at(100)); // expires at 105
    assert_eq!(jar.len(), 50);

    // The 51st: the expired cookie goes, although `c0` is older and less recently used.
    store(&jar, "http://a.test/", &["new=v"], at(200));
    assert_eq!(jar.len(), 50);
    assert!(
        jar.get_at("a.test", "/", "exp", at(104)).is_none(),
        "removed, not merely expired"
    );
    assert!(jar.get("a.test", "/c0", "c0").is_some());

    // Then the least recently used: `c0` was just sent, so `c1` goes.
    assert!(header(&jar, "http://a.test/c0", at(300)).is_some());
    store(&jar, "http://a.test/", &["newer=v"], at(301));
    assert_eq!(jar.len(), 50);
    assert!(jar.get("a.test", "/c0", "c0").is_some());
    assert!(jar.get("a.test", "/c1", "c1").is_none());
    assert!(jar.get("a.test", "/", "newer").is_some());

    // A smaller setting; other domains keep their own allowance.
    let jar = Jar::builder()
        .limits(Limits::default().max_cookies_per_domain(3))
        .build();
    for (t, line) in (0..).zip(["a=1", "b=1", "c=1"]) {
        store(&jar, "http://a.test/", &[line], at(t));
        store(&jar, "http://b.test/", &[line], at(t));
    }
    store(&jar, "http://a.test/", &["d=1"], at(10));
    assert_eq!(
        header(&jar, "http://a.test/", at(11)).as_deref(),
        Some("b=1; c=1; d=1")
    );
    assert_eq!(
        header(&jar, "http://b.test/", at(11)).as_deref(),
        Some("a=1; b=1; c=1")
    );
}

#[test]
fn jar_08_total_cookies_evict_expired_then_least_recently_used() {
    let jar = Jar::new();
    let fifty = lines("c", 50, "");
    for d in 0..60u64 {
        store(&jar, &format!("http://d{d}.test/"), &refs(&fifty), at(d));
    }
    assert_eq!(jar.len(), 3000);
    store(&jar, "http://d60.test/", &["one=more"], at(100));
    assert_eq!(jar.len(), 3000);
    assert!(
        jar.get("d0.test", "/", "c0").is_none(),
        "the least recently used of all"
    );
    assert!(jar.get("d0.test", "/", "c1").is_some());
    assert!(jar.get("d60.test", "/", "one").is_some());

    let jar = Jar::builder()
        .limits(Limits::default().max_cookies_total(4))
        .build();
    store(&jar, "http://a.test/", &["x=1"], at(0));
    store(&jar, "http://b.test/", &["y=1"], at(1));
    store(&jar, "http://c.test/", &["z=1; Max-Age=2"], at(2)); // expires at 4
    store(&jar, "http://d.test/", &["w=1"], at(3));
    store(&jar, "http://e.test/", &["v=1"], at(10));
    assert_eq!(jar.len(), 4);
    assert!(
        jar.get_at("c.test", "/", "z", at(3)).is_none(),
        "expired first"
    );
    assert!(jar.get("a.test", "/", "x").is_some());
    // `x` is read, so `y` is now the least recently used.
    assert!(header(&jar, "http://a.test/", at(11)).is_some());
    store(&jar, "http://f.test/", &["u=1"], at(12));
    assert_eq!(jar.len(), 4);
    assert!(jar.get("b.test", "/", "y").is_none());
    assert!(jar.get("a.test", "/", "x").is_some());
}

#[test]
fn jar_08_the_cookie_header_is_capped() {
    // The cookie bomb of the row: 1000 lines of 4000 bytes on the parent domain.
    let jar = Jar::new();
    let big = "b".repeat(4000);
    let bomb: Vec<String> = (0..1000)
        .map(|i| format!("c{i}={big}; Domain=example.test"))
        .collect();
    for response in bomb.chunks(50) {
        store(&jar, "http://foo.example.test/", &refs(response), at(0));
    }
    assert_eq!(jar.len(), 50);
    let sent = header(&jar, "http://bar.example.test/", at(1)).unwrap();
    assert!(sent.len() <= 8 * 1024, "{} bytes", sent.len());
    assert_eq!(
        sent.matches('=').count(),
        2,
        "two 4 KiB cookies fit, a third does not"
    );

    // A cookie that does not fit is left out; a later, smaller one still goes.
    let jar = Jar::new();
    let v = "v".repeat(2998); // name + "=" + value = 3000 bytes
    let cookies = [
        format!("a={v}"),
        format!("b={v}"),
        format!("c={v}"),
        "d=1".to_owned(),
    ];
    for (t, line) in (0..).zip(&cookies) {
        store(&jar, "http://a.test/", &[line.as_str()], at(t));
    }
    let sent = header(&jar, "http://a.test/", at(10)).unwrap();
    assert_eq!(sent, format!("a={v}; b={v}; d=1"));

    // A smaller setting: the limit itself fits, one byte more does not.
    for (limit, want) in [(8, "a=1; b=2"), (12, "a=1; b=2"), (13, "a=1; b=2; c=3")] {
        let jar = Jar::builder()
            .limits(Limits::default().max_cookie_header_bytes(limit))
            .build();
        store(&jar, "http://a.test/", &["a=1", "b=2", "c=3"], at(0));
        assert_eq!(
            header(&jar, "http://a.test/", at(1)).as_deref(),
            Some(want),
            "{limit}"
        );
    }
}

#[test]
fn jar_15_threads_share_one_jar_without_losing_cookies() {
    // Four hosts, 25 cookies each: every thread contends for the same few domain lists, and
    // none reaches the per-domain cap of 50 (one host would keep only 50 of the 100).
    let host = |i: usize| format!("http://h{}.shared.test/", i % 4);
    let jar = Arc::new(Jar::new());
    let start = Arc::new(Barrier::new(100));
    let threads: Vec<_> = (0..100)
        .map(|i| {
            let (jar, start) = (Arc::clone(&jar), Arc::clone(&start));
            let from = host(i);
            std::thread::spawn(move || {
                start.wait();
                let report = store(&jar, &from, &[&format!("c{i}={i}")], at(0));
                // Readers run alongside the writers.
                let _ = header(&jar, &from, at(0));
                report.stored
            })
        })
        .collect();
    let stored: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(stored, 100);
    assert_eq!(jar.len(), 100);
    for h in 0..4 {
        let sent = header(&jar, &host(h), at(1)).unwrap();
        let mut pairs: Vec<&str> = sent.split("; ").collect();
        pairs.sort_unstable();
        let mut want: Vec<String> = (h..100).step_by(4).map(|i| format!("c{i}={i}")).collect();
        want.sort_unstable();
        assert_eq!(pairs, want, "{}", host(h));
    }
}
