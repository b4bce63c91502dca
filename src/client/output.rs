//! What the client asks its caller (the JS pump) to do.

use super::ConnId;
use crate::engine::{PeerKey, TorrentId};
use crate::wire::PeerId;

/// One thing to do. Transport outputs name core-owned handles: peers ([`PeerKey`]) for
/// open data channels, connections ([`ConnId`]) for RTCPeerConnections not yet open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientOutput {
    /// Write these bytes to the peer's data channel.
    Send {
        /// The peer.
        peer: PeerKey,
        /// Wire bytes.
        bytes: Vec<u8>,
    },
    /// Close the peer's channel; the core has forgotten it.
    ClosePeer {
        /// The peer.
        peer: PeerKey,
        /// A stable dotted reason for logs.
        reason: &'static str,
    },
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
    /// Persist a verified piece.
    StorePiece {
        /// Torrent.
        torrent: TorrentId,
        /// Piece index.
        piece: u32,
        /// Its bytes.
        data: Vec<u8>,
    },
    /// Read a piece and answer with `piece_read` or `piece_missing`.
    ReadPiece {
        /// Torrent.
        torrent: TorrentId,
        /// Piece index.
        piece: u32,
    },
    /// Fetch a web-seed range (`Range: bytes=start-end_inclusive`); answer with
    /// `http_response`.
    HttpGet {
        /// Torrent.
        torrent: TorrentId,
        /// Request id.
        request: u64,
        /// URL.
        url: String,
        /// First byte.
        start: u64,
        /// Last byte, inclusive.
        end_inclusive: u64,
    },
    /// A magnet's metadata arrived.
    Metadata {
        /// Torrent.
        torrent: TorrentId,
    },
    /// A piece passed its hash.
    Verified {
        /// Torrent.
        torrent: TorrentId,
        /// Piece.
        piece: u32,
    },
    /// A piece failed its hash.
    HashFailed {
        /// Torrent.
        torrent: TorrentId,
        /// Piece.
        piece: u32,
    },
    /// Every wanted piece is verified.
    Complete {
        /// Torrent.
        torrent: TorrentId,
    },
    /// A peer was banned for corrupt data.
    Banned {
        /// Torrent.
        torrent: TorrentId,
        /// Its id.
        peer_id: PeerId,
    },
    /// The torrent's peers changed (one joined or left).
    PeerCount {
        /// Torrent.
        torrent: TorrentId,
    },
}
