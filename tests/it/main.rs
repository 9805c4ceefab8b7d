//! Workspace integration tests: tarry's crates against real servers on 127.0.0.1.
//!
//! One test binary (one link step) with a module per area. Servers bind `127.0.0.1:0`.

mod jar_curl;
mod wire_over_tcp;
