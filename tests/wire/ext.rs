use peerpage::metainfo::{parse_torrent, InfoHash};
use peerpage::time::{Instant, Millis};
use peerpage::wire::ext::{
    metadata_pieces, serve_metadata, Assembled, ExtHandshake, ExtMessage, ExtRegistry, Extension, FetchProgress,
    MetadataAssembler, MetadataFetcher, MetadataMessage, METADATA_PIECE, METADATA_REQUEST_TIMEOUT,
};
use peerpage::wire::{Message, WireError};

#[test]
fn extension_handshakes_round_trip_and_read_webtorrent_and_libtorrent_shapes() {
    let ours = ExtHandshake {
        extensions: vec![("ut_metadata".into(), 1), ("lt_donthave".into(), 2)],
        client: Some("peerpage 0.1.0".into()),
        reqq: Some(250),
        metadata_size: Some(31_337),
        port: None,
        your_ip: None,
    };
    let mut parsed = ExtHandshake::parse(&ours.encode()).unwrap();
    parsed.extensions.sort();
    let mut want = ours.clone();
    want.extensions.sort();
    assert_eq!(parsed, want);
    assert_eq!(parsed.id_of("ut_metadata"), Some(1));

    // WebTorrent: only m and metadata_size (PROTOCOL.md §4).
    let wt = ExtHandshake::parse(b"d1:md11:lt_donthavei2e11:ut_metadatai1ee13:metadata_sizei4321ee").unwrap();
    assert_eq!((wt.id_of("ut_metadata"), wt.metadata_size, wt.reqq), (Some(1), Some(4321), None));
    // libtorrent-style extras, a disabled extension (id 0), unknown keys, a bogus size.
    let lt = ExtHandshake::parse(
        b"d1:md6:ut_pexi0e11:ut_metadatai3ee1:pi6881e4:reqqi500e1:v13:libtorrent 2.06:yourip4:\x7f\x00\x00\x01e",
    )
    .unwrap();
    assert_eq!(lt.id_of("ut_pex"), None);
    assert_eq!((lt.id_of("ut_metadata"), lt.reqq, lt.port), (Some(3), Some(500), Some(6881)));
    assert_eq!(ExtHandshake::parse(b"d13:metadata_sizei99999999999ee").unwrap().metadata_size, None);
    assert!(matches!(ExtHandshake::parse(b"le"), Err(WireError::BadExtension(_))));
    assert!(matches!(ExtHandshake::parse(b"d1:m"), Err(WireError::BadExtension(_))));
}

#[test]
fn ut_metadata_messages_match_bep9_bytes() {
    assert_eq!(MetadataMessage::Request(0).encode(), b"d8:msg_typei0e5:piecei0ee");
    assert_eq!(MetadataMessage::Reject(3).encode(), b"d8:msg_typei2e5:piecei3ee");
    let data = MetadataMessage::Data { piece: 1, total_size: 20000, data: b"xyz" };
    assert_eq!(data.encode(), b"d8:msg_typei1e5:piecei1e10:total_sizei20000eexyz");
    let bytes = data.encode();
    assert_eq!(MetadataMessage::parse(&bytes).unwrap(), data);
    assert!(MetadataMessage::parse(b"d8:msg_typei7e5:piecei0ee").is_err());
    assert!(MetadataMessage::parse(b"d8:msg_typei1e5:piecei0ee").is_err(), "data needs total_size");
}

#[test]
fn metadata_served_in_pieces_reassembles_and_is_hash_checked() {
    let torrent =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/torrents/sintel.torrent")).unwrap();
    let meta = parse_torrent(&torrent).unwrap();
    let info = &meta.info_bytes;
    let size = info.len() as u32;
    assert!(size > METADATA_PIECE, "more than one metadata piece");
    let pieces = metadata_pieces(size);
    let mut a = MetadataAssembler::new(meta.info_hash.unwrap(), size).unwrap();
    assert_eq!(a.missing().count() as u32, pieces);
    // Arrive in reverse order, as from several peers.
    for piece in (0..pieces).rev() {
        let msg = serve_metadata(Some(info), piece);
        let bytes = msg.encode();
        let MetadataMessage::Data { piece, total_size, data } = MetadataMessage::parse(&bytes).unwrap() else {
            panic!()
        };
        match a.add(piece, total_size, data).unwrap() {
            Assembled::Progress => assert!(piece > 0),
            Assembled::Complete(bytes) => {
                assert_eq!(piece, 0);
                assert_eq!(&bytes, info);
            }
        }
    }
    assert_eq!(serve_metadata(Some(info), pieces), MetadataMessage::Reject(pieces));

    // A liar's bytes fail the hash and the fetch starts over.
    let mut a = MetadataAssembler::new(InfoHash([0; 20]), size).unwrap();
    let mut last = Ok(Assembled::Progress);
    for piece in 0..pieces {
        let MetadataMessage::Data { data, .. } = serve_metadata(Some(info), piece) else { panic!() };
        last = a.add(piece, size, data);
    }
    assert_eq!(last, Err(WireError::MetadataHashMismatch));
    assert_eq!(a.missing().count() as u32, pieces);
    // Wrong sizes and out-of-range pieces are refused without panicking.
    assert!(a.add(0, size, b"short").is_err());
    assert!(a.add(pieces + 5, size, b"").is_err());
    assert!(a.add(0, size + 1, b"").is_err());
    assert!(MetadataAssembler::new(InfoHash([0; 20]), 0).is_err());
    assert!(MetadataAssembler::new(InfoHash([0; 20]), 10_000_001).is_err());
    // Serving without metadata, or a piece number that would overflow 32-bit sizes, rejects.
    assert_eq!(serve_metadata(None, 0), MetadataMessage::Reject(0));
    assert_eq!(serve_metadata(Some(info), u32::MAX), MetadataMessage::Reject(u32::MAX));
    assert!(a.add(u32::MAX, size, b"").is_err());
}

fn sintel() -> (InfoHash, Vec<u8>) {
    let torrent =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/torrents/sintel.torrent")).unwrap();
    let meta = parse_torrent(&torrent).unwrap();
    (meta.info_hash.unwrap(), meta.info_bytes.to_vec())
}

/// Answers every request `peer` gets from `fetcher` with `info` (possibly a liar's bytes).
fn serve_all(fetcher: &mut MetadataFetcher<u32>, peer: u32, info: &[u8], now: Instant) -> Vec<FetchProgress<u32>> {
    let asked = fetcher.poll_requests(peer, now, usize::MAX);
    asked
        .into_iter()
        .map(|piece| {
            let bytes = serve_metadata(Some(info), piece).encode();
            let MetadataMessage::Data { piece, total_size, data } = MetadataMessage::parse(&bytes).unwrap() else {
                panic!()
            };
            fetcher.handle_data(peer, piece, total_size, data).unwrap()
        })
        .collect()
}

#[test]
fn the_registry_maps_our_ids_and_theirs_and_applies_later_handshakes() {
    let mut reg = ExtRegistry::new();
    assert_eq!(reg.their_id(Extension::UtMetadata), None, "nothing may be sent before their handshake");
    // A Node WebTorrent's m (PROTOCOL.md §4): ut_pex is not ours, its ids differ from ours.
    let payload = b"d1:md11:lt_donthavei3e6:ut_pexi2e11:ut_metadatai1ee13:metadata_sizei4321ee";
    let ExtMessage::Handshake(hs) = reg.decode(0, payload).unwrap() else { panic!() };
    assert_eq!(hs.metadata_size, Some(4321));
    assert_eq!((reg.their_id(Extension::UtMetadata), reg.their_id(Extension::LtDonthave)), (Some(1), Some(3)));
    // We send under their id, and read under ours.
    let mut out = Vec::new();
    assert!(reg.encode_dont_have(7, &mut out));
    assert_eq!(out, Message::Extended { id: 3, payload: &7u32.to_be_bytes() }.to_bytes());
    assert_eq!(reg.decode(2, &7u32.to_be_bytes()).unwrap(), ExtMessage::DontHave(7));
    assert_eq!(reg.decode(1, b"d8:msg_typei0e5:piecei2ee").unwrap(), ExtMessage::Metadata(MetadataMessage::Request(2)));
    assert_eq!(reg.decode(9, b"x").unwrap(), ExtMessage::Unknown { id: 9, payload: b"x" });
    assert!(reg.decode(2, b"abc").is_err(), "lt_donthave is exactly 4 bytes");
    // A later handshake is additive: it disables lt_donthave and leaves ut_metadata alone.
    reg.decode(0, b"d1:md11:lt_donthavei0eee").unwrap();
    assert_eq!((reg.their_id(Extension::UtMetadata), reg.their_id(Extension::LtDonthave)), (Some(1), None));
    assert!(!reg.encode_dont_have(7, &mut Vec::new()));
    assert_eq!(reg.handshakes_seen(), 2);
    // Ours has what WebTorrent reads (m, metadata_size, reqq) and parses back.
    let ours = ExtRegistry::our_handshake(Some(31_337), 250, "peerpage 0.1");
    let back = ExtHandshake::parse(&ours.encode()).unwrap();
    assert_eq!(
        (back.id_of("ut_metadata"), back.id_of("lt_donthave"), back.reqq, back.metadata_size),
        (Some(1), Some(2), Some(250), Some(31_337))
    );
    assert!(!String::from_utf8_lossy(&ExtRegistry::our_handshake(None, 250, "x").encode()).contains("metadata_size"));
}

#[test]
fn a_magnet_fetch_spreads_requests_and_survives_rejects_timeouts_and_departures() {
    let (hash, info) = sintel();
    let size = info.len() as u32;
    let pieces = metadata_pieces(size);
    let t0 = Instant(0);
    let mut f = MetadataFetcher::<u32>::new(hash);
    assert!(f.poll_requests(1, t0, 10).is_empty(), "no size known yet");
    f.add_peer(1, size).unwrap();
    f.add_peer(2, size).unwrap();
    assert_eq!(f.size(), Some(size));
    let first = f.poll_requests(1, t0, 1);
    assert_eq!(first, vec![0]);
    let second = f.poll_requests(2, t0, usize::MAX);
    assert_eq!(second, (1..pieces).collect::<Vec<_>>(), "other pieces go to the other peer");
    // Peer 1 rejects; peer 2 leaves; peer 3 never answers and times out.
    f.handle_reject(1, 0);
    f.remove_peer(2);
    f.add_peer(3, size).unwrap();
    let staller = f.poll_requests(3, t0, usize::MAX);
    assert_eq!(staller.len() as u32, pieces);
    assert_eq!(f.poll_timeout(), Some(t0 + METADATA_REQUEST_TIMEOUT));
    assert_eq!(f.handle_timeout(t0 + Millis(1)), Vec::<u32>::new());
    assert_eq!(f.handle_timeout(t0 + METADATA_REQUEST_TIMEOUT), vec![3]);
    // Peer 1 serves everything once asked again.
    let results = serve_all(&mut f, 1, &info, t0 + METADATA_REQUEST_TIMEOUT);
    assert_eq!(results.len() as u32, pieces);
    assert!(matches!(results.last(), Some(FetchProgress::Complete(bytes)) if *bytes == info));
    assert!(f.is_complete() && f.poll_requests(1, t0, 10).is_empty());
    assert_eq!(f.handle_data(3, 0, size, &info[..METADATA_PIECE as usize]).unwrap(), FetchProgress::Ignored);
}

#[test]
fn a_metadata_liar_is_named_and_honest_peers_finish_the_fetch() {
    let (hash, info) = sintel();
    let size = info.len() as u32;
    let mut lie = info.clone();
    lie[100] ^= 1;
    let mut f = MetadataFetcher::<u32>::new(hash);
    f.add_peer(66, size).unwrap();
    let results = serve_all(&mut f, 66, &lie, Instant(0));
    assert_eq!(results.last(), Some(&FetchProgress::HashMismatch { contributors: vec![66] }));
    assert!(
        f.poll_requests(66, Instant(1), usize::MAX).is_empty(),
        "a sole contributor to bad metadata is not asked again"
    );
    f.add_peer(7, size).unwrap();
    let results = serve_all(&mut f, 7, &info, Instant(2));
    assert!(matches!(results.last(), Some(FetchProgress::Complete(bytes)) if *bytes == info));

    // A peer announcing a false metadata_size first: once it is caught, the size the honest
    // peers announce is fetched.
    let mut f = MetadataFetcher::<u32>::new(hash);
    f.add_peer(66, size + 5).unwrap();
    f.add_peer(7, size).unwrap();
    f.add_peer(8, size).unwrap();
    assert!(f.poll_requests(7, Instant(0), 4).is_empty(), "peers with another size are kept aside");
    let mut padded = info.clone();
    padded.extend([b'x'; 5]);
    assert!(matches!(serve_all(&mut f, 66, &padded, Instant(0)).last(), Some(FetchProgress::HashMismatch { .. })));
    assert_eq!(f.size(), Some(size));
    assert!(matches!(serve_all(&mut f, 7, &info, Instant(1)).last(), Some(FetchProgress::Complete(_))));
    // Wrong-size data is the sender's fault, and its requests go back to the pool.
    let mut f = MetadataFetcher::<u32>::new(hash);
    f.add_peer(1, size).unwrap();
    f.poll_requests(1, Instant(0), 2);
    assert!(f.handle_data(1, 0, size, b"short").is_err());
    assert_eq!(f.poll_requests(1, Instant(0), 2), vec![0, 1]);
    assert!(f.add_peer(2, 0).is_err() && f.add_peer(2, 10_000_001).is_err());
}

#[test]
fn mutated_extension_payloads_give_values_or_typed_errors() {
    let seeds: [&[u8]; 4] = [
        b"\x00d1:md11:lt_donthavei2e11:ut_metadatai1ee13:metadata_sizei4321ee",
        b"\x01d8:msg_typei1e5:piecei0e10:total_sizei20eeabcdefghijklmnopqrst",
        b"\x01d8:msg_typei0e5:piecei2ee",
        b"\x02\x00\x00\x00\x07",
    ];
    let mut rng = peerpage::rng::Rng::new(5);
    for round in 0..20_000 {
        let mut bytes = seeds[round % seeds.len()].to_vec();
        for _ in 0..=rng.below(4) {
            let at = rng.below(bytes.len() as u64) as usize;
            match rng.below(3) {
                0 => bytes[at] = rng.next_u64() as u8,
                1 => bytes.truncate(at.max(1)),
                _ => bytes.insert(at, b"ide0:"[rng.below(5) as usize]),
            }
        }
        peerpage::wire::ext::fuzz_extended(&bytes);
        if let Err(e) = ExtRegistry::new().decode(bytes[0] % 3, &bytes[1..]) {
            use peerpage::error::CoreError;
            assert!(e.code().starts_with("wire."), "{e:?}");
        }
    }
}
