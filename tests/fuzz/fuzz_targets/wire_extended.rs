#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::wire::ext::fuzz_extended(data));
