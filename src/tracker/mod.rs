//! The WebSocket tracker protocol WebTorrent peers use to find each other (PROTOCOL.md §1):
//! message building and parsing in both dialects (bittorrent-tracker and aquatic), announce
//! scheduling per tracker and torrent, socket backoff, and
//! [`Trackers`](crate::tracker::Trackers), which runs every tracker of every torrent and owns
//! the WebRTC offer ids.

mod announcer;
mod binary_string;
mod client;
mod drive;
mod error;
pub mod json;
mod link;
mod message;
mod output;

pub use announcer::{Announcer, HUNGRY_INTERVAL, MAX_INTERVAL, MIN_INTERVAL, UNANSWERED_INTERVAL};
pub use binary_string::{from_binary_string, to_binary_string};
pub use client::{
    normalize_tracker_url, Trackers, CLOSE_LINGER, MAX_MESSAGE_LEN, MAX_OFFERS_PER_ANNOUNCE, MAX_PENDING_OFFERS,
    OFFER_ANSWER_TIMEOUT, OFFER_GATHER_TIMEOUT,
};
pub use error::TrackerError;
pub use link::{TrackerLink, FIRST_BACKOFF, MAX_BACKOFF};
pub use message::{answer_json, scrape_json, Announce, AnnounceEvent, OfferId, TrackerMessage};
pub use output::{TrackerOutput, TrackerStatus};

/// Fuzz entry point: any text from a tracker gives a message or a typed error, also when fed
/// to a running [`Trackers`] with a torrent and an offer out.
#[doc(hidden)]
pub fn fuzz_message(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else { return };
    let _ = TrackerMessage::parse(text);
    let now = crate::time::Instant(0);
    let url = "wss://fuzz.example";
    let mut trackers = Trackers::new(crate::wire::PeerId([b'p'; 20]), 1, true);
    trackers.add_torrent(crate::metainfo::InfoHash([1; 20]), &[url.to_string()], None, now);
    trackers.set_wanted_offers(crate::metainfo::InfoHash([1; 20]), 1);
    trackers.handle_timeout(now);
    trackers.handle_open(url, now);
    trackers.handle_timeout(now);
    while let Some(out) = trackers.poll_output() {
        if let TrackerOutput::CreateOffers { offer_ids, .. } = out {
            for id in offer_ids {
                trackers.handle_offer_sdp(id, "v=0".into(), now);
            }
        }
    }
    if let Err(e) = trackers.handle_text(url, text, now) {
        assert!(crate::error::CoreError::code(&e).starts_with("tracker."));
    }
}
