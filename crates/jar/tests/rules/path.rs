//! Paths (JAR-10): default-path, path matching at `/` boundaries, case, repeated attributes.

use tarry_jar::{Jar, path_match};

use super::{at, names, store};

#[test]
fn jar_10_paths() {
    let jar = Jar::new();
    // The query string is not part of the path the default is taken from.
    store(
        &jar,
        "http://a.test/a/b/set?next=/x/y/z",
        &[
            "p=1",                       // default-path /a/b
            "q=1; Path=/foo",            //
            "r=1; Path=foo",             // no leading slash: default-path
            "s=1; Path=/one; Path=/two", // the last attribute wins
            "t=1; Path=/two; Path=bad",  // ... even when it is unusable: default-path
            "u=1; Path=",                // empty: default-path
            "v=1; Path=/dir/",           // a trailing slash is part of the path
        ],
        at(0),
    );
    let paths: Vec<_> = ["p", "q", "r", "s", "t", "u", "v"]
        .iter()
        .map(|n| {
            let c = jar.cookies().into_iter().find(|c| c.name() == *n).unwrap();
            c.path().to_owned()
        })
        .collect();
    assert_eq!(
        paths,
        ["/a/b", "/foo", "/a/b", "/two", "/a/b", "/a/b", "/dir/"]
    );

    let cases: [(&str, &[&str]); 12] = [
        ("/a/b", &["p", "r", "t", "u"]),
        ("/a/b/", &["p", "r", "t", "u"]),
        ("/a/b/x", &["p", "r", "t", "u"]),
        ("/a/x", &[]),
        ("/a/bc", &[]),
        ("/A/B/x", &[]),
        ("/foo", &["q"]),
        ("/foo/bar", &["q"]),
        ("/foobar", &[]),
        ("/FOO", &[]),
        ("/dir/x", &["v"]),
        ("/dir", &[]),
    ];
    for (path, want) in cases {
        let got = names(&jar, &format!("http://a.test{path}"), at(1));
        assert_eq!(got, want, "{path}");
    }
    assert_eq!(names(&jar, "http://a.test/two/x?y", at(1)), ["s"]);

    assert!(path_match("/foo/bar", "/foo") && path_match("/foo/bar", "/foo/"));
    assert!(!path_match("/foobar", "/foo") && !path_match("/FOO", "/foo"));
}
