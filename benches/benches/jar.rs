//! Benchmarks for `tarry-jar`, next to `cookie_store` (the jar reqwest and ureq use).
//!
//! `cargo bench -p tarry-benches --bench jar`. One group, `jar`, each case run on both jars,
//! filled with the same 3000 cookies (500 sites, 6 cookies each: the RFC 6265 §6.1 minimum a
//! jar must hold, and tarry's default total):
//! - `cookie_header`: the `Cookie` header for `https://www.<site>/shop/cart`, a subdomain, so
//!   the parent domain's cookies are looked up too. 4 of the site's 6 cookies apply.
//! - `store_line`: one `Set-Cookie` line from https that replaces a cookie of the full jar (a
//!   refreshed session id: the jar neither grows nor evicts).
//! - `store_line_http`: the same from plain http, which must also check that the line does
//!   not shadow a `Secure` cookie (6265bis); no cookie of that name is `Secure`.
//! - `store_line_http_secure_name`: the same for a name that 250 other sites use for a
//!   `Secure` cookie (`csrftoken`), so the shadowing check has candidates to look at.
//! - `store_line_evict/tarry`: a new cookie into a jar at its 3000-cookie limit, which evicts
//!   the least recently used cookie (cookie_store has no limit to compare with).
//! - `store_line_empty`: a new cookie into an empty jar (a fresh jar per batch).
//!
//! The targets: `cookie_header/tarry` ≤ 2 µs and ≥ 5× faster than `cookie_store`;
//! storing a line ≤ 2 µs.

use std::hint::black_box;
use std::time::SystemTime;

use cookie_store::CookieStore;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tarry_jar::Jar;
use url::Url;

const SITES: usize = 500;
const WORDS: [&str; 10] = [
    "shop", "news", "mail", "bank", "travel", "video", "forum", "cloud", "games", "photo",
];
const TLDS: [&str; 8] = ["com", "org", "net", "co.uk", "de", "io", "fr", "com.au"];
/// The site the measured requests go to.
const SITE: usize = 42;

/// A registrable domain: `shop0.com`, `news1.org`, … `forum42.co.uk` … (all distinct).
fn site(i: usize) -> String {
    format!("{}{i}.{}", WORDS[i % WORDS.len()], TLDS[i % TLDS.len()])
}

/// Deterministic pseudo-random hex, so both jars and every run see the same values.
struct Hex(u64);

impl Hex {
    fn next(&mut self, digits: usize) -> String {
        let mut out = String::with_capacity(digits);
        while out.len() < digits {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let word = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
            out.push_str(&format!("{word:016x}"));
        }
        out.truncate(digits);
        out
    }
}

/// What the six responses of one site set, as (request URL, Set-Cookie line): three cookies
/// for the whole site (`Domain=`), three host-only; paths `/`, `/shop`, `/v1`, `/account`.
fn site_cookies(i: usize, hex: &mut Hex) -> Vec<(Url, String)> {
    let d = site(i);
    let url = |s: &str| Url::parse(&format!("https://{s}")).expect("valid URL");
    vec![
        (
            url(&format!("www.{d}/")),
            format!(
                "_ga=GA1.2.{}.{}; Domain=.{d}; Path=/; Max-Age=34560000",
                1_000_000_000 + i * 7919,
                1_750_000_000 + i
            ),
        ),
        (
            url(&format!("www.{d}/login")),
            format!(
                "sessionid={}; Path=/; Secure; HttpOnly; SameSite=Lax",
                hex.next(32)
            ),
        ),
        (
            url(&format!("www.{d}/")),
            // Half the sites mark it Secure, so `csrftoken` is the name of Secure cookies too.
            format!(
                "csrftoken={}; Domain={d}; Path=/; Max-Age=31449600; SameSite=Lax{}",
                hex.next(32),
                if i % 2 == 1 { "; Secure" } else { "" }
            ),
        ),
        (
            url(&format!("www.{d}/shop/")),
            format!("cart_id={}; Path=/shop; Max-Age=86400", hex.next(16)),
        ),
        (
            url(&format!("api.{d}/v1/")),
            format!("api_token={}; Path=/v1; Secure; HttpOnly", hex.next(40)),
        ),
        (
            url(&format!("{d}/account/settings")),
            format!(
                "prefs=lang%3Den%7Ctz%3DEurope%2FBerlin; Domain={d}; Path=/account; Max-Age=2592000"
            ),
        ),
    ]
}

fn all_cookies() -> Vec<(Url, String)> {
    let mut hex = Hex(0x9e37_79b9_7f4a_7c15);
    (0..SITES).flat_map(|i| site_cookies(i, &mut hex)).collect()
}

fn filled_jar(cookies: &[(Url, String)], now: SystemTime) -> Jar {
    let jar = Jar::new();
    for (url, line) in cookies {
        let report = jar.store_response(url, [line], now);
        assert_eq!(report.stored, 1, "{url} {line}: {report:?}");
    }
    assert_eq!(jar.len(), SITES * 6);
    jar
}

fn filled_store(cookies: &[(Url, String)]) -> CookieStore {
    let mut store = CookieStore::new();
    for (url, line) in cookies {
        store
            .parse(line, url)
            .unwrap_or_else(|e| panic!("{url} {line}: {e}"));
    }
    assert_eq!(store.iter_any().count(), SITES * 6);
    store
}

/// One response's `Set-Cookie` line into `cookie_store` the way reqwest's `Jar` does it: parsed
/// by the `cookie` crate, then `store_response_cookies` (which drops what it refuses).
fn cookie_store_set(store: &mut CookieStore, url: &Url, line: &str) {
    let parsed = cookie::Cookie::parse(line).map(cookie::Cookie::into_owned);
    store.store_response_cookies(parsed.into_iter(), url);
}

/// The `Cookie` header as a client builds it from `cookie_store`'s (name, value) pairs.
fn cookie_store_header(store: &CookieStore, url: &Url) -> Option<String> {
    let mut header = String::new();
    for (name, value) in store.get_request_values(url) {
        if !header.is_empty() {
            header.push_str("; ");
        }
        header.push_str(name);
        header.push('=');
        header.push_str(value);
    }
    (!header.is_empty()).then_some(header)
}

/// The `name=value` pairs of a header, sorted: `cookie_store` does not order them by §5.4.
fn sorted_pairs(header: &str) -> Vec<&str> {
    let mut pairs: Vec<&str> = header.split("; ").collect();
    pairs.sort_unstable();
    pairs
}

fn jar(c: &mut Criterion) {
    let now = SystemTime::now();
    let cookies = all_cookies();
    let jar = filled_jar(&cookies, now);
    let mut store = filled_store(&cookies);

    let d = site(SITE);
    let page = Url::parse(&format!("https://www.{d}/shop/cart")).expect("valid URL");
    let tarry = jar.cookie_header(&page, now).expect("cookies apply");
    let theirs = cookie_store_header(&store, &page).expect("cookies apply");
    assert_eq!(sorted_pairs(&tarry), sorted_pairs(&theirs), "same cookies");
    assert_eq!(tarry.split("; ").count(), 4, "{tarry}");

    // A refreshed session id (https); a new cart id and a new (non-Secure) csrftoken over
    // plain http. Each replaces a cookie the jar holds, so every iteration does the same work.
    let login = Url::parse(&format!("https://www.{d}/login")).expect("valid URL");
    let session =
        "sessionid=0123456789abcdef0123456789abcdef; Path=/; Secure; HttpOnly; SameSite=Lax";
    let shop = Url::parse(&format!("http://www.{d}/shop/")).expect("valid URL");
    let cart = "cart_id=fedcba9876543210; Path=/shop; Max-Age=86400";
    let plain = Url::parse(&format!("http://www.{d}/")).expect("valid URL");
    let csrf = format!(
        "csrftoken=00112233445566778899aabbccddeeff; Domain={d}; Path=/; Max-Age=31449600; SameSite=Lax"
    );

    let mut group = c.benchmark_group("jar");
    group.bench_function("cookie_header/tarry", |b| {
        b.iter(|| jar.cookie_header(black_box(&page), now))
    });
    group.bench_function("cookie_header/cookie_store", |b| {
        b.iter(|| cookie_store_header(&store, black_box(&page)))
    });

    for (case, url, line, host, path) in [
        ("store_line", &login, session, format!("www.{d}"), "/"),
        ("store_line_http", &shop, cart, format!("www.{d}"), "/shop"),
        (
            "store_line_http_secure_name",
            &plain,
            csrf.as_str(),
            d.clone(),
            "/",
        ),
    ] {
        // Both jars take the line (cookie_store's refusals are silent).
        let (name, value) = line
            .split_once(';')
            .and_then(|(pair, _)| pair.split_once('='))
            .expect("name=value");
        assert_eq!(jar.store_response(url, [line], now).stored, 1, "{case}");
        let stored = jar.get(&host, path, name).map(|c| c.value().to_owned());
        assert_eq!(stored.as_deref(), Some(value), "{case}");
        cookie_store_set(&mut store, url, line);
        let stored = store.get(&host, path, name).map(|c| c.value().to_owned());
        assert_eq!(stored.as_deref(), Some(value), "{case}");

        group.bench_function(format!("{case}/tarry"), |b| {
            b.iter(|| {
                let report = jar.store_response(url, [black_box(line)], now);
                debug_assert_eq!(report.stored, 1);
                report
            })
        });
        assert_eq!(jar.len(), SITES * 6, "{case}: replaced, not added");
        group.bench_function(format!("{case}/cookie_store"), |b| {
            b.iter(|| cookie_store_set(&mut store, url, black_box(line)))
        });
        assert_eq!(store.iter_any().count(), SITES * 6, "{case}: replaced");
    }

    // A new cookie into a jar at its 3000-cookie limit: every store evicts the least recently
    // used cookie of the whole jar. cookie_store has no limits, so there is nothing to compare with.
    let full = filled_jar(&cookies, now);
    let mut n = 0u64;
    group.bench_function("store_line_evict/tarry", |b| {
        b.iter_batched(
            || {
                // A new host each time, so that the per-domain limit never steps in first.
                n += 1;
                let url = Url::parse(&format!("https://u{n}.{d}/")).expect("valid URL");
                (url, "visit=1; Path=/; Max-Age=3600")
            },
            |(url, line)| full.store_response(&url, [line], now),
            BatchSize::SmallInput,
        )
    });
    assert_eq!(full.len(), SITES * 6, "evicted as many as it stored");

    group.bench_function("store_line_empty/tarry", |b| {
        b.iter_batched(
            Jar::new,
            |jar| {
                jar.store_response(&login, [black_box(session)], now);
                jar
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("store_line_empty/cookie_store", |b| {
        b.iter_batched(
            CookieStore::new,
            |mut store| {
                cookie_store_set(&mut store, &login, black_box(session));
                store
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, jar);
criterion_main!(benches);
