//! Real torrents from webtorrent-fixtures, judged by npm parse-torrent's verdicts
//! (tests/fixtures/parse-torrent.json, made by tests/fixtures/make-expectations.mjs).

use peerpage::error::CoreError;
use peerpage::metainfo::{parse_torrent, MetaVersion, MetainfoError};
use serde_json::Value;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn fixture_torrents_match_parse_torrent() {
    let expected: Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("parse-torrent.json")).unwrap()).unwrap();
    let expected = expected.as_object().unwrap();
    assert!(expected.len() >= 10);
    assert!(expected.values().filter(|w| w["canonical"] == false).count() >= 2);
    for (file, want) in expected {
        let bytes = std::fs::read(fixtures().join("torrents").join(file)).unwrap();
        let got = parse_torrent(&bytes);
        if let Some(err) = want.get("error") {
            // corrupt.torrent lacks info.name: both sides refuse it.
            let got = got.expect_err(file);
            assert_eq!(got, MetainfoError::Missing("info.name"), "{file}: parse-torrent said {err}");
            continue;
        }
        let meta = got.unwrap_or_else(|e| panic!("{file}: {e}"));
        let ours = meta.info_hash.unwrap().to_hex();
        if want["canonical"] == true {
            // Canonical bytes: parse-torrent's re-encoded hash is the true one.
            assert_eq!(ours, want["infoHash"].as_str().unwrap(), "{file}");
        } else {
            // Not canonical: parse-torrent hashes its re-encoding, which peers would not
            // recognise; we hash the bytes as written. Both are recorded, and the re-encoding
            // of what we read gives parse-torrent's hash back.
            assert_eq!(ours, want["trueInfoHash"].as_str().unwrap(), "{file}");
            assert_ne!(ours, want["infoHash"].as_str().unwrap(), "{file}");
            let info = peerpage::bencode::decode(&meta.info_bytes, peerpage::bencode::Mode::Tolerant).unwrap();
            let reencoded = peerpage::metainfo::hex(&peerpage::piece::sha1(&info.encode_canonical()));
            assert_eq!(reencoded, want["infoHash"].as_str().unwrap(), "{file}");
            assert!(peerpage::bencode::decode(&bytes, peerpage::bencode::Mode::Strict).is_err(), "{file}");
        }
        assert_eq!(meta.name, want["name"].as_str().unwrap(), "{file}");
        assert_eq!(meta.total_length(), want["length"].as_u64().unwrap(), "{file}");
        assert_eq!(u64::from(meta.piece_length), want["pieceLength"].as_u64().unwrap(), "{file}");
        assert_eq!(meta.pieces.len() as u64, want["pieceCount"].as_u64().unwrap(), "{file}");
        let last = meta.layout.piece(meta.layout.piece_count() - 1).unwrap();
        assert_eq!(u64::from(meta.layout.piece_size(last)), want["lastPieceLength"].as_u64().unwrap());
        assert_eq!(meta.private, want.get("private") == Some(&Value::Bool(true)), "{file}");
        let announce: Vec<&str> = meta.tracker_urls().collect();
        let want_announce: Vec<&str> =
            want["announce"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(announce, want_announce, "{file}");
        let want_seeds: Vec<&str> = want["urlList"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(meta.web_seeds, want_seeds, "{file}");
        assert_eq!(meta.created_by.as_deref(), want["createdBy"].as_str(), "{file}");
        let want_files = want["files"].as_array().unwrap();
        assert_eq!(meta.files.len(), want_files.len(), "{file}");
        for (f, w) in meta.files.iter().zip(want_files) {
            // parse-torrent prefixes the torrent name for multi-file torrents.
            let path = if meta.single_file { f.path.join("/") } else { format!("{}/{}", meta.name, f.path.join("/")) };
            assert_eq!(path, w["path"].as_str().unwrap(), "{file}");
            assert_eq!(f.length, w["length"].as_u64().unwrap(), "{file}");
            assert_eq!(f.offset, w["offset"].as_u64().unwrap(), "{file}");
        }
        assert_eq!(meta.version, MetaVersion::V1);
        // ut_metadata serves exactly these bytes; their SHA-1 is the info hash.
        assert_eq!(peerpage::piece::sha1(&meta.info_bytes), meta.info_hash.unwrap().0);
    }
}

#[test]
fn info_hash_is_taken_over_the_original_bytes_of_a_non_canonical_info_dict() {
    // Keys out of order inside info: a re-encoding would sort them and hash differently.
    let info = b"d6:lengthi5e4:name1:a12:piece lengthi16384e6:pieces20:AAAAAAAAAAAAAAAAAAAA7:privatei0ee";
    let unsorted = b"d4:name1:a6:lengthi5e12:piece lengthi16384e6:pieces20:AAAAAAAAAAAAAAAAAAAAe";
    for info_bytes in [&info[..], &unsorted[..]] {
        let torrent = [&b"d4:info"[..], info_bytes, b"e"].concat();
        let meta = parse_torrent(&torrent).unwrap();
        assert_eq!(meta.info_hash.unwrap().0, peerpage::piece::sha1(info_bytes));
        assert_eq!(meta.info_bytes, info_bytes);
    }
}

#[test]
fn bep47_pad_files_are_kept_in_the_layout_but_hidden() {
    let torrent = b"d4:infod5:filesld6:lengthi5e4:pathl1:aeed4:attr1:p6:lengthi16379e4:pathl4:.pad5:16379eed6:lengthi3e4:pathl1:beee4:name1:d12:piece lengthi16384e6:pieces40:AAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBee";
    let meta = parse_torrent(torrent).unwrap();
    assert_eq!(meta.files.len(), 3);
    assert!(meta.files[1].padding);
    let visible: Vec<_> = meta.visible_files().map(|(i, f)| (i, f.path.join("/"))).collect();
    assert_eq!(visible, vec![(0, "a".to_string()), (2, "b".to_string())]);
    assert_eq!(meta.files[2].offset, 16384);

    // BitComet's pad files predate BEP 47: no attr, only the name says what they are.
    let legacy = b"d4:infod5:filesld6:lengthi5e4:pathl1:aeed6:lengthi16379e4:pathl35:_____padding_file_0_if you see thiseed6:lengthi3e4:pathl1:beee4:name1:d12:piece lengthi16384e6:pieces40:AAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBee";
    let meta = parse_torrent(legacy).unwrap();
    let visible: Vec<_> = meta.visible_files().map(|(i, _)| i).collect();
    assert_eq!(visible, vec![0, 2]);
    assert_eq!(meta.total_length(), 5 + 16379 + 3);
}

#[test]
fn trackers_tiers_web_seeds_and_text_fields_are_read() {
    let torrent = b"d8:announce9:ws://a/an13:announce-listll9:ws://a/an9:ws://b/anel9:ws://a/anee7:comment2:hi10:created by2:me13:creation datei1700000000e4:infod6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces20:AAAAAAAAAAAAAAAAAAAA7:privatei1ee8:url-list8:http://we";
    let meta = parse_torrent(torrent).unwrap();
    assert_eq!(meta.trackers, vec![vec!["ws://a/an".to_string(), "ws://b/an".to_string()]]);
    assert_eq!(meta.web_seeds, vec!["http://w".to_string()]);
    assert_eq!(meta.comment.as_deref(), Some("hi"));
    assert_eq!(meta.created_by.as_deref(), Some("me"));
    assert_eq!(meta.creation_date, Some(1_700_000_000));
    assert!(meta.private && meta.single_file);
}

#[test]
fn v2_and_hybrid_torrents_are_recognised_with_their_sha256_info_hash() {
    use sha2::Digest;
    // 20,000 bytes in 16 KiB pieces: two piece hashes, whose parent is the pieces root.
    let layer = [[1u8; 32], [2u8; 32]].concat();
    let root: [u8; 32] = sha2::Sha256::digest(&layer).into();
    let tree = [&b"9:file treed1:ad0:d6:lengthi20000e11:pieces root32:"[..], &root, b"eee"].concat();
    let v2_info = [&tree[..], b"12:meta versioni2e4:name1:a12:piece lengthi16384ee"].concat();
    let v2_info = [&b"d"[..], &v2_info].concat();
    let with_layer = |layer: &[u8]| {
        let len = format!("{}:", layer.len());
        [&b"d4:info"[..], &v2_info, b"12:piece layersd32:", &root, len.as_bytes(), layer, b"ee"].concat()
    };
    let torrent = with_layer(&layer);
    let meta = parse_torrent(&torrent).unwrap();
    // BEP 52: a layer present must hash to its file's root and have one hash per piece.
    let mut tampered = layer.clone();
    tampered[5] ^= 1;
    for bad in [&tampered[..], &layer[..32], &[layer.clone(), vec![0; 32]].concat()[..]] {
        let err = parse_torrent(&with_layer(bad)).unwrap_err();
        assert!(err.to_string().contains("piece layers"), "{err}");
    }
    assert_eq!(meta.version, MetaVersion::V2);
    assert_eq!(meta.info_hash, None);
    let want: [u8; 32] = sha2::Sha256::digest(&v2_info).into();
    assert_eq!(meta.info_hash_v2.unwrap().0, want);
    assert_eq!(meta.piece_layers, 1);
    assert_eq!(meta.swarm_hash().0[..], want[..20]);

    // The same file as a hybrid: v1 `length` + `pieces` beside the v2 tree.
    let hybrid_info = [&b"d"[..], &tree, b"6:lengthi20000e12:meta versioni2e4:name1:a12:piece lengthi16384e6:pieces40:AAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBe"].concat();
    let hybrid = parse_torrent(&[&b"d4:info"[..], &hybrid_info, b"e"].concat()).unwrap();
    assert_eq!(hybrid.version, MetaVersion::Hybrid);
    assert_eq!(hybrid.info_hash.unwrap().0, peerpage::piece::sha1(&hybrid_info));
    assert!(hybrid.info_hash_v2.is_some());
}

#[test]
fn bad_torrents_give_typed_errors_naming_the_field() {
    let cases: &[(&[u8], &str, &str)] = &[
        (b"", "bencode.unexpected-eof", "byte 0"),
        (b"le", "metainfo.invalid-field", "top level"),
        (b"de", "metainfo.missing-field", "`info`"),
        (b"d4:infoi1ee", "metainfo.invalid-field", "`info`"),
        (b"d4:infod4:name1:aee", "metainfo.missing-field", "info.piece length"),
        (b"d4:infod4:name1:a12:piece lengthi0eee", "metainfo.invalid-field", "must be positive"),
        (b"d4:infod4:name1:a12:piece lengthi16384eee", "metainfo.missing-field", "info.pieces"),
        (b"d4:infod6:lengthi1e4:name1:a12:piece lengthi16384e6:pieces3:abcee", "metainfo.invalid-field", "multiple of 20"),
        (b"d4:infod6:lengthi99999e4:name1:a12:piece lengthi16384e6:pieces20:AAAAAAAAAAAAAAAAAAAAee", "metainfo.invalid-field", "1 hashes for 7 pieces"),
        (b"d4:infod6:lengthi-1e4:name1:a12:piece lengthi16384e6:pieces0:ee", "metainfo.invalid-field", "negative"),
        (b"d4:infod6:lengthi0e4:name1:a12:piece lengthi16384e6:pieces0:ee", "metainfo.invalid-field", "no data"),
        (b"d4:infod5:filesld6:lengthi1e4:pathl2:..eee4:name1:a12:piece lengthi16384e6:pieces20:AAAAAAAAAAAAAAAAAAAAee", "metainfo.invalid-field", "unsafe path"),
        (b"d4:infod4:name2:..12:piece lengthi16384e6:lengthi1e6:pieces20:AAAAAAAAAAAAAAAAAAAAee", "metainfo.invalid-field", "unsafe path"),
        (b"d4:infod12:meta versioni3e4:name1:a12:piece lengthi16384eee", "metainfo.unsupported", "meta version 3"),
    ];
    for (bytes, code, words) in cases {
        let err = parse_torrent(bytes).expect_err(&String::from_utf8_lossy(bytes));
        assert_eq!(err.code(), *code, "{}: {err}", String::from_utf8_lossy(bytes));
        assert!(err.to_string().contains(words), "{err} should mention {words}");
    }
}

#[test]
fn mutated_torrents_never_panic() {
    let bytes = std::fs::read(fixtures().join("torrents/folder.torrent")).unwrap();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..20_000 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let mut m = bytes.clone();
        let at = (rng % m.len() as u64) as usize;
        m[at] = (rng >> 24) as u8;
        if rng & 1 == 0 {
            m.truncate(((rng >> 40) as usize) % m.len());
        }
        peerpage::metainfo::fuzz_parse(&m);
    }
}

#[test]
fn v2_file_lengths_that_overflow_only_once_aligned_are_refused() {
    // 2^63-1 and 2^63-2 fit in 64 bits together, but BEP 52 aligns each file to a piece
    // before the next one, and that padding passes 2^64.
    let file = |len: u64| format!("d0:d6:lengthi{len}e11:pieces root32:{}ee", "R".repeat(32));
    let tree = format!("d1:a{}1:b{}1:c{}e", file(i64::MAX as u64), file(i64::MAX as u64 - 1), file(1));
    let torrent = format!("d4:infod9:file tree{tree}12:meta versioni2e4:name1:x12:piece lengthi16384eee");
    let err = parse_torrent(torrent.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "metainfo.invalid-field");
    assert!(err.to_string().contains("info.file tree") && err.to_string().contains("overflows"), "{err}");
}

#[test]
fn v2_piece_layers_pad_to_a_power_of_two_with_zero_subtrees() {
    use sha2::{Digest, Sha256};
    let h = |a: &[u8], b: &[u8]| -> [u8; 32] { Sha256::digest([a, b].concat()).into() };
    // 3 pieces of 32 KiB (2 blocks each): the 4th node is the root of two zero leaves (BEP 52).
    let (p0, p1, p2) = ([1u8; 32], [2u8; 32], [3u8; 32]);
    let zero_piece = h(&[0; 32], &[0; 32]);
    let root = h(&h(&p0, &p1), &h(&p2, &zero_piece));
    let tree = [&b"d1:ad0:d6:lengthi70000e11:pieces root32:"[..], &root, b"eee"].concat();
    let info = [&b"d9:file tree"[..], &tree, b"12:meta versioni2e4:name1:a12:piece lengthi32768ee"].concat();
    let layer = [p0, p1, p2].concat();
    let torrent = [&b"d4:info"[..], &info, b"12:piece layersd32:", &root, b"96:", &layer, b"ee"].concat();
    let meta = parse_torrent(&torrent).unwrap();
    assert_eq!(meta.piece_layers, 1);
    assert_eq!(meta.layout.piece_count(), 3);
}
