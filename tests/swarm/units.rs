//! Web-seed planning and the engine's snapshots, with real torrents.

use super::sim::make_torrent;
use peerpage::engine::{Engine, EngineConfig};
use peerpage::metainfo::parse_torrent;
use peerpage::piece::Bitfield;
use peerpage::swarm::webseed::{check_response, plan, HttpRange, WebSeedReject};
use peerpage::wire::PeerId;

#[test]
fn web_seed_ranges_cross_file_boundaries_with_encoded_paths() {
    let (torrent, _) =
        make_torrent(&[("a b.txt", 10_000), ("c#?.bin", 30_000)], 16_384, Some("https://seed.example/files"));
    let meta = parse_torrent(&torrent).unwrap();
    let got = plan(&meta, "https://seed.example/files", 8_000..20_000);
    assert_eq!(
        got,
        vec![
            (
                HttpRange {
                    url: "https://seed.example/files/sim/a%20b.txt".into(),
                    start: 8_000,
                    end_inclusive: 9_999
                },
                false
            ),
            (
                HttpRange { url: "https://seed.example/files/sim/c%23%3F.bin".into(), start: 0, end_inclusive: 9_999 },
                false
            ),
        ]
    );
    assert_eq!(got[1].0.header(), "bytes=0-9999");
}

#[test]
fn single_file_web_seed_appends_name_only_after_slash() {
    let (torrent, _) = make_torrent(&[("sim", 40_000)], 16_384, None);
    let meta = parse_torrent(&torrent).unwrap();
    assert_eq!(plan(&meta, "http://h/f.bin", 0..10)[0].0.url, "http://h/f.bin");
    assert_eq!(plan(&meta, "http://h/dir/", 0..10)[0].0.url, "http://h/dir/sim");
}

#[test]
fn web_seed_answers_are_checked_strictly() {
    let r = HttpRange { url: "u".into(), start: 10, end_inclusive: 19 };
    assert_eq!(check_response(&r, 206, 10), Ok(()));
    assert_eq!(check_response(&r, 200, 10), Err(WebSeedReject::Status(200)));
    assert_eq!(check_response(&r, 206, 9), Err(WebSeedReject::Length { expected: 10, got: 9 }));
}

#[test]
fn resume_snapshot_round_trips() {
    let (torrent, _) = make_torrent(&[("x", 100_000)], 16_384, None);
    let mut engine = Engine::new(EngineConfig::new(PeerId([1; 20]), 1));
    let mut have = Bitfield::new(7);
    have.set(2);
    have.set(6);
    let id = engine.add_torrent(&torrent, Some(have.clone())).unwrap();
    let snap = engine.resume_snapshot(id).unwrap();
    let mut other = Engine::new(EngineConfig::new(PeerId([2; 20]), 2));
    let id2 = other.add_resume(&snap).unwrap();
    assert_eq!(other.swarm_mut(id2).unwrap().have(), &have);
    assert!(other.add_resume(&snap[..snap.len() - 1]).is_err());
}

#[test]
fn hostile_bytes_into_a_session_never_panic() {
    // Every committed seed, then thousands of seeded mutations of them (flips, cuts, splices).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus/swarm_session");
    let seeds: Vec<Vec<u8>> =
        std::fs::read_dir(dir).unwrap().map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect();
    assert!(seeds.len() >= 3);
    let mut rng = peerpage::rng::Rng::new(99);
    for round in 0..3000 {
        let mut bytes = seeds[round % seeds.len()].clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len() as u64 + 1) as usize;
            match rng.below(3) {
                0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
                1 => bytes.truncate(at),
                _ => bytes.splice(at..at, (0..rng.below(8)).map(|_| rng.next_u64() as u8)).for_each(drop),
            }
        }
        peerpage::swarm::fuzz_session(&bytes);
    }
}

#[test]
fn token_bucket_time_never_runs_backwards() {
    use peerpage::swarm::rate::TokenBucket;
    use peerpage::time::Instant;
    let mut bucket = TokenBucket::default();
    bucket.set_rate(10_000);
    bucket.refill(Instant(1_000));
    bucket.take(16 * 1024);
    assert!(!bucket.allows());
    // Another torrent sharing the bucket refills with an older clock, then this one again:
    // the 500 ms between them were paid out once already.
    bucket.refill(Instant(500));
    bucket.refill(Instant(1_000));
    assert!(!bucket.allows());
    bucket.refill(Instant(1_001));
    assert!(bucket.allows());
}
