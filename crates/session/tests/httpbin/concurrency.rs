//! One session shared by many tasks on several threads: cookies stored and read
//! concurrently, none lost, no panic (JAR-15, D15).

use std::sync::Arc;

use tarry_session::Session;
use tarry_session::jar::{Jar, Limits};
use tokio::task::JoinSet;

use crate::harness::{httpbin, json};

const TASKS: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_tasks_share_one_session_and_keep_their_cookies() {
    let Some(b) = httpbin() else { return };
    // All 64 cookies are for one host: lift the jar's per-domain cap (50 by default, RFC
    // 6265's minimum) so that the count at the end is the test, not the cap.
    let jar = Jar::builder()
        .limits(Limits::new().max_cookies_per_domain(2 * TASKS))
        .build();
    let s = Session::builder().jar(Arc::new(jar)).build().unwrap();
    let mut set = JoinSet::new();
    for i in 0..TASKS {
        let (s, b) = (s.clone(), b.clone());
        set.spawn(async move {
            let (name, value) = (format!("task{i}"), format!("value{i}"));
            let r = s
                .get(format!("{b}/cookies/set/{name}/{value}"))
                .send()
                .await
                .unwrap();
            assert_eq!(json(r).await["cookies"][&name], value.as_str());
            let r = s.get(format!("{b}/cookies")).send().await.unwrap();
            assert_eq!(json(r).await["cookies"][&name], value.as_str());
        });
    }
    let mut finished = 0;
    while let Some(done) = set.join_next().await {
        done.expect("no task panicked");
        finished += 1;
    }
    assert_eq!(finished, TASKS);
    assert_eq!(s.jar().len(), TASKS);
    for i in 0..TASKS {
        let cookie = s.jar().get("127.0.0.1", "/", &format!("task{i}"));
        assert_eq!(cookie.unwrap().value(), format!("value{i}"));
    }
    let r = s.get(format!("{b}/cookies")).send().await.unwrap();
    let seen = json(r).await;
    assert_eq!(seen["cookies"].as_object().unwrap().len(), TASKS, "{seen}");
}
