//! `Trackers` for three peers against a live npm bittorrent-tracker on loopback
//! (tests/fixtures/tracker/loopback-tracker.mjs): announces with offers, the server relays
//! them, the core answers, the answers come back to the offerer by offer id. Needs Node and
//! the npm packages (`npm ci`), like the rest of the project's judges.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use peerpage::metainfo::InfoHash;
use peerpage::time::Instant;
use peerpage::tracker::{TrackerOutput, Trackers};
use peerpage::wire::PeerId;
use serde_json::{json, Value};

const URL: &str = "ws://loopback.invalid/announce";

#[test]
fn three_peers_find_each_other_through_a_live_bittorrent_tracker() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut node = Command::new("node")
        .arg(format!("{root}/tests/fixtures/tracker/loopback-tracker.mjs"))
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (the project's judges need Node and `npm ci`)");
    let mut to_node = node.stdin.take().unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let mut from_node = move || -> Value {
        let line = lines.next().expect("the loopback tracker ended early (are the npm packages installed?)").unwrap();
        serde_json::from_str(&line).unwrap()
    };
    let first = from_node();
    assert_eq!(first["ready"], true);

    let hash = InfoHash([0x5c; 20]);
    let now = Instant(0);
    let names = ["seeder", "leecher1", "leecher2"];
    let mut peers: Vec<Trackers> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut id = *b"-PP0100-000000000000";
            id[8..8 + name.len().min(12)].copy_from_slice(&name.as_bytes()[..name.len().min(12)]);
            let mut t = Trackers::new(PeerId(id), 100 + i as u64, false);
            t.add_torrent(hash, &[URL.to_string()], if i == 0 { Some(0) } else { None }, now);
            t.set_wanted_offers(hash, 3);
            t
        })
        .collect();

    let mut answers_received = vec![0usize; names.len()];
    let mut responses = vec![0usize; names.len()];
    // Peers join one at a time, as in a real swarm: the tracker relays a newcomer's offers
    // to those already there.
    for joining in 0..names.len() {
        peers[joining].handle_timeout(now);
        let mut pending = 0usize; // texts we expect the server to send somewhere
        loop {
            // Drain every peer's outputs into the tracker.
            for (i, t) in peers.iter_mut().enumerate().take(joining + 1) {
                while let Some(out) = t.poll_output() {
                    let line = match out {
                        TrackerOutput::Connect { url } => {
                            assert_eq!(url, URL);
                            json!({"peer": names[i], "connect": true})
                        }
                        TrackerOutput::CreateOffers { offer_ids, .. } => {
                            for id in offer_ids {
                                t.handle_offer_sdp(id, format!("v=0\r\ns=offer from {}\r\n", names[i]), now);
                            }
                            continue;
                        }
                        TrackerOutput::Send { text, .. } => {
                            // Announces get a response; answers are forwarded to the offerer.
                            pending += 1;
                            json!({"peer": names[i], "text": text})
                        }
                        TrackerOutput::IncomingOffer { url, info_hash, peer_id, offer_id, sdp } => {
                            assert!(sdp.contains("offer from"));
                            assert!(t.send_answer(
                                &url,
                                info_hash,
                                peer_id,
                                offer_id,
                                &format!("answer from {}", names[i])
                            ));
                            continue;
                        }
                        TrackerOutput::Answer { sdp, .. } => {
                            assert!(sdp.starts_with("answer from"));
                            answers_received[i] += 1;
                            continue;
                        }
                        TrackerOutput::DropOffer { .. } | TrackerOutput::Close { .. } => continue,
                    };
                    writeln!(to_node, "{line}").unwrap();
                }
            }
            // Done when the newcomer's announce was answered and every peer already there
            // answered one of its offers (bittorrent-tracker relays one offer per peer).
            if pending == 0 && responses[joining] == 1 && answers_received[joining] == joining {
                break;
            }
            // Wait for what the server says and hand it to that peer.
            let v = from_node();
            let i = names.iter().position(|n| v["peer"] == *n).unwrap();
            if v["open"] == true {
                peers[i].handle_open(URL, now);
                peers[i].handle_timeout(now);
            } else {
                let text = v["text"].as_str().unwrap();
                let parsed: Value = serde_json::from_str(text).unwrap();
                assert!(parsed.get("failure reason").is_none(), "the tracker refused us: {text}");
                if parsed.get("interval").is_some() {
                    responses[i] += 1;
                    pending -= 1;
                } else if parsed.get("answer").is_some() {
                    pending -= 1; // the answer one of ours sent has arrived
                }
                peers[i].handle_text(URL, text, now).unwrap();
            }
        }
    }
    drop(to_node);
    node.wait().unwrap();
    // Each announce was answered once. A newcomer's offers reach the peers already there,
    // whose answers return to the newcomer, matched to its offers by offer id.
    assert_eq!(responses, vec![1, 1, 1]);
    assert_eq!(answers_received, vec![0, 1, 2]);
    for t in &peers {
        let s = &t.status(hash)[0];
        assert!(s.connected && s.last_error.is_none());
    }
}
