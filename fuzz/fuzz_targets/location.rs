#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tarry_fuzz::location(data));
