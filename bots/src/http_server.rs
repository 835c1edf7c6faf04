//! The one HTTP server loop behind every listener vouch opens: the web pages
//! of `VOUCH_HTTP_LISTEN` (the binary's `http.rs`) and the Telegram webhook.
//!
//! `axum::serve` has no header-read timer and no connection limit: a client
//! that trickles header bytes holds a connection, and so a file descriptor,
//! for as long as it likes. 300 of them under a 200-descriptor limit held
//! every descriptor for over a minute, and the control socket (the CLI's way
//! into a running `serve`) failed with "Too many open files". Here every
//! connection has
//!
//! - a header-read timeout (hyper's; it also runs while a keep-alive
//!   connection waits for its next request),
//! - a request timeout (tower-http: 503 when the handler is not done),
//! - an idle timeout: no byte moved either way while no request is being
//!   handled (a stalled body, a client that stopped reading its answer),
//! - a slot from a semaphore shared by all the process's listeners, capped
//!   below the descriptor limit so the store and the control socket always
//!   have descriptors; past the limit a connection gets a 503 and is closed.
//!
//! HTTP/1.1 only, as before (axum is built with `http1` alone): Telegram and
//! reverse proxies speak it, and hyper-util's `auto` builder would pull in h2.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower_http::timeout::TimeoutLayer;

/// Descriptors kept out of the HTTP connections' reach whatever the limit:
/// the store's files, the control socket and its clients, outbound
/// connections (Telegram, Discord, SMTP, IMAP), stdio.
const RESERVED_FDS: u64 = 64;

/// What one connection may take, and the slots all listeners share.
/// Clones share the slots.
#[derive(Clone, Debug)]
pub struct ServerLimits {
    /// From accept (or the end of the last response) to a request's last header byte.
    pub header_timeout: Duration,
    /// From a request's headers to its handler's answer.
    pub request_timeout: Duration,
    /// No byte in or out, and no request being handled.
    pub idle_timeout: Duration,
    requested: usize,
    max_connections: usize,
    slots: Arc<Semaphore>,
}

impl ServerLimits {
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
    pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

    /// `max_connections` is lowered to fit under this process's open-file limit.
    pub fn new(
        header_timeout: Duration,
        request_timeout: Duration,
        idle_timeout: Duration,
        max_connections: usize,
    ) -> Self {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
        let capped = connection_cap(max_connections, limit);
        Self {
            header_timeout,
            request_timeout,
            idle_timeout,
            requested: max_connections,
            max_connections: capped,
            slots: Arc::new(Semaphore::new(capped)),
        }
    }

    /// Connections open at once, over all listeners sharing these limits.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// The configured maximum, when the descriptor limit lowered it.
    pub fn lowered_from(&self) -> Option<usize> {
        (self.requested > self.max_connections).then_some(self.requested)
    }
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_HEADER_TIMEOUT,
            Self::DEFAULT_REQUEST_TIMEOUT,
            Self::DEFAULT_IDLE_TIMEOUT,
            Self::DEFAULT_MAX_CONNECTIONS,
        )
    }
}

/// `wanted` connections, or fewer when the soft open-file limit (`None`:
/// unlimited) minus a reserve — [`RESERVED_FDS`], or a quarter of the limit
/// when that is more — leaves less room. At least one.
pub fn connection_cap(wanted: usize, fd_limit: Option<u64>) -> usize {
    let Some(limit) = fd_limit else { return wanted.max(1) };
    let room = limit.saturating_sub(RESERVED_FDS.max(limit / 4));
    wanted.min(usize::try_from(room).unwrap_or(usize::MAX)).max(1)
}

/// Serves `router` on `listener` until `stop` turns true; then accepts no
/// more, lets requests in flight finish, and closes idle connections.
/// `name` labels the few lines it logs.
pub async fn serve(
    name: &'static str,
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    mut stop: watch::Receiver<bool>,
) {
    let router = router.layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limits.request_timeout));
    let mut connections = JoinSet::new();
    // Floods repeat: one line a minute says it is happening.
    let mut last_full_log: Option<Instant> = None;
    let mut last_error_log: Option<Instant> = None;
    while !*stop.borrow() {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => break,
            Some(_) = connections.join_next() => continue,
        };
        match accepted {
            Ok((stream, _)) => match Arc::clone(&limits.slots).try_acquire_owned() {
                Ok(slot) => {
                    connections.spawn(connection(stream, router.clone(), limits.clone(), slot, stop.clone()));
                }
                Err(_) => {
                    turn_away(&stream);
                    if quiet_for_a_minute(&mut last_full_log) {
                        tracing::warn!(
                            "{name}: {} connections open, the most allowed (VOUCH_HTTP_MAX_CONNECTIONS); \
                             turning new ones away with 503",
                            limits.max_connections
                        );
                    }
                }
            },
            // The client gave up between its SYN and our accept.
            Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset) => {}
            // Out of descriptors (EMFILE) or memory: waiting lets connections
            // close instead of spinning on a listener that stays ready.
            Err(e) => {
                if quiet_for_a_minute(&mut last_error_log) {
                    tracing::warn!("{name}: accepting a connection: {e}");
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(100)) => {}
                    _ = stop.changed() => break,
                }
            }
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

/// True (and now noted) when nothing was logged in the last minute.
fn quiet_for_a_minute(last: &mut Option<Instant>) -> bool {
    let quiet = last.is_none_or(|at| at.elapsed() > Duration::from_secs(60));
    if quiet {
        *last = Some(Instant::now());
    }
    quiet
}

/// A connection past the limit: a short 503 if the socket takes it at
/// once, then closed. It never waits, so it never holds its descriptor.
fn turn_away(stream: &TcpStream) {
    let _ = stream.try_write(
        b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
    );
}

/// One connection, holding its slot until it closes.
async fn connection(
    stream: TcpStream,
    router: Router,
    limits: ServerLimits,
    _slot: OwnedSemaphorePermit,
    mut stop: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    // Handlers that need the client's address (share-link clicks hash it)
    // read it as axum's `ConnectInfo`.
    let peer = stream.peer_addr().ok();
    let io = TokioIo::new(Watched { stream, activity: Arc::clone(&activity) });
    let service = {
        let (tower, activity) = (TowerToHyperService::new(router), Arc::clone(&activity));
        hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            if let Some(peer) = peer {
                request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            }
            let busy = Busy::start(&activity);
            let answer = hyper::service::Service::call(&tower, request);
            async move {
                let answer = answer.await;
                drop(busy);
                answer
            }
        })
    };
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let conn = builder.serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    let mut stopping = false;
    loop {
        if !stopping && *stop.borrow() {
            stopping = true;
            conn.as_mut().graceful_shutdown();
        }
        tokio::select! {
            // Errors are the client's (timeouts, resets, bad requests): nothing to log.
            _ = conn.as_mut() => return,
            () = tokio::time::sleep_until(activity.next_check(limits.idle_timeout)) => {
                if activity.is_idle(limits.idle_timeout) {
                    return;
                }
            }
            changed = stop.changed(), if !stopping => {
                if changed.is_err() {
                    stopping = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// When a connection last moved a byte, and how many of its requests are
/// being handled (a handler may think quietly for a while).
struct Activity {
    since: Instant,
    last_ms: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self { since: Instant::now(), last_ms: AtomicU64::new(0), in_flight: AtomicUsize::new(0) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.since.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.since + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    fn is_idle(&self, idle: Duration) -> bool {
        self.in_flight.load(Ordering::Relaxed) == 0 && self.last().elapsed() >= idle
    }

    /// The earliest the connection could count as idle.
    fn next_check(&self, idle: Duration) -> Instant {
        if self.in_flight.load(Ordering::Relaxed) > 0 { Instant::now() + idle } else { self.last() + idle }
    }
}

/// One request being handled; its end counts as activity.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: &Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        Self(Arc::clone(activity))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The TCP stream, noting every byte read or written.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server on a free loopback port; `/slow` never answers by itself.
    async fn start(limits: ServerLimits) -> (std::net::SocketAddr, watch::Sender<bool>, tokio::task::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router =
            Router::new().route("/", get(|| async { "ok" })).route("/slow", get(std::future::pending::<&'static str>));
        let (stop, stopped) = watch::channel(false);
        let server = tokio::spawn(serve("test", listener, router, limits, stopped));
        (addr, stop, server)
    }

    fn limits(header_ms: u64, request_ms: u64, idle_ms: u64, max: usize) -> ServerLimits {
        let ms = Duration::from_millis;
        ServerLimits::new(ms(header_ms), ms(request_ms), ms(idle_ms), max)
    }

    /// Everything the server sends until it closes, within `deadline`.
    async fn read_all(stream: &mut TcpStream, deadline: Duration) -> String {
        let mut out = Vec::new();
        tokio::time::timeout(deadline, stream.read_to_end(&mut out)).await.expect("closed in time").expect("read");
        String::from_utf8_lossy(&out).into_owned()
    }

    #[tokio::test]
    async fn a_slow_handler_gets_a_503_and_a_quiet_connection_is_closed() {
        let (addr, stop, server) = start(limits(10_000, 200, 300, 8)).await;
        let mut slow = TcpStream::connect(addr).await.expect("connect");
        slow.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await.expect("send");
        let answer = read_all(&mut slow, Duration::from_secs(5)).await;
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");

        // Connected, silent, header timer far away: the idle timer closes it.
        let started = Instant::now();
        let mut quiet = TcpStream::connect(addr).await.expect("connect");
        assert_eq!(read_all(&mut quiet, Duration::from_secs(5)).await, "");
        assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
        let _ = stop.send(true);
        tokio::time::timeout(Duration::from_secs(5), server).await.expect("stopped").expect("joined");
    }

    #[tokio::test]
    async fn past_the_limit_a_connection_gets_a_503_and_a_stop_closes_idle_ones() {
        let (addr, stop, server) = start(limits(10_000, 10_000, 10_000, 1)).await;
        let mut first = TcpStream::connect(addr).await.expect("connect");
        first.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").await.expect("send");
        let mut head = [0u8; 12];
        first.read_exact(&mut head).await.expect("answer");
        assert_eq!(&head, b"HTTP/1.1 200");
        // `first` is kept alive and holds the only slot.
        let mut second = TcpStream::connect(addr).await.expect("connect");
        let turned_away = read_all(&mut second, Duration::from_secs(5)).await;
        assert!(turned_away.starts_with("HTTP/1.1 503"), "{turned_away}");

        let _ = stop.send(true);
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .expect("stopped with a kept-alive client")
            .expect("joined");
        let rest = read_all(&mut first, Duration::from_secs(5)).await;
        assert!(rest.ends_with("ok"), "the first answer, then closed: {rest}");
    }

    #[test]
    fn the_connection_limit_stays_under_the_descriptor_limit() {
        assert_eq!(connection_cap(512, None), 512);
        assert_eq!(connection_cap(512, Some(1 << 20)), 512);
        // 200 descriptors: 64 kept back, 136 for connections.
        assert_eq!(connection_cap(512, Some(200)), 136);
        // 1024: a quarter (256) kept back.
        assert_eq!(connection_cap(1000, Some(1024)), 768);
        assert_eq!(connection_cap(512, Some(10)), 1);
        assert_eq!(connection_cap(0, None), 1);
    }
}
