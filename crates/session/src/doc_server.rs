// A few httpbin endpoints on 127.0.0.1, for the examples in the crate documentation
// (`include!`d by them; not part of the crate). Each connection is kept alive.
//
//   /cookies/set/NAME/VALUE  302 to /cookies, setting the cookie
//   /cookies                 {"cookies": {...}} from the Cookie header
//   /headers                 {"headers": {...}} (lowercase names)
//   /redirect/N              302 to /redirect/N-1, then to /get
//   /status/N                an empty response with that status
//   /upload                  {"received": BYTES, "chunked": BOOL, "type": CONTENT-TYPE}
//   /digest                  401 with a Digest challenge, or {"authenticated": true} for a
//                            request that answers one (the answer is not checked)
//   anything else            {"url": PATH}
async fn doc_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        let mut chunk = [0u8; 4096];
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                    buf.drain(..end + 4);
                    let mut lines = head.lines();
                    let path = lines.next().unwrap_or("").split(' ').nth(1).unwrap_or("/");
                    let fields: Vec<(String, String)> = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                        .collect();
                    let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
                    let chunked = field("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
                    let mut received = 0usize;
                    if chunked {
                        // Chunk by chunk: a size line, the data, CRLF; size 0 ends the body.
                        loop {
                            let Some(line_end) = buf.windows(2).position(|w| w == b"\r\n") else {
                                let mut chunk = [0u8; 4096];
                                match socket.read(&mut chunk).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                                }
                                continue;
                            };
                            let size = usize::from_str_radix(String::from_utf8_lossy(&buf[..line_end]).trim(), 16).unwrap_or(0);
                            while buf.len() < line_end + 2 + size + 2 {
                                let mut chunk = [0u8; 4096];
                                match socket.read(&mut chunk).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                                }
                            }
                            buf.drain(..line_end + 2 + size + 2);
                            received += size;
                            if size == 0 {
                                break;
                            }
                        }
                    } else {
                        let length: usize = field("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                        while buf.len() < length {
                            let mut chunk = [0u8; 4096];
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        buf.drain(..length);
                        received = length;
                    }
                    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
                    let json = |v: serde_json::Value| (200, Vec::new(), v.to_string());
                    let (status, extra, body): (u16, Vec<String>, String) = match parts.as_slice() {
                        ["cookies", "set", name, value] => (
                            302,
                            vec![format!("Set-Cookie: {name}={value}; Path=/"), "Location: /cookies".into()],
                            String::new(),
                        ),
                        ["cookies"] => {
                            let mut cookies = serde_json::Map::new();
                            for pair in field("cookie").unwrap_or_default().split("; ") {
                                if let Some((n, v)) = pair.split_once('=') {
                                    cookies.insert(n.into(), v.into());
                                }
                            }
                            json(serde_json::json!({ "cookies": cookies }))
                        }
                        ["headers"] => {
                            let headers: serde_json::Map<_, _> =
                                fields.iter().map(|(n, v)| (n.clone(), v.clone().into())).collect();
                            json(serde_json::json!({ "headers": headers }))
                        }
                        ["redirect", n] => {
                            let n: u32 = n.parse().unwrap_or(1);
                            let to = if n <= 1 { "/get".to_owned() } else { format!("/redirect/{}", n - 1) };
                            (302, vec![format!("Location: {to}")], String::new())
                        }
                        ["status", code] => (code.parse().unwrap_or(500), Vec::new(), String::new()),
                        ["upload"] => json(serde_json::json!({
                            "received": received,
                            "chunked": chunked,
                            "type": field("content-type").unwrap_or_default(),
                        })),
                        ["digest"] if field("authorization").is_some_and(|v| v.starts_with("Digest ")) => {
                            json(serde_json::json!({ "authenticated": true }))
                        }
                        ["digest"] => (
                            401,
                            vec!["WWW-Authenticate: Digest realm=\"docs\", nonce=\"abc\", qop=\"auth\", algorithm=SHA-256".into()],
                            String::new(),
                        ),
                        _ => json(serde_json::json!({ "url": path })),
                    };
                    let mut response = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                    for line in extra {
                        response.push_str(&line);
                        response.push_str("\r\n");
                    }
                    response.push_str("\r\n");
                    response.push_str(&body);
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    base
}
