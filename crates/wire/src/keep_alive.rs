//! The `Keep-Alive` response header: how long and how often the server will keep a connection.
//!
//! Not in RFC 9112 (it is from RFC 2068 §19.7.1 and widely sent by Apache and nginx), but it is
//! the only way a pool can learn that a server closes idle connections after five seconds
//! instead of finding out by a failed request.

use std::time::Duration;

use crate::ResponseHead;
use crate::body::length::{list_elements, parse_decimal, trim_ows};

/// The parameters of a `Keep-Alive: timeout=5, max=100` header.
///
/// ```
/// use std::time::Duration;
/// use tarry_wire::{parse_response_head, KeepAlive, Limits};
///
/// let raw = b"HTTP/1.1 204 No Content\r\nKeep-Alive: timeout=5, max=99\r\n\r\n";
/// let (_, head) = parse_response_head(raw, &Limits::default()).unwrap().unwrap();
/// let hint = KeepAlive::from_head(&head).unwrap();
/// assert_eq!(hint.timeout, Some(Duration::from_secs(5)));
/// assert_eq!(hint.max, Some(99));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeepAlive {
    /// How long the server keeps an idle connection open.
    pub timeout: Option<Duration>,
    /// How many more requests the server will accept on this connection.
    pub max: Option<u64>,
}

impl KeepAlive {
    /// Reads the `Keep-Alive` fields of a head; `None` when there is none or it names neither
    /// parameter. Unknown parameters and unparsable values are ignored one by one: a hint that
    /// cannot be read is no hint, not an error.
    pub fn from_head(head: &ResponseHead) -> Option<KeepAlive> {
        let mut hint = KeepAlive::default();
        for value in head.get_all("keep-alive") {
            hint.add(value);
        }
        hint.or_none()
    }

    /// Takes in the parameters of one `Keep-Alive` field value; a later one overrides.
    pub(crate) fn add(&mut self, value: &[u8]) {
        for param in list_elements(value) {
            let mut parts = param.splitn(2, |&b| b == b'=');
            let name = trim_ows(parts.next().unwrap_or_default());
            let value = parts.next().map(trim_ows).map(unquote);
            let number = value.and_then(parse_decimal);
            if name.eq_ignore_ascii_case(b"timeout") {
                self.timeout = number.map(Duration::from_secs).or(self.timeout);
            } else if name.eq_ignore_ascii_case(b"max") {
                self.max = number.or(self.max);
            }
        }
    }

    /// `None` for a hint that names neither parameter.
    pub(crate) fn or_none(self) -> Option<KeepAlive> {
        (self != KeepAlive::default()).then_some(self)
    }
}

fn unquote(v: &[u8]) -> &[u8] {
    match v {
        [b'"', inner @ .., b'"'] => inner,
        other => other,
    }
}
