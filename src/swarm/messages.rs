//! Reading a peer's frames: handshake checks, BEP 3 state messages, have/bitfield
//! validation against the piece count, BEP 6 have-all/have-none/reject, BEP 10/9
//! extension traffic (metadata fetch and serve).

use super::peer::OUR_REQQ;
use super::{PeerKey, PeerSession, Swarm, SwarmOutput};
use crate::piece::Bitfield;
use crate::time::Instant;
use crate::wire::ext::{
    serve_metadata, ExtMessage, ExtRegistry, FetchProgress, MetadataMessage, MAX_REQUESTS_PER_PEER,
};
use crate::wire::{Frame, Handshake, Message};

impl Swarm {
    pub(super) fn send_handshake(&mut self, peer: &mut PeerSession) {
        let hs = Handshake::ours(self.info_hash, self.config.peer_id);
        peer.outbox.extend_from_slice(&hs.encode());
        let size = self.meta.as_ref().map(|m| m.info_bytes.len() as u32);
        let ext = ExtRegistry::our_handshake(size, OUR_REQQ, &self.config.client);
        ExtRegistry::encode_handshake(&ext, &mut peer.outbox);
        peer.handshake_sent = true;
        if let Some(meta) = &self.meta {
            peer.framer.set_piece_count(meta.layout.piece_count());
        }
    }

    /// Our pieces, as BEP 6 have-all/have-none when the peer speaks Fast, else a bitfield.
    fn send_pieces(&self, peer: &mut PeerSession) {
        if self.meta.is_none() {
            return; // a magnet peer sends nothing until it has metadata (PROTOCOL.md §3)
        }
        if peer.fast && self.have.is_complete() {
            peer.send(&Message::HaveAll);
        } else if peer.fast && self.have.is_none() {
            peer.send(&Message::HaveNone);
        } else if !self.have.is_none() {
            peer.send(&Message::Bitfield(self.have.as_wire()));
        }
    }

    pub(super) fn drain_frames(&mut self, key: PeerKey, now: Instant) {
        let Some(peer) = self.peers.get_mut(&key) else { return };
        // The framer lends its buffer to each message; take it out while we act on them.
        let mut framer = std::mem::take(&mut peer.framer);
        let mut error = None;
        loop {
            match framer.next() {
                Ok(Some(Frame::Handshake(hs))) => {
                    if let Err(e) = self.on_handshake(key, hs) {
                        error = Some(e);
                        break;
                    }
                }
                Ok(Some(Frame::Message(msg))) => {
                    if let Err(e) = self.on_message(key, msg, now) {
                        error = Some(e);
                        break;
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    error = Some("wire.malformed");
                    break;
                }
            }
            if !self.peers.contains_key(&key) {
                return;
            }
        }
        match error {
            Some(reason) => self.close(key, reason),
            None => {
                if let Some(peer) = self.peers.get_mut(&key) {
                    peer.framer = framer;
                }
                self.fill_requests(key, now);
                self.serve_uploads(key);
            }
        }
    }

    fn on_handshake(&mut self, key: PeerKey, hs: Handshake) -> Result<(), &'static str> {
        hs.check(&self.info_hash, &self.config.peer_id).map_err(|_| "swarm.bad-handshake")?;
        if self.banned.contains(&hs.peer_id) {
            return Err("swarm.banned");
        }
        let duplicate = self.peers.iter().any(|(k, p)| *k != key && p.peer_id == Some(hs.peer_id));
        if duplicate {
            return Err("swarm.duplicate-peer");
        }
        let mut peer = self.peers.remove(&key).ok_or("swarm.gone")?;
        peer.peer_id = Some(hs.peer_id);
        peer.fast = hs.supports_fast();
        self.send_pieces(&mut peer);
        self.peers.insert(key, peer);
        Ok(())
    }

    fn on_message(&mut self, key: PeerKey, msg: Message<'_>, now: Instant) -> Result<(), &'static str> {
        let pieces = self.meta.as_ref().map(|m| m.layout.piece_count());
        let peer = self.peers.get_mut(&key).ok_or("swarm.gone")?;
        msg.check_fast(peer.fast).map_err(|_| "swarm.fast-not-negotiated")?;
        match msg {
            Message::KeepAlive | Message::Port(_) | Message::Suggest(_) | Message::AllowedFast(_) => {}
            Message::Unknown { .. } => {}
            Message::Choke => {
                peer.peer_choking = true;
                // Without Fast, a choke drops every pending request (BEP 3); with Fast the
                // peer rejects them one by one, but we re-ask elsewhere at once either way.
                let dropped = std::mem::take(&mut peer.in_flight);
                for r in dropped {
                    self.release_block(r.piece, r.block);
                }
            }
            Message::Unchoke => peer.peer_choking = false,
            Message::Interested => {
                peer.peer_interested = true;
                self.unchoke_if_slot(key);
            }
            Message::NotInterested => peer.peer_interested = false,
            Message::Have(index) => match pieces {
                Some(n) if index >= n => return Err("swarm.have-out-of-range"),
                Some(_) => {
                    let have = peer.have.get_or_insert_with(|| Bitfield::new(pieces.unwrap_or(0)));
                    if have.set(index) {
                        self.picker.add_have(index);
                    }
                    self.update_interest(key);
                    self.close_if_both_done(key);
                }
                None => {
                    if peer.early_haves.len() < 1 << 16 {
                        peer.early_haves.push(index);
                    }
                }
            },
            Message::Bitfield(bytes) => match pieces {
                Some(n) => {
                    let have = Bitfield::from_wire(bytes, n).map_err(|_| "swarm.bad-bitfield")?;
                    self.replace_have(key, have);
                }
                None => peer.early_bitfield = Some(bytes.to_vec()),
            },
            Message::HaveAll => match pieces {
                Some(n) => self.replace_have(key, Bitfield::full(n)),
                None => peer.early_have_all = true,
            },
            Message::HaveNone => match pieces {
                Some(n) => self.replace_have(key, Bitfield::new(n)),
                None => peer.early_bitfield = None,
            },
            Message::Request(req) => self.on_request(key, req),
            Message::Cancel(req) => peer.upload_queue.retain(|r| *r != req),
            Message::Reject(req) => self.on_reject(key, req),
            Message::Piece { index, begin, data } => self.on_block(key, index, begin, data, now)?,
            Message::Extended { id, payload } => self.on_extended(key, id, payload, now)?,
        }
        Ok(())
    }

    /// A new full picture of the peer's pieces (bitfield, have-all, have-none).
    fn replace_have(&mut self, key: PeerKey, have: Bitfield) {
        let Some(peer) = self.peers.get_mut(&key) else { return };
        if let Some(old) = peer.have.take() {
            self.picker.remove_bitfield(&old);
        }
        self.picker.add_bitfield(&have);
        if let Some(peer) = self.peers.get_mut(&key) {
            peer.have = Some(have);
        }
        self.update_interest(key);
        self.close_if_both_done(key);
    }

    /// BEP 3: tell the peer whether it has anything we want.
    pub(super) fn update_interest(&mut self, key: PeerKey) {
        let Some(peer) = self.peers.get_mut(&key) else { return };
        let wanted = match &peer.have {
            Some(theirs) => {
                theirs.iter_set().any(|p| !self.have.has(p) && self.picker.priority(p) > super::Priority::Skip)
            }
            None => false,
        };
        if wanted != peer.am_interested {
            peer.am_interested = wanted;
            peer.send(if wanted { &Message::Interested } else { &Message::NotInterested });
        }
    }

    fn on_extended(&mut self, key: PeerKey, id: u8, payload: &[u8], now: Instant) -> Result<(), &'static str> {
        let peer = self.peers.get_mut(&key).ok_or("swarm.gone")?;
        let msg = peer.ext.decode(id, payload).map_err(|_| "swarm.bad-extension")?;
        match msg {
            ExtMessage::Handshake(hs) => {
                if let Some(v) = &hs.client {
                    peer.client = Some(v.chars().filter(|c| !c.is_control()).take(64).collect());
                }
                if let Some(reqq) = hs.reqq {
                    peer.their_reqq = reqq.max(1);
                }
                if self.meta.is_none() {
                    if let Some(size) = hs.metadata_size {
                        if self.fetcher.add_peer(key, size).is_ok() {
                            self.request_metadata(key, now);
                        }
                    }
                }
            }
            ExtMessage::Metadata(MetadataMessage::Request(piece)) => {
                let info = self.meta.as_ref().map(|m| m.info_bytes.as_slice());
                let reply = serve_metadata(info, piece);
                let peer = self.peers.get_mut(&key).ok_or("swarm.gone")?;
                let mut out = std::mem::take(&mut peer.outbox);
                peer.ext.encode_metadata(&reply, &mut out);
                peer.outbox = out;
            }
            ExtMessage::Metadata(MetadataMessage::Reject(piece)) => self.fetcher.handle_reject(key, piece),
            ExtMessage::Metadata(MetadataMessage::Data { piece, total_size, data }) => {
                if self.meta.is_some() {
                    return Ok(());
                }
                match self.fetcher.handle_data(key, piece, total_size, data) {
                    Ok(FetchProgress::Complete(info)) => self.on_metadata(info),
                    Ok(FetchProgress::Progress) => self.request_metadata(key, now),
                    Ok(FetchProgress::Ignored | FetchProgress::HashMismatch { .. }) => {}
                    Err(_) => return Err("swarm.bad-metadata"),
                }
            }
            ExtMessage::DontHave(piece) => {
                if let Some(have) = peer.have.as_mut() {
                    if have.clear(piece) {
                        self.picker.remove_have(piece);
                    }
                }
            }
            ExtMessage::Unknown { .. } => {}
        }
        Ok(())
    }

    pub(super) fn request_metadata(&mut self, key: PeerKey, now: Instant) {
        let pieces = self.fetcher.poll_requests(key, now, MAX_REQUESTS_PER_PEER);
        let Some(peer) = self.peers.get_mut(&key) else { return };
        let mut out = std::mem::take(&mut peer.outbox);
        for piece in pieces {
            peer.ext.encode_metadata(&MetadataMessage::Request(piece), &mut out);
        }
        peer.outbox = out;
    }

    /// The info dict arrived and matches the info hash: become a normal swarm, then apply
    /// what peers said before we could understand it.
    fn on_metadata(&mut self, info: Vec<u8>) {
        let Ok(meta) = crate::metainfo::parse_info(&info) else { return };
        let n = meta.layout.piece_count();
        self.set_metadata(meta, None);
        self.emit(SwarmOutput::MetadataReady(info));
        let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
        for key in keys {
            let Some(peer) = self.peers.get_mut(&key) else { continue };
            peer.framer.set_piece_count(n);
            let mut have = if peer.early_have_all { Bitfield::full(n) } else { Bitfield::new(n) };
            if let Some(bytes) = peer.early_bitfield.take() {
                match Bitfield::from_wire(&bytes, n) {
                    Ok(b) => have = b,
                    Err(_) => {
                        self.close(key, "swarm.bad-bitfield");
                        continue;
                    }
                }
            }
            for i in std::mem::take(&mut peer.early_haves) {
                have.set(i);
            }
            let mut peer = self.peers.remove(&key).unwrap_or_else(|| PeerSession::new(Instant(0)));
            self.send_pieces(&mut peer);
            self.peers.insert(key, peer);
            self.replace_have(key, have);
        }
    }
}
