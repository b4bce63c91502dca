//! Native tests of Bitcoin formats (`peerpage::btc`): transactions, scripts, signature
//! hashes and PSBTs, judged by public vectors (tests/vectors/README.md gives their sources).

mod bitcoin {
    pub mod common;
    mod psbt;
    mod script;
    mod sighash;
    mod taproot;
    mod tx;
}
