use peerpage::error::CoreError;
use peerpage::metainfo::{InfoHash, Magnet};

const HEX: &str = "d2474e86c95b19b8bcfdb92bc12c9d44667cfa36";

#[test]
fn webtorrent_style_magnets_parse() {
    let link = format!(
        "magnet:?xt=urn:btih:{HEX}&dn=Leaves+of+Grass+by+Walt+Whitman.epub&tr=udp%3A%2F%2Ftracker.example%3A1337&tr=wss%3A%2F%2Ftracker.webtorrent.dev&ws=https%3A%2F%2Fseed.example%2Ffile&so=0,2,4-6&x.pe=10.0.0.1:6881"
    );
    let m = Magnet::parse(&link).unwrap();
    assert_eq!(m.info_hash.unwrap().to_hex(), HEX);
    assert_eq!(m.name.as_deref(), Some("Leaves of Grass by Walt Whitman.epub"));
    assert_eq!(m.trackers, vec!["udp://tracker.example:1337", "wss://tracker.webtorrent.dev"]);
    assert_eq!(m.web_seeds, vec!["https://seed.example/file"]);
    assert_eq!(m.select_only, vec![0, 2, 4, 5, 6]);
    assert_eq!(m.peers, vec!["10.0.0.1:6881"]);
}

#[test]
fn base32_hex_and_v2_hashes_are_read() {
    let hash = InfoHash::from_hex(HEX).unwrap();
    let b32 = hash.to_base32();
    assert_eq!(b32.len(), 32);
    assert_eq!(Magnet::parse(&format!("magnet:?xt=urn:btih:{b32}")).unwrap().info_hash, Some(hash));
    assert_eq!(Magnet::parse(&b32.to_lowercase()).unwrap().info_hash, Some(hash));
    assert_eq!(Magnet::parse(HEX).unwrap().info_hash, Some(hash));
    let v2 = "a".repeat(64);
    let m = Magnet::parse(&format!("magnet:?xt=urn:btmh:1220{v2}&xt=urn:btih:{HEX}")).unwrap();
    assert_eq!(m.info_hash_v2.unwrap().to_hex(), v2);
    assert_eq!(m.info_hash, Some(hash));
}

#[test]
fn built_links_percent_encode_and_parse_back() {
    let m = Magnet {
        info_hash: InfoHash::from_hex(HEX),
        name: Some("a b&c=d+é".into()),
        trackers: vec!["ws://127.0.0.1:8080/announce".into()],
        web_seeds: vec!["http://127.0.0.1:8080/seed/".into()],
        select_only: vec![1, 3],
        ..Magnet::default()
    };
    let link = m.to_link();
    assert_eq!(
        link,
        format!("magnet:?xt=urn:btih:{HEX}&dn=a%20b%26c%3Dd%2B%C3%A9&tr=ws%3A%2F%2F127.0.0.1%3A8080%2Fannounce&ws=http%3A%2F%2F127.0.0.1%3A8080%2Fseed%2F&so=1,3")
    );
    assert_eq!(Magnet::parse(&link).unwrap(), m);
}

#[test]
fn bad_magnets_say_why() {
    let cases = [
        ("http://example.com", "magnet:?"),
        ("magnet:?dn=x", "no xt"),
        ("magnet:?xt=urn:btih:1234", "neither 40 hex"),
        ("magnet:?xt=urn:btmh:1111aaaa", "1220"),
        ("magnet:?xt=urn:btih:d2474e86c95b19b8bcfdb92bc12c9d44667cfa36&dn=%zz", "percent"),
        ("magnet:?xt=urn:btih:d2474e86c95b19b8bcfdb92bc12c9d44667cfa36&so=5-1", "so="),
        ("magnet:?xt=urn:btih:d2474e86c95b19b8bcfdb92bc12c9d44667cfa36&so=0-4294967295", "so="),
        // A cap check in 32-bit arithmetic would wrap here (wasm32) and try to expand 2^32 indices.
        ("magnet:?xt=urn:btih:d2474e86c95b19b8bcfdb92bc12c9d44667cfa36&so=0,0-4294967295", "so="),
        ("magnet:?xt=urn:btih:d2474e86c95b19b8bcfdb92bc12c9d44667cfa36&dn=%+1", "percent"),
        ("magnet:?xt=urn:btih:d2474e86c95b19b8bcfdb92bc12c9d44667cfa36&tr=%4", "percent"),
    ];
    for (link, words) in cases {
        let err = Magnet::parse(link).expect_err(link);
        assert_eq!(err.code(), "magnet.invalid");
        assert!(err.to_string().contains(words), "{err} should mention {words}");
    }
}

#[test]
fn selected_files_are_written_as_bep53_ranges_and_read_back() {
    let m = Magnet::parse(&format!("magnet:?xt=urn:btih:{HEX}&so=7,0,2,4-6,3,9")).unwrap();
    assert_eq!(m.select_only, vec![0, 2, 3, 4, 5, 6, 7, 9]);
    let link = m.to_link();
    assert!(link.ends_with("&so=0,2-7,9"), "{link}");
    assert_eq!(Magnet::parse(&link).unwrap(), m);
    let top = Magnet { select_only: vec![u32::MAX - 1, u32::MAX], ..m };
    assert!(top.to_link().ends_with("&so=4294967294-4294967295"));
}

/// magnet-uri's verdicts (tests/fixtures/magnet-uri.json, made by make-expectations.mjs).
#[test]
fn magnets_read_as_magnet_uri_reads_them() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/magnet-uri.json");
    let cases: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert!(cases.len() >= 7);
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    for want in &cases {
        let link = want["link"].as_str().unwrap();
        let m = Magnet::parse(link).unwrap_or_else(|e| panic!("{link}: {e}"));
        assert_eq!(m.info_hash.map(|h| h.to_hex()).as_deref(), want["infoHash"].as_str(), "{link}");
        assert_eq!(m.info_hash_v2.map(|h| h.to_hex()).as_deref(), want["infoHashV2"].as_str(), "{link}");
        assert_eq!(m.name.as_deref(), want["name"].as_str(), "{link}");
        // Tracker order is kept: BEP 12-style preference survives in a magnet only as order.
        assert_eq!(m.trackers, strings(&want["announce"]), "{link}");
        // magnet-uri lists `as` before `ws` whatever their order; we keep link order.
        assert_eq!(sorted(m.web_seeds.clone()), sorted(strings(&want["urlList"])), "{link}");
        assert_eq!(m.exact_sources, strings(&want["xs"]), "{link}");
        assert_eq!(m.peers, strings(&want["peerAddresses"]), "{link}");
        // magnet-uri keeps `so` in input order with repeats; we sort and deduplicate.
        let mut so: Vec<u32> = want["so"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap() as u32).collect();
        so.sort_unstable();
        so.dedup();
        assert_eq!(m.select_only, so, "{link}");
        assert_eq!(Magnet::parse(&m.to_link()).unwrap(), m, "{link}: our own link reads back the same");
    }
}
