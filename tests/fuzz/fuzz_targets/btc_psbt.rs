#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::btc::psbt::fuzz_parse(data));
