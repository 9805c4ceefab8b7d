//! Events for `tracing` subscribers, behind the `tracing` feature.
//!
//! The macros take `tracing`'s own syntax. Without the feature they expand to nothing, so
//! their arguments are not even evaluated: anything computed only for an event belongs inside
//! the macro call. No event carries a credential: origins are scheme, host and port, and a
//! proxy is named by its host and port only.

/// A fact per request or per connection, at `debug`.
macro_rules! debug {
    ($($event:tt)*) => {{
        #[cfg(feature = "tracing")]
        {
            tracing::debug!($($event)*);
        }
    }};
}

pub(crate) use debug;

/// How an event names a key: [`PoolKey::label`](crate::key::PoolKey::label), made only when
/// an event is written.
#[cfg(feature = "tracing")]
pub(crate) struct Origin<'a>(pub(crate) &'a crate::key::PoolKey);

#[cfg(feature = "tracing")]
impl std::fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.label())
    }
}

/// A duration in whole microseconds, for an event's field.
#[cfg(feature = "tracing")]
pub(crate) fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A duration in whole milliseconds, for an event's field.
#[cfg(feature = "tracing")]
pub(crate) fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
