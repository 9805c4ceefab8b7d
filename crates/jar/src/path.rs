//! RFC 6265 §5.1.4: default-path and path matching.

/// The default-path of a request path: everything up to, not including, the last `/`; `/`
/// when that would be empty or the path does not start with `/`.
///
/// > 2. If the uri-path is empty or if the first character of the uri-path is not a "/"
/// >    character, output "/" and skip the remaining steps.
/// > 3. If the uri-path contains no more than one "/" character, output "/" and skip the
/// >    remaining step.
/// > 4. Output the characters of the uri-path from the first character up to, but not
/// >    including, the right-most "/".
pub(crate) fn default_path(uri_path: &str) -> &str {
    if !uri_path.starts_with('/') {
        return "/";
    }
    match uri_path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &uri_path[..i],
    }
}

/// Does `request_path` path-match `cookie_path`? Case-sensitive, and only at a `/` boundary:
/// `/foo` matches `/foo`, `/foo/` and `/foo/bar`, never `/foobar`.
pub fn path_match(request_path: &str, cookie_path: &str) -> bool {
    if request_path == cookie_path {
        return true;
    }
    request_path.starts_with(cookie_path)
        && (cookie_path.ends_with('/') || request_path.as_bytes()[cookie_path.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_paths() {
        for (uri, want) in [
            ("", "/"),
            ("x", "/"),
            ("/", "/"),
            ("/a", "/"),
            ("/a/", "/a"),
            ("/a/b/set", "/a/b"),
        ] {
            assert_eq!(default_path(uri), want, "{uri}");
        }
    }

    #[test]
    fn path_matching() {
        assert!(path_match("/foo", "/foo"));
        assert!(path_match("/foo/bar", "/foo"));
        assert!(path_match("/foo/bar", "/foo/"));
        assert!(path_match("/anything", "/"));
        assert!(!path_match("/foobar", "/foo"));
        assert!(!path_match("/FOO", "/foo"));
        assert!(!path_match("/", "/foo"));
    }
}
