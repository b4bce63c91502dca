#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::wallet::bip322::fuzz_verify(data));
