use peerpage::error::CoreError;
use peerpage::metainfo::InfoHash;
use peerpage::wire::{BlockRequest, Frame, FrameLimits, Framer, Handshake, Message, PeerId, WireError, BLOCK_LEN};

fn every_message(block: &[u8]) -> Vec<Message<'_>> {
    let r = BlockRequest { index: 3, begin: 16384, length: 16384 };
    vec![
        Message::KeepAlive,
        Message::Choke,
        Message::Unchoke,
        Message::Interested,
        Message::NotInterested,
        Message::Have(0xdead_beef),
        Message::Bitfield(&[0xff, 0x80]),
        Message::Request(r),
        Message::Piece { index: 3, begin: 16384, data: block },
        Message::Cancel(r),
        Message::Port(6881),
        Message::Suggest(9),
        Message::HaveAll,
        Message::HaveNone,
        Message::Reject(r),
        Message::AllowedFast(4),
        Message::Extended { id: 0, payload: b"d1:md11:ut_metadatai1eee" },
        Message::Unknown { id: 42, payload: b"future" },
    ]
}

fn stream(block: &[u8]) -> (Handshake, Vec<u8>) {
    let hs = Handshake::ours(InfoHash([0xab; 20]), PeerId(*b"-PP0100-abcdefghijkl"));
    let mut bytes = hs.encode().to_vec();
    for m in every_message(block) {
        m.encode_into(&mut bytes);
    }
    (hs, bytes)
}

fn drain(framer: &mut Framer, out: &mut Vec<Vec<u8>>) -> Result<(), WireError> {
    while let Some(frame) = framer.next()? {
        match frame {
            Frame::Handshake(h) => out.push(h.encode().to_vec()),
            Frame::Message(m) => out.push(m.to_bytes()),
        }
    }
    Ok(())
}

#[test]
fn every_message_round_trips() {
    let block: Vec<u8> = (0..16384u32).map(|i| i as u8).collect();
    for m in every_message(&block) {
        let bytes = m.to_bytes();
        assert_eq!(Message::decode(&bytes[4..]).unwrap(), m);
        assert_eq!(u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize, bytes.len() - 4);
    }
    let hs = Handshake::ours(InfoHash([1; 20]), PeerId([2; 20]));
    assert_eq!(Handshake::parse(&hs.encode()).unwrap(), hs);
    assert!(hs.supports_extensions() && hs.supports_fast());
}

#[test]
fn the_same_bytes_split_at_every_boundary_give_the_same_frames() {
    let block: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
    let (_, bytes) = stream(&block);
    let mut whole = Vec::new();
    let mut f = Framer::new();
    f.push(&bytes);
    drain(&mut f, &mut whole).unwrap();
    assert_eq!(whole.len(), 1 + every_message(&block).len());
    assert_eq!(whole.concat(), bytes);
    for cut in 0..=bytes.len() {
        let mut got = Vec::new();
        let mut f = Framer::new();
        f.push(&bytes[..cut]);
        drain(&mut f, &mut got).unwrap();
        f.push(&bytes[cut..]);
        drain(&mut f, &mut got).unwrap();
        assert_eq!(got, whole, "split at {cut}");
        assert_eq!(f.buffered(), 0);
    }
}

#[test]
fn random_chunkings_and_one_byte_at_a_time_give_the_same_frames() {
    let block = vec![9u8; 16384];
    let (_, bytes) = stream(&block);
    let mut whole = Vec::new();
    let mut f = Framer::new();
    f.push(&bytes);
    drain(&mut f, &mut whole).unwrap();
    let mut rng = 0x1234_5678_9abc_def1u64;
    for round in 0..200 {
        let mut got = Vec::new();
        let mut f = Framer::new();
        let mut at = 0;
        while at < bytes.len() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let n = if round == 0 { 1 } else { 1 + (rng % 20_000) as usize };
            let end = (at + n).min(bytes.len());
            f.push(&bytes[at..end]);
            drain(&mut f, &mut got).unwrap();
            at = end;
        }
        assert_eq!(got, whole);
    }
}

#[test]
fn webtorrent_shaped_traffic_is_accepted() {
    // PROTOCOL.md §3: handshake with extension (byte 5, 0x10) and Fast (byte 7, 0x04) bits and a
    // `-WW0300-` peer id, then the extended handshake as header and payload in separate
    // channel messages, then `have none`, `interested`, and a piece header apart from its block.
    let mut hs = [0u8; 68];
    hs[0] = 19;
    hs[1..20].copy_from_slice(b"BitTorrent protocol");
    hs[25] = 0x10;
    hs[27] = 0x04;
    hs[28..48].copy_from_slice(&[7; 20]);
    hs[48..68].copy_from_slice(b"-WW0300-AbCdEfGhIjKl");
    let ext = b"d1:md11:lt_donthavei2e11:ut_metadatai1ee13:metadata_sizei4321ee";
    let mut f = Framer::new();
    f.push(&hs);
    let Some(Frame::Handshake(h)) = f.next().unwrap() else { panic!("handshake") };
    assert!(h.supports_extensions() && h.supports_fast());
    assert_eq!(&h.peer_id.0[..8], b"-WW0300-");
    let mut header = ((ext.len() + 2) as u32).to_be_bytes().to_vec();
    header.extend([20, 0]);
    f.push(&header);
    assert_eq!(f.next().unwrap(), None);
    f.push(ext);
    assert_eq!(f.next().unwrap(), Some(Frame::Message(Message::Extended { id: 0, payload: ext })));
    f.push(&[0, 0, 0, 1, 15, 0, 0, 0, 1, 2]);
    assert_eq!(f.next().unwrap(), Some(Frame::Message(Message::HaveNone)));
    assert_eq!(f.next().unwrap(), Some(Frame::Message(Message::Interested)));
    let block = vec![0x55u8; 16384];
    let mut piece_header = Vec::new();
    Message::encode_piece_header(&mut piece_header, 2, 0, block.len());
    f.push(&piece_header);
    assert_eq!(f.next().unwrap(), None);
    f.push(&block);
    assert_eq!(f.next().unwrap(), Some(Frame::Message(Message::Piece { index: 2, begin: 0, data: &block })));
}

#[test]
fn hostile_streams_give_typed_errors_and_stay_failed() {
    let mut f = Framer::new();
    f.push(b"\x13BitTorrent protocoX");
    assert_eq!(f.next(), Err(WireError::BadProtocol));
    let mut f = Framer::new();
    f.push(b"GET / HTTP/1.1\r\n");
    assert_eq!(f.next(), Err(WireError::BadProtocol), "fails before 68 bytes arrive");

    let ok = Handshake::ours(InfoHash([0; 20]), PeerId([0; 20])).encode();
    let cases: &[(&[u8], WireError)] = &[
        (
            &[0xff, 0xff, 0xff, 0xff],
            WireError::MessageTooLong { id: None, len: u32::MAX, max: FrameLimits::default().max_any_len() },
        ),
        // A piece longer than a 16 KiB block, refused as soon as its id arrives.
        (&[0, 0, 0x40, 0x0a, 7], WireError::MessageTooLong { id: Some(7), len: BLOCK_LEN + 10, max: BLOCK_LEN + 9 }),
        (&[0, 0, 0, 14, 6], WireError::MessageTooLong { id: Some(6), len: 14, max: 13 }),
        (&[0, 0, 0x80, 0x02, 20], WireError::MessageTooLong { id: Some(20), len: 0x8002, max: 0x8001 }),
        (&[0, 0, 0, 4, 4, 1, 2, 3], WireError::BadLength { id: 4, len: 3 }),
        (&[0, 0, 0, 2, 0, 9], WireError::BadLength { id: 0, len: 1 }),
        (&[0, 0, 0, 5, 7, 0, 0, 0, 1], WireError::BadLength { id: 7, len: 4 }),
        (&[0, 0, 0, 1, 20], WireError::BadLength { id: 20, len: 0 }),
        (&[0, 0, 0, 12, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64], WireError::BadLength { id: 6, len: 11 }),
    ];
    for (bytes, want) in cases {
        let mut f = Framer::new();
        f.push(&ok);
        f.next().unwrap();
        f.push(bytes);
        assert_eq!(f.next().as_ref().err(), Some(want));
        assert_eq!(f.next().as_ref().err(), Some(want), "stays failed");
        assert!(want.code().starts_with("wire."));
    }
    let mut rng = 99u64;
    for _ in 0..5_000 {
        let mut junk = Vec::new();
        for _ in 0..(rng % 300) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            junk.push(if rng % 5 == 0 { 0 } else { rng as u8 });
        }
        peerpage::wire::fuzz_framer(&junk);
    }
}

#[test]
fn caps_follow_the_message_kind_and_the_piece_count() {
    let limits = FrameLimits::default();
    assert_eq!(limits.max_body_len(7), BLOCK_LEN + 9, "a 16 KiB block and its header");
    assert_eq!(limits.max_body_len(4), 13, "fixed-size messages are small");
    // A bitfield for 1000 pieces is 125 bytes; one byte more is refused once the count is known.
    let mut f = Framer::after_handshake(limits);
    f.set_piece_count(1000);
    let ok = Message::Bitfield(&[0xff; 125]).to_bytes();
    f.push(&ok);
    assert_eq!(f.next().unwrap(), Some(Frame::Message(Message::Bitfield(&[0xff; 125]))));
    f.push(&Message::Bitfield(&[0xff; 126]).to_bytes()[..5]);
    assert_eq!(f.next(), Err(WireError::MessageTooLong { id: Some(5), len: 127, max: 126 }));
    assert!(f.failed().is_some());
    // Exactly a 16 KiB block passes.
    let block = vec![1u8; BLOCK_LEN as usize];
    let mut f = Framer::after_handshake(limits);
    f.push(&Message::Piece { index: 0, begin: 0, data: &block }.to_bytes());
    assert!(matches!(f.next(), Ok(Some(Frame::Message(Message::Piece { .. })))));
}

#[test]
fn encoding_into_a_caller_buffer_matches_the_vector_encoding() {
    let block = vec![0xa5u8; 1000];
    let mut buf = [0u8; 2048];
    for m in every_message(&block) {
        let want = m.to_bytes();
        assert_eq!(m.encoded_len(), want.len());
        let n = m.encode_to_slice(&mut buf).unwrap();
        assert_eq!(&buf[..n], &want[..], "{m:?}");
        assert_eq!(
            m.encode_to_slice(&mut buf[..want.len() - 1]),
            Err(WireError::BufferTooSmall { need: want.len(), have: want.len() - 1 })
        );
        assert_eq!(m.id(), want.get(4).copied());
    }
    let mut header = Vec::new();
    Message::encode_piece_header(&mut header, 5, 32768, 16384);
    assert_eq!(&Message::piece_header(5, 32768, 16384)[..], &header[..]);
    assert_eq!(&header[..], &Message::Piece { index: 5, begin: 32768, data: &[0; 16384] }.to_bytes()[..13]);
}

#[test]
fn handshakes_keep_unknown_reserved_bits_and_are_checked_like_webtorrent() {
    use peerpage::wire::{DHT_BIT, V2_UPGRADE_BIT};
    let mut bytes = Handshake::ours(InfoHash([3; 20]), PeerId([4; 20])).encode();
    bytes[20] = 0x80; // an unknown bit (e.g. Azureus messaging) survives a round trip
    bytes[27] |= 0x01 | 0x10;
    let h = Handshake::parse(&bytes).unwrap();
    assert_eq!(h.encode(), bytes);
    assert!(h.supports_dht() && h.has_bit(V2_UPGRADE_BIT) && h.has_bit(DHT_BIT));
    let mut plain = h;
    plain.reserved = [0; 8];
    assert!(!plain.supports_extensions() && !plain.supports_fast());
    assert_eq!(h.check(&InfoHash([3; 20]), &PeerId([9; 20])), Ok(()));
    assert_eq!(h.check(&InfoHash([5; 20]), &PeerId([9; 20])), Err(WireError::ForeignInfoHash));
    assert_eq!(h.check(&InfoHash([3; 20]), &PeerId([4; 20])), Err(WireError::OwnPeerId));
    assert!(Message::HaveAll.requires_fast() && !Message::Have(1).requires_fast());
    assert_eq!(Message::HaveAll.check_fast(false), Err(WireError::FastNotNegotiated { id: 14 }));
    assert_eq!(Message::HaveAll.check_fast(true), Ok(()));
    assert_eq!(Message::Have(1).check_fast(false), Ok(()));
}
