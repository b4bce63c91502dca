//! Swarms of clients that meet through the tracker relay.

use super::net::{Net, TRACKER};
use crate::sim::make_torrent;
use peerpage::engine::TorrentId;

const PIECE: u32 = 32 * 1024;

struct Setup {
    net: Net,
    torrent: Vec<u8>,
    data: Vec<u8>,
}

fn setup(len: u64) -> Setup {
    let (torrent, data) = make_torrent(&[("file.bin", len)], PIECE, None);
    Setup { net: Net::new(), torrent, data }
}

impl Setup {
    fn seeder(&mut self) -> (usize, TorrentId) {
        let n = self.net.add_node();
        let now = self.net.at();
        let t = self.net.nodes[n].client.add_seed(&self.torrent, now).unwrap();
        self.net.fill_storage(n, t, &self.data, PIECE as usize);
        (n, t)
    }

    fn leecher(&mut self) -> (usize, TorrentId) {
        let n = self.net.add_node();
        let now = self.net.at();
        let t = self.net.nodes[n].client.add_torrent(&self.torrent, now).unwrap();
        (n, t)
    }

    fn magnet_leecher(&mut self) -> (usize, TorrentId) {
        let meta = peerpage::metainfo::parse_torrent(&self.torrent).unwrap();
        let link = peerpage::metainfo::Magnet::from_metainfo(&meta).to_link();
        let n = self.net.add_node();
        let now = self.net.at();
        let t = self.net.nodes[n].client.add_magnet(&link, now).unwrap();
        (n, t)
    }
}

#[test]
fn two_pages_meet_through_the_tracker_and_transfer() {
    let mut s = setup(600_000);
    let (seed, st) = s.seeder();
    let (leech, lt) = s.leecher();
    assert!(s.net.run_until(300_000, |n| n.nodes[leech].client.stats(lt).unwrap().verified_pieces > 2));
    let peers = s.net.nodes[leech].client.peers(lt).unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].client, "peerpage 0.1");
    assert_eq!(peers[0].progress, 1.0);
    assert!(peers[0].am_interested && !peers[0].am_choked);
    assert!(s.net.run_until(300_000, |n| n.nodes[leech].completed.contains(&lt)));
    assert_eq!(s.net.stored(leech, lt), s.data);
    assert!(s.net.relayed_offers > 0 && s.net.relayed_answers > 0);
    let seeder = s.net.nodes[seed].client.stats(st).unwrap();
    assert_eq!(seeder.uploaded, s.data.len() as u64);
    // The leecher's trackers heard of it: connected, with counts from the relay.
    let status = s.net.nodes[leech].client.tracker_status(lt).unwrap();
    assert_eq!(status.len(), 1);
    assert!(status[0].connected && status[0].counts.is_some(), "{status:?}");
    // Both seeding, they part, and with no leecher left they stop offering to each other.
    assert!(s.net.nodes[leech].client.peers(lt).unwrap().is_empty());
    s.net.run_until(s.net.now + 300_000, |_| false);
    let offers = s.net.relayed_offers;
    s.net.run_until(s.net.now + 600_000, |_| false);
    assert_eq!(s.net.relayed_offers, offers, "idle seeds keep offering");
    assert!(s.net.nodes[leech].client.peers(lt).unwrap().is_empty());
}

#[test]
fn a_swarm_of_five_with_a_magnet_finishes_from_one_seeder() {
    let mut s = setup(1_000_000);
    let (_seed, _) = s.seeder();
    let mut leechers = vec![s.magnet_leecher()];
    for _ in 0..3 {
        leechers.push(s.leecher());
    }
    let all = leechers.clone();
    assert!(s.net.run_until(900_000, |n| all.iter().all(|(i, t)| n.nodes[*i].completed.contains(t))));
    for (i, t) in &leechers {
        assert_eq!(s.net.stored(*i, *t), s.data, "node {i}");
    }
    let (m, mt) = leechers[0];
    let info = s.net.nodes[m].client.info(mt).unwrap();
    assert!(info.has_metadata);
    assert_eq!(info.length, s.data.len() as u64);
}

#[test]
fn pause_stops_everything_and_resume_finishes() {
    let mut s = setup(800_000);
    let (seed, st) = s.seeder();
    let (leech, lt) = s.leecher();
    s.net.nodes[leech].client.set_torrent_rate_limits(lt, 40_000, 0).unwrap();
    let half = s.data.len() as u64 / 2;
    assert!(s.net.run_until(300_000, |n| n.nodes[leech].client.stats(lt).unwrap().have_bytes >= half));
    let now = s.net.at();
    s.net.nodes[leech].client.pause(lt, now).unwrap();
    s.net.pump(leech);
    let paused_at = s.net.nodes[leech].client.stats(lt).unwrap();
    assert_eq!(paused_at.peers, 0);
    assert!(s.net.nodes[leech].client.info(lt).unwrap().paused);
    // A minute later nothing moved, and the seeder lost its peer.
    let until = s.net.now + 60_000;
    s.net.run_until(until, |_| false);
    let later = s.net.nodes[leech].client.stats(lt).unwrap();
    assert_eq!(later.have_bytes, paused_at.have_bytes);
    assert_eq!(later.downloaded, paused_at.downloaded);
    assert_eq!(s.net.nodes[seed].client.stats(st).unwrap().peers, 0);
    let now = s.net.at();
    s.net.nodes[leech].client.resume(lt, now).unwrap();
    assert!(s.net.run_until(s.net.now + 300_000, |n| n.nodes[leech].completed.contains(&lt)));
    assert_eq!(s.net.stored(leech, lt), s.data);
    // Nothing verified twice: the payload is the file plus at most a little endgame waste.
    let total = s.net.nodes[leech].client.stats(lt).unwrap().downloaded;
    assert!(total < s.data.len() as u64 + 2 * PIECE as u64, "downloaded {total}");
}

/// Bytes a limited transfer may have moved after `ms`: the rate, the bucket's burst (a
/// quarter second, at least one block) and one block of debt.
fn allowed(rate: u64, ms: u64) -> u64 {
    rate * ms / 1000 + (rate / 4).max(16_384) + 16_384
}

#[test]
fn download_limit_holds_in_virtual_time() {
    let mut s = setup(1_000_000);
    s.seeder();
    let (leech, lt) = s.leecher();
    let rate = 50_000;
    s.net.nodes[leech].client.set_rate_limits(rate, 0);
    let mut samples = Vec::new();
    assert!(s.net.run_until(600_000, |n| {
        samples.push((n.now, n.nodes[leech].client.stats(lt).unwrap().downloaded));
        n.nodes[leech].completed.contains(&lt)
    }));
    assert_eq!(s.net.stored(leech, lt), s.data);
    for &(t, bytes) in &samples {
        assert!(bytes <= allowed(rate, t), "{bytes} bytes after {t} ms at {rate} B/s");
    }
    // The limit is also used: the whole file took not much longer than the rate implies.
    let took = samples.last().unwrap().0;
    let ideal = s.data.len() as u64 * 1000 / rate;
    assert!(took < ideal * 11 / 10, "took {took} ms, the rate allows {ideal} ms");
    let speed = s.net.nodes[leech].client.stats(lt).unwrap().down_speed;
    assert!(speed <= rate * 3 / 2, "measured speed {speed}");
}

#[test]
fn upload_limit_of_the_seeder_holds_for_two_leechers() {
    let mut s = setup(600_000);
    let (seed, st) = s.seeder();
    let a = s.leecher();
    let b = s.leecher();
    let rate = 60_000;
    s.net.nodes[seed].client.set_rate_limits(0, rate);
    let mut samples = Vec::new();
    assert!(s.net.run_until(900_000, |n| {
        samples.push((n.now, n.nodes[seed].client.stats(st).unwrap().uploaded));
        n.nodes[a.0].completed.contains(&a.1) && n.nodes[b.0].completed.contains(&b.1)
    }));
    for &(t, bytes) in &samples {
        assert!(bytes <= allowed(rate, t), "{bytes} bytes after {t} ms at {rate} B/s");
    }
    assert_eq!(s.net.stored(a.0, a.1), s.data);
    assert_eq!(s.net.stored(b.0, b.1), s.data);
}

#[test]
fn removing_a_torrent_says_stopped_and_drops_its_peers() {
    let mut s = setup(300_000);
    let (seed, st) = s.seeder();
    let (leech, lt) = s.leecher();
    assert!(s.net.run_until(300_000, |n| n.nodes[leech].completed.contains(&lt)));
    let now = s.net.at();
    s.net.nodes[seed].client.remove_torrent(st, now).unwrap();
    s.net.pump(seed);
    assert!(s.net.nodes[seed].client.torrent_ids().is_empty());
    assert!(s.net.nodes[seed].links.is_empty());
    s.net.run_until(s.net.now + 5_000, |_| false);
    assert_eq!(s.net.nodes[leech].client.stats(lt).unwrap().peers, 0);
    let _ = TRACKER;
}

/// A BEP 3 bitfield of `count` pieces with the given ones set.
fn bits(count: u32, set: impl Fn(u32) -> bool) -> Vec<u8> {
    let mut out = vec![0u8; count.div_ceil(8) as usize];
    for p in (0..count).filter(|&p| set(p)) {
        out[(p / 8) as usize] |= 0x80 >> (p % 8);
    }
    out
}

#[test]
fn a_magnet_over_checked_storage_fetches_only_the_pieces_storage_lacks() {
    let mut s = setup(700_000);
    let (_seed, _) = s.seeder();
    let (leech, lt) = s.magnet_leecher();
    s.net.nodes[leech].client.start_check(lt).unwrap();
    assert!(s.net.nodes[leech].client.info(lt).unwrap().checking);
    // Before the metadata there is nothing to check against.
    let now = s.net.at();
    assert_eq!(s.net.nodes[leech].client.pieces_checked(lt, &[], now), Err(peerpage::client::ClientError::NoMetadata));
    assert!(s.net.run_until(300_000, |n| n.nodes[leech].client.info(lt).unwrap().has_metadata));
    // Metadata came from the seeder, but no piece is asked for while storage is checked.
    let until = s.net.now + 5_000;
    s.net.run_until(until, |_| false);
    let stats = s.net.nodes[leech].client.stats(lt).unwrap();
    assert_eq!((stats.downloaded, stats.verified_pieces), (0, 0));
    assert!(s.net.nodes[leech].storage.is_empty());

    // Storage held the even pieces.
    let count = s.net.nodes[leech].client.info(lt).unwrap().piece_count;
    let now = s.net.at();
    assert_eq!(
        s.net.nodes[leech].client.pieces_checked(lt, &[0xff; 1], now),
        Err(peerpage::client::ClientError::BadBitfield),
        "a bitfield of the wrong length"
    );
    s.net.nodes[leech].client.pieces_checked(lt, &bits(count, |p| p % 2 == 0), now).unwrap();
    s.net.pump(leech);
    assert!(!s.net.nodes[leech].client.info(lt).unwrap().checking);
    assert_eq!(s.net.nodes[leech].client.stats(lt).unwrap().verified_pieces, count.div_ceil(2));
    assert!(s.net.run_until(s.net.now + 300_000, |n| n.nodes[leech].completed.contains(&lt)));

    // Only the odd pieces were fetched and stored: the checked ones are not written again.
    let stored: Vec<u32> = s.net.nodes[leech].storage.keys().map(|k| k.1).collect();
    assert_eq!(stored, (0..count).filter(|p| p % 2 == 1).collect::<Vec<_>>());
    let odd: u64 = s.data.chunks(PIECE as usize).skip(1).step_by(2).map(|c| c.len() as u64).sum();
    assert_eq!(s.net.nodes[leech].client.stats(lt).unwrap().downloaded, odd);
    for (p, chunk) in s.data.chunks(PIECE as usize).enumerate().step_by(2) {
        s.net.nodes[leech].storage.insert((lt, p as u32), chunk.to_vec());
    }
    assert_eq!(s.net.stored(leech, lt), s.data);
}

#[test]
fn a_torrent_whose_storage_holds_every_piece_completes_without_a_download() {
    let mut s = setup(300_000);
    let (_seed, _) = s.seeder();
    let (leech, lt) = s.leecher();
    s.net.nodes[leech].client.start_check(lt).unwrap();
    let count = s.net.nodes[leech].client.info(lt).unwrap().piece_count;
    let now = s.net.at();
    s.net.nodes[leech].client.pieces_checked(lt, &bits(count, |_| true), now).unwrap();
    s.net.pump(leech);
    assert!(s.net.nodes[leech].completed.contains(&lt));
    s.net.run_until(s.net.now + 30_000, |_| false);
    let stats = s.net.nodes[leech].client.stats(lt).unwrap();
    assert!(stats.complete);
    assert_eq!(stats.downloaded, 0);
    assert!(s.net.nodes[leech].storage.is_empty(), "nothing stored again");
}
