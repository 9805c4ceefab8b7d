//! `location`: where a redirect's `Location` values lead from an arbitrary current URL, by
//! the function the session's hop loop calls (`tarry_session::resolve_location`).

use tarry_session::{Error, resolve_location};
use url::Url;

/// The input: a control byte (bit 0: https-only), then lines split at `\n`: the current URL
/// first, then one `Location` value per line (none when there is no second line).
///
/// A current URL that is not http(s) with a host is skipped: the session never sends one (its
/// own URL parser refuses them). One with user and password is kept, although the session
/// takes them out before the first hop, to check that none leak into a target anyway.
///
/// What must hold, besides not panicking:
/// - no value: `Ok(None)`; two different values: an error; a value repeated is that value;
/// - an error is [`Error::Redirect`] naming the current URL, and displays;
/// - a target is http or https with a host, has no user or password, keeps https when
///   https-only asked for it, and carries a fragment whenever the current URL had one;
/// - a target is a fixed point: its own text as the `Location` leads back to it.
pub fn location(data: &[u8]) {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let https_only = control & 1 == 1;
    let mut lines = rest.split(|&b| b == b'\n');
    let current = String::from_utf8_lossy(lines.next().unwrap_or_default());
    let Ok(current) = Url::parse(&current) else {
        return;
    };
    if !matches!(current.scheme(), "http" | "https") || current.host_str().is_none_or(str::is_empty)
    {
        return;
    }
    let values: Vec<&[u8]> = lines.collect();

    let result = resolve_location(&current, values.iter().copied(), https_only);
    let distinct = values.iter().any(|v| *v != values[0]);
    if values.is_empty() {
        assert!(matches!(result, Ok(None)), "{current} -> {result:?}");
        return;
    }
    if distinct {
        assert!(result.is_err(), "{current} {values:?} -> {result:?}");
    } else {
        let once = resolve_location(&current, [values[0]], https_only);
        assert_eq!(
            format!("{once:?}"),
            format!("{result:?}"),
            "{current} {values:?}"
        );
    }
    let target = match result {
        Ok(Some(target)) => target,
        Ok(None) => panic!("{current} {values:?}: a Location that leads nowhere"),
        Err(Error::Redirect { url, reason }) => {
            assert_eq!(url, current, "{reason}");
            assert!(!reason.to_string().is_empty());
            let _ = Error::Redirect { url, reason }.to_string();
            return;
        }
        Err(other) => panic!("{current} {values:?}: not a redirect error: {other:?}"),
    };
    assert!(
        matches!(target.scheme(), "http" | "https"),
        "{current} {values:?} -> {target}"
    );
    assert!(
        target.host_str().is_some_and(|h| !h.is_empty()),
        "{current} {values:?} -> {target}"
    );
    assert_eq!(target.username(), "", "{current} {values:?} -> {target}");
    assert_eq!(target.password(), None, "{current} {values:?} -> {target}");
    if https_only && current.scheme() == "https" {
        assert_eq!(target.scheme(), "https", "{current} {values:?}");
    }
    if current.fragment().is_some() {
        assert!(
            target.fragment().is_some(),
            "{current} {values:?} -> {target}"
        );
    }
    let again = resolve_location(&current, [target.as_str().as_bytes()], https_only);
    assert!(
        matches!(&again, Ok(Some(u)) if *u == target),
        "{current} {values:?} -> {target} -> {again:?}"
    );
}
