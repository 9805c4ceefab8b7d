//! The one pass over a request's fields that checks them and reads what the head needs.
//!
//! Shared by [`RequestHeadPlan::new`](crate::encode::RequestHeadPlan::new) and
//! [`CheckedHeaders::new`](crate::CheckedHeaders::new): a map checked ahead of time leaves a
//! [`FieldsSummary`] that the plan resumes from with the extra fields, so both ways must run
//! the very same rules, in the same order, or a checked map could let through what the plain
//! path refuses.

use http::header::{CONNECTION, CONTENT_LENGTH, EXPECT, HOST, TRANSFER_ENCODING, UPGRADE};
use http::{HeaderName, HeaderValue};

use crate::Error;
use crate::body::length::list_elements;
use crate::encode::{RequestFacts, value_is_clean};

/// What fields already scanned and found clean leave for the ones after them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FieldsSummary {
    /// A Host field was seen: the head's Host comes from the fields, not the URI.
    pub(crate) own_host: bool,
    /// Bytes of the fields other than Host, as written (`name: value` and CRLF).
    pub(crate) len: usize,
    /// An Expect field was seen, so that a later one no longer counts.
    pub(crate) seen_expect: bool,
    pub(crate) facts: RequestFacts,
}

/// A scan in progress; errors are kept until [`finish`](Self::finish), whose precedence is that
/// of checking each rule over all fields in turn.
pub(crate) struct FieldScan<'a> {
    summary: FieldsSummary,
    framing_header: bool,
    invalid: Option<&'a HeaderName>,
}

impl<'a> FieldScan<'a> {
    /// Continues after fields that `summary` describes, which were all clean.
    pub(crate) fn resume(summary: FieldsSummary) -> Self {
        FieldScan {
            summary,
            framing_header: false,
            invalid: None,
        }
    }

    pub(crate) fn add(&mut self, name: &'a HeaderName, value: &'a HeaderValue) {
        let bytes = value.as_bytes();
        if self.invalid.is_none() && !value_is_clean(bytes) {
            self.invalid = Some(name);
        }
        let summary = &mut self.summary;
        if name == HOST {
            summary.own_host = true;
            return;
        }
        summary.len += name.as_str().len() + 2 + bytes.len() + 2;
        let facts = &mut summary.facts;
        if name == CONTENT_LENGTH || name == TRANSFER_ENCODING {
            self.framing_header = true;
        } else if name == EXPECT {
            // Only the first Expect field counts, as `HeaderMap::get` would find it.
            if !summary.seen_expect {
                summary.seen_expect = true;
                facts.expects_continue = bytes.eq_ignore_ascii_case(b"100-continue");
            }
        } else if name == UPGRADE {
            facts.upgrade = true;
        } else if name == CONNECTION {
            for token in list_elements(bytes) {
                facts.connection_close |= token.eq_ignore_ascii_case(b"close");
                facts.connection_keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        }
    }

    pub(crate) fn finish(self) -> Result<FieldsSummary, Error> {
        if self.framing_header {
            return Err(Error::FramingHeaderInRequest);
        }
        if let Some(name) = self.invalid {
            return Err(Error::InvalidRequestHeader {
                name: name.as_str().to_owned(),
            });
        }
        Ok(self.summary)
    }
}
