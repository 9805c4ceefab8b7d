//! Cookies given for one request: checked, and written so that a value cannot add a cookie or
//! an attribute to the `Cookie` header (the jar's rule for cookies added by hand).

use crate::causes::BuildError;

/// The name, and the value as it goes into the `Cookie` header, or why it cannot.
pub(crate) fn request_pair(name: &str, value: &str) -> Result<(String, String), BuildError> {
    let pair = tarry_jar::cookie_pair(name, value).map_err(|reason| BuildError::Cookie {
        name: name.to_owned(),
        reason,
    })?;
    // `name=value`, the name as given.
    let written = pair.get(name.len() + 1..).unwrap_or_default().to_owned();
    Ok((name.to_owned(), written))
}
