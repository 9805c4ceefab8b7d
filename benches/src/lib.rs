//! Bench-only package; its benches live in `benches/`.
