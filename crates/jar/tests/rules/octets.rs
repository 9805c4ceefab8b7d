//! What a line may contain: control bytes (JAR-06) and sizes (JAR-07).

use tarry_jar::{Jar, Limits, RejectReason};

use super::{at, header, store};

#[test]
fn jar_06_control_bytes_drop_the_cookie_whole() {
    let controls = (0x00u8..=0x1f).filter(|&b| b != b'\t').chain([0x7f]);
    for b in controls {
        let c = char::from(b);
        for line in [
            format!("n{c}=v"),
            format!("n=v{c}x"),
            format!("n=v; Path=/{c}"),
            format!("n=v; Domain=a{c}.test"),
            format!("n=v; Secure{c}"),
        ] {
            let jar = Jar::new();
            let report = store(&jar, "https://a.test/", &[line.as_str()], at(0));
            assert_eq!(
                report.rejected,
                [(0, RejectReason::ControlCharacter)],
                "{line:?}"
            );
            assert!(
                jar.is_empty(),
                "{line:?}: not even a truncated cookie is kept"
            );
        }
    }

    let jar = Jar::new();
    let bad: [&[u8]; 6] = [
        b"a=b\x01c",
        b"d=e\x7f",
        b"nul=\x00",
        b"crlf=v\r\nInjected: 1",
        b"=empty-name",
        b"utf8=\xff\xfe",
    ];
    let report = jar.store_response(
        &super::url("http://a.test/"),
        bad.iter().copied().chain([&b"ok=1"[..]]),
        at(0),
    );
    assert_eq!(
        report.rejected,
        [
            (0, RejectReason::ControlCharacter),
            (1, RejectReason::ControlCharacter),
            (2, RejectReason::ControlCharacter),
            (3, RejectReason::ControlCharacter),
            (4, RejectReason::EmptyName),
            (5, RejectReason::NotUtf8),
        ]
    );
    assert_eq!(
        header(&jar, "http://a.test/", at(1)).as_deref(),
        Some("ok=1")
    );

    // HTAB is not a control byte here; it is whitespace, trimmed like SP around names, values
    // and attributes (§5.2), and kept inside them.
    store(
        &jar,
        "http://a.test/",
        &["\t tab \t=\t a\tb \t; \tPath\t=\t/x\t"],
        at(0),
    );
    let c = jar
        .get("a.test", "/x", "tab")
        .expect("trimmed name, trimmed Path");
    assert_eq!(c.value(), "a\tb");
}

#[test]
fn jar_07_oversized_cookies_and_attributes_are_ignored() {
    let jar = Jar::new();
    let fits = format!("n={}", "v".repeat(4095)); // name + value = 4096
    let too_big = format!("m={}", "v".repeat(4096)); // 4097
    let long_name = format!("{}=", "k".repeat(4096)); // the name counts too
    let report = store(
        &jar,
        "http://a.test/",
        &[&fits, &too_big, &long_name],
        at(0),
    );
    assert_eq!(report.stored, 2);
    assert_eq!(report.rejected, [(1, RejectReason::TooLarge)]);
    assert_eq!(jar.get("a.test", "/", "n").unwrap().value().len(), 4095);

    // An attribute value over 1024 bytes is ignored, and only that attribute.
    let path_1024 = format!("/{}", "p".repeat(1023));
    let path_1025 = format!("/{}", "p".repeat(1024));
    let lines = [
        format!("exact=1; Path={path_1024}"),
        format!("long=1; Path={path_1025}; Secure"),
        format!("dom=1; Domain=a.test{}", ".".repeat(1020)), // refused if read (trailing dots)
        format!("age=1; Max-Age={}", "0".repeat(1025)),      // would delete if read
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let report = store(&jar, "https://a.test/dir/page", &lines, at(0));
    assert_eq!(report.stored, 4, "{:?}", report.rejected);
    assert!(jar.get("a.test", &path_1024, "exact").is_some());
    let long = jar
        .get("a.test", "/dir", "long")
        .expect("default-path, not the long Path");
    assert!(
        long.secure(),
        "the attributes after the long one still count"
    );
    assert!(jar.get("a.test", "/dir", "dom").unwrap().host_only());
    assert!(!jar.get("a.test", "/dir", "age").unwrap().is_persistent());

    // Both limits are settings.
    let limits = Limits::default()
        .max_name_value_bytes(10)
        .max_attribute_value_bytes(4);
    let jar = Jar::builder().limits(limits).build();
    let report = store(
        &jar,
        "http://a.test/d/e",
        &[
            "abcde=12345",
            "abcde=123456",
            "p=1; Path=/abc",
            "q=1; Path=/abcd",
        ],
        at(0),
    );
    assert_eq!(report.rejected, [(1, RejectReason::TooLarge)]);
    assert!(jar.get("a.test", "/abc", "p").is_some());
    assert!(
        jar.get("a.test", "/d", "q").is_some(),
        "a 5-byte Path is over the limit of 4"
    );
}
