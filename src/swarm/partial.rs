//! Pieces being downloaded: which 16 KiB blocks are missing, asked for (and how many
//! times, for endgame) or received, and who sent each block, so a piece that fails its
//! hash can be blamed on the right peer (smart ban).

use crate::wire::PeerId;

/// The state of one block of a piece in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockState {
    /// Nobody has been asked.
    Missing,
    /// Asked from this many peers (more than one only in endgame).
    Requested(u8),
    /// The bytes are here, from this peer.
    Received(PeerId),
}

/// One piece being assembled in memory until it is verified.
#[derive(Clone, Debug)]
pub struct PartialPiece {
    data: Vec<u8>,
    blocks: Vec<BlockState>,
    block_len: u32,
    received: u32,
    /// Started by a slow peer: other slow peers join it, fast ones leave it be (piece
    /// affinity, as libtorrent's speed classes), so a fast peer's pieces never wait on a
    /// block a slow one holds.
    slow: bool,
}

impl PartialPiece {
    /// An empty piece of `size` bytes cut into blocks of `block_len` (16 KiB).
    pub fn new(size: u32, block_len: u32) -> Self {
        let count = size.div_ceil(block_len) as usize;
        PartialPiece {
            data: vec![0; size as usize],
            blocks: vec![BlockState::Missing; count],
            block_len,
            received: 0,
            slow: false,
        }
    }

    /// Marks the piece as a slow peer's (see the field).
    pub fn set_slow(&mut self, slow: bool) {
        self.slow = slow;
    }

    /// Whether a slow peer started it.
    pub fn is_slow(&self) -> bool {
        self.slow
    }

    /// (begin, length) of block `b`.
    pub fn block_span(&self, b: u32) -> (u32, u32) {
        let begin = b * self.block_len;
        (begin, (self.data.len() as u32 - begin).min(self.block_len))
    }

    /// Number of blocks.
    pub fn block_count(&self) -> u32 {
        self.blocks.len() as u32
    }

    /// The first block nobody has been asked for, marked as asked.
    pub fn take_missing(&mut self) -> Option<u32> {
        let b = self.blocks.iter().position(|s| *s == BlockState::Missing)?;
        self.blocks[b] = BlockState::Requested(1);
        Some(b as u32)
    }

    /// Endgame: a block already asked from exactly one peer, not in `skip`, marked as asked
    /// twice. Each block is duplicated at most once to bound the waste.
    pub fn take_for_endgame(&mut self, skip: &dyn Fn(u32) -> bool) -> Option<u32> {
        let b = (0..self.block_count()).find(|&b| self.blocks[b as usize] == BlockState::Requested(1) && !skip(b))?;
        self.blocks[b as usize] = BlockState::Requested(2);
        Some(b)
    }

    /// A request for block `b` ended without data (timeout, reject, choke, peer gone).
    pub fn release(&mut self, b: u32) {
        if let Some(state) = self.blocks.get_mut(b as usize) {
            *state = match *state {
                BlockState::Requested(n) if n > 1 => BlockState::Requested(n - 1),
                BlockState::Requested(_) => BlockState::Missing,
                other => other,
            };
        }
    }

    /// Stores block `b` from `from`. Returns false for a duplicate (endgame) or a block of
    /// the wrong length, which are dropped.
    pub fn receive(&mut self, b: u32, data: &[u8], from: PeerId) -> bool {
        let (begin, len) = self.block_span(b);
        if data.len() != len as usize {
            return false;
        }
        match self.blocks.get(b as usize) {
            Some(BlockState::Received(_)) | None => return false,
            _ => {}
        }
        self.data[begin as usize..(begin + len) as usize].copy_from_slice(data);
        self.blocks[b as usize] = BlockState::Received(from);
        self.received += 1;
        true
    }

    /// Whether every block is here.
    pub fn is_complete(&self) -> bool {
        self.received == self.block_count()
    }

    /// Whether nothing is asked for or received (the piece can be forgotten).
    pub fn is_idle(&self) -> bool {
        self.blocks.iter().all(|s| *s == BlockState::Missing)
    }

    /// Whether some block arrived (the piece is started, not only asked for).
    pub fn has_received(&self) -> bool {
        self.received > 0
    }

    /// Whether any block is still unasked.
    pub fn has_missing(&self) -> bool {
        self.blocks.contains(&BlockState::Missing)
    }

    /// Who sent each block.
    pub fn contributors(&self) -> Vec<(u32, PeerId)> {
        (0..self.block_count())
            .filter_map(|b| match self.blocks[b as usize] {
                BlockState::Received(p) => Some((b, p)),
                _ => None,
            })
            .collect()
    }

    /// The assembled bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Takes the assembled bytes.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}
