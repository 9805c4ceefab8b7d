//! Digest authentication against httpbin's `/digest-auth/…`: MD5, SHA-256, `auth-int`, a
//! wrong password answered after exactly one retry, and a stale nonce retried once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tarry_session::{Auth, Session};

use crate::harness::{httpbin, json};

/// A session with these credentials, and the count of responses its hook saw.
fn counted(auth: Auth) -> (Session, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let s = Session::builder()
        .auth(auth)
        .hook(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .build()
        .unwrap();
    (s, seen)
}

#[tokio::test]
async fn md5_sha_256_and_auth_int_are_answered() {
    let Some(b) = httpbin() else { return };
    for path in [
        "/digest-auth/auth/user/pass/MD5",
        "/digest-auth/auth/user/pass/SHA-256",
        "/digest-auth/auth/user/pass/MD5-sess",
        "/digest-auth/auth-int/user/pass/MD5",
    ] {
        let (s, seen) = counted(Auth::digest("user", "pass"));
        let r = s.get(format!("{b}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(json(r).await["authenticated"], true, "{path}");
        assert_eq!(
            seen.load(Ordering::Relaxed),
            2,
            "{path}: the 401, then the answer"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_gets_the_401_after_exactly_one_retry() {
    let Some(b) = httpbin() else { return };
    let (s, seen) = counted(Auth::digest("user", "wrong"));
    let r = s
        .get(format!("{b}/digest-auth/auth/user/pass/MD5"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(seen.load(Ordering::Relaxed), 2);
}

/// httpbin refuses a nonce it has seen once (a stale challenge): the next request answers the
/// old challenge, meets `stale=true`, and is sent once more with the new nonce.
#[tokio::test]
async fn a_stale_nonce_is_retried_once_with_the_new_one() {
    let Some(b) = httpbin() else { return };
    let (s, seen) = counted(Auth::digest("user", "pass"));
    let url = format!("{b}/digest-auth/auth/user/pass/SHA-256");
    assert_eq!(s.get(&url).send().await.unwrap().status(), 200);
    let r = s.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        seen.load(Ordering::Relaxed) <= 4,
        "{}",
        seen.load(Ordering::Relaxed)
    );
}
