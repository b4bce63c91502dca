//! Bytes moved per CPU-second by the swarm core (issue 3's benchmark, native side): one
//! seeding and one leeching engine joined back to back in memory, so the time measured is
//! the engines' own work (framing, requests, block assembly, upload serving, and SHA-1 in
//! the verifying mode). The wasm side is `TransferBench` in Node (tests/bench/core-swarm.mjs).
//!
//! `cargo run --release --example swarm_throughput [MiB] [rounds]` prints one JSON line per
//! mode: the median of the rounds in MB per CPU-second of this thread. Each run checks every
//! stored piece against the original data.

use peerpage::engine::bench::TransferBench;

/// CPU time of this thread in seconds (Linux: /proc/thread-self/schedstat, in ns); falls
/// back to wall time elsewhere, which the output then says.
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let bench = TransferBench::new(mib << 20, 256 * 1024).expect("the benchmark torrent is valid");
    let clock = if cpu_seconds().is_some() { "cpu" } else { "wall" };
    for verify in [false, true] {
        bench.run(verify).expect("warm-up transfer");
        let mut rates: Vec<f64> = (0..rounds.max(1))
            .map(|_| {
                let wall = std::time::Instant::now();
                let cpu = cpu_seconds();
                let bytes = bench.run(verify).expect("the transfer is complete and exact");
                let secs = match (cpu, cpu_seconds()) {
                    (Some(a), Some(b)) => b - a,
                    _ => wall.elapsed().as_secs_f64(),
                };
                bytes as f64 / secs / 1e6
            })
            .collect();
        rates.sort_by(f64::total_cmp);
        let median = rates[rates.len() / 2];
        println!("{{\"bench\":\"swarm_throughput\",\"mib\":{mib},\"sha1\":{verify},\"clock\":\"{clock}\",\"mb_per_s\":{median:.1}}}");
    }
}
