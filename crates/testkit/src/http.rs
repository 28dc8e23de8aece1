//! A real HTTP/1.1 server on a loopback port, serving fixed routes: what the tests that fetch
//! URLs (`greenlight read URL`, feeds, the web's check of a URL) read from, with the failures
//! a real server can have (a status, a redirect loop, a slow answer, a body past any cap).
//! Plain `std::net`, one thread per connection, `Connection: close`: small enough to read.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What one path answers.
#[derive(Debug, Clone)]
pub enum Route {
    /// 200 with this content type and body (and its Content-Length).
    Ok {
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// 302 to this location (a path of this server or an absolute URL).
    Redirect(String),
    /// This status with a short text body.
    Status(u16),
    /// Waits this long before answering 200 with the body.
    Slow(Duration, Vec<u8>),
    /// 200 text/html with this many bytes, streamed without a Content-Length (so only a cap
    /// on what is read can stop it).
    Endless(u64),
}

/// A running server; it lives as long as the test process.
#[derive(Clone)]
pub struct Server {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
}

impl Server {
    /// Starts a server on 127.0.0.1 on a free port with `routes` (path → route).
    pub fn start(routes: impl IntoIterator<Item = (String, Route)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let routes = Arc::new(Mutex::new(routes.into_iter().collect::<HashMap<_, _>>()));
        let shared = routes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = shared.clone();
                std::thread::spawn(move || {
                    let _ = answer(stream, &routes);
                });
            }
        });
        Server { base, routes }
    }

    /// Adds or replaces the route of `path`.
    pub fn route(&self, path: &str, route: Route) {
        self.routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), route);
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn answer(mut stream: TcpStream, routes: &Mutex<HashMap<String, Route>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Headers, up to the blank line (bounded).
    for _ in 0..200 {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let route = routes
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&path)
        .cloned();
    let head = |status: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\nConnection: close\r\n{extra}\r\n")
    };
    match route {
        None => {
            let body = "no such fixture";
            write!(
                stream,
                "{}{body}",
                head(
                    "404 Not Found",
                    &format!(
                        "Content-Type: text/plain\r\nContent-Length: {}\r\n",
                        body.len()
                    )
                )
            )?;
        }
        Some(Route::Ok { content_type, body }) => {
            stream.write_all(
                head(
                    "200 OK",
                    &format!(
                        "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                        body.len()
                    ),
                )
                .as_bytes(),
            )?;
            stream.write_all(&body)?;
        }
        Some(Route::Redirect(to)) => {
            write!(
                stream,
                "{}",
                head(
                    "302 Found",
                    &format!("Location: {to}\r\nContent-Length: 0\r\n")
                )
            )?;
        }
        Some(Route::Status(code)) => {
            let body = format!("status {code}");
            write!(
                stream,
                "{}{body}",
                head(
                    &format!("{code} Fixture"),
                    &format!(
                        "Content-Type: text/plain\r\nContent-Length: {}\r\n",
                        body.len()
                    )
                )
            )?;
        }
        Some(Route::Slow(delay, body)) => {
            std::thread::sleep(delay);
            stream.write_all(
                head(
                    "200 OK",
                    &format!(
                        "Content-Type: text/plain\r\nContent-Length: {}\r\n",
                        body.len()
                    ),
                )
                .as_bytes(),
            )?;
            stream.write_all(&body)?;
        }
        Some(Route::Endless(n)) => {
            stream.write_all(head("200 OK", "Content-Type: text/html\r\n").as_bytes())?;
            let chunk = [b'x'; 8192];
            let mut left = n;
            while left > 0 {
                let k = left.min(chunk.len() as u64) as usize;
                stream.write_all(&chunk[..k])?;
                left -= k as u64;
            }
        }
    }
    stream.flush()
}
