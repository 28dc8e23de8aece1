//! The connection loop of `greenlight serve`: hyper's HTTP/1 server under our own accept loop
//! (not `axum::serve`), for two things axum's loop cannot give.
//!
//! - **A head read timeout** ([`HEADER_READ_TIMEOUT`]): a client that never finishes its request
//!   head is disconnected (slowloris), which needs hyper's timer.
//! - **A problem JSON for an address too long to parse.** hyper cannot hold a request line
//!   longer than the `http` crate's URI limit (65,534 bytes) and answers it itself, `414` with
//!   an empty body, before any layer of ours. A 1 MB search query must get a problem JSON like
//!   every other bad request, so the connection's first request line is read here first: if it
//!   passes [`MAX_REQUEST_LINE`] it is answered `400` with a problem JSON naming `q`'s limit; if
//!   not, the bytes read are handed back to hyper in front of the socket ([`Rewind`]).
//!
//! Limit: only a connection's *first* request line is looked at; a later request on the same
//! keep-alive connection with a longer line gets hyper's bodiless 414 (ARCHITECTURE.md's limits).

use crate::error::Problem;
use crate::AppState;
use axum::extract::connect_info::ConnectInfo;
use axum::http::StatusCode;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tower::ServiceExt;

/// A request head not complete after this long closes the connection (slowloris).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest request target hyper can parse (the `http` crate's URI limit).
pub const MAX_URI: usize = 65_534;
/// The longest request line looked for: the target at its limit, the method and the version.
/// A first line longer than this, or with a longer target, is answered here.
pub const MAX_REQUEST_LINE: usize = MAX_URI + 32;
/// What is read and discarded of a refused request before closing, so the client, still
/// sending, reads our answer instead of a connection reset.
const DRAIN_LIMIT: usize = 8 * 1024 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// Serves `state` on `listener` until `shutdown` completes; then accepts nothing new and
/// finishes the requests in flight. Every request carries the client's address
/// (`ConnectInfo`, which the check's rate limiter keys on). Public so tests serve through the
/// very loop `serve` runs.
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> io::Result<()> {
    let app = crate::router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let mut shutdown = std::pin::pin!(shutdown);
    // Told to connections still reading their first line, which hyper's graceful shutdown does
    // not reach: they close at once instead of holding the shutdown for up to the head timeout.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before accept: the
                    // listener is still good, so wait a moment (not a busy loop) and go on.
                    eprintln!("greenlight: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(remote));
                    req.map(axum::body::Body::new)
                });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let io = tokio::select! {
                io = first_line(stream) => io,
                _ = stop.changed() => None,
            };
            let Some(io) = io else {
                return;
            };
            // No upgrades: the site has no websockets.
            let conn = builder.serve_connection(
                TokioIo::new(io),
                hyper_util::service::TowerToHyperService::new(service),
            );
            // A connection's error (a client gone, a head too slow or too large) ends that
            // connection only; hyper has already answered what can be answered.
            let _ = watcher.watch(conn).await;
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    graceful.shutdown().await;
    Ok(())
}

/// Reads the connection's first request line (up to its `\n`, at most [`MAX_REQUEST_LINE`]
/// bytes, within [`HEADER_READ_TIMEOUT`]). A line that fits: the socket with the bytes read put
/// back in front. A longer one: answered with a 400 problem JSON, and `None`. A client that
/// sends nothing in time or goes away: `None`.
async fn first_line(mut stream: TcpStream) -> Option<Rewind> {
    let mut head = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let read = tokio::time::timeout(HEADER_READ_TIMEOUT, async {
        loop {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok::<bool, io::Error>(false);
            }
            let seen = head.len();
            head.extend_from_slice(&chunk[..n]);
            if head[seen..].contains(&b'\n') {
                return Ok(true);
            }
            if head.len() > MAX_REQUEST_LINE {
                return Ok(false);
            }
        }
    })
    .await;
    match read {
        Ok(Ok(true)) if line_too_long(&head) => {
            refuse_long_line(stream).await;
            None
        }
        Ok(Ok(true)) => Some(Rewind {
            prefix: head,
            at: 0,
            inner: Some(stream),
        }),
        Ok(Ok(false)) if head.len() > MAX_REQUEST_LINE => {
            refuse_long_line(stream).await;
            None
        }
        // Closed, failed or too slow before a line: nothing to answer (hyper would close too).
        _ => None,
    }
}

/// Whether the request line at the start of `head` (which holds its `\n`) is one hyper would
/// refuse for its length: longer than [`MAX_REQUEST_LINE`], or with a target longer than the
/// `http` crate's URI limit ([`MAX_URI`]).
fn line_too_long(head: &[u8]) -> bool {
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..end];
    let target = line.split(|&b| b == b' ').nth(1).unwrap_or_default();
    line.len() > MAX_REQUEST_LINE || target.len() > MAX_URI
}

/// Answers a request line too long to parse, then reads what the client still sends (bounded)
/// so the answer is not lost to a reset.
async fn refuse_long_line(mut stream: TcpStream) {
    let problem = Problem::new(
        StatusCode::BAD_REQUEST,
        format!(
            "the request line is longer than {MAX_REQUEST_LINE} bytes, more than any address \
             served here takes (a search's `q` is at most {} characters)",
            greenlight_store::MAX_QUERY_CHARS
        ),
    );
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let head = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: {}\r\ncontent-length: {}\r\n\
         x-content-type-options: nosniff\r\nconnection: close\r\n\r\n",
        crate::error::PROBLEM_JSON,
        body.len()
    );
    if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(&body).await.is_err() {
        return;
    }
    linger(stream).await;
}

/// Closes a connection whose client may still be sending (a body refused before it was read,
/// a line too long): our write half first, then what still arrives read and dropped (at most
/// [`DRAIN_LIMIT`] bytes, for [`DRAIN_TIME`]), so the kernel does not answer the unread bytes
/// with a reset that destroys the response the client has not read yet (nginx's "lingering
/// close").
async fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 8192];
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        let mut drained = 0;
        while drained < DRAIN_LIMIT {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    })
    .await;
}

/// The socket with bytes already read from it put back in front, so hyper reads the request
/// from its first byte.
pub struct Rewind {
    prefix: Vec<u8>,
    at: usize,
    /// `None` only once dropped (the socket handed to [`linger`]).
    inner: Option<TcpStream>,
}

impl Rewind {
    fn inner(&mut self) -> io::Result<&mut TcpStream> {
        self.inner
            .as_mut()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))
    }
}

/// hyper drops the connection's IO when it is done with it, perhaps with a request body left
/// unread (a 413 answered from the Content-Length): the socket then lingers in a task of its
/// own rather than closing with unread bytes, which resets the connection.
impl Drop for Rewind {
    fn drop(&mut self) {
        if let (Some(stream), Ok(rt)) = (self.inner.take(), tokio::runtime::Handle::try_current()) {
            rt.spawn(linger(stream));
        }
    }
}

impl AsyncRead for Rewind {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.at < this.prefix.len() {
            let n = (this.prefix.len() - this.at).min(buf.remaining());
            buf.put_slice(&this.prefix[this.at..this.at + n]);
            this.at += n;
            if this.at == this.prefix.len() {
                this.prefix = Vec::new();
                this.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        match this.inner() {
            Ok(inner) => Pin::new(inner).poll_read(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.inner() {
            Ok(inner) => Pin::new(inner).poll_write(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.inner() {
            Ok(inner) => Pin::new(inner).poll_flush(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.inner() {
            Ok(inner) => Pin::new(inner).poll_shutdown(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.inner() {
            Ok(inner) => Pin::new(inner).poll_write_vectored(cx, bufs),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.as_ref().is_some_and(|i| i.is_write_vectored())
    }
}
