//! The connection gate: the public socket of `flightclaim serve`, in front of Rocket.
//!
//! Rocket 0.5 reads request headers and bodies without any timeout (it turns hyper's header
//! timeout off) and accepts connections until the process runs out of file descriptors, so a
//! client trickling bytes, or opening a thousand idle connections, could hold the server. Rocket
//! 0.5 takes no custom listener either, so the gate owns the public socket and hands each
//! request to Rocket, listening on an ephemeral loopback port:
//!
//! 1. accept; at most `max_connections` connections may wait for their request head — past
//!    that the *oldest* waiting one is closed (an idle flood evicts itself, not the newcomers);
//! 2. the complete request head must arrive within `header_timeout` (else the connection is
//!    closed) and fit in [`MAX_HEAD_BYTES`]; obsolete line folding and HTTP/2 prior knowledge
//!    are refused;
//! 3. at most `max_connections` requests are handed to Rocket at once (a permit each);
//! 4. the head is forwarded with one header added, [`PEER_HEADER`], carrying a per-process
//!    secret and the client's address (any copy sent by the client is dropped first); the
//!    [`PeerFromGate`] fairing turns it back into `Request::remote()`;
//! 5. bytes are copied both ways until Rocket closes (keep-alive is off behind the gate: one
//!    request per connection, so no later head goes unchecked), at most [`MAX_LIFETIME`].
//!
//! Bodies are bounded by the guards that read them (`request_body_timeout_secs`, see
//! `web::guards::body_timeout`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rocket::fairing::{AdHoc, Fairing, Info, Kind};
use rocket::{Build, Data, Request, Rocket};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// Header from the gate to Rocket: `<secret> <client address>`.
pub const PEER_HEADER: &str = "X-FlightClaim-Peer";
/// Largest request head (request line and headers) accepted.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// Longest a connection may last, whatever it does (slow readers of a response included).
pub const MAX_LIFETIME: Duration = Duration::from_mins(10);
/// Pause after an `accept` error (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// The gate's limits (from `AppConfig`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
}

impl Limits {
    pub fn from_config(cfg: &crate::config::AppConfig) -> Limits {
        Limits {
            max_connections: cfg.max_connections,
            header_timeout: Duration::from_secs(cfg.request_header_timeout_secs),
        }
    }
}

/// Puts the gate in front of `rocket`: Rocket moves to an ephemeral loopback port with
/// keep-alive off; once it listens, the gate serves `public`.
pub fn install(
    rocket: Rocket<Build>,
    public: std::net::TcpListener,
    limits: Limits,
) -> Rocket<Build> {
    let secret: Arc<str> = hex::encode(rand::random::<[u8; 16]>()).into();
    let figment = rocket
        .figment()
        .clone()
        .merge(("address", std::net::IpAddr::from([127, 0, 0, 1])))
        .merge(("port", 0))
        .merge(("keep_alive", 0));
    let fairing_secret = secret.clone();
    rocket
        .configure(figment)
        .attach(PeerFromGate {
            secret: fairing_secret,
        })
        .attach(AdHoc::on_liftoff("connection gate", move |rocket| {
            let upstream = SocketAddr::new(rocket.config().address, rocket.config().port);
            let shutdown = rocket.shutdown();
            Box::pin(async move {
                match TcpListener::from_std(public) {
                    Ok(listener) => {
                        tokio::spawn(serve(listener, upstream, secret, limits, shutdown));
                    }
                    Err(e) => tracing::error!(error = %e, "connection gate cannot listen"),
                }
            })
        }))
}

/// Binds the public socket (address reuse, so a restart does not wait for `TIME_WAIT`
/// connections to expire; non-blocking, for Tokio).
pub fn bind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// Connections waiting for their request head, oldest first, each with its eviction switch.
#[derive(Default)]
struct Waiting {
    next: u64,
    queue: BTreeMap<u64, oneshot::Sender<()>>,
}

struct Shared {
    waiting: Mutex<Waiting>,
    active: Arc<Semaphore>,
    upstream: SocketAddr,
    secret: Arc<str>,
    limits: Limits,
}

impl Shared {
    /// Registers a new waiting connection, evicting the oldest when too many wait.
    fn enter(&self) -> (u64, oneshot::Receiver<()>) {
        let (tx, rx) = oneshot::channel();
        let mut w = self
            .waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = w.next;
        w.next += 1;
        w.queue.insert(id, tx);
        while w.queue.len() > self.limits.max_connections {
            if let Some((_, oldest)) = w.queue.pop_first() {
                let _ = oldest.send(());
            }
        }
        (id, rx)
    }

    fn leave(&self, id: u64) {
        let mut w = self
            .waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        w.queue.remove(&id);
    }
}

async fn serve(
    listener: TcpListener,
    upstream: SocketAddr,
    secret: Arc<str>,
    limits: Limits,
    shutdown: rocket::Shutdown,
) {
    let shared = Arc::new(Shared {
        waiting: Mutex::default(),
        active: Arc::new(Semaphore::new(limits.max_connections)),
        upstream,
        secret,
        limits,
    });
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let (id, evicted) = shared.enter();
                    tokio::spawn(handle(shared.clone(), stream, peer, id, evicted));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "connection gate: accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    mut client: TcpStream,
    peer: SocketAddr,
    id: u64,
    evicted: oneshot::Receiver<()>,
) {
    let _ = client.set_nodelay(true);
    let admitted = tokio::select! {
        _ = evicted => None,
        admitted = tokio::time::timeout(shared.limits.header_timeout, admit(&shared, &mut client)) => {
            admitted.ok().flatten()
        }
    };
    shared.leave(id);
    let Some((head, rest, _permit)) = admitted else {
        return;
    };
    let Some(head) = rewrite_head(&head, &shared.secret, peer) else {
        let _ = client
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            )
            .await;
        return;
    };
    let Ok(mut upstream) = TcpStream::connect(shared.upstream).await else {
        return;
    };
    let _ = upstream.set_nodelay(true);
    if upstream.write_all(&head).await.is_err() || upstream.write_all(&rest).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(MAX_LIFETIME, pipe(client, upstream)).await;
}

/// Reads the request head, then waits for a permit to hand it to Rocket.
async fn admit(
    shared: &Shared,
    client: &mut TcpStream,
) -> Option<(Vec<u8>, Vec<u8>, OwnedSemaphorePermit)> {
    let (head, rest) = read_head(client).await?;
    let permit = shared.active.clone().acquire_owned().await.ok()?;
    Some((head, rest, permit))
}

/// Reads until the blank line ending the head: `(head, bytes after it)`; `None` on EOF, error
/// or a head larger than [`MAX_HEAD_BYTES`].
async fn read_head(client: &mut TcpStream) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    loop {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        let searched_from = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = find_blank_line(&buf[searched_from..]) {
            let end = searched_from + pos + 4;
            let rest = buf.split_off(end);
            return Some((buf, rest));
        }
        if buf.len() > MAX_HEAD_BYTES {
            return None;
        }
    }
}

fn find_blank_line(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n")
}

/// The head with [`PEER_HEADER`] set by us: `None` when it is not an HTTP/1 request head we
/// are willing to forward (HTTP/2 preface, folded header lines, not UTF-8).
fn rewrite_head(head: &[u8], secret: &str, peer: SocketAddr) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next()?;
    if !request_line.ends_with(" HTTP/1.1") && !request_line.ends_with(" HTTP/1.0") {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 80);
    out.push_str(request_line);
    out.push_str("\r\n");
    let _ = write!(out, "{PEER_HEADER}: {secret} {peer}\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            return None;
        }
        let name = line.split(':').next().unwrap_or("").trim();
        if name.eq_ignore_ascii_case(PEER_HEADER) {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    Some(out.into_bytes())
}

/// Copies both ways until Rocket is done with the connection. The client's end of input is
/// not passed on (hyper would drop the response of a half-closed connection).
async fn pipe(mut client: TcpStream, mut upstream: TcpStream) {
    let (mut client_read, mut client_write) = client.split();
    let (mut up_read, mut up_write) = upstream.split();
    let to_upstream = async {
        let _ = tokio::io::copy(&mut client_read, &mut up_write).await;
        std::future::pending::<()>().await;
    };
    let to_client = async {
        let _ = tokio::io::copy(&mut up_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    };
    tokio::select! {
        () = to_upstream => {}
        () = to_client => {}
    }
}

/// Gives a request forwarded by the gate its real client address.
pub struct PeerFromGate {
    secret: Arc<str>,
}

#[rocket::async_trait]
impl Fairing for PeerFromGate {
    fn info(&self) -> Info {
        Info {
            name: "client address from the connection gate",
            kind: Kind::Request,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        let peer = req.headers().get_one(PEER_HEADER).and_then(|v| {
            let (secret, addr) = v.split_once(' ')?;
            let genuine = secret.len() == self.secret.len() && {
                use subtle::ConstantTimeEq as _;
                bool::from(secret.as_bytes().ct_eq(self.secret.as_bytes()))
            };
            genuine.then(|| addr.parse::<SocketAddr>().ok()).flatten()
        });
        if let Some(peer) = peer {
            req.set_remote(peer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peer_header_is_ours_only() {
        let peer: SocketAddr = "203.0.113.5:4000".parse().unwrap();
        let head = b"GET / HTTP/1.1\r\nHost: x\r\nx-flightclaim-peer: forged 1.2.3.4:1\r\n\r\n";
        let out = String::from_utf8(rewrite_head(head, "s3", peer).unwrap()).unwrap();
        assert_eq!(
            out,
            "GET / HTTP/1.1\r\nX-FlightClaim-Peer: s3 203.0.113.5:4000\r\nHost: x\r\n\r\n"
        );
        assert!(rewrite_head(b"PRI * HTTP/2.0\r\n\r\n", "s", peer).is_none());
        assert!(rewrite_head(b"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", "s", peer).is_none());
    }
}
