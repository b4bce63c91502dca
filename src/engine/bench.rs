//! Benchmark hook: one file moved from a seeding engine to a leeching engine joined back to
//! back in memory (no latency, no bandwidth limit), so all the time spent is the engines'
//! own work: framing, requests, block assembly, upload serving, and SHA-1 when `verify`.
//! Used by `examples/swarm_throughput.rs` (native) and the wasm `TransferBench` (Node), the
//! issue 3 measurement of bytes moved per CPU-second. Not part of the API.

use super::{Engine, EngineConfig, EngineError, Event, Output};
use crate::metainfo::{CreateOptions, TorrentCreator};
use crate::piece::Bitfield;
use crate::time::Instant;
use crate::wire::PeerId;

/// A file and its torrent, made once (hashing here is not timed).
#[derive(Debug)]
pub struct TransferBench {
    torrent: Vec<u8>,
    data: Vec<u8>,
    piece_len: usize,
}

impl TransferBench {
    /// `len` bytes of deterministic data in pieces of `piece_len`.
    pub fn new(len: usize, piece_len: u32) -> Result<Self, EngineError> {
        let data: Vec<u8> = (0..len as u64).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
        let opts = CreateOptions { name: "bench.bin".into(), piece_length: Some(piece_len), ..Default::default() };
        let mut creator =
            TorrentCreator::new(opts, vec![(vec!["bench.bin".into()], len as u64)]).map_err(EngineError::Metainfo)?;
        creator.feed(&data).map_err(EngineError::Metainfo)?;
        let torrent = creator.finish().map_err(EngineError::Metainfo)?.torrent;
        Ok(TransferBench { torrent, data, piece_len: piece_len as usize })
    }

    /// Bytes in the file.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the file is empty (never: torrents need a byte).
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Moves the file once; returns the payload bytes the leecher verified and stored, after
    /// checking every stored piece against the original.
    pub fn run(&self, verify: bool) -> Result<u64, &'static str> {
        let config = |id: u8| EngineConfig { verify, ..EngineConfig::new(PeerId([id; 20]), u64::from(id)) };
        let (mut seeder, mut leecher) = (Engine::new(config(1)), Engine::new(config(2)));
        let pieces = self.data.len().div_ceil(self.piece_len) as u32;
        let st = seeder.add_torrent(&self.torrent, Some(Bitfield::full(pieces))).map_err(|_| "bench.torrent")?;
        let lt = leecher.add_torrent(&self.torrent, None).map_err(|_| "bench.torrent")?;
        let mut now = Instant(0);
        let sp = seeder.peer_connected(st, now).map_err(|_| "bench.connect")?;
        let lp = leecher.peer_connected(lt, now).map_err(|_| "bench.connect")?;
        let mut stored = 0u64;
        for _ in 0..10_000_000u32 {
            let mut moved = false;
            while let Some(out) = seeder.poll_output() {
                match out {
                    Output::Send { bytes, .. } => {
                        moved = true;
                        leecher.peer_data(lp, &bytes, now).map_err(|_| "bench.closed")?;
                    }
                    Output::ReadPiece { torrent, piece } => {
                        let start = piece as usize * self.piece_len;
                        let end = (start + self.piece_len).min(self.data.len());
                        let bytes = self.data.get(start..end).ok_or("bench.piece")?.to_vec();
                        seeder.piece_read(torrent, piece, bytes).map_err(|_| "bench.piece")?;
                    }
                    Output::ClosePeer { .. } => return Err("bench.closed"),
                    _ => {}
                }
            }
            seeder.channel_drained(sp).map_err(|_| "bench.closed")?;
            let mut complete = false;
            while let Some(out) = leecher.poll_output() {
                match out {
                    Output::Send { bytes, .. } => {
                        moved = true;
                        seeder.peer_data(sp, &bytes, now).map_err(|_| "bench.closed")?;
                    }
                    Output::StorePiece { piece, data, .. } => {
                        let start = piece as usize * self.piece_len;
                        if self.data.get(start..start + data.len()) != Some(&data[..]) {
                            return Err("bench.corrupt");
                        }
                        stored += data.len() as u64;
                    }
                    Output::Event(Event::Complete(_)) => complete = true,
                    _ => {}
                }
            }
            if complete {
                // Both seeding now: the leecher closed the link.
                return if stored == self.data.len() as u64 { Ok(stored) } else { Err("bench.incomplete") };
            }
            leecher.channel_drained(lp).map_err(|_| "bench.closed")?;
            if !moved {
                now = now + crate::time::Millis(1000);
                seeder.handle_timeout(now);
                leecher.handle_timeout(now);
            }
        }
        Err("bench.stalled")
    }
}
