//! What the network benches share. Each bench includes this module and uses part of it.
#![allow(dead_code)]

pub(crate) mod server;
