#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::wallet::psbt::fuzz_sign(data));
