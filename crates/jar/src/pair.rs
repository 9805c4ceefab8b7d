//! A cookie for one request only: the `name=value` pair, under the rules of a cookie added to
//! the jar by hand, without the jar.

use crate::RejectReason;
use crate::new_cookie::{check_name, check_value};
use crate::quote::push_quoted;

/// The `name=value` pair of a cookie sent with one request and never stored, as it goes into
/// a `Cookie` header; the value quoted when it is not all cookie-octets.
///
/// The name and value follow the rules of [`NewCookie`](crate::NewCookie) and are refused for
/// the same reasons: [`RejectReason::EmptyName`] and [`RejectReason::InvalidName`] for a name
/// that is not a token, [`RejectReason::ControlCharacter`] for a value holding a control
/// character. No size limit applies: there is no jar to take one from.
///
/// ```
/// use tarry_jar::{RejectReason, cookie_pair};
///
/// assert_eq!(cookie_pair("theme", "dark").as_deref(), Ok("theme=dark"));
/// assert_eq!(cookie_pair("q", "a;b, c").as_deref(), Ok(r#"q="a\073b\054 c""#));
/// assert_eq!(cookie_pair("a b", "x"), Err(RejectReason::InvalidName));
/// assert_eq!(cookie_pair("a", "x\r\nHost: y"), Err(RejectReason::ControlCharacter));
/// ```
pub fn cookie_pair(name: &str, value: &str) -> Result<String, RejectReason> {
    check_name(name)?;
    check_value(value)?;
    let mut pair = String::with_capacity(name.len() + 1 + value.len());
    pair.push_str(name);
    pair.push('=');
    if crate::quote::needs_quoting(value) {
        push_quoted(&mut pair, value);
    } else {
        pair.push_str(value);
    }
    Ok(pair)
}
