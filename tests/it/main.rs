//! Workspace integration tests: tarry's crates against real servers on 127.0.0.1.
//!
//! One test binary (one link step) with a module per area. Servers bind `127.0.0.1:0`, except
//! the nginx that `test.sh` starts for `nginx_soak` (the one test it runs on its own).
//! `catalogue` starts no server: it checks that every row of the security catalogue has a test
//! named after it, wherever in the workspace that test lives.

mod catalogue;
mod jar_curl;
mod nginx_soak;
mod origins;
mod wire_over_tcp;
