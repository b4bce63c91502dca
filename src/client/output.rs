//! What the client asks its caller (the JS pump) to do: the engine's outputs as they are
//! (one vocabulary for peers, storage, web seeds and events), plus tracker sockets and
//! WebRTC connections.

use super::ConnId;
use crate::engine::{Output, TorrentId};

/// One thing to do. Transport outputs name core-owned handles: peers
/// ([`crate::engine::PeerKey`]) for open data channels, connections ([`ConnId`]) for
/// RTCPeerConnections not yet open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientOutput {
    /// What the engine asks: peer bytes and closes, storage, web-seed fetches, UI events.
    /// Answers go to the client's methods of the engine's names (`piece_read`,
    /// `http_response`, ...).
    Engine(Output),
    /// Open a WebSocket; report `tracker_opened` / `tracker_closed`.
    TrackerConnect {
        /// Its URL.
        url: String,
    },
    /// Close the WebSocket.
    TrackerClose {
        /// Its URL.
        url: String,
    },
    /// Send one text frame.
    TrackerSend {
        /// The socket's URL.
        url: String,
        /// JSON.
        text: String,
    },
    /// Create an initiator RTCPeerConnection with one data channel; report its offer SDP
    /// (ICE gathering complete) with `conn_sdp`.
    CreateOffer {
        /// The connection's id.
        conn: ConnId,
        /// The torrent it is for.
        torrent: TorrentId,
    },
    /// Answer a remote offer with a new RTCPeerConnection; report the answer SDP with
    /// `conn_sdp`.
    AcceptOffer {
        /// The connection's id.
        conn: ConnId,
        /// The torrent.
        torrent: TorrentId,
        /// The remote offer SDP.
        sdp: String,
    },
    /// Apply a remote answer to our offer's connection.
    ApplyAnswer {
        /// The connection.
        conn: ConnId,
        /// The answer SDP.
        sdp: String,
    },
    /// Destroy a connection that never opened.
    DropConn {
        /// The connection.
        conn: ConnId,
    },
    /// The torrent's peers changed (one joined or left).
    PeerCount {
        /// Torrent.
        torrent: TorrentId,
    },
}
