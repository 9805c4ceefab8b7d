//! HTTP Digest authentication (RFC 7616, and RFC 2617's MD5): the challenge parsed, the
//! response computed, and the state that lets later requests answer before being asked.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use http::HeaderValue;
use md5::Md5;
use sha2::{Digest as _, Sha256};

/// The hash a challenge names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    fn parse(name: &str) -> Option<Algorithm> {
        Some(match name.to_ascii_uppercase().as_str() {
            "MD5" => Algorithm::Md5,
            "MD5-SESS" => Algorithm::Md5Sess,
            "SHA-256" => Algorithm::Sha256,
            "SHA-256-SESS" => Algorithm::Sha256Sess,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    fn hash(self, data: &[u8]) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => hex(&Md5::digest(data)),
            Algorithm::Sha256 | Algorithm::Sha256Sess => hex(&Sha256::digest(data)),
        }
    }

    fn session(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// Preference among challenges: the stronger hash first.
    fn strength(self) -> u8 {
        match self {
            Algorithm::Sha256 | Algorithm::Sha256Sess => 2,
            Algorithm::Md5 | Algorithm::Md5Sess => 1,
        }
    }
}

/// The protection a challenge offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Qop {
    /// Neither `auth` nor `auth-int` offered (RFC 2069's form).
    None,
    Auth,
    AuthInt,
}

/// One `Digest` challenge of a `WWW-Authenticate` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub(crate) realm: String,
    pub(crate) nonce: String,
    pub(crate) opaque: Option<String>,
    pub(crate) algorithm: Algorithm,
    pub(crate) qop: Qop,
    pub(crate) stale: bool,
    pub(crate) userhash: bool,
}

impl Challenge {
    /// The best `Digest` challenge among the `WWW-Authenticate` values: the strongest hash
    /// offered; `None` when none is a Digest challenge this client can answer.
    pub(crate) fn best<'a>(values: impl Iterator<Item = &'a [u8]>) -> Option<Challenge> {
        values
            .filter_map(|v| std::str::from_utf8(v).ok())
            .flat_map(split_challenges)
            .filter_map(|c| Challenge::parse(&c))
            .max_by_key(|c| c.algorithm.strength())
    }

    fn parse(challenge: &str) -> Option<Challenge> {
        let (scheme, params) = challenge.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("digest") {
            return None;
        }
        let params = parse_params(params);
        let get = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let algorithm = match get("algorithm") {
            Some(name) => Algorithm::parse(&name)?,
            None => Algorithm::Md5,
        };
        let offered = get("qop").unwrap_or_default();
        let offers = |q: &str| offered.split(',').any(|o| o.trim().eq_ignore_ascii_case(q));
        let qop = if offers("auth") {
            Qop::Auth
        } else if offers("auth-int") {
            Qop::AuthInt
        } else if offered.is_empty() {
            Qop::None
        } else {
            return None;
        };
        Some(Challenge {
            realm: get("realm")?,
            nonce: get("nonce")?,
            opaque: get("opaque"),
            algorithm,
            qop,
            stale: get("stale").is_some_and(|s| s.eq_ignore_ascii_case("true")),
            userhash: get("userhash").is_some_and(|s| s.eq_ignore_ascii_case("true")),
        })
    }
}

/// The state of one origin's Digest authentication: its last challenge and how many requests
/// have used its nonce.
#[derive(Debug, Clone)]
pub(crate) struct DigestState {
    pub(crate) challenge: Challenge,
    pub(crate) count: u32,
}

impl DigestState {
    pub(crate) fn new(challenge: Challenge) -> DigestState {
        DigestState {
            challenge,
            count: 0,
        }
    }

    /// The `Authorization` value for the next request with this nonce (its count goes up by
    /// one), for `method` and `uri` (the request target as sent), with `body` for `auth-int`.
    /// `None` when the values cannot be written in a header.
    pub(crate) fn authorize(
        &mut self,
        (user, password): (&str, &str),
        method: &str,
        uri: &str,
        body: Option<&[u8]>,
    ) -> Option<HeaderValue> {
        self.count = self.count.wrapping_add(1);
        let c = &self.challenge;
        let h = |data: String| c.algorithm.hash(data.as_bytes());
        let nc = format!("{:08x}", self.count);
        let cnonce = cnonce();
        let mut ha1 = h(format!("{user}:{}:{password}", c.realm));
        if c.algorithm.session() {
            ha1 = h(format!("{ha1}:{}:{cnonce}", c.nonce));
        }
        let ha2 = match c.qop {
            Qop::AuthInt => h(format!(
                "{method}:{uri}:{}",
                c.algorithm.hash(body.unwrap_or_default())
            )),
            _ => h(format!("{method}:{uri}")),
        };
        let (response, qop) = match c.qop {
            Qop::None => (h(format!("{ha1}:{}:{ha2}", c.nonce)), None),
            qop => {
                let name = if qop == Qop::AuthInt {
                    "auth-int"
                } else {
                    "auth"
                };
                let response = h(format!("{ha1}:{}:{nc}:{cnonce}:{name}:{ha2}", c.nonce));
                (response, Some(name))
            }
        };
        let username = if c.userhash {
            h(format!("{user}:{}", c.realm))
        } else {
            user.to_owned()
        };
        let mut value = format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", algorithm={}, response=\"{response}\"",
            quote(&username),
            quote(&c.realm),
            quote(&c.nonce),
            quote(uri),
            c.algorithm.name()
        );
        if let Some(qop) = qop {
            value.push_str(&format!(", qop={qop}, nc={nc}, cnonce=\"{cnonce}\""));
        }
        if let Some(opaque) = &c.opaque {
            value.push_str(&format!(", opaque=\"{}\"", quote(opaque)));
        }
        if c.userhash {
            value.push_str(", userhash=true");
        }
        let mut value = HeaderValue::try_from(value).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

/// A fresh client nonce: 16 random bytes, as hexadecimal.
fn cnonce() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let a = RandomState::new().hash_one(now);
    let b = RandomState::new().hash_one((a, now));
    format!("{a:016x}{b:016x}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A value inside a quoted string: `"` and `\` escaped.
fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The challenges of one `WWW-Authenticate` value: a new one starts at a token followed by a
/// space and not by `=` (a scheme), outside quotes.
fn split_challenges(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in split_outside_quotes(value, ',') {
        let item = item.trim();
        let starts_scheme = item
            .split_once(' ')
            .is_some_and(|(first, _)| !first.contains('='));
        match out.last_mut() {
            Some(last) if !starts_scheme => {
                last.push_str(", ");
                last.push_str(item);
            }
            _ => out.push(item.to_owned()),
        }
    }
    out
}

/// `name=value` pairs, values unquoted.
fn parse_params(params: &str) -> Vec<(String, String)> {
    split_outside_quotes(params, ',')
        .into_iter()
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            let value = value.trim();
            let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(quoted) => unescape(quoted),
                None => value.to_owned(),
            };
            Some((name.trim().to_owned(), value))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

fn split_outside_quotes(s: &str, separator: char) -> Vec<String> {
    let mut out = Vec::new();
    let (mut current, mut quoted, mut escaped) = (String::new(), false, false);
    for c in s.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7616_section_3_9_1_md5_and_sha_256() {
        // The example of RFC 7616 §3.9.1, with its cnonce and nc set by hand.
        let challenge = Challenge::parse(
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, \
             nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
        )
        .unwrap();
        assert_eq!(
            (challenge.algorithm, challenge.qop),
            (Algorithm::Sha256, Qop::Auth)
        );
        let c = &challenge;
        let h = |s: String| c.algorithm.hash(s.as_bytes());
        let ha1 = h(format!("Mufasa:{}:Circle of Life", c.realm));
        let ha2 = h("GET:/dir/index.html".to_owned());
        let response = h(format!(
            "{ha1}:{}:00000001:f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:{ha2}",
            c.nonce
        ));
        assert_eq!(
            response,
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        let md5 = Algorithm::Md5;
        let ha1 = md5.hash(format!("Mufasa:{}:Circle of Life", c.realm).as_bytes());
        let ha2 = md5.hash(b"GET:/dir/index.html");
        let response = md5.hash(
            format!(
                "{ha1}:{}:00000001:f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:{ha2}",
                c.nonce
            )
            .as_bytes(),
        );
        assert_eq!(response, "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn the_strongest_of_several_challenges_is_chosen() {
        let values: [&[u8]; 2] = [
            b"Basic realm=\"x\", Digest realm=\"r\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"",
            b"Digest realm=\"r\", nonce=\"n2\", algorithm=SHA-256, qop=\"auth\", stale=TRUE",
        ];
        let best = Challenge::best(values.into_iter()).unwrap();
        assert_eq!(
            (best.algorithm, best.nonce.as_str(), best.stale),
            (Algorithm::Sha256, "n2", true)
        );
        assert!(
            Challenge::best(
                [&b"Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256"[..]].into_iter()
            )
            .is_none()
        );
        assert!(Challenge::best([&b"Bearer realm=\"r\""[..]].into_iter()).is_none());
    }

    #[test]
    fn the_count_rises_per_request_and_a_fresh_cnonce_is_made() {
        let challenge = Challenge::parse(
            "Digest realm=\"r\", nonce=\"abc\", qop=\"auth\", algorithm=MD5-sess, opaque=\"o\", userhash=true",
        )
        .unwrap();
        let mut state = DigestState::new(challenge);
        let first = state.authorize(("u", "p"), "GET", "/x", None).unwrap();
        let second = state.authorize(("u", "p"), "GET", "/x", None).unwrap();
        let (first, second) = (first.to_str().unwrap(), second.to_str().unwrap());
        assert!(
            first.contains("nc=00000001") && second.contains("nc=00000002"),
            "{first}"
        );
        let cnonce = |v: &str| {
            v.split("cnonce=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        };
        assert_ne!(cnonce(first), cnonce(second));
        assert!(
            first.contains("algorithm=MD5-sess")
                && first.contains("opaque=\"o\"")
                && first.contains("userhash=true")
        );
        // With userhash the user name is not sent as it is.
        assert!(!first.contains("username=\"u\""), "{first}");
    }
}
