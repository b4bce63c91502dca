//! Driving web seeds (BEP 19) inside the swarm: a seed with nothing in flight takes the
//! next piece the picker offers, asks for it as one HTTP range per file it spans, and the
//! assembled piece goes through the same hash check and smart ban as peer blocks.

use super::partial::PartialPiece;
use super::webseed::{check_response, plan, PendingGet, HTTP_TIMEOUT};
use super::{Swarm, SwarmOutput};
use crate::time::Instant;
use crate::wire::BLOCK_LEN;

impl Swarm {
    /// Gives every idle web seed a piece.
    pub(super) fn fill_web_seeds(&mut self, now: Instant) {
        self.web_checked = Some(now);
        if self.paused || self.checking {
            return;
        }
        let Some(meta) = &self.meta else { return };
        for s in 0..self.web_seeds.len() {
            let seed = &self.web_seeds[s];
            if seed.piece.is_some() || now < seed.backoff_until || self.banned.contains(&seed.id) {
                continue;
            }
            if !self.gate.allows(super::rate::Direction::Down, self.clock) {
                self.throttled(super::rate::Direction::Down);
                return;
            }
            let partial = &self.partial;
            let Some(piece) = self.picker.pick(&self.have, &|_| true, &|p| partial.contains_key(&p), &mut self.rng)
            else {
                return;
            };
            let Some(idx) = meta.layout.piece(piece) else { return };
            let (start, size) = (meta.layout.piece_offset(idx), meta.layout.piece_size(idx));
            self.gate.take(super::rate::Direction::Down, u64::from(size));
            let mut part = PartialPiece::new(size, BLOCK_LEN);
            while part.take_missing().is_some() {}
            let mut offset = 0u32;
            let mut gets = Vec::new();
            for (range, padding) in plan(meta, &seed.url, start..start + u64::from(size)) {
                let len = range.len() as u32;
                if padding {
                    // BEP 47 pad bytes are zeros: already in the buffer, never fetched.
                    offset += len;
                    continue;
                }
                gets.push(PendingGet { seed: s, piece, offset_in_piece: offset, range, sent: now });
                offset += len;
            }
            self.partial.insert(piece, part);
            self.web_buffers.insert(piece, (vec![0; size as usize], gets.len()));
            self.web_seeds[s].piece = Some(piece);
            for get in gets {
                let id = self.next_http_id;
                self.next_http_id += 1;
                self.outputs.push_back(SwarmOutput::HttpGet {
                    id,
                    url: get.range.url.clone(),
                    start: get.range.start,
                    end_inclusive: get.range.end_inclusive,
                });
                self.pending_gets.insert(id, get);
            }
        }
    }

    /// An HTTP answer for request `id`: checked strictly (206, exact length).
    pub fn handle_http_response(&mut self, id: u64, status: u16, body: &[u8], now: Instant) {
        self.tick(now);
        let Some(get) = self.pending_gets.remove(&id) else { return };
        if check_response(&get.range, status, body.len() as u64).is_err() {
            self.fail_web_piece(get.seed, get.piece, now);
            return;
        }
        let Some((buf, left)) = self.web_buffers.get_mut(&get.piece) else { return };
        let at = get.offset_in_piece as usize;
        let Some(dst) = buf.get_mut(at..at + body.len()) else { return };
        dst.copy_from_slice(body);
        *left -= 1;
        if *left > 0 {
            return;
        }
        let Some((buf, _)) = self.web_buffers.remove(&get.piece) else { return };
        let seed = &mut self.web_seeds[get.seed];
        seed.piece = None;
        seed.failures = 0;
        let from = seed.id;
        seed.downloaded += buf.len() as u64;
        seed.meter.add(now, buf.len() as u64);
        self.stats.downloaded += buf.len() as u64;
        self.down_meter.add(now, buf.len() as u64);
        let Some(mut part) = self.partial.remove(&get.piece) else { return };
        for b in 0..part.block_count() {
            let (begin, len) = part.block_span(b);
            part.receive(b, &buf[begin as usize..(begin + len) as usize], from);
        }
        self.finish_piece(get.piece, part);
        self.fill_web_seeds(now);
        self.fill_all_requests(now);
    }

    /// A web seed's request failed: drop the piece's other requests, give the piece back
    /// to the pool, and back off.
    fn fail_web_piece(&mut self, seed: usize, piece: u32, now: Instant) {
        self.pending_gets.retain(|_, g| g.piece != piece);
        self.web_buffers.remove(&piece);
        self.partial.remove(&piece);
        if let Some(s) = self.web_seeds.get_mut(seed) {
            s.fail(now);
        }
        self.fill_all_requests(now);
    }

    /// Requests older than [`HTTP_TIMEOUT`] fail.
    pub(super) fn expire_gets(&mut self, now: Instant) {
        let late: Vec<(usize, u32)> =
            self.pending_gets.values().filter(|g| now - g.sent >= HTTP_TIMEOUT).map(|g| (g.seed, g.piece)).collect();
        for (seed, piece) in late {
            self.fail_web_piece(seed, piece, now);
        }
    }

    /// When a web seed's back-off or request times out.
    pub(super) fn web_timeout(&self) -> Option<Instant> {
        let gets = self.pending_gets.values().map(|g| g.sent + HTTP_TIMEOUT).min();
        // Idle seeds: at once if they were never given work, else when their back-off ends.
        let checked = self.web_checked;
        let backoff = self
            .web_seeds
            .iter()
            .filter(|s| s.piece.is_none() && checked.is_none_or(|c| s.backoff_until > c))
            .map(|s| s.backoff_until)
            .min();
        gets.into_iter().chain(backoff).min()
    }
}
