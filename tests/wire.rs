//! Native tests of the protocols peers speak: the peer wire protocol and its extensions, and
//! the WebSocket tracker protocol.

mod wire {
    mod announce;
    mod bittorrent_tracker;
    mod ext;
    mod framing;
    mod live_tracker;
    mod peerpage_to_webtorrent;
    mod tracker;
    mod webtorrent;
}
