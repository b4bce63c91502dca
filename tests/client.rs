//! Whole clients (engine + trackers) under `cargo test`: pages that find each other through
//! a simulated WebSocket tracker relaying WebRTC offers and answers, then transfer.

#[allow(dead_code)]
#[path = "swarm/sim.rs"]
mod sim;

mod client {
    pub mod net;
    mod scenarios;
    mod units;
    mod wants;
}
