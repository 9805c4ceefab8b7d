//! A 50 MiB file sent to httpbin, read from disk as it goes: the process's resident memory
//! grows by less than 8 MiB while it does. A test binary of its own, so that no other test
//! shares the process whose memory is measured.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tarry_session::{Body, Session};

const SIZE: u64 = 50 * 1024 * 1024;

/// Resident memory of this process, in bytes (Linux).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_50_mib_file_is_sent_with_little_memory() {
    let base = match std::env::var("TARRY_HTTPBIN_URL") {
        Ok(url) if !url.is_empty() => url,
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("TARRY_HTTPBIN_URL is not set and CI=true: run the tests through ./test.sh")
        }
        _ => {
            println!("skipped: httpbin not started (TARRY_HTTPBIN_URL unset); run ./test.sh");
            return;
        }
    };
    let path = std::env::temp_dir().join(format!("tarry-50mib-{}.bin", std::process::id()));
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let block = vec![b'x'; 1024 * 1024];
        for _ in 0..50 {
            file.write_all(&block).unwrap();
        }
    }
    let session = Session::new();
    // Warm the session up, so that what it allocates once is not counted.
    session
        .get(format!("{base}/get"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let before = rss();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (Arc::clone(&peak), Arc::clone(&done));
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    // httpbin echoes the body in its JSON: read that back piece by piece, keeping none of it.
    let mut response = session
        .post(format!("{base}/post"))
        .header("content-type", "application/octet-stream")
        .body(Body::file(&path).unwrap())
        .timeout(Duration::from_secs(120))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut echoed = 0u64;
    while let Some(piece) = response.chunk().await.unwrap() {
        echoed += piece.len() as u64;
        peak.fetch_max(rss(), Ordering::Relaxed);
    }
    done.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(echoed > SIZE, "the whole file came back: {echoed} bytes");
    let grown = peak.load(Ordering::Relaxed).saturating_sub(before);
    println!(
        "upload: 50 MiB file, resident memory before {:.1} MiB, growth at peak {:.2} MiB",
        before as f64 / 1048576.0,
        grown as f64 / 1048576.0
    );
    assert!(grown < 8 * 1024 * 1024, "grew by {grown} bytes");
}
