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

use crate::Error;

/// Writes `contents` to `path` through a temporary file in the same directory and a rename.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(result?)
}
