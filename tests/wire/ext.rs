use peerpage::metainfo::{parse_torrent, InfoHash};
use peerpage::wire::ext::{
    metadata_pieces, serve_metadata, Assembled, ExtHandshake, MetadataAssembler, MetadataMessage, METADATA_PIECE,
};
use peerpage::wire::WireError;

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
    let lt = ExtHandshake::parse(b"d1:md6:ut_pexi0e11:ut_metadatai3ee1:pi6881e4:reqqi500e1:v13:libtorrent 2.06:yourip4:\x7f\x00\x00\x01e").unwrap();
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
    let torrent = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/torrents/sintel.torrent")).unwrap();
    let meta = parse_torrent(&torrent).unwrap();
    let info = &meta.info_bytes;
    let size = info.len() as u32;
    assert!(size > METADATA_PIECE, "more than one metadata piece");
    let pieces = metadata_pieces(size);
    let mut a = MetadataAssembler::new(meta.info_hash.unwrap(), size).unwrap();
    assert_eq!(a.missing().count() as u32, pieces);
    // Arrive in reverse order, as from several peers.
    for piece in (0..pieces).rev() {
        let msg = serve_metadata(info, piece);
        let bytes = msg.encode();
        let MetadataMessage::Data { piece, total_size, data } = MetadataMessage::parse(&bytes).unwrap() else { panic!() };
        match a.add(piece, total_size, data).unwrap() {
            Assembled::Progress => assert!(piece > 0),
            Assembled::Complete(bytes) => {
                assert_eq!(piece, 0);
                assert_eq!(&bytes, info);
            }
        }
    }
    assert_eq!(serve_metadata(info, pieces), MetadataMessage::Reject(pieces));

    // A liar's bytes fail the hash and the fetch starts over.
    let mut a = MetadataAssembler::new(InfoHash([0; 20]), size).unwrap();
    let mut last = Ok(Assembled::Progress);
    for piece in 0..pieces {
        let MetadataMessage::Data { data, .. } = serve_metadata(info, piece) else { panic!() };
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
}
