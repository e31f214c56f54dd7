//! A small blocking HTTP/1.1 client for the live dashboard's tests: plain requests (so tests
//! can send malformed ones), a server-sent-events reader, and the few WebDriver commands the
//! browser test needs. Everything talks to 127.0.0.1 only.

#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A response: status, headers (names lower-cased) and body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Send raw bytes and read the whole response (the request should ask to close).
pub fn raw(addr: SocketAddr, request: &[u8]) -> io::Result<Response> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    s.write_all(request)?;
    let mut r = BufReader::new(s);
    read_response(&mut r)
}

/// A request with `Connection: close`; a body is sent with its length.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Response> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req += &format!("Host: {addr}\r\n");
    }
    for (k, v) in headers {
        req += &format!("{k}: {v}\r\n");
    }
    if !body.is_empty() || method == "POST" {
        req += &format!("Content-Length: {}\r\n", body.len());
    }
    req += "\r\n";
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    raw(addr, &bytes)
}

pub fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, &[], b"").unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// POST a JSON body.
pub fn post(addr: SocketAddr, path: &str, json: &str) -> Response {
    request(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        json.as_bytes(),
    )
    .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

fn read_head(r: &mut impl BufRead) -> io::Result<(u16, Vec<(String, String)>)> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad status line: {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    Ok((status, headers))
}

fn read_response(r: &mut impl BufRead) -> io::Result<Response> {
    let (status, headers) = read_head(r)?;
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        let mut c = Chunked {
            inner: r,
            left: 0,
            done: false,
        };
        c.read_to_end(&mut body)?;
    } else if let Some(n) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(n, 0);
        r.read_exact(&mut body)?;
    } else {
        r.read_to_end(&mut body)?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Decodes a chunked body.
struct Chunked<R> {
    inner: R,
    left: usize,
    done: bool,
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        if self.left == 0 {
            let mut line = String::new();
            loop {
                line.clear();
                if self.inner.read_line(&mut line)? == 0 {
                    self.done = true;
                    return Ok(0);
                }
                if !line.trim().is_empty() {
                    break;
                }
            }
            let size = line.trim().split(';').next().unwrap_or("");
            self.left = usize::from_str_radix(size, 16)
                .map_err(|_| io::Error::other(format!("bad chunk size {line:?}")))?;
            if self.left == 0 {
                self.done = true;
                return Ok(0);
            }
        }
        let n = buf.len().min(self.left);
        let got = self.inner.read(&mut buf[..n])?;
        if got == 0 {
            self.done = true;
        }
        self.left -= got;
        Ok(got)
    }
}

/// A server-sent-events stream.
pub struct Events {
    reader: BufReader<Chunked<BufReader<TcpStream>>>,
}

impl Events {
    /// Open `path` as an event stream.
    pub fn open(addr: SocketAddr, path: &str) -> io::Result<Events> {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )?;
        let mut r = BufReader::new(s);
        let (status, headers) = read_head(&mut r)?;
        if status != 200 {
            return Err(io::Error::other(format!("status {status}")));
        }
        if !headers
            .iter()
            .any(|(k, v)| k == "content-type" && v.starts_with("text/event-stream"))
        {
            return Err(io::Error::other(format!(
                "not an event stream: {headers:?}"
            )));
        }
        Ok(Events {
            reader: BufReader::new(Chunked {
                inner: r,
                left: 0,
                done: false,
            }),
        })
    }

    /// The next event with a name, as `(event, data)`; `None` when the stream ends.
    pub fn next(&mut self) -> io::Result<Option<(String, String)>> {
        let (mut event, mut data) = (String::new(), String::new());
        let mut line = String::new();
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Ok(None);
            }
            let l = line.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                if !event.is_empty() {
                    return Ok(Some((event, data)));
                }
                data.clear();
                continue;
            }
            if let Some(v) = l.strip_prefix("event:") {
                event = v.trim_start().to_string();
            } else if let Some(v) = l.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(v.strip_prefix(' ').unwrap_or(v));
            }
        }
    }

    /// The underlying connection, to close it abruptly.
    pub fn into_stream(self) -> TcpStream {
        self.reader.into_inner().inner.into_inner()
    }
}

/// A WebDriver session (W3C protocol) on a local driver.
pub struct WebDriver {
    addr: SocketAddr,
    session: String,
}

impl WebDriver {
    /// Start a session with these capabilities (the `alwaysMatch` object).
    pub fn new(addr: SocketAddr, always_match: serde_json::Value) -> Result<WebDriver, String> {
        let body = serde_json::json!({ "capabilities": { "alwaysMatch": always_match } });
        let r = call(addr, "POST", "/session", Some(&body))?;
        let session = r["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {r}"))?
            .to_string();
        Ok(WebDriver { addr, session })
    }

    fn cmd(&self, method: &str, path: &str, body: Option<&serde_json::Value>) -> serde_json::Value {
        let path = format!("/session/{}{path}", self.session);
        call(self.addr, method, &path, body).unwrap_or_else(|e| panic!("WebDriver {path}: {e}"))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(&serde_json::json!({ "url": url })));
    }

    /// Run `script` (a function body) in the page and return what it returns.
    pub fn execute(&self, script: &str) -> serde_json::Value {
        let body = serde_json::json!({ "script": script, "args": [] });
        self.cmd("POST", "/execute/sync", Some(&body))
    }

    /// The element matching a CSS selector.
    pub fn find(&self, css: &str) -> String {
        let body = serde_json::json!({ "using": "css selector", "value": css });
        let v = self.cmd("POST", "/element", Some(&body));
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|id| id.as_str())
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    /// Click the element matching a CSS selector, as a person would.
    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{id}/click"),
            Some(&serde_json::json!({})),
        );
    }

    /// Type into the element matching a CSS selector, after clearing it.
    pub fn fill(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{id}/clear"),
            Some(&serde_json::json!({})),
        );
        if !text.is_empty() {
            self.cmd(
                "POST",
                &format!("/element/{id}/value"),
                Some(&serde_json::json!({ "text": text })),
            );
        }
    }

    /// Resize the window so the page itself (the viewport) is `width` × `height`.
    pub fn set_viewport(&self, width: i64, height: i64) {
        for _ in 0..3 {
            let inner = self.execute("return [window.innerWidth, window.innerHeight];");
            let (w, h) = (inner[0].as_i64().unwrap(), inner[1].as_i64().unwrap());
            if (w, h) == (width, height) {
                return;
            }
            let rect = self.cmd("GET", "/window/rect", None);
            let body = serde_json::json!({
                "width": rect["width"].as_i64().unwrap() + width - w,
                "height": rect["height"].as_i64().unwrap() + height - h,
            });
            self.cmd("POST", "/window/rect", Some(&body));
        }
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        let v = self.cmd("GET", "/screenshot", None);
        base64(v.as_str().expect("a base64 screenshot"))
    }
}

impl Drop for WebDriver {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.session);
        let _ = call(self.addr, "DELETE", &path, None);
    }
}

/// One WebDriver command; its `value`, or the driver's error message.
fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
) -> Result<serde_json::Value, String> {
    let bytes = body.map(|b| b.to_string()).unwrap_or_default();
    let headers: &[(&str, &str)] = if body.is_some() {
        &[("Content-Type", "application/json")]
    } else {
        &[]
    };
    let r = request(addr, method, path, headers, bytes.as_bytes()).map_err(|e| e.to_string())?;
    let v: serde_json::Value =
        serde_json::from_slice(&r.body).map_err(|e| format!("{e}: {}", r.text()))?;
    if r.status != 200 {
        return Err(format!("{} {}", r.status, v["value"]));
    }
    Ok(v["value"].clone())
}

/// Standard base64, as WebDriver sends screenshots.
pub fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn base64_decodes_what_it_should() {
    assert_eq!(base64("b3Jnc2lt"), b"orgsim");
    assert_eq!(base64("bGl2ZQ=="), b"live");
    assert_eq!(base64("bGl2ZSE="), b"live!");
}
