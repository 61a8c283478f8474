//! `paklog serve` as a process: HTTP on loopback, and `kill -9` in the
//! middle of a stream of orders loses none that was acknowledged.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small-dc.toml")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request; the status and the body.
fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|b| b.1).unwrap_or_default();
    Ok((status, body.to_owned()))
}

fn serve(port: u16, store: &Path) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paklog"))
        .arg("serve")
        .arg(small())
        .args(["--listen", &format!("127.0.0.1:{port}"), "--store"])
        .arg(format!("sqlite:{}", store.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until {
        if http(port, "GET", "/healthz", "").is_ok_and(|(s, _)| s == 200) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("paklog serve did not come up on port {port}");
}

#[test]
fn a_crash_loses_no_acknowledged_order() {
    let store = std::env::temp_dir().join(format!("paklog-serve-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", store.display()));
    }
    let port = free_port();
    let mut server = serve(port, &store);
    // A stream of orders from another thread; the server is killed while
    // it runs. Every 201 is an acknowledged, stored order.
    let sender = std::thread::spawn(move || {
        let mut acknowledged = Vec::new();
        for i in 0..10_000 {
            let order = format!(
                r#"{{"external_id":"o{i}","carrier":"UPS","priority":"STANDARD","lines":[{{"sku":"SKU00001","quantity":1}}]}}"#
            );
            match http(port, "POST", "/api/v1/orders", &order) {
                // A complete answer is an acknowledgement.
                Ok((201, body)) if serde_json::from_str::<serde_json::Value>(&body).is_ok() => {
                    acknowledged.push((i, body));
                }
                Ok((201, _)) => break,
                // The server died before it answered: not acknowledged.
                Ok((0, _)) | Err(_) => break,
                Ok((status, body)) => panic!("order {i}: {status} {body}"),
            }
        }
        acknowledged
    });
    std::thread::sleep(Duration::from_millis(700));
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let acknowledged = sender.join().unwrap();
    assert!(
        acknowledged.len() > 5,
        "the stream was running: {}",
        acknowledged.len()
    );
    // Restarted from the store, every acknowledged order is there.
    let port = free_port();
    let mut server = serve(port, &store);
    for (i, body) in &acknowledged {
        let id: serde_json::Value = serde_json::from_str(body).unwrap();
        let (status, order) = http(
            port,
            "GET",
            &format!("/api/v1/orders/{}", id["orderId"]),
            "",
        )
        .unwrap();
        assert_eq!(status, 200, "order o{i} lost");
        assert!(order.contains(&format!("\"o{i}\"")), "{order}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    eprintln!(
        "{} orders acknowledged before the crash, all found",
        acknowledged.len()
    );
}
