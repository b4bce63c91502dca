//! Native tests of Bitcoin formats and the wallet, judged by public test vectors
//! (tests/vectors/README.md says where each file comes from).

mod wallet {
    mod addresses;
    mod bip322;
    mod chains;
    mod core_judge;
    mod keys;
    mod proof_of_funds;
    mod psbt;
    mod psbt_consensus;
    mod secrets;
    mod signing;
}
