//! What [`super::Trackers`] asks of the caller, and what it reports for the UI.

use super::message::OfferId;
use crate::metainfo::InfoHash;
use crate::wire::PeerId;

/// What the trackers ask of the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrackerOutput {
    /// Open a WebSocket to `url`; report [`super::Trackers::handle_open`] or [`super::Trackers::handle_close`].
    Connect {
        /// The normalised URL.
        url: String,
    },
    /// Close the socket (no torrent uses this tracker any more).
    Close {
        /// The URL.
        url: String,
    },
    /// Send this JSON text as one text frame.
    Send {
        /// The URL.
        url: String,
        /// The JSON.
        text: String,
    },
    /// Create one initiator RTCPeerConnection (one data channel) per id, wait for ICE
    /// gathering, and return each SDP with [`super::Trackers::handle_offer_sdp`].
    CreateOffers {
        /// The torrent the connections are for.
        info_hash: InfoHash,
        /// Ids the core chose; JS keys its connections by them.
        offer_ids: Vec<OfferId>,
    },
    /// A peer's answer to our offer: apply it to that offer's connection.
    Answer {
        /// Which offer.
        offer_id: OfferId,
        /// The answering peer.
        peer_id: PeerId,
        /// The answer SDP.
        sdp: String,
    },
    /// Our offer got no answer in time, or could not be sent: destroy its connection.
    DropOffer {
        /// Which offer.
        offer_id: OfferId,
    },
    /// Another peer's offer: create an answering connection if the swarm wants the peer,
    /// then call [`super::Trackers::send_answer`] with the answer SDP.
    IncomingOffer {
        /// The tracker that relayed it (the answer goes back there).
        url: String,
        /// The torrent.
        info_hash: InfoHash,
        /// The offering peer.
        peer_id: PeerId,
        /// Its offer id, to echo.
        offer_id: OfferId,
        /// The offer SDP.
        sdp: String,
    },
}

/// What the UI shows for one tracker of one torrent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackerStatus {
    /// The URL.
    pub url: String,
    /// Whether its socket is open.
    pub connected: bool,
    /// Seeders and leechers it last reported.
    pub counts: Option<(u64, u64)>,
    /// Its last failure or warning.
    pub last_error: Option<String>,
}
