//! The in-process keep-alive server the pool and session benches send to: its own thread and
//! current-thread runtime, plain or TLS, answering every request head with the same response
//! ([`RESPONSE`], or one with a body of a chosen size).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The 13-byte body of every response.
pub(crate) const BODY: &[u8] = b"Hello, world!";
/// Every response, whole: what the raw floor reads.
pub(crate) const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, world!";

/// A 200 response with a body of `len` bytes.
pub(crate) fn response(len: usize) -> Arc<[u8]> {
    let mut response = format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n").into_bytes();
    response.resize(response.len() + len, b'x');
    response.into()
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1, on its own thread and runtime; stopped on drop.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Plain HTTP, or HTTPS with `tls`, answering [`RESPONSE`].
    pub(crate) fn start(tls: Option<Arc<rustls::ServerConfig>>) -> Server {
        Server::start_with(tls, RESPONSE.into())
    }

    /// The same, answering `response`.
    pub(crate) fn start_with(
        tls: Option<Arc<rustls::ServerConfig>>,
        response: Arc<[u8]>,
    ) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("bench-server".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("tokio listener");
                    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
                    let accept = async {
                        loop {
                            let tcp = match listener.accept().await {
                                Ok((tcp, _)) => tcp,
                                Err(_) => {
                                    // Out of descriptors, say: back off rather than spin.
                                    tokio::time::sleep(Duration::from_millis(1)).await;
                                    continue;
                                }
                            };
                            let _ = tcp.set_nodelay(true);
                            match &acceptor {
                                Some(acceptor) => {
                                    let accepting = acceptor.accept(tcp);
                                    let response = Arc::clone(&response);
                                    tokio::spawn(async move {
                                        if let Ok(tls) = accepting.await {
                                            serve(tls, response).await;
                                        }
                                    });
                                }
                                None => {
                                    tokio::spawn(serve(tcp, Arc::clone(&response)));
                                }
                            }
                        }
                    };
                    tokio::select! {
                        () = accept => {}
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime ends the connection tasks.
            })
            .expect("server thread");
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers every complete request head on `io` with `response` (pipelined ones in one write)
/// until the peer closes.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut io: S, response: Arc<[u8]>) {
    let mut buf = vec![0u8; 8 * 1024];
    let mut filled = 0;
    let mut out = Vec::with_capacity(response.len() * 4);
    loop {
        match io.read(&mut buf[filled..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => filled += n,
        }
        let mut start = 0;
        while let Some(end) = buf[start..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            start += end + 4;
            out.extend_from_slice(&response);
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        if filled == buf.len() {
            return; // a head larger than the buffer: not a request of ours
        }
        if !out.is_empty() {
            if io.write_all(&out).await.is_err() || io.flush().await.is_err() {
                return;
            }
            out.clear();
        }
    }
}
