use peerpage::error::CoreError;
use peerpage::metainfo::InfoHash;
use peerpage::rng::Rng;

use peerpage::tracker::*;
use peerpage::wire::PeerId;
use serde_json::Value;

pub(super) fn ids() -> (InfoHash, PeerId, OfferId) {
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
    let response =
        serde_json::json!({"action": "announce", "info_hash": h, "complete": 3, "incomplete": 4, "interval": 120})
            .to_string();
    assert_eq!(
        TrackerMessage::parse(&response).unwrap(),
        TrackerMessage::AnnounceResponse {
            info_hash: hash,
            complete: Some(3),
            incomplete: Some(4),
            interval: Some(120),
            min_interval: None,
            warning: None,
            tracker_id: None
        }
    );
    let relayed = serde_json::json!({"action": "announce", "info_hash": h, "peer_id": p, "offer": {"type": "offer", "sdp": "v=0"}, "offer_id": o}).to_string();
    assert_eq!(
        TrackerMessage::parse(&relayed).unwrap(),
        TrackerMessage::Offer { info_hash: hash, peer_id: peer, offer_id: offer, sdp: "v=0".into() }
    );
    let answer = serde_json::json!({"action": "announce", "info_hash": h, "peer_id": p, "answer": {"type": "answer", "sdp": "v=1"}, "offer_id": o}).to_string();
    assert_eq!(
        TrackerMessage::parse(&answer).unwrap(),
        TrackerMessage::Answer { info_hash: hash, peer_id: peer, offer_id: offer, sdp: "v=1".into() }
    );
    // bittorrent-tracker's bare failure (no action) and aquatic's with action + info_hash.
    assert_eq!(
        TrackerMessage::parse(r#"{"failure reason":"invalid info_hash"}"#).unwrap(),
        TrackerMessage::Failure { info_hash: None, reason: "invalid info_hash".into() }
    );
    let failure = serde_json::json!({"action": "announce", "info_hash": h, "failure reason": "nope"}).to_string();
    assert_eq!(
        TrackerMessage::parse(&failure).unwrap(),
        TrackerMessage::Failure { info_hash: Some(hash), reason: "nope".into() }
    );
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
fn mutated_tracker_texts_give_typed_errors_only() {
    let (hash, peer, offer) = ids();
    let h = to_binary_string(&hash.0);
    let seeds = [
        serde_json::json!({"action": "announce", "info_hash": h, "complete": 3, "incomplete": 4, "interval": 120}).to_string(),
        serde_json::json!({"action": "announce", "info_hash": h, "peer_id": to_binary_string(&peer.0), "offer": {"type": "offer", "sdp": "v=0"}, "offer_id": to_binary_string(&offer.0)}).to_string(),
        serde_json::json!({"action": "scrape", "files": {h.clone(): {"complete": 1, "incomplete": 2, "downloaded": 0}}}).to_string(),
        r#"{"failure reason":"invalid info_hash"}"#.to_string(),
    ];
    let mut rng = Rng::new(11);
    for round in 0..20_000 {
        let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
        for _ in 0..=rng.below(3) {
            if chars.is_empty() {
                break;
            }
            let at = rng.below(chars.len() as u64) as usize;
            match rng.below(3) {
                0 => chars[at] = ['"', '{', '}', ':', ',', '1', '\u{ff}', '\u{100}', '\\'][rng.below(9) as usize],
                1 => {
                    chars.remove(at);
                }
                _ => chars.truncate(at),
            }
        }
        let text: String = chars.into_iter().collect();
        if let Err(e) = TrackerMessage::parse(&text) {
            assert!(e.code().starts_with("tracker."));
        }
        fuzz_message(text.as_bytes());
    }
}

#[test]
fn aquatic_shaped_texts_parse() {
    // Field order and shapes as aquatic_ws_protocol serialises its outgoing messages
    // (action first; errors carry the original action and, when known, the info hash).
    let h = to_binary_string(&[0xaa; 20]);
    let p = to_binary_string(&[0xbb; 20]);
    let o = to_binary_string(&[0xcc; 20]);
    let text = |v: Value| v.to_string();
    let response = text(
        serde_json::json!({"action": "announce", "info_hash": h, "complete": 5, "incomplete": 0, "interval": 120}),
    );
    assert!(matches!(
        TrackerMessage::parse(&response).unwrap(),
        TrackerMessage::AnnounceResponse { complete: Some(5), incomplete: Some(0), interval: Some(120), .. }
    ));
    let offer = text(
        serde_json::json!({"action": "announce", "peer_id": p, "info_hash": h, "offer_id": o, "offer": {"type": "offer", "sdp": "s"}}),
    );
    assert_eq!(
        TrackerMessage::parse(&offer).unwrap(),
        TrackerMessage::Offer {
            info_hash: InfoHash([0xaa; 20]),
            peer_id: PeerId([0xbb; 20]),
            offer_id: OfferId([0xcc; 20]),
            sdp: "s".into()
        }
    );
    let answer = text(
        serde_json::json!({"action": "announce", "peer_id": p, "info_hash": h, "offer_id": o, "answer": {"type": "answer", "sdp": "a"}}),
    );
    assert!(matches!(TrackerMessage::parse(&answer).unwrap(), TrackerMessage::Answer { .. }));
    let scrape_error = text(serde_json::json!({"failure reason": "Too many info hashes", "action": "scrape"}));
    assert_eq!(
        TrackerMessage::parse(&scrape_error).unwrap(),
        TrackerMessage::Failure { info_hash: None, reason: "Too many info hashes".into() }
    );
    let announce_error =
        text(serde_json::json!({"failure reason": "Info hash not allowed", "action": "announce", "info_hash": h}));
    assert_eq!(
        TrackerMessage::parse(&announce_error).unwrap(),
        TrackerMessage::Failure { info_hash: Some(InfoHash([0xaa; 20])), reason: "Info hash not allowed".into() }
    );
    // aquatic leaves unknown hashes out of scrapes and reports `downloaded` as 0.
    let scrape = text(
        serde_json::json!({"action": "scrape", "files": {h.clone(): {"complete": 1, "incomplete": 2, "downloaded": 0}}}),
    );
    assert_eq!(TrackerMessage::parse(&scrape).unwrap(), TrackerMessage::Scrape(vec![(InfoHash([0xaa; 20]), 1, 2, 0)]));
}

/// Whether our JSON value is serde_json's (numbers: the unsigned integers both keep; a
/// repeated key: the last one, as both keep).
fn same_json(ours: &json::Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (json::Value::Null, Value::Null) => true,
        (json::Value::Bool(a), Value::Bool(b)) => a == b,
        (json::Value::Number(a), Value::Number(b)) => *a == b.as_u64(),
        (json::Value::String(a), Value::String(b)) => a == b,
        (json::Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_json(x, y)),
        (json::Value::Object(a), Value::Object(b)) => {
            a.iter().all(|(k, _)| b.contains_key(k)) && b.iter().all(|(k, w)| a.get(k).is_some_and(|v| same_json(v, w)))
        }
        _ => false,
    }
}

#[test]
fn json_reader_agrees_with_serde_json() {
    let (hash, peer, offer) = ids();
    let h = to_binary_string(&hash.0);
    let seeds = [
        serde_json::json!({"action": "announce", "info_hash": h, "peer_id": to_binary_string(&peer.0), "offer": {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}, "offer_id": to_binary_string(&offer.0)}).to_string(),
        serde_json::json!({"action": "scrape", "files": {h.clone(): {"complete": 1, "incomplete": 2, "downloaded": 0}}}).to_string(),
        r#" {"a":[1,-2,3.5,1e3,18446744073709551615,18446744073709551616,0,-0,true,false,null,{}],"b":"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t","a":[]} "#.to_string(),
        r#"[[[[{"x":"\u0000\u001f\u007f"}]]]]"#.to_string(),
    ];
    for text in &seeds {
        let ours = json::parse(text).unwrap();
        assert!(same_json(&ours, &serde_json::from_str(text).unwrap()), "{text}");
    }
    let bad = [
        r#"{"a":1,}"#,
        "[1,]",
        "01",
        "1.",
        "-",
        ".5",
        "1e",
        r#""\ud800""#,
        r#""\udc00x""#,
        "\"a\u{1}\"",
        "[1] 2",
        "{'a':1}",
        "nul",
        "tru",
        "[",
        r#"{"a" 1}"#,
    ];
    for text in bad {
        assert!(json::parse(text).is_err() && serde_json::from_str::<Value>(text).is_err(), "{text}");
    }
    let deep = "[".repeat(json::MAX_DEPTH as usize + 1) + &"]".repeat(json::MAX_DEPTH as usize + 1);
    assert!(json::parse(&deep).is_err());
    // Mutations of the seeds: the same verdict, and where both read it, the same value.
    let mut rng = Rng::new(23);
    for round in 0..20_000 {
        let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
        for _ in 0..=rng.below(3) {
            let at = rng.below(chars.len() as u64 + 1) as usize;
            match rng.below(3) {
                0 if at < chars.len() => {
                    chars[at] =
                        ['"', '{', '}', '[', ']', ':', ',', '1', '-', '.', 'e', '\\', 'u', ' ', '\u{1}', '\u{e9}']
                            [rng.below(16) as usize]
                }
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                _ => chars.truncate(at),
            }
        }
        let text: String = chars.into_iter().collect();
        match (json::parse(&text), serde_json::from_str::<Value>(&text)) {
            (Ok(ours), Ok(theirs)) => assert!(same_json(&ours, &theirs), "{text}"),
            (Err(_), Err(_)) => {}
            // serde_json refuses numbers beyond f64 (1e999); like JSON.parse we read them,
            // as numbers that are no u64.
            (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => {}
            (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }
}

#[test]
fn json_strings_we_write_read_back_exactly() {
    let every_byte: String = (0..=255u8).map(char::from).collect();
    for s in [every_byte, "\"\\/\u{7f}\u{2028}😀 é".to_string(), String::new()] {
        let mut out = String::new();
        json::push_string(&mut out, &s);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        assert_eq!(out, serde_json::to_string(&s).unwrap(), "the same bytes serde_json writes");
    }
}
