//! Unit tests per state, each starting from a [`scenario::Scenario`].

mod checked_headers;
mod scenario;
mod state_await_100;
mod state_cleanup;
mod state_recv_body;
mod state_recv_response;
mod state_send_body;
mod state_send_request;
mod write_request;
