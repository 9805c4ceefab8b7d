//! The JSON document: `{"version": 1, "cookies": [...]}`, times as Unix seconds. Fields added
//! since version 1 first appeared are optional with a default, so every version 1 document
//! still loads; the version changes only when an old document would be misread.

use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::write_atomically;
use crate::cookie::{Cookie, SameSite, from_unix, to_unix};
use crate::{Error, Jar};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Document {
    version: u32,
    cookies: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    name: String,
    value: String,
    domain: String,
    path: String,
    host_only: bool,
    secure: bool,
    http_only: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    same_site: Option<SameSite>,
    /// Unix seconds; absent for a session cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires: Option<i64>,
    created: i64,
    last_access: i64,
    /// The `Cookie` header carries the value quoted (see `Cookie::send_quoted`). Written only
    /// when true and read as false when absent, so documents from before the field load
    /// unchanged and server cookies are saved as before: still version 1.
    #[serde(default, skip_serializing_if = "is_false")]
    send_quoted: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Jar {
    /// The jar as a JSON document. Session cookies are included only when asked.
    pub fn to_json(&self, include_session: bool) -> String {
        let mut cookies: Vec<Entry> = self
            .lock()
            .cookies()
            .filter(|c| include_session || c.is_persistent())
            .map(|c| Entry {
                name: c.name.clone(),
                value: c.value.clone(),
                domain: c.domain.clone(),
                path: c.path.clone(),
                host_only: c.host_only,
                secure: c.secure,
                http_only: c.http_only,
                same_site: c.same_site,
                expires: c.expires.map(to_unix),
                created: to_unix(c.created),
                last_access: to_unix(c.last_access),
                send_quoted: c.send_quoted,
            })
            .collect();
        // A stable order makes saved files diffable.
        cookies.sort_by(|a, b| (&a.domain, &a.path, &a.name).cmp(&(&b.domain, &b.path, &b.name)));
        let doc = Document {
            version: VERSION,
            cookies,
        };
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Adds the cookies of a JSON document to the jar, skipping expired and invalid entries;
    /// returns how many were added.
    pub fn load_json_str(&self, json: &str, now: SystemTime) -> Result<usize, Error> {
        let doc: Document = serde_json::from_str(json)?;
        if doc.version != VERSION {
            return Err(Error::UnsupportedVersion(doc.version));
        }
        let mut added = 0;
        for e in doc.cookies {
            let cookie = Cookie {
                name: e.name,
                value: e.value,
                domain: e.domain,
                path: e.path,
                host_only: e.host_only,
                secure: e.secure,
                http_only: e.http_only,
                same_site: e.same_site,
                expires: e.expires.map(from_unix),
                created: from_unix(e.created),
                last_access: from_unix(e.last_access),
                sequence: 0,
                send_quoted: e.send_quoted,
            };
            added += usize::from(self.restore(cookie, now));
        }
        Ok(added)
    }

    /// Saves the jar as JSON at `path`, atomically.
    pub fn save_json(&self, path: impl AsRef<Path>, include_session: bool) -> Result<(), Error> {
        write_atomically(path.as_ref(), self.to_json(include_session).as_bytes())
    }

    /// Loads a JSON jar file saved by [`save_json`](Self::save_json).
    pub fn load_json(&self, path: impl AsRef<Path>, now: SystemTime) -> Result<usize, Error> {
        self.load_json_str(&std::fs::read_to_string(path)?, now)
    }
}
