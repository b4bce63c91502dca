//! WebTorrent's own wire code as the judge: `tests/fixtures/wire/webtorrent-wire.json` holds
//! what npm bittorrent-protocol + ut_metadata (webtorrent 3) wrote, chunk by chunk as they go
//! to a data channel, for a seeder and a magnet leecher (see make-webtorrent-traffic.mjs).

use peerpage::metainfo::{unhex, InfoHash};
use peerpage::piece::sha1;
use peerpage::time::Instant;
use peerpage::wire::ext::{ExtMessage, ExtRegistry, Extension, FetchProgress, MetadataFetcher, MetadataMessage};
use peerpage::wire::{BlockRequest, Frame, FrameLimits, Framer, Handshake, Message, PeerId};
use serde_json::Value;

struct Traffic {
    info_hash: InfoHash,
    metadata_size: u32,
    seeder_id: PeerId,
    leecher_id: PeerId,
    seeder: Vec<Vec<u8>>,
    leecher: Vec<Vec<u8>>,
}

fn id20(v: &Value) -> [u8; 20] {
    unhex(v.as_str().unwrap()).unwrap().try_into().unwrap()
}

fn traffic() -> Traffic {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/wire/webtorrent-wire.json"))
            .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let chunks = |k: &str| v[k].as_array().unwrap().iter().map(|c| unhex(c.as_str().unwrap()).unwrap()).collect();
    Traffic {
        info_hash: InfoHash(id20(&v["info_hash"])),
        metadata_size: v["metadata_size"].as_u64().unwrap() as u32,
        seeder_id: PeerId(id20(&v["seeder_peer_id"])),
        leecher_id: PeerId(id20(&v["leecher_peer_id"])),
        seeder: chunks("seeder"),
        leecher: chunks("leecher"),
    }
}

/// What the framer makes of chunks pushed one by one, each frame re-encoded by us.
fn frames(chunks: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut framer = Framer::new();
    let mut out = Vec::new();
    for chunk in chunks {
        framer.push(chunk);
        while let Some(frame) = framer.next().unwrap() {
            out.push(match frame {
                Frame::Handshake(h) => h.encode().to_vec(),
                Frame::Message(m) => m.to_bytes(),
            });
        }
    }
    assert_eq!(framer.buffered(), 0);
    out
}

#[test]
fn webtorrents_bytes_frame_and_reencode_to_exactly_what_it_wrote() {
    let t = traffic();
    for side in [&t.seeder, &t.leecher] {
        let ours = frames(side);
        assert_eq!(ours.concat(), side.concat(), "our encoder writes WebTorrent's bytes");
        // WebTorrent writes headers and payloads as separate chunks: more chunks than frames.
        assert!(side.len() > ours.len());
        // Any other split of the same stream gives the same frames.
        let stream = side.concat();
        let mut rng = peerpage::rng::Rng::new(3);
        for _ in 0..50 {
            let mut cuts = Vec::new();
            let mut at = 0;
            while at < stream.len() {
                let n = 1 + rng.below(3000) as usize;
                cuts.push(stream[at..(at + n).min(stream.len())].to_vec());
                at += n;
            }
            assert_eq!(frames(&cuts), ours);
        }
    }
    // The leecher's stream is short enough to cut at every boundary.
    let stream = t.leecher.concat();
    let whole = frames(&t.leecher);
    for cut in 0..=stream.len() {
        assert_eq!(frames(&[stream[..cut].to_vec(), stream[cut..].to_vec()]), whole, "cut at {cut}");
    }
}

#[test]
fn a_webtorrent_seeder_is_understood_message_by_message() {
    let t = traffic();
    let stream = t.seeder.concat();
    let mut framer = Framer::with_limits(FrameLimits::default());
    framer.push(&stream);
    let Some(Frame::Handshake(hs)) = framer.next().unwrap() else { panic!("handshake first") };
    assert!(hs.supports_extensions() && hs.supports_fast() && !hs.supports_dht());
    assert_eq!((hs.info_hash, hs.peer_id), (t.info_hash, t.seeder_id));
    assert_eq!(hs.check(&t.info_hash, &t.leecher_id), Ok(()));

    let mut registry = ExtRegistry::new();
    let mut fetcher = MetadataFetcher::<u8>::new(t.info_hash);
    let mut rest = Vec::new();
    let mut metadata = None;
    while let Some(Frame::Message(m)) = framer.next().unwrap() {
        let Message::Extended { id, payload } = m else {
            rest.push(m.to_bytes());
            continue;
        };
        assert!(rest.is_empty(), "extension traffic comes first here");
        match registry.decode(id, payload).unwrap() {
            ExtMessage::Handshake(ext) => {
                // PROTOCOL.md §4: only m and metadata_size; no v, p, reqq or yourip.
                assert_eq!(
                    (ext.metadata_size, ext.reqq, ext.client.as_deref(), ext.port),
                    (Some(t.metadata_size), None, None, None)
                );
                assert_eq!(
                    (registry.their_id(Extension::UtMetadata), registry.their_id(Extension::LtDonthave)),
                    (Some(1), Some(2))
                );
                fetcher.add_peer(1, ext.metadata_size.unwrap()).unwrap();
                // WebTorrent fetches by asking for every piece at once; so do we, here.
                assert_eq!(fetcher.poll_requests(1, Instant(0), usize::MAX), vec![0, 1]);
            }
            ExtMessage::Metadata(msg @ MetadataMessage::Data { piece, total_size, data }) => {
                assert_eq!(msg.encode(), payload, "WebTorrent's sorted keys, exactly as we write them");
                if let FetchProgress::Complete(info) = fetcher.handle_data(1, piece, total_size, data).unwrap() {
                    metadata = Some(info);
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let info = metadata.expect("the metadata assembled");
    assert_eq!(sha1(&info), t.info_hash.0);
    let block = vec![0x5a; 16384];
    let want: Vec<Vec<u8>> = [
        Message::HaveAll,
        Message::Unchoke,
        Message::AllowedFast(3),
        Message::Suggest(2),
        Message::Piece { index: 0, begin: 0, data: &block },
        Message::Reject(BlockRequest { index: 1, begin: 16384, length: 16384 }),
        Message::Port(6881),
        Message::KeepAlive,
        Message::Choke,
        // Under Fast, WebTorrent rejects every queued request when it chokes (PROTOCOL.md §3).
        Message::Reject(BlockRequest { index: 0, begin: 0, length: 16384 }),
    ]
    .iter()
    .map(Message::to_bytes)
    .collect();
    assert_eq!(rest.len(), want.len());
    for (got, want) in rest.iter().zip(&want) {
        assert!(
            got == want,
            "{:?} != {:?}",
            Message::decode(&got[4..]).map(|m| m.id()),
            Message::decode(&want[4..]).map(|m| m.id())
        );
    }
}

#[test]
fn a_webtorrent_magnet_leecher_is_understood_message_by_message() {
    let t = traffic();
    let mut framer = Framer::new();
    framer.push(&t.leecher.concat());
    let Some(Frame::Handshake(hs)) = framer.next().unwrap() else { panic!() };
    assert_eq!(
        hs,
        Handshake { reserved: [0, 0, 0, 0, 0, 0x10, 0, 0x04], info_hash: t.info_hash, peer_id: t.leecher_id }
    );
    let mut registry = ExtRegistry::new();
    let mut got = Vec::new();
    while let Some(Frame::Message(m)) = framer.next().unwrap() {
        match m {
            Message::Extended { id, payload } => match registry.decode(id, payload).unwrap() {
                // No metadata yet: metadata_size is left out (PROTOCOL.md §4).
                ExtMessage::Handshake(ext) => assert_eq!(ext.metadata_size, None),
                ExtMessage::Metadata(MetadataMessage::Request(p)) => got.push(format!("metadata request {p}")),
                other => panic!("unexpected {other:?}"),
            },
            other => got.push(format!("{other:?}")),
        }
    }
    let r = |index, begin| format!("{:?}", BlockRequest { index, begin, length: 16384 });
    assert_eq!(
        got,
        vec![
            "metadata request 0".to_string(),
            "metadata request 1".into(),
            "HaveNone".into(),
            "Interested".into(),
            format!("Request({})", r(0, 0)),
            "Have(0)".into(),
            "Bitfield([128, 0])".into(),
            format!("Request({})", r(1, 16384)),
            format!("Cancel({})", r(2, 0)),
            "NotInterested".into(),
        ]
    );
}

#[test]
fn mutated_webtorrent_streams_give_frames_or_typed_errors() {
    use peerpage::error::CoreError;
    let t = traffic();
    let leecher = t.leecher.concat();
    let seeder = t.seeder.concat();
    let mut rng = peerpage::rng::Rng::new(9);
    for round in 0..3_000 {
        // The short leecher stream every round, the long seeder one now and then.
        let mut bytes = if round % 10 == 0 { seeder.clone() } else { leecher.clone() };
        for _ in 0..=rng.below(6) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.below(bytes.len() as u64) as usize;
            match rng.below(4) {
                0 => bytes[at] = rng.next_u64() as u8,
                1 => bytes[at] ^= 1 << rng.below(8),
                2 => bytes.truncate(at),
                _ => {
                    let n = rng.below(40) as usize;
                    bytes.drain(at..(at + n).min(bytes.len()));
                }
            }
        }
        let mut framer = Framer::new();
        let mut registry = ExtRegistry::new();
        let mut fetcher = MetadataFetcher::<u8>::new(t.info_hash);
        for chunk in bytes.chunks(1 + rng.below(5000) as usize) {
            framer.push(chunk);
            loop {
                match framer.next() {
                    Ok(Some(Frame::Message(Message::Extended { id, payload }))) => match registry.decode(id, payload) {
                        Ok(ExtMessage::Handshake(ext)) => {
                            if let Some(size) = ext.metadata_size {
                                let _ = fetcher.add_peer(1, size);
                                fetcher.poll_requests(1, Instant(0), 16);
                            }
                        }
                        Ok(ExtMessage::Metadata(MetadataMessage::Data { piece, total_size, data })) => {
                            if let Err(e) = fetcher.handle_data(1, piece, total_size, data) {
                                assert!(e.code().starts_with("wire."));
                            }
                        }
                        Ok(_) => {}
                        Err(e) => assert!(e.code().starts_with("wire."), "{e:?}"),
                    },
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => {
                        assert!(e.code().starts_with("wire."), "{e:?}");
                        break;
                    }
                }
            }
        }
    }
}
