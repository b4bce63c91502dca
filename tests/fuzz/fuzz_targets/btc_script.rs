#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::btc::fuzz_script(data));
