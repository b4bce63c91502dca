use peerpage::error::CoreError;
use peerpage::metainfo::InfoHash;
use peerpage::rng::Rng;
use peerpage::time::{Instant, Millis};
use peerpage::tracker::*;
use peerpage::wire::PeerId;
use serde_json::Value;

fn ids() -> (InfoHash, PeerId, OfferId) {
    // Bytes >= 0x80, quotes, backslashes and control bytes: the JSON escaping cases.
    let mut hash = [0u8; 20];
    for (i, b) in hash.iter_mut().enumerate() {
        *b = [0x00, 0x22, 0x5c, 0x7f, 0x80, 0xff, 0x0a][i % 7];
    }
    (InfoHash(hash), PeerId(*b"-PP0100-\xe9\xff\x00abcdefghi"), OfferId([0xc3; 20]))
}

#[test]
fn binary_strings_round_trip_every_byte_and_reject_the_rest() {
    let all: [u8; 20] = core::array::from_fn(|i| (i * 13) as u8 | 0x80);
    assert_eq!(from_binary_string(&to_binary_string(&all)), Some(all));
    assert_eq!(from_binary_string("short"), None);
    assert_eq!(from_binary_string(&"\u{100}".repeat(20)), None, "chars above U+00FF");
}

#[test]
fn announces_follow_the_webtorrent_shape() {
    let (hash, peer, offer) = ids();
    let a = Announce {
        info_hash: hash,
        peer_id: peer,
        uploaded: 1,
        downloaded: 2,
        left: None,
        event: Some(AnnounceEvent::Started),
        offers: vec![(offer, "v=0\r\n".into())],
        tracker_id: None,
    };
    let v: Value = serde_json::from_str(&a.to_json()).unwrap();
    assert_eq!(v["action"], "announce");
    assert_eq!(from_binary_string(v["info_hash"].as_str().unwrap()), Some(hash.0));
    assert_eq!(v["event"], "started");
    assert!(v.get("left").is_none(), "left is left out while unknown, never null");
    assert_eq!(v["numwant"], 1);
    assert_eq!(v["offers"][0]["offer"]["type"], "offer");
    assert_eq!(from_binary_string(v["offers"][0]["offer_id"].as_str().unwrap()), Some(offer.0));
    assert!(a.to_json().len() < 16 * 1024, "aquatic's frame cap");

    let done = Announce { left: Some(0), event: Some(AnnounceEvent::Completed), ..a.clone() };
    let v: Value = serde_json::from_str(&done.to_json()).unwrap();
    assert_eq!(v["left"], 0);
    assert!(v.get("offers").is_none(), "no offers with completed");

    let answer: Value = serde_json::from_str(&answer_json(hash, peer, PeerId([9; 20]), offer, "sdp")).unwrap();
    assert_eq!(answer["answer"]["type"], "answer");
    assert_eq!(from_binary_string(answer["to_peer_id"].as_str().unwrap()), Some([9; 20]));
    assert!(answer.get("event").is_none() && answer.get("offers").is_none());
}

#[test]
fn tracker_messages_of_both_dialects_parse() {
    let (hash, peer, offer) = ids();
    let h = to_binary_string(&hash.0);
    let p = to_binary_string(&peer.0);
    let o = to_binary_string(&offer.0);
    let response = serde_json::json!({"action": "announce", "info_hash": h, "complete": 3, "incomplete": 4, "interval": 120}).to_string();
    assert_eq!(
        TrackerMessage::parse(&response).unwrap(),
        TrackerMessage::AnnounceResponse { info_hash: hash, complete: Some(3), incomplete: Some(4), interval: Some(120), min_interval: None, warning: None, tracker_id: None }
    );
    let relayed = serde_json::json!({"action": "announce", "info_hash": h, "peer_id": p, "offer": {"type": "offer", "sdp": "v=0"}, "offer_id": o}).to_string();
    assert_eq!(TrackerMessage::parse(&relayed).unwrap(), TrackerMessage::Offer { info_hash: hash, peer_id: peer, offer_id: offer, sdp: "v=0".into() });
    let answer = serde_json::json!({"action": "announce", "info_hash": h, "peer_id": p, "answer": {"type": "answer", "sdp": "v=1"}, "offer_id": o}).to_string();
    assert_eq!(TrackerMessage::parse(&answer).unwrap(), TrackerMessage::Answer { info_hash: hash, peer_id: peer, offer_id: offer, sdp: "v=1".into() });
    // bittorrent-tracker's bare failure (no action) and aquatic's with action + info_hash.
    assert_eq!(TrackerMessage::parse(r#"{"failure reason":"invalid info_hash"}"#).unwrap(), TrackerMessage::Failure { info_hash: None, reason: "invalid info_hash".into() });
    let failure = serde_json::json!({"action": "announce", "info_hash": h, "failure reason": "nope"}).to_string();
    assert_eq!(TrackerMessage::parse(&failure).unwrap(), TrackerMessage::Failure { info_hash: Some(hash), reason: "nope".into() });
    let scrape = serde_json::json!({"action": "scrape", "files": {h.clone(): {"complete": 1, "incomplete": 2, "downloaded": 0}}}).to_string();
    assert_eq!(TrackerMessage::parse(&scrape).unwrap(), TrackerMessage::Scrape(vec![(hash, 1, 2, 0)]));
}

#[test]
fn bad_tracker_texts_give_typed_errors() {
    let cases = [
        ("not json", "tracker.not-json"),
        ("[1,2]", "tracker.not-json"),
        (r#"{"info_hash":"x"}"#, "tracker.bad-field"),
        (r#"{"action":"announce"}"#, "tracker.bad-field"),
        (r#"{"action":"announce","info_hash":"short"}"#, "tracker.bad-id"),
        (r#"{"action":"dance"}"#, "tracker.unknown-action"),
    ];
    for (text, code) in cases {
        assert_eq!(TrackerMessage::parse(text).unwrap_err().code(), code, "{text}");
    }
    let h = to_binary_string(&[1; 20]);
    let wrong_type = serde_json::json!({"action": "announce", "info_hash": h, "peer_id": h, "offer_id": h, "offer": {"type": "answer", "sdp": "x"}}).to_string();
    assert!(TrackerMessage::parse(&wrong_type).is_err(), "an offer must say type offer (aquatic)");
}

#[test]
fn announcer_schedules_like_a_webtorrent_client() {
    let t0 = Instant(1_000);
    let mut rng = Rng::new(7);
    let mut a = Announcer::new(t0);
    assert_eq!(a.poll_timeout(), Some(t0));
    assert_eq!(a.poll_action(t0), Some(AnnounceAction::Connect));
    assert_eq!(a.poll_action(t0), None, "waits for the socket");
    a.handle_connected(t0);
    assert_eq!(a.poll_action(t0), Some(AnnounceAction::Announce(Some(AnnounceEvent::Started))));
    // Unanswered: again after 30 s, with no event.
    assert_eq!(a.poll_timeout(), Some(t0 + UNANSWERED_INTERVAL));
    assert_eq!(a.poll_action(t0 + UNANSWERED_INTERVAL), Some(AnnounceAction::Announce(None)));
    let t1 = t0 + Millis::secs(31);
    a.handle_response(t1, Some(600), None, (Some(2), Some(5)), Some("tid".into()), None);
    assert_eq!(a.poll_timeout(), Some(t1 + MAX_INTERVAL), "capped at 120 s for aquatic");
    assert_eq!(a.counts, Some((2, 5)));
    a.completed(t1);
    assert_eq!(a.poll_action(t1), Some(AnnounceAction::Announce(Some(AnnounceEvent::Completed))));
    // The socket drops: reconnect with growing, jittered delays.
    let mut delays = Vec::new();
    for _ in 0..12 {
        a.handle_closed(t1, &mut rng);
        let at = a.poll_timeout().unwrap();
        delays.push((at - t1).0);
        assert_eq!(a.poll_action(at), Some(AnnounceAction::Connect));
    }
    assert!(delays[0] >= FIRST_BACKOFF.0 && delays[0] <= FIRST_BACKOFF.0 * 3 / 2);
    assert!(delays.windows(2).take(6).all(|w| w[1] > w[0] / 2));
    assert!(delays.iter().all(|&d| d <= MAX_BACKOFF.0 * 3 / 2));
    a.handle_connected(t1);
    assert_eq!(a.poll_action(t1), Some(AnnounceAction::Announce(None)), "started only once per session");
    a.stop(t1);
    assert_eq!(a.poll_action(t1), Some(AnnounceAction::Announce(Some(AnnounceEvent::Stopped))));
    assert_eq!(a.poll_timeout(), None);
}
