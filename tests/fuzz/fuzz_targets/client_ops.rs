#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::client::fuzz::fuzz_client(data));
