//! Whole swarms under `cargo test`: engines joined by simulated links with latency and
//! bandwidth on a virtual clock, deterministic from their seeds.

mod swarm {
    pub mod sim;
    mod limits;
    mod scenarios;
    mod slow;
    mod units;
    mod wants;
}
