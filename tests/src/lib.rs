//! Test-only package; its tests live in `it/`.
