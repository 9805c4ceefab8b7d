//! The embedded servers: HTTP and HTTPS on 127.0.0.1, on a thread and runtime of their own,
//! answering every request with the same body. The certificate is made in memory at start and
//! trusted by this run's clients only.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The name the certificate is for. Nothing resolves it: a client routes it to [`Servers::http`]
/// or [`Servers::https`] itself, so that TLS verifies a real name and no system setting matters.
pub const HOST: &str = "tarry-bench.localhost";

/// Why the servers could not start, in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Both servers, stopped (and their thread joined) on drop.
#[derive(Debug)]
pub struct Servers {
    /// The plain HTTP server.
    pub http: SocketAddr,
    /// The HTTPS server; its certificate is for [`HOST`].
    pub https: SocketAddr,
    /// An HTTP proxy in front of both: it forwards absolute-form requests over kept-alive
    /// connections and opens `CONNECT` tunnels, to these servers only (the target's host must
    /// be [`HOST`] or 127.0.0.1; the port says which server).
    pub proxy: SocketAddr,
    /// The CA that signed the HTTPS server's certificate (PEM); trust it and nothing else.
    pub ca_pem: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Servers {
    /// Starts both servers, answering every GET with `200 OK` and `body_size` bytes of `x`
    /// (`Content-Length` framing, keep-alive).
    pub fn start(body_size: usize) -> Result<Servers, Error> {
        let (ca_pem, config) = certificate()?;
        let bind = || {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            listener.set_nonblocking(true)?;
            Ok::<_, std::io::Error>(listener)
        };
        let failed = |e: std::io::Error| Error(format!("cannot listen on 127.0.0.1: {e}"));
        let (plain, tls) = (bind().map_err(failed)?, bind().map_err(failed)?);
        let relay = bind().map_err(failed)?;
        let (http, https, proxy) = (
            plain.local_addr().map_err(failed)?,
            tls.local_addr().map_err(failed)?,
            relay.local_addr().map_err(failed)?,
        );
        let mut response =
            format!("HTTP/1.1 200 OK\r\nContent-Length: {body_size}\r\n\r\n").into_bytes();
        response.resize(response.len() + body_size, b'x');
        let response: Arc<[u8]> = response.into();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("tarry-bench-server".to_owned())
            .spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async move {
                    let (Ok(plain), Ok(tls), Ok(relay)) = (
                        TcpListener::from_std(plain),
                        TcpListener::from_std(tls),
                        TcpListener::from_std(relay),
                    ) else {
                        return;
                    };
                    let relay_loop = async move {
                        loop {
                            if let Ok((tcp, _)) = relay.accept().await {
                                steady(&tcp);
                                tokio::spawn(crate::proxy::relay(tcp));
                            }
                        }
                    };
                    let acceptor = tokio_rustls::TlsAcceptor::from(config);
                    let plain_loop = {
                        let response = Arc::clone(&response);
                        async move {
                            loop {
                                if let Ok((tcp, _)) = plain.accept().await {
                                    steady(&tcp);
                                    tokio::spawn(serve(tcp, Arc::clone(&response)));
                                }
                            }
                        }
                    };
                    let tls_loop = async move {
                        loop {
                            if let Ok((tcp, _)) = tls.accept().await {
                                steady(&tcp);
                                let accepting = acceptor.accept(tcp);
                                let response = Arc::clone(&response);
                                tokio::spawn(async move {
                                    if let Ok(stream) = accepting.await {
                                        serve(stream, response).await;
                                    }
                                });
                            }
                        }
                    };
                    tokio::select! {
                        () = plain_loop => {}
                        () = tls_loop => {}
                        () = relay_loop => {}
                        _ = stopped => {}
                    }
                });
            })
            .map_err(|e| Error(format!("cannot start the server thread: {e}")))?;
        Ok(Servers {
            http,
            https,
            proxy,
            ca_pem,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A CA and a certificate for [`HOST`] signed by it.
fn certificate() -> Result<(String, Arc<rustls::ServerConfig>), Error> {
    let made = || -> Result<_, rcgen::Error> {
        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate()?;
        let ca_cert = ca.self_signed(&ca_key)?;
        let key = KeyPair::generate()?;
        let leaf =
            CertificateParams::new(vec![HOST.to_owned()])?.signed_by(&key, &ca_cert, &ca_key)?;
        Ok((ca_cert.pem(), leaf.der().clone(), key.serialize_der()))
    };
    let (ca_pem, leaf, key) =
        made().map_err(|e| Error(format!("cannot make a certificate: {e}")))?;
    let key: PrivateKeyDer<'static> = PrivatePkcs8KeyDer::from(key).into();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(vec![leaf], key))
        .map_err(|e| Error(format!("cannot configure TLS: {e}")))?;
    Ok((ca_pem, Arc::new(config)))
}

/// Sets up an accepted connection: no Nagle delay, and a congestion control without a model
/// of the path.
fn steady(tcp: &tokio::net::TcpStream) {
    let _ = tcp.set_nodelay(true);
    modelless_congestion_control(tcp);
}

/// Sends with Reno, which every Linux kernel has built in, whatever the system default is.
///
/// The controllers that model the path misjudge loopback, where a round trip takes a few
/// microseconds and client and server take turns on one CPU: BBR estimates the bandwidth
/// from the first few exchanges and paces by it, CUBIC's HyStart leaves slow start when a
/// train of acknowledgements looks long. Either settles early in some connections and not in
/// others, so that any client reads a 1 MiB body at one of two speeds (about 3,300 or
/// 6,500 req/s here) depending on the connection it got; that says nothing about the client.
/// Reno's slow start only ends on loss, which loopback does not have.
#[cfg(target_os = "linux")]
fn modelless_congestion_control(tcp: &tokio::net::TcpStream) {
    let _ = socket2::SockRef::from(tcp).set_tcp_congestion(b"reno");
}

#[cfg(not(target_os = "linux"))]
fn modelless_congestion_control(_: &tokio::net::TcpStream) {}

/// Answers every request on `io` with `response` until the peer closes. A request body of a
/// known length (`-d`, `-D`) is read and skipped; a chunked one closes the connection.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut io: S, response: Arc<[u8]>) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    // Bytes of a request body still to come, to be skipped.
    let mut body_left = 0usize;
    loop {
        match io.read(&mut buf[filled..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => filled += n,
        }
        let mut start = 0;
        let mut answers = 0;
        loop {
            let skipped = body_left.min(filled - start);
            start += skipped;
            body_left -= skipped;
            if body_left > 0 {
                break;
            }
            let Some(end) = buf[start..filled].windows(4).position(|w| w == b"\r\n\r\n") else {
                break;
            };
            let Some(length) = content_length(&buf[start..start + end]) else {
                return; // a body this server cannot frame: not one of ours
            };
            start += end + 4;
            body_left = length;
            answers += 1;
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        if filled == buf.len() {
            return; // a head larger than the buffer: not one of ours
        }
        for _ in 0..answers {
            if io.write_all(&response).await.is_err() {
                return;
            }
        }
        if answers > 0 && io.flush().await.is_err() {
            return;
        }
    }
}

/// The request body's length from its head: `Content-Length`, or 0 without one; `None` for
/// a chunked body or a length that does not parse.
fn content_length(head: &[u8]) -> Option<usize> {
    let mut length = 0;
    for line in head.split(|&b| b == b'\n').skip(1) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if name.eq_ignore_ascii_case(b"transfer-encoding") {
            return None;
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            length = std::str::from_utf8(value).ok()?.trim().parse().ok()?;
        }
    }
    Some(length)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::modelless_congestion_control;

    /// An accepted connection sends with Reno whatever the system default is.
    #[tokio::test]
    async fn accepted_connections_send_with_reno() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (_client, accepted) =
            tokio::join!(tokio::net::TcpStream::connect(addr), listener.accept());
        let (tcp, _) = accepted.unwrap();
        modelless_congestion_control(&tcp);
        let chosen = socket2::SockRef::from(&tcp).tcp_congestion().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&chosen).trim_end_matches('\0'),
            "reno"
        );
    }
}
