//! The WebSocket tracker protocol WebTorrent peers use to find each other (PROTOCOL.md §1):
//! message building and parsing, and announce scheduling per tracker.

mod announcer;
mod binary_string;
mod error;
mod message;

pub use announcer::{AnnounceAction, Announcer, FIRST_BACKOFF, MAX_BACKOFF, MAX_INTERVAL, UNANSWERED_INTERVAL};
pub use binary_string::{from_binary_string, to_binary_string};
pub use error::TrackerError;
pub use message::{answer_json, scrape_json, Announce, AnnounceEvent, OfferId, TrackerMessage};

/// Fuzz entry point: any text from a tracker gives a message or a typed error.
#[doc(hidden)]
pub fn fuzz_message(data: &[u8]) {
    if let Ok(text) = core::str::from_utf8(data) {
        let _ = TrackerMessage::parse(text);
    }
}
