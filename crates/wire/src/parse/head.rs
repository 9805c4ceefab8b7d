//! The owned response head: the bytes as received and the offsets of each part in them.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Version};

use super::fields::{FieldIndex, Span};
use crate::ascii::eq_ignore_case;

/// A parsed response head: status line and header fields, in wire order, repeats kept.
///
/// Field names are matched case-insensitively. Values are raw bytes: obs-text (0x80–0xFF) is
/// allowed by RFC 9110 and kept as is.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// The head's bytes, followed by the field offset table that `fields` describes.
    pub(super) raw: Bytes,
    pub(super) version: Version,
    pub(super) status: StatusCode,
    pub(super) reason: Span,
    pub(super) fields: FieldIndex,
}

impl ResponseHead {
    /// The protocol version of the status line.
    #[inline]
    pub fn version(&self) -> Version {
        self.version
    }

    /// The status code.
    #[inline]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason phrase as sent (may be empty; may hold obs-text).
    #[inline]
    pub fn reason(&self) -> &[u8] {
        &self.raw[self.reason.range()]
    }

    /// The head exactly as received, up to and including the blank line.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw[..self.fields.head_len()]
    }

    /// The number of header fields.
    #[inline]
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the head has no header fields.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.fields.len() == 0
    }

    /// Every field in wire order as `(name, value)`, names as sent (not lowercased).
    pub fn fields(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.fields
            .iter(&self.raw)
            .map(|f| (self.name_str(f.name), &self.raw[f.value.range()]))
    }

    /// Every field as raw `(name, value)` bytes, without the UTF-8 check names get in
    /// [`fields`](Self::fields): what the framing and reuse decisions read.
    pub(crate) fn raw_fields(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.fields
            .iter(&self.raw)
            .map(|f| (&self.raw[f.name.range()], &self.raw[f.value.range()]))
    }

    /// The value of the first field called `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter(&self.raw)
            .find(|f| eq_ignore_case(&self.raw[f.name.range()], name.as_bytes()))
            .map(|f| &self.raw[f.value.range()])
    }

    /// Every value of the fields called `name` (ASCII case-insensitive), in wire order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter(&self.raw)
            .filter(move |f| eq_ignore_case(&self.raw[f.name.range()], name.as_bytes()))
            .map(|f| &self.raw[f.value.range()])
    }

    /// The fields as an [`http::HeaderMap`]. Values share this head's buffer; custom names
    /// are copied.
    pub fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(self.fields.len());
        for f in self.fields.iter(&self.raw) {
            // httparse accepted the name as a token and the value as field-content; both
            // conversions accept every such input, so a failure here is unreachable. Skipping
            // rather than panicking keeps that an invariant, not a crash.
            let name = HeaderName::from_bytes(&self.raw[f.name.range()]);
            let value = HeaderValue::from_maybe_shared(self.raw.slice(f.value.range()));
            if let (Ok(name), Ok(value)) = (name, value) {
                map.append(name, value);
            }
        }
        map
    }

    /// The head as an [`http::Response`] with an empty body.
    pub fn to_response(&self) -> http::Response<()> {
        let mut res = http::Response::new(());
        *res.status_mut() = self.status;
        *res.version_mut() = self.version;
        *res.headers_mut() = self.header_map();
        res
    }

    fn name_str(&self, span: Span) -> &str {
        // Names are token characters, a subset of ASCII, as checked by httparse.
        std::str::from_utf8(&self.raw[span.range()]).unwrap_or("")
    }
}

impl std::fmt::Debug for ResponseHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("ResponseHead");
        d.field("version", &self.version)
            .field("status", &self.status);
        let fields: Vec<_> = self
            .fields()
            .map(|(n, v)| (n, String::from_utf8_lossy(v)))
            .collect();
        d.field("fields", &fields).finish()
    }
}
