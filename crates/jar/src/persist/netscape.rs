//! The Netscape `cookies.txt` format, as curl (`-c`, `-b`) and wget write and read it.
//!
//! One cookie per line, seven TAB-separated fields: domain, include-subdomains (`TRUE`/`FALSE`),
//! path, secure (`TRUE`/`FALSE`), expiry (Unix seconds, `0` for a session cookie), name, value.
//! A domain written with a leading dot includes subdomains; `#HttpOnly_` before the domain marks
//! an HttpOnly cookie; other lines starting with `#` are comments.

use std::borrow::Cow;
use std::path::Path;
use std::time::SystemTime;

use super::write_atomically;
use crate::cookie::{Cookie, from_unix, to_unix};
use crate::domain::canonical_domain_attribute;
use crate::quote::quoted;
use crate::{Error, Jar};

const HTTP_ONLY: &str = "#HttpOnly_";

impl Jar {
    /// The jar in Netscape `cookies.txt` form. Session cookies are written (with expiry 0) only
    /// when asked; a cookie whose value holds a TAB cannot be written in this format and is
    /// left out.
    ///
    /// The format has no column for a value the `Cookie` header quotes (a
    /// [`NewCookie`](crate::NewCookie) value that is not all cookie-octets, such as `a;b`), so
    /// such a value is written as the header carries it, quoted (`"a\073b"`): curl, or a jar
    /// loading the file, then sends the very same header, but the loaded cookie's
    /// [`value`](crate::Cookie::value) is that quoted text. One whose quoted form would pass
    /// [`Limits::name_value_bytes`](crate::Limits::name_value_bytes) is left out, since the
    /// reader would refuse it. JSON keeps such cookies exactly.
    pub fn to_netscape(&self, include_session: bool) -> String {
        let value_limit = self.limits.name_value_bytes();
        let mut lines: Vec<String> = self
            .lock()
            .cookies()
            .filter(|c| include_session || c.is_persistent())
            .filter(|c| {
                ![&c.name, &c.value, &c.path]
                    .iter()
                    .any(|f| f.contains('\t'))
            })
            .filter_map(|c| {
                let value = if c.send_quoted {
                    Cow::Owned(quoted(&c.value))
                } else {
                    Cow::Borrowed(c.value.as_str())
                };
                (c.name.len() + value.len() <= value_limit).then(|| {
                    format!(
                        "{}{}{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        if c.http_only { HTTP_ONLY } else { "" },
                        if c.host_only { "" } else { "." },
                        c.domain,
                        if c.host_only { "FALSE" } else { "TRUE" },
                        c.path,
                        if c.secure { "TRUE" } else { "FALSE" },
                        c.expires.map_or(0, |at| to_unix(at).max(1)),
                        c.name,
                        value,
                    )
                })
            })
            .collect();
        // A line the reader would refuse is not written either.
        let max_line = super::max_line(&self.limits);
        lines.retain(|line| line.len() <= max_line);
        lines.sort();
        let mut out = String::from("# Netscape HTTP Cookie File\n# Written by tarry-jar.\n\n");
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// Adds the cookies of a `cookies.txt` text to the jar; returns how many were added.
    ///
    /// Lines that are too long, have the wrong number of fields, a bad flag, number or domain,
    /// or a control character are skipped whole. Expired cookies are skipped.
    pub fn load_netscape_str(&self, text: &str, now: SystemTime) -> usize {
        let limits = self.limits;
        let max_line = super::max_line(&limits);
        let mut added = 0;
        for line in text.lines() {
            if line.len() > max_line {
                continue;
            }
            let (http_only, line) = match line.strip_prefix(HTTP_ONLY) {
                Some(rest) => (true, rest),
                None if line.starts_with('#') || line.trim().is_empty() => continue,
                None => (false, line),
            };
            if let Some(cookie) = parse_line(line, http_only, now, &limits) {
                added += usize::from(self.restore(cookie, now));
            }
        }
        added
    }

    /// Saves the jar as `cookies.txt` at `path`, atomically.
    pub fn save_netscape(
        &self,
        path: impl AsRef<Path>,
        include_session: bool,
    ) -> Result<(), Error> {
        write_atomically(path.as_ref(), self.to_netscape(include_session).as_bytes())
    }

    /// Loads a `cookies.txt` file (curl's `-c` output, for example).
    pub fn load_netscape(&self, path: impl AsRef<Path>, now: SystemTime) -> Result<usize, Error> {
        Ok(self.load_netscape_str(&std::fs::read_to_string(path)?, now))
    }
}

fn parse_line(
    line: &str,
    http_only: bool,
    now: SystemTime,
    limits: &crate::Limits,
) -> Option<Cookie> {
    if line.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return None;
    }
    let fields: Vec<&str> = line.split('\t').collect();
    let [domain, subdomains, path, secure, expires, name, value] = fields[..] else {
        return None;
    };
    let flag = |f: &str| match f {
        "TRUE" => Some(true),
        "FALSE" => Some(false),
        _ => None,
    };
    let include_subdomains = flag(subdomains)?;
    let secure = flag(secure)?;
    let expires: i64 = expires.parse().ok().filter(|&e| e >= 0)?;
    let canonical = canonical_domain_attribute(domain)?;
    if name.is_empty()
        || name.len() + value.len() > limits.name_value_bytes()
        || !path.starts_with('/')
    {
        return None;
    }
    Some(Cookie {
        name: name.to_owned(),
        value: value.to_owned(),
        domain: canonical,
        path: path.to_owned(),
        host_only: !include_subdomains,
        secure,
        http_only,
        same_site: None,
        expires: (expires != 0).then(|| from_unix(expires)),
        created: now,
        last_access: now,
        sequence: 0,
        send_quoted: false,
    })
}
