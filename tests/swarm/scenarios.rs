//! The swarm proofs: each scenario runs to completion on the virtual clock and checks the
//! stored bytes against the original data.

use super::sim::{make_torrent, Kind, Sim};
use peerpage::engine::Event;

const PIECE: u32 = 32 * 1024;

fn sim(len: u64) -> Sim {
    let (torrent, data) = make_torrent(&[("file.bin", len)], PIECE, None);
    Sim::new(torrent, data)
}

#[test]
fn one_seeder_one_leecher() {
    let mut sim = sim(1_000_000);
    let seed = sim.add_seeder(Kind::Honest);
    let leech = sim.add_leecher();
    sim.connect(seed, leech);
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
    let stats = sim.nodes[seed].engine.stats(sim.nodes[seed].torrent).unwrap();
    assert_eq!(stats.uploaded, sim.data.len() as u64);
}

#[test]
fn channel_messages_carry_many_blocks_and_requests() {
    // Storage answers reads a little later, as the page's storage worker does.
    let mut sim = sim(8_000_000);
    sim.read_delay_ms = Some(2);
    let seed = sim.add_seeder(Kind::Honest);
    let leech = sim.add_leecher();
    sim.connect(seed, leech);
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
    let blocks = sim.data.len().div_ceil(16 * 1024) as u32;
    let l = &sim.nodes[leech];
    // No `have` to a peer that has the piece.
    assert_eq!(l.haves_sent, 0);
    // Requests leave in batches once the pipeline is deep.
    assert_eq!(l.requests_sent, blocks);
    assert!(l.request_sends * 8 < blocks, "{} messages for {blocks} requests", l.request_sends);
    // The seeder reads ahead: the pieces queued next are read while one is sent.
    assert!(sim.max_reads >= 8, "at most {} reads at once", sim.max_reads);
}

#[test]
fn eight_leechers_trade_among_themselves() {
    let mut sim = sim(2_000_000);
    let seed = sim.add_seeder(Kind::Honest);
    let leechers: Vec<usize> = (0..8).map(|_| sim.add_leecher()).collect();
    for (n, &a) in leechers.iter().enumerate() {
        sim.connect(seed, a);
        for &b in &leechers[n + 1..] {
            sim.connect(a, b);
        }
    }
    assert!(sim.run_until(3_600_000, |s| leechers.iter().all(|&l| s.complete(l))));
    for &l in &leechers {
        assert_eq!(sim.stored(l), sim.data);
    }
    let uploaded = sim.nodes[seed].engine.stats(sim.nodes[seed].torrent).unwrap().uploaded;
    let total = sim.data.len() as u64;
    // The seeder is one uplink among nine: the leechers serve each other most copies.
    assert!(uploaded < 4 * total, "seeder uploaded {uploaded} bytes, {}x the file", uploaded as f64 / total as f64);
    let traded: u64 = leechers.iter().map(|&l| sim.nodes[l].engine.stats(sim.nodes[l].torrent).unwrap().uploaded).sum();
    assert!(traded > 4 * total);
}

#[test]
fn magnet_leecher_fetches_metadata_then_file() {
    let mut sim = sim(500_000);
    let seed = sim.add_seeder(Kind::Honest);
    let leech = sim.add_magnet_leecher();
    sim.connect(seed, leech);
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert!(matches!(sim.nodes[leech].events.first(), Some(Event::MetadataReady(_))));
    assert_eq!(sim.stored(leech), sim.data);
}

#[test]
fn peer_leaving_mid_piece_has_its_blocks_requested_again() {
    let mut sim = sim(1_000_000);
    let a = sim.add_seeder(Kind::Honest);
    let b = sim.add_seeder(Kind::Honest);
    let leech = sim.add_leecher();
    let (_, kl_a) = sim.connect(a, leech);
    sim.connect(b, leech);
    // Run until some blocks arrived but the file is far from done, then cut seeder a.
    assert!(
        sim.run_until(600_000, |s| s.nodes[leech].engine.stats(s.nodes[leech].torrent).unwrap().downloaded > 100_000)
    );
    let before = sim.nodes[leech].engine.stats(sim.nodes[leech].torrent).unwrap();
    assert!(before.pieces_have < before.pieces_total);
    sim.disconnect(leech, kl_a);
    assert!(sim.run_until(1_200_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
}

#[test]
fn liar_is_banned_and_download_is_exact() {
    let mut sim = sim(600_000);
    let honest = sim.add_seeder(Kind::Honest);
    let liar = sim.add_seeder(Kind::Liar);
    let leech = sim.add_leecher();
    sim.connect(liar, leech);
    sim.connect(honest, leech);
    assert!(sim.run_until(1_200_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
    let liar_id = sim.nodes[liar].peer_id;
    assert!(sim.nodes[leech].events.iter().any(|e| matches!(e, Event::Banned(_, id) if *id == liar_id)));
    assert!(sim.nodes[leech].events.iter().any(|e| matches!(e, Event::HashFailed(..))));
    let honest_id = sim.nodes[honest].peer_id;
    assert!(!sim.nodes[leech].events.iter().any(|e| matches!(e, Event::Banned(_, id) if *id == honest_id)));
}

#[test]
fn staller_never_answers_and_the_download_goes_on() {
    let mut sim = sim(600_000);
    let staller = sim.add_seeder(Kind::Staller);
    let honest = sim.add_seeder(Kind::Honest);
    let leech = sim.add_leecher();
    sim.connect(staller, leech);
    sim.connect(honest, leech);
    assert!(sim.run_until(1_200_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
}

#[test]
fn streaming_window_arrives_first() {
    let mut sim = sim(1_000_000);
    let seed = sim.add_seeder(Kind::Honest);
    let leech = sim.add_leecher();
    let torrent = sim.nodes[leech].torrent;
    // Ask for bytes 500_000..600_000 first: pieces 15..=18, plus the first and last pieces.
    sim.nodes[leech].engine.swarm_mut(torrent).unwrap().set_stream_window(500_000, 100_000);
    sim.connect(seed, leech);
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    let order = &sim.nodes[leech].verified;
    let mut first: Vec<u32> = order[..6].to_vec();
    first.sort();
    assert_eq!(first, vec![0, 15, 16, 17, 18, 30]);
    assert_eq!(sim.stored(leech), sim.data);
}

fn multi_file_sim(web_seed: &str) -> Sim {
    let files = [("intro.txt", 70_000), ("movie.mkv", 600_000), ("sub dir#1.srt", 33_333), ("z.bin", 100_001)];
    let (torrent, data) = make_torrent(&files, PIECE, Some(web_seed));
    let mut sim = Sim::new(torrent, data);
    sim.serve_web_seed(web_seed);
    sim
}

#[test]
fn web_seed_only_download_of_multi_file_torrent() {
    let mut sim = multi_file_sim("https://seed.example/pub/");
    let leech = sim.add_leecher();
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
    // Pieces that span files took one range per file.
    assert!(sim.http_requests > sim.pieces);
}

#[test]
fn web_seed_and_peers_share_a_multi_file_download() {
    let mut sim = multi_file_sim("https://seed.example/pub");
    let seed = sim.add_seeder(Kind::Honest);
    let leech = sim.add_leecher();
    sim.connect(seed, leech);
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
    let from_peer = sim.nodes[seed].engine.stats(sim.nodes[seed].torrent).unwrap().uploaded;
    assert!(from_peer > 0 && from_peer < sim.data.len() as u64, "peer sent {from_peer}");
    assert!(sim.http_requests > 0);
}

#[test]
fn broken_web_seed_backs_off_and_peers_finish() {
    // The server knows none of the URLs (404): the seed backs off, the peer does the work.
    let files = [("a", 200_000), ("b", 100_000)];
    let (torrent, data) = make_torrent(&files, PIECE, Some("https://gone.example/"));
    let mut sim = Sim::new(torrent, data);
    let seed = sim.add_seeder(Kind::Honest);
    let leech = sim.add_leecher();
    sim.connect(seed, leech);
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
    assert!(sim.http_requests >= 1 && sim.http_requests < 10, "{} requests", sim.http_requests);
}

#[test]
fn limited_seeder_spreads_pieces_over_its_leechers() {
    // The seeder's upload is the bottleneck: it should give every leecher a share, so the
    // leechers trade among themselves, not serve one leecher to completion first.
    let mut sim = sim(1_000_000);
    let seed = sim.add_seeder(Kind::Honest);
    sim.nodes[seed].engine.set_rate_limits(0, 100_000);
    let leechers: Vec<usize> = (0..3).map(|_| sim.add_leecher()).collect();
    for (n, &a) in leechers.iter().enumerate() {
        sim.connect(seed, a);
        for &b in &leechers[n + 1..] {
            sim.connect(a, b);
        }
    }
    let total = sim.data.len() as u64;
    let up = |s: &Sim| {
        s.nodes[seed]
            .engine
            .swarm(s.nodes[seed].torrent)
            .unwrap()
            .peer_views()
            .iter()
            .map(|v| v.uploaded)
            .collect::<Vec<u64>>()
    };
    assert!(sim.run_until(600_000, |s| up(s).iter().sum::<u64>() >= total / 2));
    let shares = up(&sim);
    let (min, max) = (shares.iter().min().copied().unwrap(), shares.iter().max().copied().unwrap());
    assert!(max <= 2 * min, "the seeder's first half went {shares:?} to its leechers");
    let pieces = sim.pieces;
    let covered = |s: &Sim| (0..pieces).all(|p| leechers.iter().any(|&l| s.nodes[l].storage.contains_key(&p)));
    assert!(sim.run_until(600_000, covered));
    let incomplete = leechers.iter().filter(|&&l| !sim.complete(l)).count();
    let held: Vec<usize> = leechers.iter().map(|&l| sim.nodes[l].storage.len()).collect();
    assert!(incomplete >= 2, "when the leechers first held every piece between them, they held {held:?} of {pieces}");
    assert!(sim.run_until(600_000, |s| leechers.iter().all(|&l| s.complete(l))));
    for &l in &leechers {
        assert_eq!(sim.stored(l), sim.data);
    }
}

#[test]
fn seeking_cancels_requests_queued_outside_the_new_window() {
    // A slow seeder (50 KB/s up) holds a deep queue of our requests; after a seek the new
    // window must not wait behind them.
    let mut sim = sim(1_000_000);
    let seed = sim.add_seeder(Kind::Honest);
    sim.nodes[seed].engine.set_rate_limits(0, 50_000);
    let leech = sim.add_leecher();
    let torrent = sim.nodes[leech].torrent;
    sim.nodes[leech].engine.swarm_mut(torrent).unwrap().set_stream_window(0, 100_000);
    sim.connect(seed, leech);
    let downloaded = |s: &Sim| s.nodes[leech].engine.stats(torrent).unwrap().downloaded;
    assert!(sim.run_until(600_000, |s| s.nodes[leech].verified.len() >= 8));
    // Seek to bytes 700_000..800_000: pieces 21..=24.
    sim.nodes[leech].engine.swarm_mut(torrent).unwrap().set_stream_window(700_000, 100_000);
    let before = downloaded(&sim);
    let window = 21..=24u32;
    assert!(sim.run_until(600_000, |s| window.clone().all(|p| s.nodes[leech].storage.contains_key(&p))));
    let spent = downloaded(&sim) - before;
    // The window's four pieces, plus what was already on the wire or kept (a few blocks).
    let bound = 4 * u64::from(PIECE) + 6 * 16 * 1024;
    assert!(spent <= bound, "{spent} bytes arrived before the new window was complete (at most {bound})");
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
}

#[test]
fn a_window_sliding_forward_as_a_file_plays_cancels_nothing() {
    // Reads of a playing file move the window a little at a time: each move must not cancel
    // and re-ask the rest of the download (only a seek does).
    let mut sim = sim(1_000_000);
    let seed = sim.add_seeder(Kind::Honest);
    sim.nodes[seed].engine.set_rate_limits(0, 100_000);
    let leech = sim.add_leecher();
    let torrent = sim.nodes[leech].torrent;
    sim.connect(seed, leech);
    let mut offset = 0;
    while !sim.complete(leech) && offset < 900_000 {
        sim.nodes[leech].engine.swarm_mut(torrent).unwrap().set_stream_window(offset, 200_000);
        sim.run_until(500, |_| false);
        offset += 20_000;
    }
    assert!(offset >= 200_000, "the window slid ten times or more");
    assert_eq!(sim.cancels, 0, "a forward slide cancelled requests");
    sim.nodes[leech].engine.swarm_mut(torrent).unwrap().set_stream_window(0, 100_000);
    assert!(sim.run_until(600_000, |s| s.complete(leech)));
    assert_eq!(sim.stored(leech), sim.data);
}

#[test]
fn seeder_with_more_leechers_than_slots_serves_them_all() {
    // Six leechers that do not know each other, one seeder with four upload slots and the
    // optimistic one: in its first half minute every leecher gets some of its upload.
    let mut sim = sim(4_000_000);
    let seed = sim.add_seeder(Kind::Honest);
    sim.nodes[seed].engine.set_rate_limits(0, 200_000);
    let leechers: Vec<usize> = (0..6).map(|_| sim.add_leecher()).collect();
    for &l in &leechers {
        sim.connect(seed, l);
    }
    sim.run_until(30_000, |_| false);
    let got: Vec<u64> =
        leechers.iter().map(|&l| sim.nodes[l].engine.stats(sim.nodes[l].torrent).unwrap().downloaded).collect();
    let total: u64 = got.iter().sum();
    assert!(got.iter().all(|&g| g * 12 >= total), "30 s of a seeder's upload went {got:?} to its leechers");
}
