//! The other direction: WebTorrent's own wire code reading our bytes. A seeder session as
//! peerpage writes it is committed as `tests/fixtures/wire/peerpage-seeder.json`; npm
//! bittorrent-protocol + ut_metadata read it (make-webtorrent-verdict.mjs) and their verdict,
//! every event they raised, is `webtorrent-verdict.json`. This test proves the committed
//! bytes are still what we write, and that the verdict is a clean session.
//!
//! After changing what we write: `PEERPAGE_REGEN=1 cargo test --test wire peerpage_to_webtorrent`
//! then `node tests/fixtures/wire/make-webtorrent-verdict.mjs`, and commit both files.

use peerpage::metainfo::{hex, parse_torrent};
use peerpage::wire::ext::{serve_metadata, ExtRegistry};
use peerpage::wire::{BlockRequest, Handshake, Message, PeerId};
use serde_json::{json, Value};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/wire/");

/// Our seeder's side of a session with a WebTorrent magnet leecher, as channel messages.
fn our_seeder_chunks() -> (Value, Vec<Vec<u8>>) {
    let torrent =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/torrents/sintel.torrent")).unwrap();
    let meta = parse_torrent(&torrent).unwrap();
    let info_hash = meta.info_hash.unwrap();
    let info = &meta.info_bytes;
    let peer_id = PeerId(*b"-PP0100-peerpageSeed");
    let mut chunks = vec![Handshake::ours(info_hash, peer_id).encode().to_vec()];
    let push = |chunks: &mut Vec<Vec<u8>>, m: Message<'_>| chunks.push(m.to_bytes());
    let ours = ExtRegistry::our_handshake(Some(info.len() as u32), 250, "peerpage 0.1.0");
    push(&mut chunks, Message::Extended { id: 0, payload: &ours.encode() });
    // The leecher's extended handshake gives ut_metadata id 1 (bittorrent-protocol numbers
    // extensions in `use` order); it asks for every piece, and we answer each.
    let mut registry = ExtRegistry::new();
    registry.handle_handshake(&peerpage::wire::ext::ExtHandshake::parse(b"d1:md11:ut_metadatai1eee").unwrap());
    for piece in 0..peerpage::wire::ext::metadata_pieces(info.len() as u32) {
        let mut out = Vec::new();
        assert!(registry.encode_metadata(&serve_metadata(Some(info), piece), &mut out));
        chunks.push(out);
    }
    push(&mut chunks, Message::HaveAll);
    push(&mut chunks, Message::Unchoke);
    push(&mut chunks, Message::AllowedFast(5));
    // A block as header and data in two channel messages, the way WebTorrent sends them.
    let block: Vec<u8> = (0..16384u32).map(|i| (i % 251) as u8).collect();
    chunks.push(Message::piece_header(0, 16384, block.len()).to_vec());
    chunks.push(block);
    push(&mut chunks, Message::Reject(BlockRequest { index: 7, begin: 0, length: 16384 }));
    push(&mut chunks, Message::KeepAlive);
    push(&mut chunks, Message::Choke);
    let meta = json!({"info_hash": info_hash.to_hex(), "peer_id": hex(&peer_id.0), "metadata_size": info.len()});
    (meta, chunks)
}

#[test]
fn the_committed_seeder_bytes_are_what_we_write() {
    let (meta, chunks) = our_seeder_chunks();
    let mut fixture = meta;
    fixture["chunks"] = chunks.iter().map(|c| Value::from(hex(c))).collect();
    let text = serde_json::to_string_pretty(&fixture).unwrap() + "\n";
    let path = format!("{FIXTURES}peerpage-seeder.json");
    if std::env::var_os("PEERPAGE_REGEN").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "regenerate both fixtures (see the module doc)");
}

#[test]
fn webtorrent_reads_our_seeder_session_cleanly() {
    let verdict: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{FIXTURES}webtorrent-verdict.json")).unwrap()).unwrap();
    let (meta, _) = our_seeder_chunks();
    let events: Vec<&str> = verdict["events"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    // The handshake with the extension and Fast bits, our peer id and the torrent.
    assert_eq!(
        events[0],
        format!(
            "handshake {} {} fast extended",
            meta["info_hash"].as_str().unwrap(),
            meta["peer_id"].as_str().unwrap()
        )
    );
    // Our extension handshake as WebTorrent read it: ut_metadata and lt_donthave, reqq,
    // metadata_size (PROTOCOL.md §4).
    assert_eq!(
        events[1],
        format!("extended handshake m=lt_donthave:2,ut_metadata:1 metadata_size={} reqq=250", meta["metadata_size"])
    );
    // ut_metadata took our pieces, checked the SHA-1 and produced the torrent.
    assert!(events.contains(&"metadata verified"), "{events:?}");
    let rest: Vec<&str> = events.iter().copied().filter(|e| !e.starts_with("extended ut_metadata")).skip(2).collect();
    assert_eq!(
        rest,
        [
            "metadata verified",
            "have-all",
            "unchoke",
            "allowed-fast 5",
            "piece 0 16384 16384",
            "reject 7 0 16384",
            "keep-alive",
            "choke",
        ]
    );
    assert_eq!(verdict["errors"].as_array().unwrap().len(), 0, "{:?}", verdict["errors"]);
}
