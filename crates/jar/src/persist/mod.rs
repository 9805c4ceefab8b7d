//! Saving and loading a jar: a versioned JSON document, and the Netscape `cookies.txt` format
//! that curl and wget read and write.
//!
//! Writes are atomic: the file is written beside its destination and renamed over it, so a
//! crash leaves the old file or the new one, never half of one. Loading skips expired cookies
//! and any entry that breaks a rule, and never turns one malformed entry into another cookie.

#[cfg(feature = "json")]
mod json;
mod netscape;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::cookie::Cookie;
use crate::domain::canonical_domain_attribute;
use crate::prefix::prefix_rules_met;
use crate::store::MAX_LIFETIME;
use crate::{Error, Jar, Limits};

/// The longest `cookies.txt` line written or read. The writer leaves out a cookie whose line
/// would be longer, so that everything written can be read back; the reader skips longer
/// lines whole (CVE-2016-8615: a truncated line was re-read as a cookie for another host).
pub(crate) fn max_line(limits: &Limits) -> usize {
    // name + value, a domain (at most 253), a path (request paths can be long), flags, expiry.
    limits.name_value_bytes() + 253 + 8 * 1024 + 64
}

/// Whether a cookie read from a file may enter the jar: the rules a server-set cookie had to
/// follow, checked again, since a file can say anything. Clamps the expiry to 400 days.
pub(crate) fn admissible(cookie: &mut Cookie, jar: &Jar, now: SystemTime) -> bool {
    let limits = &jar.limits;
    // The same text rules as a `Set-Cookie` line (HTAB and inner spaces allowed), plus what
    // §5.2 parsing could never produce: `;` anywhere, `=` in a name.
    let clean = |s: &str| {
        !s.bytes()
            .any(|b| (b < 0x20 && b != b'\t') || b == 0x7f || b == b';')
    };
    let name_ok = !cookie.name.is_empty() && !cookie.name.contains('=') && clean(&cookie.name);
    // A value given to `NewCookie` is quoted on the way out, so it may hold `;`; it is held to
    // that API's rule instead.
    let value_ok = if cookie.send_quoted {
        crate::new_cookie::value_allowed(&cookie.value)
    } else {
        clean(&cookie.value)
    };
    let path_ok = cookie.path.starts_with('/') && clean(&cookie.path);
    let domain_ok =
        canonical_domain_attribute(&cookie.domain).as_deref() == Some(cookie.domain.as_str());
    let size_ok = cookie.name.len() + cookie.value.len() <= limits.name_value_bytes();
    let suffix_ok = cookie.host_only || !jar.suffixes.is_public_suffix(&cookie.domain);
    let prefix_ok = prefix_rules_met(
        &cookie.name,
        cookie.secure,
        cookie.host_only,
        cookie.path == "/",
    );
    if !(name_ok && value_ok && path_ok && domain_ok && size_ok && suffix_ok && prefix_ok) {
        return false;
    }
    cookie.expires = cookie.expires.map(|at| at.min(now + MAX_LIFETIME));
    // The flag means "not all cookie-octets", whatever the file says.
    cookie.send_quoted = cookie.send_quoted && crate::quote::needs_quoting(&cookie.value);
    true
}

/// Writes `contents` to `path` through a temporary file in the same directory and a rename.
///
/// Cookies are credentials: a new file is readable by its owner only, and an existing file
/// keeps its permissions (curl CVE-2022-32207 widened them on save).
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    // Unique per save, so that concurrent saves in one process never share a temp file.
    static SAVES: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = SAVES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let result = (|| {
        let mut file = create_private(&tmp)?;
        if let Some(permissions) = existing {
            file.set_permissions(permissions)?;
        }
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(result?)
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}
