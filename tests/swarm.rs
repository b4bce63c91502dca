//! Whole swarms under `cargo test`: engines joined by simulated links with latency and
//! bandwidth on a virtual clock, deterministic from their seeds.

mod swarm {
    mod limits;
    mod scenarios;
    pub mod sim;
    mod slow;
    mod units;
    mod wants;
}
