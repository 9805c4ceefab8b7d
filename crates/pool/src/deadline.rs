//! How long an idle connection may wait for its next request.
//!
//! A server closes idle connections on its own schedule (nginx 75 s, Apache 5 s, many load
//! balancers 60 s). A client that keeps one longer sends its next request into a socket the
//! server is closing, the race behind hyper#2136 and reqwest#2021. The server's
//! `Keep-Alive: timeout=N` says when; no Rust peer reads it. We do, and leave a margin for the
//! time the next request takes to arrive.

use std::time::{Duration, Instant};

use tarry_wire::KeepAlive;

/// The longest any timeout or lifetime is taken to be: far beyond any real wait, and short
/// enough that `Instant::now() + d` cannot overflow (which would panic).
const LONGEST: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// `d`, or a hundred years if it is longer: `Duration::MAX` means "no limit", never a panic.
pub(crate) fn capped(d: Duration) -> Duration {
    d.min(LONGEST)
}

/// The instant after which a connection that went idle at `now` must not be reused, or `None`
/// when it should not be kept at all.
///
/// The deadline is `now` plus the shorter of `configured` and the server's `Keep-Alive: timeout`
/// minus a margin: `margin`, or half the server's timeout when that is less, so that a short
/// hint (`timeout=1`, common on busy servers) still leaves half its time for reuse rather than
/// none. `Keep-Alive: timeout=0` or `max=0` (no requests left on this connection) means the
/// connection is not worth keeping. With the defaults (30 s, a 1 s margin), a server that
/// says `timeout=5` has its connection reused for 4 s.
pub(crate) fn idle_deadline(
    now: Instant,
    configured: Duration,
    hint: Option<KeepAlive>,
    margin: Duration,
) -> Option<Instant> {
    let hint = hint.unwrap_or_default();
    if hint.max == Some(0) {
        return None;
    }
    let allowed = match hint.timeout {
        Some(server) => configured.min(server - margin.min(server / 2)),
        None => configured,
    };
    if allowed.is_zero() {
        return None;
    }
    now.checked_add(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    fn hint(timeout: Option<u64>, max: Option<u64>) -> Option<KeepAlive> {
        Some(KeepAlive {
            timeout: timeout.map(Duration::from_secs),
            max,
        })
    }

    #[test]
    fn the_shorter_of_ours_and_the_servers_less_the_margin() {
        let now = Instant::now();
        assert_eq!(idle_deadline(now, S(30), None, S(1)), Some(now + S(30)));
        assert_eq!(
            idle_deadline(now, S(30), hint(Some(75), None), S(1)),
            Some(now + S(30))
        );
        assert_eq!(
            idle_deadline(now, S(30), hint(Some(5), Some(3)), S(1)),
            Some(now + S(4))
        );
    }

    #[test]
    fn a_hint_shorter_than_twice_the_margin_keeps_half_its_time() {
        let now = Instant::now();
        let half = Duration::from_millis(500);
        assert_eq!(
            idle_deadline(now, S(30), hint(Some(1), None), S(1)),
            Some(now + half)
        );
        assert_eq!(
            idle_deadline(now, S(30), hint(Some(2), None), S(1)),
            Some(now + S(1))
        );
        assert_eq!(
            idle_deadline(now, S(30), hint(Some(1), None), Duration::from_millis(250)),
            Some(now + Duration::from_millis(750))
        );
    }

    #[test]
    fn hints_that_leave_no_time_or_no_requests_mean_do_not_keep() {
        let now = Instant::now();
        assert_eq!(idle_deadline(now, S(30), hint(Some(0), None), S(1)), None);
        assert_eq!(idle_deadline(now, S(30), hint(None, Some(0)), S(1)), None);
        assert_eq!(idle_deadline(now, S(0), None, S(1)), None);
    }
}
