//! Bytes moved per CPU-second by the swarm core: one seeder and one leecher engine joined by
//! a simulated link with no bandwidth limit, so the time measured is the cores' own work
//! (framing, requests, block assembly, upload serving) plus the simulator's queueing.
//! Run with `cargo run --release --example swarm_throughput [MiB]`; prints one JSON line per
//! mode: with SHA-1 verification and without it.
//!
//! The result is checked before it is timed: the leecher's stored bytes must equal the data.

#[allow(dead_code)]
#[path = "../tests/swarm/sim.rs"]
mod sim;

use sim::{make_torrent, Kind, Sim};

fn run(mib: u64, verify: bool) -> f64 {
    let (torrent, data) = make_torrent(&[("bench.bin", mib << 20)], 256 * 1024, None);
    let mut sim = Sim::new(torrent, data);
    sim.verify = verify;
    sim.latency_ms = 1;
    sim.bytes_per_ms = u64::MAX / 4;
    let seed = sim.add_seeder(Kind::Honest);
    let leech = sim.add_leecher();
    sim.connect(seed, leech);
    let started = std::time::Instant::now();
    let done = sim.run_until(u64::MAX / 2, |s| s.complete(leech));
    let secs = started.elapsed().as_secs_f64();
    assert!(done && sim.stored(leech) == sim.data, "the transfer must be complete and exact");
    (mib << 20) as f64 / secs / 1e6
}

fn main() {
    let mib: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(64);
    for verify in [false, true] {
        let mbps = run(mib, verify);
        println!("{{\"bench\":\"swarm_throughput\",\"mib\":{mib},\"sha1\":{verify},\"mb_per_s\":{mbps:.1}}}");
    }
}
