//! RTCPeerConnections that are not open yet, keyed by core-owned ids: ours (an offer we
//! relay through a tracker, waiting for its SDP, then an answer) and theirs (a remote offer
//! we answer). Once a data channel opens, the connection becomes an engine peer.

use crate::engine::TorrentId;
use crate::time::{Instant, Millis};
use crate::tracker::OfferId;
use crate::vecmap::VecMap;
use crate::wire::PeerId;

/// A connection handle, owned by the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u32);

/// How long a connection may take from creation to an open channel: the tracker's answer
/// wait (50 s) plus ICE and DTLS.
pub const CONNECT_TIMEOUT: Millis = Millis::secs(90);

/// Who offered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Side {
    /// Our offer, relayed by the trackers under this id.
    Ours {
        /// The offer id the trackers know.
        offer: OfferId,
        /// The peer whose answer was applied.
        answered: Option<PeerId>,
    },
    /// A remote offer we answer through the tracker `url`.
    Theirs {
        /// The tracker that relayed the offer.
        url: String,
        /// The offering peer.
        peer_id: PeerId,
        /// Its offer id, echoed in our answer.
        offer: OfferId,
    },
}

/// One connection.
#[derive(Clone, Debug)]
pub struct Conn {
    /// The torrent it is for.
    pub torrent: TorrentId,
    /// Who offered.
    pub side: Side,
    /// When it is given up.
    pub deadline: Instant,
}

/// Every pending connection.
#[derive(Debug, Default)]
pub struct Conns {
    map: VecMap<ConnId, Conn>,
    by_offer: VecMap<OfferId, ConnId>,
    next: u32,
}

impl Conns {
    /// Adds a connection; returns its id.
    pub fn insert(&mut self, torrent: TorrentId, side: Side, now: Instant) -> ConnId {
        self.next = self.next.wrapping_add(1).max(1);
        let id = ConnId(self.next);
        if let Side::Ours { offer, .. } = &side {
            self.by_offer.insert(*offer, id);
        }
        self.map.insert(id, Conn { torrent, side, deadline: now + CONNECT_TIMEOUT });
        id
    }

    /// A connection by id.
    pub fn get(&self, id: ConnId) -> Option<&Conn> {
        self.map.get(&id)
    }

    /// A connection by id, to change it.
    pub fn get_mut(&mut self, id: ConnId) -> Option<&mut Conn> {
        self.map.get_mut(&id)
    }

    /// Our connection carrying `offer`.
    pub fn by_offer(&self, offer: &OfferId) -> Option<ConnId> {
        self.by_offer.get(offer).copied()
    }

    /// Forgets a connection.
    pub fn remove(&mut self, id: ConnId) -> Option<Conn> {
        let conn = self.map.remove(&id)?;
        if let Side::Ours { offer, .. } = &conn.side {
            self.by_offer.remove(offer);
        }
        Some(conn)
    }

    /// Connections of one torrent.
    pub fn of_torrent(&self, torrent: TorrentId) -> Vec<ConnId> {
        self.map.iter().filter(|(_, c)| c.torrent == torrent).map(|(id, _)| *id).collect()
    }

    /// How many are pending for a torrent.
    pub fn count_for(&self, torrent: TorrentId) -> usize {
        self.map.values().filter(|c| c.torrent == torrent).count()
    }

    /// How many are pending in all.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Our pending answer to this peer's offer for this torrent, if any.
    pub fn answering(&self, torrent: TorrentId, peer: &PeerId) -> Option<ConnId> {
        self.map
            .iter()
            .find(|(_, c)| c.torrent == torrent && matches!(&c.side, Side::Theirs { peer_id, .. } if peer_id == peer))
            .map(|(id, _)| *id)
    }

    /// Whether this peer answered one of our pending offers for this torrent.
    pub fn answered_by(&self, torrent: TorrentId, peer: &PeerId) -> bool {
        self.map
            .values()
            .any(|c| c.torrent == torrent && matches!(&c.side, Side::Ours { answered: Some(p), .. } if p == peer))
    }

    /// Connections past their deadline.
    pub fn expired(&self, now: Instant) -> Vec<ConnId> {
        self.map.iter().filter(|(_, c)| c.deadline <= now).map(|(id, _)| *id).collect()
    }

    /// The earliest deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.map.values().map(|c| c.deadline).min()
    }
}
