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

/// A short list of the public suffixes most cookies meet, for builds without the
/// `public-suffix` feature (and the `psl` crate's megabyte of rules).
///
/// It refuses every single-label domain (`com`, `org`, `localhost`, any top-level domain),
/// the second-level registries of the largest country codes (`co.uk`, `com.au`, `co.jp`, …)
/// and the shared hosting platforms whose customers get a subdomain each (`github.io`,
/// `herokuapp.com`, `vercel.app`, …). What it loses against the full list: the thousands of
/// other registries and platforms, so on, say, `gov.pl` or `myshopify.com` a site could set a
/// cookie that its neighbours under the same suffix would receive. Give the jar a complete
/// list ([`JarBuilder::public_suffix_list`](crate::JarBuilder::public_suffix_list)) or turn
/// the feature on where that matters.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommonSuffixes;

/// Multi-label suffixes under which strangers register names, sorted for a binary search.
/// Chosen by hand: the registries of the largest country-code domains and the platforms that
/// hand each customer a subdomain.
const COMMON_MULTI_LABEL: &[&str] = &[
    "ac.jp",
    "ac.uk",
    "appspot.com",
    "azurewebsites.net",
    "blogspot.com",
    "cloudfront.net",
    "co.id",
    "co.il",
    "co.in",
    "co.jp",
    "co.kr",
    "co.nz",
    "co.th",
    "co.uk",
    "co.za",
    "com.ar",
    "com.au",
    "com.br",
    "com.cn",
    "com.co",
    "com.eg",
    "com.hk",
    "com.mx",
    "com.my",
    "com.ng",
    "com.pe",
    "com.ph",
    "com.pk",
    "com.sa",
    "com.sg",
    "com.tr",
    "com.tw",
    "com.ua",
    "com.vn",
    "edu.au",
    "firebaseapp.com",
    "github.io",
    "gitlab.io",
    "gov.uk",
    "herokuapp.com",
    "ltd.uk",
    "ne.jp",
    "net.au",
    "net.br",
    "net.cn",
    "netlify.app",
    "or.jp",
    "org.au",
    "org.br",
    "org.cn",
    "org.uk",
    "pages.dev",
    "plc.uk",
    "s3.amazonaws.com",
    "vercel.app",
    "web.app",
    "workers.dev",
];

impl PublicSuffixList for CommonSuffixes {
    fn is_public_suffix(&self, domain: &str) -> bool {
        !domain.contains('.') || COMMON_MULTI_LABEL.binary_search(&domain).is_ok()
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
            SuffixPolicy::List(Arc::new(CommonSuffixes))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_list_is_sorted_lowercase_and_multi_label() {
        assert!(COMMON_MULTI_LABEL.windows(2).all(|w| w[0] < w[1]));
        for s in COMMON_MULTI_LABEL {
            assert_eq!(*s, s.to_ascii_lowercase());
            assert!(s.contains('.') && !s.starts_with('.') && !s.ends_with('.'));
        }
    }

    #[test]
    fn the_common_list_refuses_top_levels_and_registries_but_not_sites() {
        let list = CommonSuffixes;
        for public in [
            "com",
            "localhost",
            "uk",
            "co.uk",
            "github.io",
            "s3.amazonaws.com",
        ] {
            assert!(list.is_public_suffix(public), "{public}");
        }
        for site in [
            "example.com",
            "bbc.co.uk",
            "user.github.io",
            "amazonaws.com",
            "k.co",
        ] {
            assert!(!list.is_public_suffix(site), "{site}");
        }
    }

    /// Every suffix of the short list is public in the full one too: the short list never
    /// refuses what the complete list would allow.
    #[cfg(feature = "public-suffix")]
    #[test]
    fn the_common_list_is_a_subset_of_the_embedded_one() {
        for s in COMMON_MULTI_LABEL {
            assert!(EmbeddedList.is_public_suffix(s), "{s}");
        }
    }
}
