//! The 6265bis cookie name prefixes, `__Secure-` and `__Host-`: one rule for every way a cookie
//! enters the jar (a `Set-Cookie` line, a [`NewCookie`](crate::NewCookie), a saved file).

/// Whether a cookie named `name` with these attributes meets its prefix's rules; true for a
/// name without a prefix.
///
/// `root_path` says whether the cookie's path is `/` in the caller's sense: for a `Set-Cookie`
/// line an explicit `Path=/` (6265bis asks for the attribute, not a default-path that happens
/// to be `/`), elsewhere the stored path.
///
/// The prefixes are matched in any letter case: `__SECURE-x` is held to the rules too, the
/// strict reading, so that a case variant cannot dodge them.
pub(crate) fn prefix_rules_met(name: &str, secure: bool, host_only: bool, root_path: bool) -> bool {
    if has_prefix(name, "__Host-") {
        secure && host_only && root_path
    } else if has_prefix(name, "__Secure-") {
        secure
    } else {
        true
    }
}

fn has_prefix(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_in_any_case() {
        assert!(prefix_rules_met("plain", false, false, false));
        assert!(!prefix_rules_met("__Secure-a", false, true, true));
        assert!(!prefix_rules_met("__SECURE-a", false, true, true));
        assert!(prefix_rules_met("__secure-a", true, false, false));
        assert!(prefix_rules_met("__Host-a", true, true, true));
        assert!(!prefix_rules_met("__host-a", true, false, true));
        assert!(!prefix_rules_met("__Host-a", true, true, false));
        assert!(!prefix_rules_met("__HOST-a", false, true, true));
        assert!(prefix_rules_met("__Hos", false, false, false));
        assert!(prefix_rules_met("x__Host-", false, false, false));
    }
}
