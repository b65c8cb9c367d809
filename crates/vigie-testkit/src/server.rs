//! The loopback server: listener lifecycle, connections, route table, counters.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

use crate::control;
use crate::http::{self, Request};
use crate::route::{Behavior, Route, FILLER};

/// Time allowed to send a whole request before the connection is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Size of the chunks of a [`Route::huge`] body.
const HUGE_CHUNK: usize = 64 * 1024;

/// One recorded request: its path (no query string) and its headers, names lowercased.
pub type RecordedRequest = (String, Vec<(String, String)>);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Options for a [`Server`] beyond the defaults of [`Server::start`].
#[derive(Debug, Clone, Default)]
pub struct Builder {
    port: u16,
    dir: Option<PathBuf>,
    control: bool,
}

impl Builder {
    /// Port on 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Builder {
        self.port = port;
        self
    }

    /// Serve files under `dir` for paths that have no route (`GET /a/b.json` → `dir/a/b.json`).
    /// Content type by extension: `.json` → `application/json`; `.xml`, `.atom`, `.rss` →
    /// `application/xml`; anything else → `text/plain`.
    pub fn static_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.dir = Some(dir.into());
        self
    }

    /// Answer the `/_control/...` API (see the crate docs). Off by default.
    pub fn control_api(mut self, on: bool) -> Builder {
        self.control = on;
        self
    }

    /// Binds and starts serving.
    pub async fn start(self) -> io::Result<Server> {
        let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.port));
        let listener = bind(addr)?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner {
            addr,
            dir: self.dir,
            control: self.control,
            routes: Mutex::new(HashMap::new()),
            hits: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
            accept: Mutex::new(None),
            updown: tokio::sync::Mutex::new(()),
            conns: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(0),
            closed: AtomicBool::new(false),
        });
        let task = tokio::spawn(accept_loop(Arc::downgrade(&inner), listener));
        *lock(&inner.accept) = Some(task);
        Ok(Server { inner })
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 whose answers tests choose, and change, at run time.
///
/// Every response carries `Connection: close`; one request per connection. Dropping the
/// server closes the listener and every open connection.
#[derive(Debug)]
pub struct Server {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    addr: SocketAddr,
    dir: Option<PathBuf>,
    control: bool,
    routes: Mutex<HashMap<String, Route>>,
    hits: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<RecordedRequest>>,
    /// The accept loop, which owns the listener; `None` while down.
    accept: Mutex<Option<JoinHandle<()>>>,
    /// Serialises down/up transitions.
    updown: tokio::sync::Mutex<()>,
    /// Open connections, to cut them when going down.
    conns: Mutex<HashMap<u64, AbortHandle>>,
    next_conn: AtomicU64,
    /// Set when the [`Server`] is dropped: nothing may bring the listener back.
    closed: AtomicBool,
}

impl Server {
    /// Starts on a free port of 127.0.0.1, no routes, no control API.
    ///
    /// # Panics
    /// If no loopback port can be bound (a broken test machine).
    pub async fn start() -> Server {
        match Server::builder().start().await {
            Ok(server) => server,
            Err(e) => panic!("vigie-testkit: cannot bind 127.0.0.1:0: {e}"),
        }
    }

    /// Starts on a given port of 127.0.0.1 (0 = any free port).
    pub async fn start_on(port: u16) -> io::Result<Server> {
        Server::builder().port(port).start().await
    }

    /// For a static directory, the control API or a fixed port.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// The listening address (kept across [`Server::down`]).
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The listening port (kept across [`Server::down`]).
    pub fn port(&self) -> u16 {
        self.inner.addr.port()
    }

    /// Makes `path` (exact match, without query string, e.g. `/api/v2/summary.json`)
    /// answer `route`, replacing what it answered before. Takes effect for the next request.
    pub fn set(&self, path: &str, route: Route) {
        lock(&self.inner.routes).insert(path.to_owned(), route);
    }

    /// Removes the route of `path` (it then answers 404, or a static file).
    pub fn remove(&self, path: &str) {
        lock(&self.inner.routes).remove(path);
    }

    /// Requests received on `path` so far (whatever the answer, 404 included).
    pub fn hits(&self, path: &str) -> usize {
        lock(&self.inner.hits).get(path).copied().unwrap_or(0)
    }

    /// Every request received so far, oldest first: path (no query string) and headers
    /// (names lowercased, e.g. `if-none-match`). Control API requests are not recorded.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.inner.log).clone()
    }

    /// Forgets hits and recorded requests (routes stay).
    pub fn reset_counters(&self) {
        lock(&self.inner.hits).clear();
        lock(&self.inner.log).clear();
    }

    /// `down(true)` closes the listening socket, so new connections are **refused**, and cuts
    /// the connections in flight. `down(false)` binds the same port again. Idempotent.
    /// Errors only if the port cannot be bound again (another process took it).
    pub async fn down(&self, down: bool) -> io::Result<()> {
        self.inner.set_down(down, None).await
    }

    /// True while [`Server::down`]`(true)` (or the control API's `down`) is in force.
    pub fn is_down(&self) -> bool {
        lock(&self.inner.accept).is_none()
    }

    /// Closes the listener and every connection, for good; then drops the server.
    pub async fn stop(self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        // Binding is not attempted when going down, so this cannot fail.
        let _ = self.inner.set_down(true, None).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        if let Some(task) = lock(&self.inner.accept).take() {
            task.abort();
        }
        self.inner.abort_connections(None);
    }
}

fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    // Rebinding after `down(true)` must not trip over connections in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

async fn accept_loop(inner: Weak<Inner>, listener: TcpListener) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // EMFILE and friends: keep serving once resources come back.
                eprintln!("vigie-testkit: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Some(inner) = inner.upgrade() else {
            return;
        };
        inner.spawn_connection(stream);
    }
}

/// Removes a connection from [`Inner::conns`] when its task ends or is aborted.
struct ConnGuard {
    inner: Arc<Inner>,
    id: u64,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        lock(&self.inner.conns).remove(&self.id);
    }
}

impl Inner {
    fn spawn_connection(self: &Arc<Self>, stream: TcpStream) {
        let id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let guard = ConnGuard {
            inner: Arc::clone(self),
            id,
        };
        // Held across spawn + insert so the task cannot remove its entry before it exists.
        let mut conns = lock(&self.conns);
        let task = tokio::spawn(async move {
            let inner = Arc::clone(&guard.inner);
            serve_connection(&inner, guard.id, stream).await;
            drop(guard);
        });
        conns.insert(id, task.abort_handle());
    }

    fn abort_connections(&self, keep: Option<u64>) {
        let doomed: Vec<AbortHandle> = lock(&self.conns)
            .iter()
            .filter(|(id, _)| Some(**id) != keep)
            .map(|(_, handle)| handle.clone())
            .collect();
        for handle in doomed {
            handle.abort();
        }
    }

    /// See [`Server::down`]. `keep` spares one connection (the control request asking).
    pub(crate) async fn set_down(
        self: &Arc<Self>,
        down: bool,
        keep: Option<u64>,
    ) -> io::Result<()> {
        let _serial = self.updown.lock().await;
        if down {
            let task = lock(&self.accept).take();
            if let Some(task) = task {
                task.abort();
                // Once the aborted task is joined its future, and so the listener, is dropped.
                let _ = task.await;
            }
            self.abort_connections(keep);
            return Ok(());
        }
        if self.closed.load(Ordering::SeqCst) || lock(&self.accept).is_some() {
            return Ok(());
        }
        let listener = bind(self.addr)?;
        let task = tokio::spawn(accept_loop(Arc::downgrade(self), listener));
        *lock(&self.accept) = Some(task);
        Ok(())
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    pub(crate) fn set_route(&self, path: String, route: Route) {
        lock(&self.routes).insert(path, route);
    }

    pub(crate) fn remove_route(&self, path: &str) -> bool {
        lock(&self.routes).remove(path).is_some()
    }

    pub(crate) fn reset(&self) {
        lock(&self.routes).clear();
        lock(&self.hits).clear();
        lock(&self.log).clear();
    }

    pub(crate) fn hits_of(&self, path: &str) -> usize {
        lock(&self.hits).get(path).copied().unwrap_or(0)
    }

    pub(crate) fn all_hits(&self) -> Vec<(String, usize)> {
        let mut all: Vec<_> = lock(&self.hits)
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        all.sort();
        all
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.log).clone()
    }

    fn record(&self, req: &Request) {
        *lock(&self.hits).entry(req.path.clone()).or_insert(0) += 1;
        lock(&self.log).push((req.path.clone(), req.headers.clone()));
    }
}

async fn serve_connection(inner: &Arc<Inner>, id: u64, mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let req = match tokio::time::timeout(READ_TIMEOUT, http::read_request(&mut stream)).await {
        Ok(Ok(req)) => req,
        Ok(Err(http::ReadError::Bad(why))) => {
            let body = format!("bad request: {why}\n");
            let _ = http::write_simple(&mut stream, 400, "text/plain", body.as_bytes(), true).await;
            let _ = stream.shutdown().await;
            return;
        }
        // Closed, I/O error or too slow: nobody to answer.
        Ok(Err(_)) | Err(_) => return,
    };
    if inner.control && req.path.starts_with(control::PREFIX) {
        control::handle(inner, id, &req, &mut stream).await;
        let _ = stream.shutdown().await;
        return;
    }
    inner.record(&req);
    let route = lock(&inner.routes).get(&req.path).cloned();
    let result = match route {
        Some(route) => answer(&route, &req, &mut stream).await,
        None => match static_file(inner.dir.as_deref(), &req).await {
            Some(route) => answer(&route, &req, &mut stream).await,
            None => {
                let body = format!("not found: {}\n", req.path);
                http::write_simple(
                    &mut stream,
                    404,
                    "text/plain",
                    body.as_bytes(),
                    req.method != "HEAD",
                )
                .await
            }
        },
    };
    if result.is_ok() {
        let _ = stream.shutdown().await;
    }
}

/// A route for `dir` + request path, if such a file exists (GET/HEAD only, no `..`).
async fn static_file(dir: Option<&Path>, req: &Request) -> Option<Route> {
    let dir = dir?;
    if req.method != "GET" && req.method != "HEAD" {
        return None;
    }
    let mut file = dir.to_path_buf();
    for part in Path::new(req.path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => file.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let content_type = match ext.as_str() {
        "json" => "application/json",
        "xml" | "atom" | "rss" => "application/xml",
        _ => "text/plain",
    };
    let body = tokio::task::spawn_blocking(move || {
        if file.is_file() {
            std::fs::read(&file).ok()
        } else {
            None
        }
    })
    .await
    .ok()
    .flatten()?;
    Some(Route::body(200, content_type, body))
}

/// Writes what `route` says (or misbehaves as it says).
async fn answer(route: &Route, req: &Request, stream: &mut TcpStream) -> io::Result<()> {
    if let Some(delay) = route.delay {
        tokio::time::sleep(delay).await;
    }
    if route.behavior == Behavior::Refuse {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "refused on purpose",
        ));
    }
    let with_body = req.method != "HEAD";
    let mut headers: Vec<(String, String)> = Vec::new();
    let custom_type = route
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if !route.content_type.is_empty() && !custom_type {
        headers.push(("Content-Type".to_owned(), route.content_type.clone()));
    }
    if let Some(etag) = &route.etag {
        headers.push(("ETag".to_owned(), etag.clone()));
        if req
            .header("if-none-match")
            .is_some_and(|inm| route.etag_matches(inm))
        {
            headers.extend(route.headers.iter().cloned());
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            stream.write_all(&http::head(304, &headers)).await?;
            return stream.flush().await;
        }
    }
    match route.behavior {
        Behavior::Normal | Behavior::Refuse => {
            headers.push(("Content-Length".to_owned(), route.body.len().to_string()));
            headers.extend(route.headers.iter().cloned());
            stream
                .write_all(&http::head(route.status, &headers))
                .await?;
            if with_body {
                stream.write_all(&route.body).await?;
            }
        }
        Behavior::Truncated { declared } => {
            headers.push(("Content-Length".to_owned(), declared.to_string()));
            headers.extend(route.headers.iter().cloned());
            stream
                .write_all(&http::head(route.status, &headers))
                .await?;
            if with_body {
                stream.write_all(&route.body).await?;
            }
        }
        Behavior::Slowloris { every } => {
            headers.push(("Content-Length".to_owned(), route.body.len().to_string()));
            headers.extend(route.headers.iter().cloned());
            stream
                .write_all(&http::head(route.status, &headers))
                .await?;
            stream.flush().await?;
            if with_body {
                for byte in &route.body {
                    tokio::time::sleep(every).await;
                    stream.write_all(std::slice::from_ref(byte)).await?;
                    stream.flush().await?;
                }
            }
        }
        Behavior::Huge { len } => {
            headers.push(("Transfer-Encoding".to_owned(), "chunked".to_owned()));
            headers.extend(route.headers.iter().cloned());
            stream
                .write_all(&http::head(route.status, &headers))
                .await?;
            if with_body {
                write_huge(stream, len).await?;
            }
        }
    }
    stream.flush().await
}

/// `len` bytes: `[` then [`FILLER`] over and over, in chunks, then the last chunk.
async fn write_huge(stream: &mut TcpStream, len: u64) -> io::Result<()> {
    let mut pattern = Vec::with_capacity(HUGE_CHUNK + FILLER.len());
    while pattern.len() < HUGE_CHUNK + FILLER.len() {
        pattern.extend_from_slice(FILLER);
    }
    let mut sent: u64 = 0;
    if len > 0 {
        stream.write_all(b"1\r\n[\r\n").await?;
        sent = 1;
    }
    let mut frame = Vec::with_capacity(HUGE_CHUNK + 16);
    while sent < len {
        let n = (len - sent).min(HUGE_CHUNK as u64) as usize;
        // Byte k (k >= 1) of the body is FILLER[(k - 1) % FILLER.len()].
        let start = ((sent - 1) % FILLER.len() as u64) as usize;
        frame.clear();
        frame.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        frame.extend_from_slice(&pattern[start..start + n]);
        frame.extend_from_slice(b"\r\n");
        stream.write_all(&frame).await?;
        sent += n as u64;
    }
    stream.write_all(b"0\r\n\r\n").await
}
