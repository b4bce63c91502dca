//! Announce scheduling (one torrent, one socket) and `Trackers`, which runs every tracker of
//! every torrent: offers, relays, reconnects, and leaving.

use peerpage::metainfo::InfoHash;
use peerpage::rng::Rng;
use peerpage::time::{Instant, Millis};
use peerpage::tracker::*;
use peerpage::wire::PeerId;
use serde_json::Value;

use super::tracker::ids;

#[test]
fn one_torrent_announces_like_a_webtorrent_client() {
    let t0 = Instant(1_000);
    let mut a = Announcer::new();
    assert_eq!(a.poll_timeout(), None, "nothing before the socket is up");
    a.handle_connected(t0);
    assert_eq!(a.poll_announce(t0), Some(Some(AnnounceEvent::Started)));
    // Unanswered: again after 30 s, with no event.
    assert_eq!(a.poll_timeout(), Some(t0 + UNANSWERED_INTERVAL));
    assert_eq!(a.poll_announce(t0 + UNANSWERED_INTERVAL), Some(None));
    let t1 = t0 + Millis::secs(31);
    a.handle_response(t1, Some(600), None, (Some(2), Some(5)));
    assert_eq!(a.poll_timeout(), Some(t1 + MAX_INTERVAL), "capped at 120 s for aquatic");
    assert_eq!(a.counts, Some((2, 5)));
    // aquatic answers a relayed answer with an announce response: it must not push our
    // schedule back, since it does not answer an announce of ours.
    a.handle_response(t1 + Millis::secs(60), Some(120), None, (Some(3), Some(5)));
    assert_eq!(a.poll_timeout(), Some(t1 + MAX_INTERVAL));
    assert_eq!(a.counts, Some((3, 5)));
    a.handle_failure(t1, "answer for an expired offer".into());
    assert_eq!(a.poll_timeout(), Some(t1 + MAX_INTERVAL), "a failure answering no announce of ours changes nothing");
    assert_eq!(a.last_error.as_deref(), Some("answer for an expired offer"));
    a.handle_response(t1, Some(1), None, (None, None));
    a.completed(t1);
    assert_eq!(a.poll_announce(t1), Some(Some(AnnounceEvent::Completed)));
    a.handle_response(t1, None, None, (None, None));
    assert_eq!(a.poll_timeout(), Some(t1 + MIN_INTERVAL), "a 1 s interval is raised to our floor");
    // After a reconnect: no event (started once per session).
    a.handle_disconnected();
    assert_eq!(a.poll_timeout(), None);
    a.handle_connected(t1);
    assert_eq!(a.poll_announce(t1), Some(None));
    a.handle_failure(t1, "info_hash not allowed".into());
    assert_eq!(a.poll_timeout(), Some(t1 + UNANSWERED_INTERVAL), "a refused announce is retried, not sooner than 30 s");
    a.stop(t1);
    assert_eq!(a.poll_announce(t1), Some(Some(AnnounceEvent::Stopped)));
    assert_eq!(a.poll_timeout(), None);
    assert!(a.is_finished());
}

#[test]
fn a_torrent_with_no_peers_announces_sooner_until_it_has_some() {
    let t0 = Instant(0);
    let mut a = Announcer::new();
    a.handle_connected(t0);
    assert_eq!(a.poll_announce(t0), Some(Some(AnnounceEvent::Started)));
    a.handle_response(t0, Some(600), None, (Some(0), Some(1)));
    assert_eq!(a.poll_timeout(), Some(t0 + MAX_INTERVAL));
    // Told of no one (another peer's announce crossed ours): look again soon.
    a.set_hungry(true);
    assert_eq!(a.poll_timeout(), Some(t0 + HUNGRY_INTERVAL));
    let t1 = t0 + HUNGRY_INTERVAL;
    assert_eq!(a.poll_announce(t1), Some(None));
    a.handle_response(t1, Some(600), None, (Some(1), Some(1)));
    assert_eq!(a.poll_timeout(), Some(t1 + HUNGRY_INTERVAL));
    // Peers found: back to the tracker's interval from the last announce.
    a.set_hungry(false);
    let t2 = t1 + HUNGRY_INTERVAL;
    assert_eq!(a.poll_announce(t2), Some(None));
    a.handle_response(t2, Some(600), None, (Some(1), Some(1)));
    assert_eq!(a.poll_timeout(), Some(t2 + MAX_INTERVAL));
    // Never below a tracker's `min interval`.
    a.handle_response(t2, None, Some(60), (None, None));
    a.set_hungry(true);
    let t3 = t2 + Millis::secs(60);
    assert_eq!(a.poll_announce(Instant(t3.0 - 1)), None);
    assert_eq!(a.poll_announce(t3), Some(None));
}

#[test]
fn tracker_sockets_back_off_with_jitter_and_reset_on_success() {
    let t0 = Instant(0);
    let mut rng = Rng::new(7);
    let mut link = TrackerLink::new(t0);
    assert!(link.poll_connect(t0) && !link.poll_connect(t0));
    let mut delays = Vec::new();
    for _ in 0..12 {
        link.handle_close(t0, &mut rng);
        let at = link.poll_timeout().unwrap();
        delays.push((at - t0).0);
        assert!(!link.poll_connect(Instant(at.0 - 1)));
        assert!(link.poll_connect(at));
    }
    assert!(delays[0] >= FIRST_BACKOFF.0 && delays[0] <= FIRST_BACKOFF.0 * 3 / 2);
    assert!(delays.windows(2).take(6).all(|w| w[1] > w[0] / 2));
    assert!(delays.iter().all(|&d| d <= MAX_BACKOFF.0 * 3 / 2));
    link.handle_open();
    link.handle_success();
    assert_eq!(link.failures(), 0);
}

const URL: &str = "wss://tracker.example";

/// Drains outputs, answering `CreateOffers` with SDP as JS would.
fn pump(t: &mut Trackers, now: Instant, sdp: &str) -> Vec<TrackerOutput> {
    let mut seen = Vec::new();
    while let Some(out) = t.poll_output() {
        if let TrackerOutput::CreateOffers { offer_ids, .. } = &out {
            for id in offer_ids.clone() {
                t.handle_offer_sdp(id, sdp.to_string(), now);
            }
        }
        seen.push(out);
    }
    seen
}

fn sent(outs: &[TrackerOutput]) -> Vec<Value> {
    outs.iter()
        .filter_map(|o| match o {
            TrackerOutput::Send { text, .. } => Some(serde_json::from_str(text).unwrap()),
            _ => None,
        })
        .collect()
}

#[test]
fn tracker_urls_are_normalised_like_webtorrent() {
    assert_eq!(normalize_tracker_url("wss://t.example/announce/", true), Some("wss://t.example/announce".into()));
    assert_eq!(normalize_tracker_url("ws://t.example", true), None, "no ws:// from an https page");
    assert_eq!(
        normalize_tracker_url("ws://127.0.0.1:8080/announce", false),
        Some("ws://127.0.0.1:8080/announce".into())
    );
    assert_eq!(normalize_tracker_url("udp://t.example:80", false), None);
    assert_eq!(normalize_tracker_url("https://t.example", false), None);
}

#[test]
fn trackers_make_offers_relay_answers_and_leave_cleanly() {
    let (hash, me, _) = ids();
    let other = PeerId(*b"-WW0300-AbCdEfGhIjKl");
    let t0 = Instant(0);
    let mut t = Trackers::new(me, 42, true);
    let urls = [format!("{URL}/"), URL.to_string(), "ws://plain.example".into(), "udp://x:1".into()];
    assert_eq!(t.add_torrent(hash, &urls, None, t0), vec![URL.to_string()]);
    t.set_wanted_offers(hash, 8);
    t.handle_timeout(t0);
    assert_eq!(pump(&mut t, t0, "x"), vec![TrackerOutput::Connect { url: URL.into() }]);
    t.handle_open(URL, t0);
    t.handle_timeout(t0);
    let outs = pump(&mut t, t0, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");
    let TrackerOutput::CreateOffers { info_hash, offer_ids } = &outs[0] else { panic!("{outs:?}") };
    assert_eq!((*info_hash, offer_ids.len()), (hash, MAX_OFFERS_PER_ANNOUNCE), "five offers, as WebTorrent");
    let announces = sent(&outs);
    assert_eq!(announces.len(), 1);
    let a = &announces[0];
    assert_eq!((a["event"].as_str(), a["numwant"].as_u64()), (Some("started"), Some(5)));
    assert!(a.get("left").is_none(), "a magnet before its metadata sends no left");
    let sent_ids: Vec<[u8; 20]> = a["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| from_binary_string(o["offer_id"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(sent_ids, offer_ids.iter().map(|o| o.0).collect::<Vec<_>>());
    assert_eq!(t.pending_offers(hash), 5);

    // The tracker's reply, then an answer to our second offer relayed back.
    let h = to_binary_string(&hash.0);
    let response =
        serde_json::json!({"action": "announce", "info_hash": h, "complete": 1, "incomplete": 2, "interval": 120})
            .to_string();
    t.handle_text(URL, &response, t0).unwrap();
    assert_eq!(t.status(hash)[0].counts, Some((1, 2)));
    let answer = |peer: &PeerId, offer: &OfferId, hash: &str| {
        serde_json::json!({"action": "announce", "info_hash": hash, "peer_id": to_binary_string(&peer.0), "answer": {"type": "answer", "sdp": "ans"}, "offer_id": to_binary_string(&offer.0)}).to_string()
    };
    t.handle_text(URL, &answer(&other, &offer_ids[1], &h), t0).unwrap();
    assert_eq!(
        pump(&mut t, t0, "x"),
        vec![TrackerOutput::Answer { offer_id: offer_ids[1], peer_id: other, sdp: "ans".into() }]
    );
    // Answered offers are consumed; unknown ids, our own id and foreign swarms are ignored.
    t.handle_text(URL, &answer(&other, &offer_ids[1], &h), t0).unwrap();
    t.handle_text(URL, &answer(&me, &offer_ids[2], &h), t0).unwrap();
    t.handle_text(URL, &answer(&other, &OfferId([0; 20]), &h), t0).unwrap();
    t.handle_text(URL, &answer(&other, &offer_ids[3], &to_binary_string(&[9; 20])), t0).unwrap();
    assert_eq!(pump(&mut t, t0, "x"), vec![]);

    // A relayed offer: the core hands it out, then relays our answer with to_peer_id.
    let offer = serde_json::json!({"action": "announce", "info_hash": h, "peer_id": to_binary_string(&other.0), "offer": {"type": "offer", "sdp": "off"}, "offer_id": to_binary_string(&[5; 20])}).to_string();
    t.handle_text(URL, &offer, t0).unwrap();
    let outs = pump(&mut t, t0, "x");
    assert_eq!(
        outs,
        vec![TrackerOutput::IncomingOffer {
            url: URL.into(),
            info_hash: hash,
            peer_id: other,
            offer_id: OfferId([5; 20]),
            sdp: "off".into()
        }]
    );
    assert!(t.send_answer(URL, hash, other, OfferId([5; 20]), "my answer"));
    let reply = &sent(&pump(&mut t, t0, "x"))[0];
    assert_eq!(from_binary_string(reply["to_peer_id"].as_str().unwrap()), Some(other.0));
    assert_eq!(from_binary_string(reply["peer_id"].as_str().unwrap()), Some(me.0), "the same peer id as our announces");
    let mut own: Value = serde_json::from_str(&offer).unwrap();
    own["peer_id"] = to_binary_string(&me.0).into();
    let own = own.to_string();
    t.handle_text(URL, &own, t0).unwrap();
    assert_eq!(pump(&mut t, t0, "x"), vec![], "our own offer relayed back is ignored");

    // Unanswered offers die after 50 s; the next announce (at the interval) makes new ones.
    assert_eq!(t.poll_timeout(), Some(t0 + OFFER_ANSWER_TIMEOUT));
    t.handle_timeout(t0 + OFFER_ANSWER_TIMEOUT);
    let drops = pump(&mut t, t0, "x");
    assert_eq!(drops.len(), 4);
    assert!(drops.iter().all(|o| matches!(o, TrackerOutput::DropOffer { .. })));
    let t1 = t0 + MAX_INTERVAL;
    assert_eq!(t.poll_timeout(), Some(t1));
    t.set_progress(hash, 10, 20, Some(30));
    t.handle_timeout(t1);
    let a = &sent(&pump(&mut t, t1, "again"))[0];
    assert_eq!((a.get("event"), a["left"].as_u64(), a["offers"].as_array().unwrap().len()), (None, Some(30), 5));

    // Done: `completed` without offers, then `stopped`, then the socket closes after 1 s.
    t.handle_text(URL, &response, t1).unwrap();
    t.completed(hash, t1);
    t.handle_timeout(t1);
    let a = &sent(&pump(&mut t, t1, "x"))[0];
    assert_eq!((a["event"].as_str(), a.get("offers"), a["numwant"].as_u64()), (Some("completed"), None, Some(0)));
    t.remove_torrent(hash, t1);
    let outs = pump(&mut t, t1, "x");
    assert_eq!(sent(&outs)[0]["event"], "stopped");
    assert_eq!(sent(&outs)[0]["uploaded"], 10, "the final totals");
    assert_eq!(outs.iter().filter(|o| matches!(o, TrackerOutput::DropOffer { .. })).count(), 5);
    assert_eq!(t.poll_timeout(), Some(t1 + CLOSE_LINGER));
    t.handle_timeout(t1 + CLOSE_LINGER);
    assert_eq!(pump(&mut t, t1, "x"), vec![TrackerOutput::Close { url: URL.into() }]);
    assert_eq!(t.poll_timeout(), None);
}

#[test]
fn trackers_reconnect_share_sockets_and_keep_announces_small() {
    let (hash, me, _) = ids();
    let second = InfoHash([0x42; 20]);
    let t0 = Instant(0);
    let mut t = Trackers::new(me, 1, false);
    t.add_torrent(hash, &[URL.to_string()], Some(100), t0);
    t.add_torrent(second, &[URL.to_string(), "ws://127.0.0.1:8000/announce".into()], Some(0), t0);
    t.handle_timeout(t0);
    let connects = pump(&mut t, t0, "x");
    assert_eq!(connects.len(), 2, "one socket per tracker URL, shared by torrents: {connects:?}");
    t.handle_open(URL, t0);
    t.handle_timeout(t0);
    let announces = sent(&pump(&mut t, t0, "x"));
    assert_eq!(announces.len(), 2);
    assert!(announces.iter().all(|a| a["event"] == "started" && a["numwant"] == 0), "no offers wanted, none made");

    // The socket drops: announces pause, it reconnects later, and the first announce after
    // the reconnect carries no event.
    t.handle_close(URL, t0);
    let back = t.poll_timeout().unwrap();
    assert!(back > t0);
    t.handle_timeout(back);
    assert!(pump(&mut t, back, "x").contains(&TrackerOutput::Connect { url: URL.into() }));
    t.handle_open(URL, back);
    t.handle_timeout(back);
    let announces = sent(&pump(&mut t, back, "x"));
    assert_eq!(announces.len(), 2);
    assert!(announces.iter().all(|a| a.get("event").is_none()));

    // Huge SDPs: offers are dropped until the announce fits aquatic's 16 KiB frame.
    t.set_wanted_offers(hash, 5);
    let t1 = back + UNANSWERED_INTERVAL;
    t.handle_timeout(t1);
    let outs = pump(&mut t, t1, &"a=candidate:1 1 udp 1 192.0.2.1 9 typ host\r\n".repeat(100));
    let a = sent(&outs).into_iter().find(|a| a["info_hash"] == to_binary_string(&hash.0)).unwrap();
    assert!(a.to_string().len() <= MAX_MESSAGE_LEN);
    assert!(a["offers"].as_array().unwrap().len() < 5);
    assert!(outs.iter().any(|o| matches!(o, TrackerOutput::DropOffer { .. })));

    // JS that never returns SDP: the announce goes out at the gathering deadline without it.
    let t2 = t1 + UNANSWERED_INTERVAL;
    t.handle_timeout(t2);
    let outs: Vec<_> = std::iter::from_fn(|| t.poll_output()).collect();
    assert!(outs.iter().any(|o| matches!(o, TrackerOutput::CreateOffers { .. })));
    t.handle_timeout(t2 + OFFER_GATHER_TIMEOUT);
    let outs = pump(&mut t, t2, "x");
    let a = sent(&outs).into_iter().find(|a| a["info_hash"] == to_binary_string(&hash.0)).unwrap();
    assert!(a.get("offers").is_none());
}
