//! A page that finished the files it wanted and then wants more (a file un-skipped) finds
//! peers at once, not at the tracker's next interval, and never floods the tracker.

use super::net::{Announced, Net};
use crate::sim::make_torrent;
use peerpage::swarm::Priority;
use peerpage::tracker::MIN_INTERVAL;

const PIECE: u32 = 32 * 1024;

#[test]
fn unskipping_a_file_after_finishing_announces_at_once_and_completes_it() {
    // File a is 10 pieces, b 30; both start on piece boundaries.
    let (a_len, b_len) = (10 * u64::from(PIECE), 30 * u64::from(PIECE));
    let (torrent, data) = make_torrent(&[("a.bin", a_len), ("b.bin", b_len)], PIECE, None);
    let mut net = Net::new();
    net.bytes_per_ms = 100; // 100 kB/s per channel: b takes about 10 s
    let seed = net.add_node();
    let st = net.nodes[seed].client.add_seed(&torrent, peerpage::time::Instant(0)).unwrap();
    net.fill_storage(seed, st, &data, PIECE as usize);
    let leech = net.add_node();
    let lt = net.nodes[leech].client.add_torrent(&torrent, peerpage::time::Instant(0)).unwrap();
    net.nodes[leech].client.set_file_priority(lt, 1, Priority::Skip).unwrap();
    // Another page wants only file a too: it stays connected, so the leecher is not
    // "hungry" (without peers), which alone would re-announce sooner.
    let other = net.add_node();
    let ot = net.nodes[other].client.add_torrent(&torrent, peerpage::time::Instant(0)).unwrap();
    net.nodes[other].client.set_file_priority(ot, 1, Priority::Skip).unwrap();
    assert!(
        net.run_until(120_000, |n| n.nodes[leech].completed.contains(&lt) && n.nodes[other].completed.contains(&ot))
    );
    assert_eq!(net.stored(leech, lt), data[..a_len as usize]);
    let mine = |n: &Net| -> Vec<Announced> { n.announces.iter().filter(|a| a.node == leech).cloned().collect() };
    // Done with its selection: the seeder has nothing more to give, so that link closes;
    // half a minute later the other page is its only peer.
    net.run_until(net.now + 30_000, |_| false);
    let peers = net.nodes[leech].client.peers(lt).unwrap();
    assert_eq!(peers.len(), 1);
    assert!(peers[0].progress < 1.0, "{peers:?}");
    // Not a seed: no `completed`, and `left` counted the skipped file all along.
    assert!(
        mine(&net).iter().all(|a| a.event.as_deref() != Some("completed") && a.left >= Some(b_len)),
        "{:?}",
        mine(&net)
    );

    // Un-skip: an announce with fresh offers goes out at once.
    let before = mine(&net).len();
    let unskipped = net.now;
    net.nodes[leech].client.set_file_priority(lt, 1, Priority::Normal).unwrap();
    net.pump(leech);
    assert!(
        net.run_until(unskipped + 2 * net.latency_ms + 1, |n| mine(n).len() > before),
        "no announce after the un-skip"
    );
    let boost = mine(&net)[before].clone();
    assert_eq!((boost.event.as_deref(), boost.left), (None, Some(b_len)), "{boost:?}");
    assert!(boost.offers > 0, "{boost:?}");

    // The user flips the file back and forth for 20 s: announces stay spaced.
    for flip in 0..40 {
        let p = if flip % 2 == 0 { Priority::Skip } else { Priority::Normal };
        net.nodes[leech].client.set_file_priority(lt, 1, p).unwrap();
        net.pump(leech);
        net.run_until(net.now + 500, |_| false);
    }
    net.nodes[leech].client.set_file_priority(lt, 1, Priority::Normal).unwrap();
    net.pump(leech);
    let last_flip = net.now;
    // The seeder is found again and b arrives well before the tracker's interval (120 s).
    assert!(net.run_until(last_flip + 30_000, |n| n.stored(leech, lt) == data), "b did not arrive");

    // Now a seed: `completed` once, with left 0.
    net.run_until(net.now + 1_000, |_| false);
    let all = mine(&net);
    let completed: Vec<&Announced> = all.iter().filter(|a| a.event.as_deref() == Some("completed")).collect();
    assert_eq!(completed.len(), 1, "{all:?}");
    assert_eq!(completed[0].left, Some(0));
    // No storm: apart from `completed`, the leecher's announces are at least the minimum
    // interval apart, however often the priority changed.
    let times: Vec<u64> = all.iter().filter(|a| a.event.as_deref() != Some("completed")).map(|a| a.at).collect();
    for w in times.windows(2) {
        assert!(w[1] - w[0] >= MIN_INTERVAL.0, "announces at {} and {} ms: {all:?}", w[0], w[1]);
    }
}
