#![no_main]

libfuzzer_sys::fuzz_target!(|input: tarry_fuzz::ClientCallInput| tarry_fuzz::client_call(input));
