//! Where a cookie may be scoped: public suffixes (JAR-01), domain matching (JAR-02), IP hosts
//! (JAR-03), host-only versus domain cookies, and the public-suffix list as a setting.

use std::sync::{Arc, Mutex};

use tarry_jar::{Jar, PublicSuffixList, RejectReason, domain_match};

use super::{at, header, names, store};

// Needs the embedded list (feature `public-suffix`); the custom-list and no-list tests below
// run in every build.
#[cfg(feature = "public-suffix")]
#[test]
fn jar_01_public_suffix_domains_are_refused() {
    let jar = Jar::new();
    let report = store(
        &jar,
        "http://x.co.uk/",
        &[
            "a=1; Domain=co.uk",
            "b=1; Domain=CO.UK",
            "c=1; Domain=co.uk.",
            "d=1; Domain=.co.uk",
            "e=1; Domain=uk",
        ],
        at(0),
    );
    let refused: Vec<_> = (0..5).map(|i| (i, RejectReason::PublicSuffix)).collect();
    assert_eq!(
        report.rejected, refused,
        "case and dot variants are normalised first"
    );
    assert_eq!(report.stored, 0);

    let report = store(
        &jar,
        "https://www.example.com/",
        &["f=1; Domain=com"],
        at(0),
    );
    assert_eq!(report.rejected, [(0, RejectReason::PublicSuffix)]);
    // A private-section suffix: every GitHub Pages site is a different owner.
    let report = store(
        &jar,
        "https://alice.github.io/",
        &["g=1; Domain=github.io"],
        at(0),
    );
    assert_eq!(report.rejected, [(0, RejectReason::PublicSuffix)]);

    assert!(jar.is_empty());
    for sibling in [
        "http://y.co.uk/",
        "https://shop.com/",
        "https://bob.github.io/",
    ] {
        assert_eq!(header(&jar, sibling, at(1)), None, "{sibling}");
    }

    // The registrable domain below a suffix is fine, and reaches its subdomains.
    let report = store(
        &jar,
        "http://www.shop.co.uk/",
        &["ok=1; Domain=shop.co.uk"],
        at(0),
    );
    assert_eq!(report.stored, 1);
    assert_eq!(
        header(&jar, "http://pay.shop.co.uk/", at(1)).as_deref(),
        Some("ok=1")
    );
    assert_eq!(header(&jar, "http://y.co.uk/", at(1)), None);
}

#[cfg(feature = "public-suffix")]
#[test]
fn jar_01_a_suffix_host_naming_itself_gets_a_host_only_cookie() {
    let jar = Jar::new();
    for (host, domain) in [("github.io", "github.io"), ("co.uk", "CO.UK")] {
        let report = store(
            &jar,
            &format!("https://{host}/"),
            &[&format!("h=1; Domain={domain}")],
            at(0),
        );
        assert_eq!(report.stored, 1, "{host}");
        let cookie = jar.get(host, "/", "h").expect(host);
        assert!(
            cookie.host_only(),
            "{host}: stored host-only, not for the whole suffix"
        );
        assert_eq!(
            header(&jar, &format!("https://{host}/"), at(1)).as_deref(),
            Some("h=1")
        );
        assert_eq!(
            header(&jar, &format!("https://sub.{host}/"), at(1)),
            None,
            "{host}"
        );
    }
}

/// A list that calls `corp.test` a suffix and records the names it is asked about.
#[derive(Debug, Default)]
struct CorpList {
    asked: Arc<Mutex<Vec<String>>>,
}

impl PublicSuffixList for CorpList {
    fn is_public_suffix(&self, domain: &str) -> bool {
        self.asked.lock().unwrap().push(domain.to_owned());
        domain == "corp.test"
    }
}

#[test]
fn a_custom_public_suffix_list_replaces_the_embedded_one() {
    let list = CorpList::default();
    let asked = Arc::clone(&list.asked);
    let jar = Jar::builder().public_suffix_list(list).build();
    let report = store(
        &jar,
        "http://team.corp.test/",
        &["a=1; Domain=.CORP.TEST.", "b=1; Domain=team.corp.test"],
        at(0),
    );
    assert_eq!(report.rejected, [(0, RejectReason::PublicSuffix)]);
    assert_eq!(
        *asked.lock().unwrap(),
        ["corp.test", "team.corp.test"],
        "the list is asked about canonical names: lowercase, no leading or trailing dot"
    );
    // The embedded list is no longer consulted: `co.uk` is an ordinary domain now.
    let report = store(&jar, "http://x.co.uk/", &["c=1; Domain=co.uk"], at(0));
    assert_eq!(report.stored, 1);
    assert_eq!(
        header(&jar, "http://y.co.uk/", at(1)).as_deref(),
        Some("c=1")
    );
}

#[test]
fn the_public_suffix_check_can_be_switched_off() {
    let jar = Jar::builder().without_public_suffix_check().build();
    let report = store(&jar, "http://x.co.uk/", &["a=1; Domain=co.uk"], at(0));
    assert_eq!(report.stored, 1);
    assert_eq!(
        header(&jar, "http://y.co.uk/", at(1)).as_deref(),
        Some("a=1")
    );
    // Domain matching still applies.
    let report = store(&jar, "http://x.co.uk/", &["b=1; Domain=example.com"], at(0));
    assert_eq!(report.rejected, [(0, RejectReason::DomainMismatch)]);
}

#[test]
fn jar_02_domains_match_only_at_label_boundaries() {
    let jar = Jar::new();
    let report = store(
        &jar,
        "http://evil.test/",
        &[
            "a=1; Domain=bank.test",
            "b=1; Domain=www.evil.test",
            "c=1; Domain=vil.test",
            // A trailing dot names another host (`evil.test.`): no match (suite DOMAIN0014).
            "d=1; Domain=evil.test.",
            "e=1; Domain=evil.test..",
        ],
        at(0),
    );
    assert_eq!(report.rejected.len(), 5);
    assert!(
        report
            .rejected
            .iter()
            .all(|(_, r)| *r == RejectReason::DomainMismatch)
    );

    store(
        &jar,
        "http://ample.test/",
        &["host=1", "dom=1; Domain=ample.test"],
        at(0),
    );
    let report = store(
        &jar,
        "http://ample.test/",
        &["x=1; Domain=example.test"],
        at(0),
    );
    assert_eq!(report.rejected, [(0, RejectReason::DomainMismatch)]);

    for victim in [
        "http://bank.test/",
        "http://example.test/",
        "http://www.example.test/",
    ] {
        assert_eq!(header(&jar, victim, at(1)), None, "{victim}");
    }
    assert_eq!(
        header(&jar, "http://ample.test/", at(1)).as_deref(),
        Some("host=1; dom=1")
    );
    assert_eq!(
        header(&jar, "http://www.ample.test/", at(1)).as_deref(),
        Some("dom=1")
    );

    assert!(domain_match("www.ample.test", "ample.test"));
    assert!(!domain_match("example.test", "ample.test"));
    assert!(!domain_match("ample.test", "www.ample.test"));
}

#[test]
fn jar_03_ip_hosts_match_only_exactly() {
    let jar = Jar::new();
    let report = store(
        &jar,
        "http://127.0.0.1/",
        &[
            "a=1; Domain=0.0.1",
            "b=1; Domain=.0.0.1",
            "c=1; Domain=127.0.0.1",
            "d=1",
        ],
        at(0),
    );
    assert_eq!(report.stored, 2);
    assert_eq!(
        report.rejected.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        [0, 1],
        "a partial IP is never a domain"
    );
    let report = store(
        &jar,
        "http://192.168.0.1/",
        &["e=1; Domain=.168.0.1"],
        at(0),
    );
    assert_eq!(report.stored, 0);

    assert_eq!(
        header(&jar, "http://127.0.0.1/", at(1)).as_deref(),
        Some("c=1; d=1")
    );
    for other in [
        "http://localhost/",
        "http://10.0.0.1/",
        "http://1.127.0.0.1.example/",
    ] {
        assert_eq!(header(&jar, other, at(1)), None, "{other}");
    }

    store(&jar, "http://[::1]:8080/", &["v6=1"], at(0));
    assert_eq!(
        header(&jar, "http://[::1]/", at(1)).as_deref(),
        Some("v6=1")
    );
    assert_eq!(header(&jar, "http://[::2]/", at(1)), None);
    assert!(!domain_match("127.0.0.1", "0.0.1"));
}

#[test]
fn host_only_and_domain_cookies_reach_different_hosts() {
    let jar = Jar::new();
    store(
        &jar,
        "http://www.example.test/",
        &["host=1", "dom=1; Domain=.Example.TEST"],
        at(0),
    );
    let host = jar.get("www.example.test", "/", "host").unwrap();
    let dom = jar.get("example.test", "/", "dom").unwrap();
    assert!(host.host_only() && !dom.host_only());
    assert_eq!(
        (host.domain(), dom.domain()),
        ("www.example.test", "example.test")
    );

    assert_eq!(
        names(&jar, "http://www.example.test/", at(1)),
        ["host", "dom"]
    );
    assert_eq!(
        names(&jar, "http://WWW.Example.Test./", at(1)),
        ["host", "dom"]
    );
    for elsewhere in [
        "http://example.test/",
        "http://api.example.test/",
        "http://a.www.example.test/",
    ] {
        assert_eq!(names(&jar, elsewhere, at(1)), ["dom"], "{elsewhere}");
    }
    assert!(names(&jar, "http://example.org/", at(1)).is_empty());

    // Name, domain and path identify a cookie (§5.3 step 11); the host-only flag does not:
    // a Domain cookie for the host replaces its host-only namesake.
    store(&jar, "http://example.test/", &["n=1"], at(2));
    store(
        &jar,
        "http://example.test/",
        &["n=2; Domain=example.test"],
        at(3),
    );
    let n = jar.get("example.test", "/", "n").unwrap();
    assert_eq!((n.value(), n.host_only()), ("2", false));
    assert_eq!(
        header(&jar, "http://api.example.test/", at(4)).as_deref(),
        Some("dom=1; n=2")
    );
}
