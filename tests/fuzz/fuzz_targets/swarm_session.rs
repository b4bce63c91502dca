#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| peerpage::swarm::fuzz_session(data));
