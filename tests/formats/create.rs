//! Torrents created by peerpage match those npm create-torrent makes from the same files
//! (tests/fixtures/create-torrent.json, made by tests/fixtures/make-expectations.mjs).

use peerpage::metainfo::{default_piece_length, parse_torrent, CreateOptions, Magnet, TorrentCreator};
use serde_json::Value;

/// The same deterministic bytes the expectation script writes (xorshift32, low byte).
fn file_bytes(seed: u64, length: usize) -> Vec<u8> {
    let mut x = (seed.wrapping_mul(2_654_435_761).wrapping_add(1) as u32).max(1);
    (0..length)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

#[test]
fn created_torrents_match_create_torrent_info_hashes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/create-torrent.json");
    let cases: Vec<Value> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert!(cases.len() >= 7);
    for case in &cases {
        let name = case["name"].as_str().unwrap().to_string();
        let opts = &case["opts"];
        // create-torrent walks a folder in its own order; feed files in that order.
        let mut files: Vec<(Vec<String>, u64, u64)> = Vec::new();
        for p in case["order"].as_array().unwrap() {
            let path = strings(p);
            let f = case["files"].as_array().unwrap().iter().find(|f| strings(&f["path"]) == path).unwrap();
            files.push((path, f["length"].as_u64().unwrap(), f["seed"].as_u64().unwrap()));
        }
        let options = CreateOptions {
            name: name.clone(),
            piece_length: opts["pieceLength"].as_u64().map(|n| n as u32),
            trackers: opts["announceList"].as_array().map(|t| t.iter().map(strings).collect()).unwrap_or_default(),
            web_seeds: strings(&opts["urlList"]),
            private: opts["private"].as_bool().unwrap_or(false),
            comment: opts["comment"].as_str().map(String::from),
            created_by: None,
            creation_date: Some(1_700_000_000),
        };
        let declared = files.iter().map(|(p, l, _)| (p.clone(), *l)).collect();
        let mut creator = TorrentCreator::new(options, declared).unwrap();
        assert_eq!(u64::from(creator.piece_length()), case["pieceLength"].as_u64().unwrap(), "{name}");
        for (_, len, seed) in &files {
            // Odd chunk sizes: piece boundaries fall inside chunks.
            for chunk in file_bytes(*seed, *len as usize).chunks(10_007) {
                creator.feed(chunk).unwrap();
            }
        }
        let created = creator.finish().unwrap();
        assert_eq!(created.info_hash.to_hex(), case["infoHash"].as_str().unwrap(), "{name}");
        let meta = parse_torrent(&created.torrent).unwrap();
        assert_eq!(meta.info_hash, Some(created.info_hash));
        assert_eq!(meta.private, opts["private"].as_bool().unwrap_or(false));
        assert_eq!(meta.comment.as_deref(), opts["comment"].as_str());
        assert_eq!(meta.creation_date, Some(1_700_000_000));
        let magnet = Magnet::parse(&created.magnet).unwrap();
        assert_eq!(magnet.info_hash, Some(created.info_hash));
        assert_eq!(magnet.web_seeds, meta.web_seeds);
    }
}

#[test]
fn default_piece_length_follows_create_torrent() {
    // npm piece-length's choice (capped at 4 MiB as create-torrent does) for sizes on both
    // sides of every rounding step, recorded by make-expectations.mjs.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/piece-length.json");
    let rows: Vec<(u64, u32)> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert!(rows.len() > 150);
    // piece-length computes `1 << exponent` in 32-bit JS, which wraps once the exponent
    // reaches 31 (about 1.41 TiB) and falls back to 16 KiB: tens of millions of pieces and a
    // multi-gigabyte info dict that no client could load. Past that point we keep 4 MiB.
    const JS_SHIFT_WRAPS_AT: u64 = 1_554_944_255_988;
    let mut judged = 0;
    for (bytes, expected) in rows {
        let ours = default_piece_length(bytes);
        if bytes < JS_SHIFT_WRAPS_AT {
            assert_eq!(ours, expected, "{bytes} bytes");
            judged += 1;
        } else {
            assert_eq!(ours, 4 << 20, "{bytes} bytes");
        }
    }
    assert!(judged > 100);
}

#[test]
fn creator_misuse_is_a_typed_error() {
    use peerpage::error::{CoreError, Fault};
    let opts = CreateOptions { name: "x".into(), ..CreateOptions::default() };
    let err = TorrentCreator::new(opts.clone(), vec![]).err().unwrap();
    assert_eq!(err.fault(), Fault::ApiMisuse);
    let bad_name = CreateOptions { name: "../x".into(), ..CreateOptions::default() };
    assert!(TorrentCreator::new(bad_name, vec![(vec!["x".into()], 1)]).is_err());
    for piece_length in [0, (256 << 20) + 1, u32::MAX] {
        let o = CreateOptions { piece_length: Some(piece_length), ..opts.clone() };
        let err = TorrentCreator::new(o, vec![(vec!["x".into()], 3)]).err().unwrap();
        assert_eq!((err.code(), err.fault()), ("metainfo.misuse", Fault::ApiMisuse), "{piece_length}");
    }
    let mut c = TorrentCreator::new(opts.clone(), vec![(vec!["x".into()], 3)]).unwrap();
    assert!(c.feed(b"abcd").is_err(), "more than declared");
    c.feed(b"ab").unwrap();
    assert!(c.finish().is_err(), "finished early");
}

#[test]
fn parallel_hash_jobs_give_the_same_torrent_as_sequential_feeding() {
    use peerpage::metainfo::PieceRangeHasher;
    let files: Vec<(Vec<String>, u64)> =
        vec![(vec!["a".into()], 40_000), (vec!["b".into()], 0), (vec!["c".into()], 100_003)];
    let data: Vec<Vec<u8>> =
        files.iter().enumerate().map(|(i, (_, l))| file_bytes(i as u64 + 20, *l as usize)).collect();
    let opts = CreateOptions { name: "dir".into(), piece_length: Some(16384), ..CreateOptions::default() };
    let mut sequential = TorrentCreator::new(opts.clone(), files.clone()).unwrap();
    for d in &data {
        sequential.feed(d).unwrap();
    }
    let want = sequential.finish().unwrap();
    for parts in [1, 2, 3, 7, 100] {
        let creator = TorrentCreator::new(opts.clone(), files.clone()).unwrap();
        let jobs = creator.plan(parts);
        assert!(jobs.len() as u32 <= parts);
        let mut hashes = Vec::new();
        for job in &jobs {
            let mut h = PieceRangeHasher::new(16384, job.len).unwrap();
            for seg in &job.segments {
                let start = seg.offset_in_file as usize;
                h.feed(&data[seg.file][start..start + seg.len as usize]).unwrap();
            }
            hashes.extend(h.finish().unwrap());
        }
        assert_eq!(creator.finish_with_piece_hashes(hashes).unwrap(), want, "{parts} parts");
    }
    let creator = TorrentCreator::new(opts, files).unwrap();
    assert!(creator.finish_with_piece_hashes(vec![0; 20]).is_err());
}
