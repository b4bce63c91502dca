#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::bencode::fuzz_decode(data));
