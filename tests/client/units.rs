//! The client's inputs one by one: hostile tracker texts, unknown handles, the .torrent and
//! resume snapshot it writes.

use super::net::{bin, TRACKER};
use crate::sim::make_torrent;
use peerpage::client::{Client, ClientOutput, ConnId};
use peerpage::engine::{EngineConfig, Output, PeerKey};
use peerpage::error::CoreError;
use peerpage::time::Instant;
use peerpage::wire::PeerId;

fn client() -> Client {
    let mut c = Client::new(PeerId(*b"-PP0001-unitunitunit"), 5, false);
    c.set_default_trackers(vec![TRACKER.into()]);
    c
}

fn drain(c: &mut Client) -> Vec<ClientOutput> {
    std::iter::from_fn(|| c.poll_output()).collect()
}

#[test]
fn hostile_tracker_texts_give_typed_errors() {
    let (torrent, _) = make_torrent(&[("a", 100_000)], 16_384, None);
    let mut c = client();
    let t = c.add_torrent(&torrent, Instant(0)).unwrap();
    c.tracker_opened(TRACKER, Instant(10));
    drain(&mut c);
    let hash = peerpage::metainfo::parse_torrent(&torrent).unwrap().swarm_hash();
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "tracker.not-json"),
        ("[1,2]".into(), "tracker.not-json"),
        (r#"{"action":"dance"}"#.into(), "tracker.unknown-action"),
        (r#"{"action":"announce"}"#.into(), "tracker.bad-field"),
        (r#"{"action":"announce","info_hash":"short","offer":{}}"#.to_string(), "tracker.bad-id"),
        (
            format!(
                r#"{{"action":"announce","info_hash":"{}","peer_id":"{}","offer_id":"{}","offer":{{"type":"answer","sdp":"x"}}}}"#,
                esc(&bin(&hash.0)),
                esc(&bin(&[9; 20])),
                esc(&bin(&[3; 20]))
            ),
            "tracker.bad-field",
        ),
    ];
    for (text, code) in cases {
        let e = c.tracker_message(TRACKER, &text, Instant(20)).unwrap_err();
        assert_eq!(e.code(), code, "{text}");
    }
    // Random bytes as text never panic.
    let mut x = 12345u64;
    for _ in 0..500 {
        let len = (x % 64) as usize;
        let s: String = (0..len)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let alphabet = b"{}[]\":,actionnounceofer_idinfo_hash 0123";
                alphabet[(x >> 33) as usize % alphabet.len()] as char
            })
            .collect();
        let _ = c.tracker_message(TRACKER, &s, Instant(30));
    }
    // The torrent is still fine.
    assert_eq!(c.torrent_ids(), vec![t]);
}

fn esc(s: &str) -> String {
    serde_json::to_string(s).unwrap().trim_matches('"').to_string()
}

#[test]
fn unknown_handles_give_typed_errors() {
    let mut c = client();
    let now = Instant(0);
    assert_eq!(c.conn_sdp(ConnId(99), "v=0".into(), now).unwrap_err().code(), "client.unknown-conn");
    assert_eq!(c.conn_open(ConnId(99), now).unwrap_err().code(), "client.unknown-conn");
    assert_eq!(c.conn_failed(ConnId(99), now).unwrap_err().code(), "client.unknown-conn");
    assert_eq!(c.peer_data(PeerKey(5), b"x", now).unwrap_err().code(), "engine.unknown-peer");
    assert_eq!(c.peer_closed(PeerKey(5), now).unwrap_err().code(), "engine.unknown-peer");
    assert_eq!(c.stats(peerpage::engine::TorrentId(7)).unwrap_err().code(), "engine.unknown-torrent");
    assert_eq!(c.add_torrent(b"d4:spam", now).unwrap_err().fault(), peerpage::error::Fault::BadInput);
    assert_eq!(c.add_resume(b"garbage", now).unwrap_err().code(), "engine.bad-snapshot");
}

#[test]
fn offers_become_connections_and_the_budget_is_enforced() {
    let (torrent, _) = make_torrent(&[("a", 100_000)], 16_384, None);
    let config = EngineConfig { max_connections: 2, ..EngineConfig::new(PeerId(*b"-PP0001-budgetbudget"), 3) };
    let mut c = Client::with_engine(config, false);
    c.set_default_trackers(vec![TRACKER.into()]);
    c.add_torrent(&torrent, Instant(0)).unwrap();
    assert!(drain(&mut c).contains(&ClientOutput::TrackerConnect { url: "ws://tracker.test/announce".into() }));
    c.tracker_opened(TRACKER, Instant(5));
    let conns: Vec<ConnId> = drain(&mut c)
        .into_iter()
        .filter_map(|o| match o {
            ClientOutput::CreateOffer { conn, .. } => Some(conn),
            _ => None,
        })
        .collect();
    assert_eq!(conns.len(), 2, "the budget allows two offers");
    for &conn in &conns {
        c.conn_sdp(conn, format!("sdp {}", conn.0), Instant(6)).unwrap();
    }
    let sent: Vec<String> = drain(&mut c)
        .into_iter()
        .filter_map(|o| match o {
            ClientOutput::TrackerSend { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert!(sent.iter().any(|t| t.contains("\"offers\"") && t.contains("sdp 1")), "{sent:?}");
    // Both open; a remote offer now finds no room and is not answered.
    c.conn_open(conns[0], Instant(7)).unwrap();
    c.conn_open(conns[1], Instant(7)).unwrap();
    let hash = peerpage::metainfo::parse_torrent(&torrent).unwrap().swarm_hash();
    let offer = serde_json::json!({"action":"announce","info_hash":bin(&hash.0),"peer_id":bin(&[8;20]),"offer_id":bin(&[4;20]),"offer":{"type":"offer","sdp":"remote"}});
    c.tracker_message(TRACKER, &offer.to_string(), Instant(8)).unwrap();
    assert!(!drain(&mut c).iter().any(|o| matches!(o, ClientOutput::AcceptOffer { .. })));
    // An opened connection is no longer a connection.
    assert_eq!(c.conn_open(conns[0], Instant(9)).unwrap_err().code(), "client.unknown-conn");
}

#[test]
fn remote_offers_are_answered_through_their_tracker() {
    let (torrent, _) = make_torrent(&[("a", 100_000)], 16_384, None);
    let mut c = client();
    c.add_torrent(&torrent, Instant(0)).unwrap();
    c.tracker_opened(TRACKER, Instant(5));
    drain(&mut c);
    let hash = peerpage::metainfo::parse_torrent(&torrent).unwrap().swarm_hash();
    let offer = serde_json::json!({"action":"announce","info_hash":bin(&hash.0),"peer_id":bin(&[8;20]),"offer_id":bin(&[4;20]),"offer":{"type":"offer","sdp":"remote"}});
    c.tracker_message(TRACKER, &offer.to_string(), Instant(8)).unwrap();
    let conn = drain(&mut c)
        .into_iter()
        .find_map(|o| match o {
            ClientOutput::AcceptOffer { conn, sdp, .. } => {
                assert_eq!(sdp, "remote");
                Some(conn)
            }
            _ => None,
        })
        .expect("the offer is accepted");
    // The same peer offering again while we answer is not answered twice.
    c.tracker_message(TRACKER, &offer.to_string(), Instant(9)).unwrap();
    assert!(!drain(&mut c).iter().any(|o| matches!(o, ClientOutput::AcceptOffer { .. })));
    c.conn_sdp(conn, "my answer".into(), Instant(10)).unwrap();
    let text = drain(&mut c)
        .into_iter()
        .find_map(|o| match o {
            ClientOutput::TrackerSend { text, .. } if text.contains("answer") => Some(text),
            _ => None,
        })
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["to_peer_id"], bin(&[8; 20]));
    assert_eq!(v["offer_id"], bin(&[4; 20]));
    assert_eq!(v["answer"]["sdp"], "my answer");
    // Unopened, it is dropped after the connect timeout.
    let deadline = c.poll_timeout().unwrap();
    assert!(deadline.0 <= 10 + peerpage::client::CONNECT_TIMEOUT.0);
    c.handle_timeout(Instant(8 + peerpage::client::CONNECT_TIMEOUT.0));
    assert!(drain(&mut c).contains(&ClientOutput::DropConn { conn }));
}

#[test]
fn torrent_file_and_resume_snapshot_round_trip() {
    let (torrent, data) = make_torrent(&[("a", 70_000), ("b", 50_000)], 16_384, Some("http://seed.test/"));
    let mut c = client();
    let t = c.add_torrent(&torrent, Instant(0)).unwrap();
    let rebuilt = c.torrent_file(t).unwrap().unwrap();
    let a = peerpage::metainfo::parse_torrent(&torrent).unwrap();
    let b = peerpage::metainfo::parse_torrent(&rebuilt).unwrap();
    assert_eq!(a.info_hash, b.info_hash);
    assert_eq!(b.trackers, vec![vec![TRACKER.to_string()]]);
    assert_eq!(b.web_seeds, vec!["http://seed.test/".to_string()]);
    // Verify three pieces through a fake peer is long; feed them as a web seed instead.
    let mut stored = 0;
    for _ in 0..200 {
        let outs = drain(&mut c);
        let gets: Vec<_> = outs
            .into_iter()
            .filter_map(|o| match o {
                ClientOutput::Engine(Output::HttpGet { id, url, start, end_inclusive, .. }) => {
                    Some((id, url, start, end_inclusive))
                }
                ClientOutput::Engine(Output::StorePiece { .. }) => {
                    stored += 1;
                    None
                }
                _ => None,
            })
            .collect();
        if stored >= 3 {
            break;
        }
        for (request, url, start, end) in gets {
            let (off, len) = if url.ends_with("/a") { (0, 70_000) } else { (70_000, 50_000) };
            let file = &data[off..off + len];
            c.http_response(t, request, 206, &file[start as usize..=end as usize], Instant(1)).unwrap();
        }
        c.handle_timeout(Instant(1));
    }
    assert!(stored >= 3);
    c.pause(t, Instant(2)).unwrap();
    let snapshot = c.resume_snapshot(t).unwrap();
    let map = c.piece_map(t).unwrap();
    let mut again = client();
    let t2 = again.add_resume(&snapshot, Instant(0)).unwrap();
    assert_eq!(again.piece_map(t2).unwrap(), map);
    assert!(again.info(t2).unwrap().paused);
    // Storage's own bitfield replaces the snapshot's (here: storage lost every piece).
    let disk = vec![0u8; map.len()];
    let mut third = client();
    let t3 = third.add_resume_with_pieces(&snapshot, &disk, Instant(0)).unwrap();
    assert_eq!(third.piece_map(t3).unwrap(), disk);
    let mut wrong_length = disk.clone();
    wrong_length.push(0);
    assert_eq!(
        client().add_resume_with_pieces(&snapshot, &wrong_length, Instant(0)).unwrap_err().code(),
        "engine.bad-snapshot"
    );
    assert_eq!(again.info(t2).unwrap().info_hash, c.info(t).unwrap().info_hash);
    // A magnet without metadata resumes as a magnet, with its web seeds.
    let link = format!("magnet:?xt=urn:btih:{}&dn=x&ws=http%3A%2F%2Fw.test%2F", c.info(t).unwrap().info_hash);
    let mut m = client();
    let mt = m.add_magnet(&link, Instant(0)).unwrap();
    let snap = m.resume_snapshot(mt).unwrap();
    let mut m2 = client();
    let mt2 = m2.add_resume(&snap, Instant(0)).unwrap();
    let info = m2.info(mt2).unwrap();
    assert!(!info.has_metadata);
    assert_eq!(info.name, "x");
    assert_eq!(info.web_seeds, vec!["http://w.test/".to_string()]);
    assert!(m2.torrent_file(mt2).unwrap().is_none());
}

#[test]
fn meters_and_buckets_follow_the_given_clock() {
    use peerpage::swarm::rate::{Meter, TokenBucket};
    let mut m = Meter::default();
    // 10 KB every 100 ms for 10 s: 100 KB/s.
    for t in 0..100u64 {
        m.add(Instant(t * 100), 10_000);
    }
    let r = m.rate(Instant(9_950));
    assert!((95_000..=105_000).contains(&r), "{r}");
    // Silence empties the window.
    assert_eq!(m.rate(Instant(20_000)), 0);
    let mut b = TokenBucket::default();
    assert!(b.allows(), "unlimited by default");
    b.set_rate(1000);
    b.refill(Instant(0));
    let mut sent = 0;
    for t in 0..10_000u64 {
        b.refill(Instant(t));
        while b.allows() {
            b.take(100);
            sent += 100;
        }
    }
    // 10 s at 1000 B/s, plus the burst (one 16 KiB block at least) and one send of debt.
    assert!(sent <= 10_000 + 16_384 + 100, "{sent}");
    assert!(sent >= 10_000, "{sent}");
    assert_eq!(b.ready_at(Instant(10_000)).map(|t| t.0 > 10_000), Some(true));
}

/// One client's side of a tracker: its first offer (id, SDP) from the announce it sends.
fn first_offer(c: &mut Client, now: Instant) -> (ConnId, String) {
    let conns: Vec<ConnId> = drain(c)
        .into_iter()
        .filter_map(|o| match o {
            ClientOutput::CreateOffer { conn, .. } => Some(conn),
            _ => None,
        })
        .collect();
    for conn in &conns {
        c.conn_sdp(*conn, format!("sdp-{}", conn.0), now).unwrap();
    }
    let text = drain(c)
        .into_iter()
        .find_map(|o| match o {
            ClientOutput::TrackerSend { text, .. } => Some(text),
            _ => None,
        })
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let first = conns[0];
    let offer =
        v["offers"].as_array().unwrap().iter().find(|o| o["offer"]["sdp"] == format!("sdp-{}", first.0)).unwrap();
    (first, offer["offer_id"].as_str().unwrap().to_string())
}

#[test]
fn peers_offering_to_each_other_keep_the_lower_ids_connection() {
    let (torrent, _) = make_torrent(&[("a", 100_000)], 16_384, None);
    let hash = peerpage::metainfo::parse_torrent(&torrent).unwrap().swarm_hash();
    let (low, high) = (PeerId([1; 20]), PeerId([2; 20]));
    let mut a = Client::new(low, 1, false);
    let mut b = Client::new(high, 2, false);
    for c in [&mut a, &mut b] {
        c.set_default_trackers(vec![TRACKER.into()]);
        c.add_torrent(&torrent, Instant(0)).unwrap();
        c.tracker_opened(TRACKER, Instant(1));
    }
    let (a_conn, a_offer) = first_offer(&mut a, Instant(2));
    let (b_conn, b_offer) = first_offer(&mut b, Instant(2));
    // The tracker relays each offer to the other; each answers.
    let relay = |from: PeerId, offer: &str, kind: &str, sdp: &str| {
        serde_json::json!({"action":"announce","info_hash":bin(&hash.0),"peer_id":bin(&from.0),"offer_id":offer,kind:{"type":kind,"sdp":sdp}}).to_string()
    };
    let answer = |c: &mut Client, from: PeerId, offer: &str| -> ConnId {
        c.tracker_message(TRACKER, &relay(from, offer, "offer", "remote"), Instant(3)).unwrap();
        let conn = drain(c).into_iter().find_map(|o| match o {
            ClientOutput::AcceptOffer { conn, .. } => Some(conn),
            _ => None,
        });
        let conn = conn.expect("the offer is answered");
        c.conn_sdp(conn, "answer".into(), Instant(3)).unwrap();
        drain(c);
        conn
    };
    let a_answers = answer(&mut a, high, &b_offer);
    let b_answers = answer(&mut b, low, &a_offer);
    // Now the answers arrive.
    a.tracker_message(TRACKER, &relay(high, &a_offer, "answer", "from-b"), Instant(4)).unwrap();
    b.tracker_message(TRACKER, &relay(low, &b_offer, "answer", "from-a"), Instant(4)).unwrap();
    let (oa, ob) = (drain(&mut a), drain(&mut b));
    // The lower id's offer wins on both sides: a applies b's answer and drops its own answer
    // to b; b drops its offer and keeps its answer to a's.
    assert!(oa.contains(&ClientOutput::ApplyAnswer { conn: a_conn, sdp: "from-b".into() }), "{oa:?}");
    assert!(oa.contains(&ClientOutput::DropConn { conn: a_answers }), "{oa:?}");
    assert!(ob.contains(&ClientOutput::DropConn { conn: b_conn }), "{ob:?}");
    assert!(!ob.iter().any(|o| matches!(o, ClientOutput::ApplyAnswer { .. })), "{ob:?}");
    assert!(!ob.contains(&ClientOutput::DropConn { conn: b_answers }), "{ob:?}");
}
