//! Public suffixes: domains under which anyone may register (`com`, `co.uk`, `github.io`).
//! A cookie scoped to one would be sent to every site beneath it.

use std::fmt;
use std::sync::Arc;

/// Decides whether a domain is a public suffix. Implement it to bring your own list.
pub trait PublicSuffixList: Send + Sync {
    /// Whether `domain` (canonical: lowercase ASCII, no trailing dot) is a public suffix.
    fn is_public_suffix(&self, domain: &str) -> bool;
}

/// The list embedded in the `psl` crate (ICANN and private sections), refreshed with each of
/// its releases.
#[cfg(feature = "public-suffix")]
#[derive(Debug, Clone, Copy, Default)]
pub struct EmbeddedList;

#[cfg(feature = "public-suffix")]
impl PublicSuffixList for EmbeddedList {
    fn is_public_suffix(&self, domain: &str) -> bool {
        psl::suffix_str(domain) == Some(domain)
    }
}

/// Without the embedded list, the least a jar must refuse: single-label domains (`com`, `org`,
/// `localhost`), which no two unrelated sites can share below.
#[cfg(not(feature = "public-suffix"))]
#[derive(Debug, Clone, Copy, Default)]
struct TopLevelOnly;

#[cfg(not(feature = "public-suffix"))]
impl PublicSuffixList for TopLevelOnly {
    fn is_public_suffix(&self, domain: &str) -> bool {
        !domain.contains('.')
    }
}

/// The public-suffix policy of a jar.
#[derive(Clone)]
pub(crate) enum SuffixPolicy {
    Off,
    List(Arc<dyn PublicSuffixList>),
}

impl SuffixPolicy {
    pub(crate) fn default_policy() -> Self {
        #[cfg(feature = "public-suffix")]
        {
            SuffixPolicy::List(Arc::new(EmbeddedList))
        }
        #[cfg(not(feature = "public-suffix"))]
        {
            SuffixPolicy::List(Arc::new(TopLevelOnly))
        }
    }

    pub(crate) fn is_public_suffix(&self, domain: &str) -> bool {
        match self {
            SuffixPolicy::Off => false,
            SuffixPolicy::List(list) => list.is_public_suffix(domain),
        }
    }
}

impl fmt::Debug for SuffixPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SuffixPolicy::Off => "Off",
            SuffixPolicy::List(_) => "List",
        })
    }
}
