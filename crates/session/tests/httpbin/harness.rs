//! Finding the httpbin servers the test command started.

/// The base URL of httpbin (no trailing slash), or `None` after printing why the test skips.
pub(crate) fn httpbin() -> Option<String> {
    server("TARRY_HTTPBIN_URL")
}

/// A second httpbin on another port.
pub(crate) fn httpbin2() -> Option<String> {
    server("TARRY_HTTPBIN2_URL")
}

fn server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{var} is not set and CI=true: run the tests through ./test.sh")
        }
        _ => {
            println!("skipped: httpbin not started ({var} unset); run ./test.sh");
            None
        }
    }
}

/// The same server under the name `localhost` instead of `127.0.0.1`: another host for the
/// cookie and credential rules.
pub(crate) fn as_localhost(base: &str) -> String {
    base.replace("127.0.0.1", "localhost")
}

/// The JSON body of a response.
pub(crate) async fn json(response: tarry_session::Response) -> serde_json::Value {
    response.json().await.expect("a JSON body")
}
