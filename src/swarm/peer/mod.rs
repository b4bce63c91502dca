//! One peer of one torrent: the BEP 3 choke/interest state, the peer's pieces, our
//! requests in flight (adaptive depth bounded by the peer's `reqq`, BEP 10), the requests
//! it queued with us, and the bytes waiting to go out.

use crate::piece::Bitfield;
use crate::time::{Instant, Millis};
use crate::wire::ext::ExtRegistry;
use crate::wire::{BlockRequest, Framer, Message, PeerId};
use std::collections::VecDeque;

/// A peer handle, owned by the core (JS never invents one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerKey(pub u64);

/// How long a block request may stay unanswered before it is asked elsewhere. WebTorrent
/// drops a peer that leaves a request 30 s unanswered; we re-ask sooner.
pub const REQUEST_TIMEOUT: Millis = Millis(20_000);
/// Requests in flight to a fresh peer; the depth grows with each block that arrives.
pub const INITIAL_DEPTH: u32 = 4;
/// Requests we keep in flight to one peer at most, whatever its reqq says.
pub const MAX_DEPTH: u32 = 250;
/// Seconds of a peer's measured rate we keep asked for (libtorrent's `request_queue_time`
/// is 3 s): enough to keep a fast link busy over its round trip, while a slow peer's queue
/// stays far shorter than [`REQUEST_TIMEOUT`], so what it was asked for is not timed out
/// and fetched a second time from someone else.
pub const QUEUE_SECS: u64 = 3;
/// Requests a peer that answers keeps, however slow it is.
pub const MIN_DEPTH: u32 = 2;
/// Once the pipeline is deep, requests go out in batches of at least 1/REFILL_SHARE of it.
pub const REFILL_SHARE: u32 = 8;
/// The reqq we advertise and enforce: requests beyond it are rejected (PROTOCOL.md §8.7).
pub const OUR_REQQ: u32 = 250;
/// WebTorrent's implied reqq when it sends none.
pub const DEFAULT_THEIR_REQQ: u32 = 250;

/// One request we sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InFlight {
    /// Piece index.
    pub piece: u32,
    /// Block number within the piece.
    pub block: u32,
    /// When it was sent.
    pub sent: Instant,
}

/// The state of one connection.
#[derive(Debug)]
pub struct PeerSession {
    /// Cuts the incoming stream into messages.
    pub framer: Framer,
    /// Extension ids, ours and theirs (BEP 10).
    pub ext: ExtRegistry,
    /// The remote peer id, once its handshake arrived.
    pub peer_id: Option<PeerId>,
    /// Whether it set the Fast bit (BEP 6) and so may be sent reject/have-all.
    pub fast: bool,
    /// Whether we sent our handshake.
    pub handshake_sent: bool,
    /// We refuse its requests.
    pub am_choking: bool,
    /// We want pieces it has.
    pub am_interested: bool,
    /// It refuses our requests.
    pub peer_choking: bool,
    /// It wants pieces we have.
    pub peer_interested: bool,
    /// Its pieces, once the metadata is known.
    pub have: Option<Bitfield>,
    /// A bitfield or have-all that arrived before our metadata (magnet), applied later.
    pub early_bitfield: Option<Vec<u8>>,
    /// It said have-all before we knew the piece count.
    pub early_have_all: bool,
    /// `have`s that arrived before our metadata.
    pub early_haves: Vec<u32>,
    /// Our requests in flight.
    pub in_flight: Vec<InFlight>,
    /// How many requests we keep in flight (grows while blocks arrive, shrinks on timeouts).
    pub depth: u32,
    /// [`QUEUE_SECS`] of its measured rate in blocks (no cap before its first block).
    pub rate_cap: u32,
    /// The peer's reqq (BEP 10), or WebTorrent's default.
    pub their_reqq: u32,
    /// Its requests we accepted, served in order.
    pub upload_queue: VecDeque<BlockRequest>,
    /// Bytes waiting for the next `Send` output.
    pub outbox: Vec<u8>,
    /// Bytes handed to the channel since it last drained (back-pressure).
    pub unacked: usize,
    /// Bytes of verified-or-not block payload it sent us, total and this choke round.
    pub downloaded: u64,
    /// Block payload we sent it, total and this choke round.
    pub uploaded: u64,
    /// Per-round counters for the choker.
    pub round_down: u64,
    /// Per-round upload counter for the choker.
    pub round_up: u64,
    /// Consecutive request timeouts; a peer that never answers is snubbed.
    pub timeouts: u32,
    /// When the connection was added.
    pub since: Instant,
    /// Its client name from the extension handshake (`v`), capped in length.
    pub client: Option<String>,
    /// Block payload from it, per second.
    pub down_meter: crate::swarm::rate::Meter,
    /// Block payload to it, per second.
    pub up_meter: crate::swarm::rate::Meter,
}

impl PeerSession {
    /// A fresh connection at `now`.
    pub fn new(now: Instant) -> Self {
        PeerSession {
            framer: Framer::new(),
            ext: ExtRegistry::new(),
            peer_id: None,
            fast: false,
            handshake_sent: false,
            am_choking: true,
            am_interested: false,
            peer_choking: true,
            peer_interested: false,
            have: None,
            early_bitfield: None,
            early_have_all: false,
            early_haves: Vec::new(),
            in_flight: Vec::new(),
            depth: INITIAL_DEPTH,
            rate_cap: MAX_DEPTH,
            their_reqq: DEFAULT_THEIR_REQQ,
            upload_queue: VecDeque::new(),
            outbox: Vec::new(),
            unacked: 0,
            downloaded: 0,
            uploaded: 0,
            round_down: 0,
            round_up: 0,
            timeouts: 0,
            since: now,
            client: None,
            down_meter: Default::default(),
            up_meter: Default::default(),
        }
    }

    /// Queues a message for sending.
    pub fn send(&mut self, msg: &Message<'_>) {
        msg.encode_into(&mut self.outbox);
    }

    /// Whether it has `piece`.
    pub fn has(&self, piece: u32) -> bool {
        self.have.as_ref().is_some_and(|h| h.has(piece))
    }

    /// Whether it has every piece.
    pub fn is_seed(&self) -> bool {
        self.have.as_ref().is_some_and(|h| h.is_complete())
    }

    /// How many more requests it may take now. A peer that timed out is limited to one
    /// probe until it answers again (snubbed).
    pub fn free_slots(&self) -> u32 {
        if self.peer_choking {
            return 0;
        }
        self.limit().saturating_sub(self.in_flight.len() as u32)
    }

    fn limit(&self) -> u32 {
        if self.timeouts > 0 {
            1
        } else {
            self.depth.min(self.rate_cap).min(self.their_reqq).min(MAX_DEPTH)
        }
    }

    /// Whether it is too slow to be asked for a whole piece at once (`piece_blocks` blocks)
    /// within [`QUEUE_SECS`] of its rate, or snubbed: such a peer works on pieces of its own.
    pub fn is_slow(&self, piece_blocks: u32) -> bool {
        self.timeouts > 0 || self.rate_cap < piece_blocks.min(MAX_DEPTH)
    }

    /// Whether to top the pipeline up now. A deep pipeline waits until an eighth of it is
    /// free, so requests leave in one message per batch rather than one per arriving block:
    /// every channel message costs both browsers a send, an event and a network-thread hop,
    /// and the sender answers a batch with a few large messages. Requests still in flight
    /// (7/8 of the pipeline) keep the sender busy meanwhile.
    pub fn wants_refill(&self) -> bool {
        let free = self.free_slots();
        free > 0 && free >= self.limit() / REFILL_SHARE
    }

    /// Removes and returns our request for (piece, block), if it was in flight.
    pub fn take_in_flight(&mut self, piece: u32, block: u32) -> Option<InFlight> {
        let i = self.in_flight.iter().position(|r| r.piece == piece && r.block == block)?;
        Some(self.in_flight.swap_remove(i))
    }

    /// A block arrived: deepen the pipeline (slow start towards the peer's reqq), within
    /// [`QUEUE_SECS`] of its measured rate (`rate`, bytes per second).
    pub fn on_block(&mut self, len: usize, rate: u64) {
        let blocks = rate.saturating_mul(QUEUE_SECS) / u64::from(crate::wire::BLOCK_LEN);
        self.rate_cap = u32::try_from(blocks).unwrap_or(u32::MAX).clamp(MIN_DEPTH, MAX_DEPTH);
        self.timeouts = 0;
        self.downloaded += len as u64;
        self.round_down += len as u64;
        self.depth = (self.depth + 1).min(self.their_reqq.clamp(1, MAX_DEPTH));
    }

    /// Requests older than the timeout, removed from flight; the depth halves.
    pub fn expire(&mut self, now: Instant) -> Vec<InFlight> {
        let (late, keep): (Vec<_>, Vec<_>) = self.in_flight.iter().partition(|r| now - r.sent >= REQUEST_TIMEOUT);
        if !late.is_empty() {
            self.in_flight = keep;
            self.timeouts += 1;
            self.depth = (self.depth / 2).max(1);
        }
        late
    }

    /// The earliest instant one of our requests times out.
    pub fn next_timeout(&self) -> Option<Instant> {
        self.in_flight.iter().map(|r| r.sent + REQUEST_TIMEOUT).min()
    }
}
