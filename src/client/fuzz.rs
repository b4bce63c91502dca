//! Fuzz entry point: any sequence of the pump's inputs, with hostile tracker texts, peer
//! bytes and made-up handles, gives typed errors and never panics.

use super::{Client, ClientOutput, ConnId};
use crate::engine::{Output, PeerKey, TorrentId};
use crate::time::Instant;
use crate::wire::PeerId;

const URL: &str = "ws://fuzz.example";

/// Interprets `data` as operations, one byte each, some followed by a length and bytes.
pub fn fuzz_client(data: &[u8]) {
    let mut info = b"d6:lengthi40000e4:name1:a12:piece lengthi16384e6:pieces60:".to_vec();
    info.extend_from_slice(&[7u8; 60]);
    info.push(b'e');
    let mut torrent = b"d4:info".to_vec();
    torrent.extend_from_slice(&info);
    torrent.push(b'e');
    let mut c = Client::new(PeerId([b'f'; 20]), 9, false);
    c.set_default_trackers(vec![URL.into()]);
    let Ok(t) = c.add_torrent(&torrent, Instant(0)) else { return };
    let _ = c.add_magnet(
        "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&ws=http%3A%2F%2Fw.example%2F",
        Instant(0),
    );
    c.tracker_opened(URL, Instant(1));
    let mut now = 1u64;
    let mut rest = data;
    let take = |n: usize, rest: &mut &[u8]| -> Vec<u8> {
        let n = n.min(rest.len());
        let (head, tail) = rest.split_at(n);
        *rest = tail;
        head.to_vec()
    };
    while let Some((&op, tail)) = rest.split_first() {
        rest = tail;
        let arg = take(1, &mut rest).first().copied().unwrap_or(0);
        let at = Instant(now);
        match op % 10 {
            0 => {
                let text = String::from_utf8_lossy(&take(usize::from(arg) * 4, &mut rest)).into_owned();
                let _ = c.tracker_message(URL, &text, at);
            }
            1 => drop(c.conn_sdp(ConnId(u32::from(arg)), "v=0".into(), at)),
            2 => drop(c.conn_open(ConnId(u32::from(arg)), at)),
            3 => drop(c.conn_failed(ConnId(u32::from(arg)), at)),
            4 => {
                let len = take(1, &mut rest).first().copied().unwrap_or(0);
                let bytes = take(usize::from(len), &mut rest);
                let _ = c.peer_data(PeerKey(u64::from(arg % 4)), &bytes, at);
            }
            5 => drop(c.peer_closed(PeerKey(u64::from(arg % 8)), at)),
            6 => {
                now += u64::from(arg) * 250;
                c.handle_timeout(Instant(now));
            }
            7 => {
                let id = TorrentId(u32::from(arg % 4));
                let _ = if arg & 0x80 == 0 { c.pause(id, at) } else { c.resume(id, at) };
            }
            8 => {
                let id = TorrentId(u32::from(arg % 4));
                let _ =
                    (c.info(id), c.stats(id), c.peers(id), c.tracker_status(id), c.piece_map(id), c.torrent_file(id));
                let _ = c.set_file_priority(id, usize::from(arg >> 4), crate::swarm::Priority::High);
                let _ = c.set_stream_window(id, u64::from(arg) * 1000, 20_000);
                c.set_rate_limits(u64::from(arg) * 100, u64::from(arg) * 50);
                if let Ok(snap) = c.resume_snapshot(id) {
                    let _ = Client::new(PeerId([b'g'; 20]), 1, true).add_resume(&snap, at);
                }
            }
            _ => {
                if arg % 2 == 0 {
                    c.tracker_closed(URL, at);
                } else {
                    c.tracker_opened(URL, at);
                }
            }
        }
        // Do what a pump does: SDP for offers, storage answers.
        while let Some(out) = c.poll_output() {
            match out {
                ClientOutput::CreateOffer { conn, .. } | ClientOutput::AcceptOffer { conn, .. } => {
                    let _ = c.conn_sdp(conn, "v=0 sdp".into(), at);
                }
                ClientOutput::Engine(Output::ReadPiece { torrent, piece }) => {
                    let size = if piece == 2 { 40_000 - 2 * 16_384 } else { 16_384 };
                    let _ = c.piece_read(torrent, piece, vec![0; size], at);
                }
                ClientOutput::Engine(Output::HttpGet { torrent, id, .. }) => {
                    let _ = c.http_response(torrent, id, 206, &[1, 2, 3], at);
                }
                _ => {}
            }
        }
    }
    let _ = c.remove_torrent(t, Instant(now));
}
