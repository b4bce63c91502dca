#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::metainfo::fuzz_parse(data));
