//! What we want changes while peers are connected: interest follows it (BEP 3).

use super::sim::{make_torrent, Sim};
use peerpage::swarm::Priority;

const PIECE: u32 = 32 * 1024;

#[test]
fn unskipping_a_file_makes_us_interested_in_a_peer_that_has_it() {
    // File a is pieces 0..4, b pieces 4..8. The leecher wants only a; its one peer holds
    // only b, so at first it has nothing we want.
    let (torrent, data) =
        make_torrent(&[("a.bin", 4 * u64::from(PIECE)), ("b.bin", 4 * u64::from(PIECE))], PIECE, None);
    let mut sim = Sim::new(torrent, data);
    let seed = sim.add_seeder(super::sim::Kind::Honest);
    let holder = sim.add_partial(&[4, 5, 6, 7]);
    let leech = sim.add_leecher();
    let lt = sim.nodes[leech].torrent;
    sim.nodes[leech].engine.swarm_mut(lt).unwrap().set_file_priority(1, Priority::Skip);
    let (seed_key, _) = sim.connect(seed, leech);
    sim.connect(holder, leech);
    assert!(sim.run_until(60_000, |s| s.complete(leech)));
    let interested =
        |s: &Sim| s.nodes[leech].engine.swarm(lt).unwrap().peer_views().iter().filter(|v| v.am_interested).count();
    assert_eq!(interested(&sim), 0);
    // The seeder left (both done); with only the holder left, un-skip b.
    sim.disconnect(seed, seed_key);
    sim.nodes[leech].engine.swarm_mut(lt).unwrap().set_file_priority(1, Priority::Normal);
    assert!(sim.run_until(sim.now + 60_000, |s| s.stored(leech) == s.data), "b never came from the peer that has it");
    assert_eq!(
        sim.nodes[leech].events.iter().filter(|e| matches!(e, peerpage::engine::Event::Complete(_))).count(),
        2,
        "done twice"
    );
}
