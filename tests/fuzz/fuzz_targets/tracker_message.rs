#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::tracker::fuzz_message(data));
