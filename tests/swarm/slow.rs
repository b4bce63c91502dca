//! A peer that accepts requests but delivers slowly (upload-limited) next to a fast seeder:
//! what it is asked for must not be fetched twice, and the download must not wait on it.

use super::sim::{make_torrent, Kind, Sim};
use peerpage::swarm::peer::{MIN_DEPTH, REQUEST_TIMEOUT};

const PIECE: u32 = 64 * 1024;
const BLOCK: u64 = 16 * 1024;
const FAST: u64 = 100_000;
const SLOW: u64 = 8_000;

/// Block payload the given peers sent.
fn sent(sim: &Sim, peers: &[usize]) -> u64 {
    peers.iter().map(|&p| sim.nodes[p].engine.stats(sim.nodes[p].torrent).unwrap().uploaded).sum()
}

/// An 8 MB file, a seeder at 100 kB/s and one at 8 kB/s: some 80 s of transfer, so a
/// request queue that outgrew the slow peer's rate would time out and be asked again.
fn setup() -> (Sim, usize, usize, usize) {
    let (torrent, data) = make_torrent(&[("file.bin", 8_000_000)], PIECE, None);
    let mut sim = Sim::new(torrent, data);
    let fast = sim.add_seeder(Kind::Honest);
    let slow = sim.add_seeder(Kind::Honest);
    sim.nodes[fast].engine.set_rate_limits(0, FAST);
    sim.nodes[slow].engine.set_rate_limits(0, SLOW);
    let leech = sim.add_leecher();
    // The slow peer first, so it is asked before the fast one is known.
    sim.connect(slow, leech);
    sim.connect(fast, leech);
    (sim, fast, slow, leech)
}

/// Redundant payload allowed: 5 % of the blocks, plus endgame's duplicates of what the slow
/// peer holds at the end (each block is asked twice at most, the slow peer holds a few).
fn bound(total: u64) -> u64 {
    let blocks = total.div_ceil(BLOCK);
    (blocks / 20 + 2 * u64::from(MIN_DEPTH)) * BLOCK
}

#[test]
fn a_slow_peer_costs_few_redundant_blocks() {
    let (mut sim, fast, slow, leech) = setup();
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
    let total = sim.data.len() as u64;
    let redundant = sent(&sim, &[fast, slow]) - total;
    assert!(redundant <= bound(total), "{} redundant blocks of {}", redundant / BLOCK, total.div_ceil(BLOCK));
    // No request outlived its timeout: each peer was asked for about 3 s of its rate, so the
    // only cancels are endgame's (a duplicate arrived; 152 when the queue grew past that).
    assert!(sim.cancels <= 2 * MIN_DEPTH, "{} cancels", sim.cancels);
    let of = |n: usize| -> std::collections::BTreeSet<u32> {
        sim.nodes[n].blocks_of.iter().filter(|b| b.0 == leech).map(|b| b.1).collect()
    };
    let split = of(fast).intersection(&of(slow)).count();
    // Piece affinity: the slow peer works on pieces of its own, so hardly a piece mixes
    // blocks of both (29 of the 31 it touched did without it); endgame may mix a few.
    assert!(split <= 2 * MIN_DEPTH as usize, "{split} of {} pieces mixed both peers' blocks", of(slow).len());
    // The slow peer was used, not shunned.
    assert!(sent(&sim, &[slow]) >= 8 * BLOCK, "the slow peer sent {}", sent(&sim, &[slow]));
}

#[test]
fn a_slow_peer_that_stalls_does_not_hold_the_download() {
    let (mut sim, fast, slow, leech) = setup();
    assert!(sim.run_until(600_000, |s| s.stored(leech).len() > 1_000_000));
    // It stops serving altogether (1 B/s), with requests of ours queued.
    sim.nodes[slow].engine.set_rate_limits(0, 1);
    let (stalled_at, left) = (sim.now, (sim.data.len() - sim.stored(leech).len()) as u64);
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
    // The fast seeder carried the rest at its rate; the stalled requests went to it.
    let took = sim.now - stalled_at;
    assert!(took <= left * 1000 / FAST + REQUEST_TIMEOUT.0, "{took} ms for the last {left} bytes");
    let total = sim.data.len() as u64;
    let redundant = sent(&sim, &[fast, slow]) - total;
    assert!(redundant <= bound(total), "{} redundant blocks of {}", redundant / BLOCK, total.div_ceil(BLOCK));
}
