//! Layout math: the torrent as one byte space cut into pieces and 16 KiB blocks, and how
//! those map onto files (BEP 3: files are concatenated in order).
//!
//! Indices are validated once, by the layout that made them ([`Layout::piece`],
//! [`Layout::block`]), so code that holds a [`PieceIndex`] never re-checks bounds.

use core::ops::Range;

/// The block size every client requests (BEP 3 recommends 16 KiB; WebTorrent uses it).
pub const BLOCK_SIZE: u32 = 16 * 1024;

/// A piece index known to be inside its torrent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PieceIndex(u32);

impl PieceIndex {
    /// The raw index.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A block known to be inside its piece: (piece, block number within the piece).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockIndex {
    /// The piece.
    pub piece: PieceIndex,
    /// The block number within the piece.
    pub block: u32,
}

/// Part of a file that a byte range covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSegment {
    /// Index into the layout's file list.
    pub file: usize,
    /// Where the segment starts inside the file.
    pub offset_in_file: u64,
    /// Its length in bytes.
    pub len: u64,
}

/// Piece and file geometry of one torrent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    total_len: u64,
    piece_len: u32,
    piece_count: u32,
    /// Start offset of each file in the torrent's byte space, plus the total at the end.
    file_starts: Vec<u64>,
}

/// Why a layout cannot exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// A piece length of zero.
    ZeroPieceLength,
    /// The total length is zero: nothing to share.
    Empty,
    /// More pieces than a u32 bitfield index can name.
    TooManyPieces,
    /// File lengths overflow 64 bits.
    TooLarge,
}

impl Layout {
    /// Geometry for files of the given lengths (in torrent order) cut into `piece_len` pieces.
    /// A piece length larger than the whole torrent is legal: there is then one short piece.
    pub fn new(file_lengths: &[u64], piece_len: u32) -> Result<Layout, LayoutError> {
        if piece_len == 0 {
            return Err(LayoutError::ZeroPieceLength);
        }
        let mut file_starts = Vec::with_capacity(file_lengths.len() + 1);
        let mut total: u64 = 0;
        for &len in file_lengths {
            file_starts.push(total);
            total = total.checked_add(len).ok_or(LayoutError::TooLarge)?;
        }
        file_starts.push(total);
        if total == 0 {
            return Err(LayoutError::Empty);
        }
        let piece_count = total.div_ceil(u64::from(piece_len));
        let piece_count = u32::try_from(piece_count).map_err(|_| LayoutError::TooManyPieces)?;
        Ok(Layout { total_len: total, piece_len, piece_count, file_starts })
    }

    /// Total bytes in the torrent.
    pub fn total_len(&self) -> u64 {
        self.total_len
    }
    /// Nominal piece length.
    pub fn piece_len(&self) -> u32 {
        self.piece_len
    }
    /// Number of pieces.
    pub fn piece_count(&self) -> u32 {
        self.piece_count
    }
    /// Number of files.
    pub fn file_count(&self) -> usize {
        self.file_starts.len() - 1
    }

    /// Validates a raw piece index (e.g. from a peer's `have`).
    pub fn piece(&self, index: u32) -> Option<PieceIndex> {
        (index < self.piece_count).then_some(PieceIndex(index))
    }

    /// All pieces in order.
    pub fn pieces(&self) -> impl Iterator<Item = PieceIndex> {
        (0..self.piece_count).map(PieceIndex)
    }

    /// Byte offset where the piece starts.
    pub fn piece_offset(&self, piece: PieceIndex) -> u64 {
        u64::from(piece.0) * u64::from(self.piece_len)
    }

    /// Length of the piece: the last one is `total % piece_len`, or a full piece if that is 0.
    pub fn piece_size(&self, piece: PieceIndex) -> u32 {
        let start = self.piece_offset(piece);
        (self.total_len - start).min(u64::from(self.piece_len)) as u32
    }

    /// Number of 16 KiB blocks in the piece (the last block may be short).
    pub fn blocks_in_piece(&self, piece: PieceIndex) -> u32 {
        self.piece_size(piece).div_ceil(BLOCK_SIZE)
    }

    /// Validates a block number within a piece.
    pub fn block(&self, piece: PieceIndex, block: u32) -> Option<BlockIndex> {
        (block < self.blocks_in_piece(piece)).then_some(BlockIndex { piece, block })
    }

    /// Validates a peer's (index, begin, length) request or piece message: it must name a whole
    /// block on a 16 KiB boundary, as every client sends them.
    pub fn block_at(&self, index: u32, begin: u32, len: u32) -> Option<BlockIndex> {
        let piece = self.piece(index)?;
        if begin % BLOCK_SIZE != 0 {
            return None;
        }
        let block = self.block(piece, begin / BLOCK_SIZE)?;
        (self.block_range(block).len() as u32 == len).then_some(block)
    }

    /// Byte range of the block within its piece.
    pub fn block_range(&self, block: BlockIndex) -> Range<u32> {
        let begin = block.block * BLOCK_SIZE;
        // Saturating: a layout built with a piece length near 4 GiB must not wrap here.
        let end = begin.saturating_add(BLOCK_SIZE).min(self.piece_size(block.piece));
        begin..end
    }

    /// Validates an arbitrary byte range within a piece (requests a seed may serve even when
    /// they are not 16 KiB aligned; WebTorrent serves up to 128 KiB).
    pub fn range_in_piece(&self, index: u32, begin: u32, len: u32) -> Option<(PieceIndex, Range<u32>)> {
        let piece = self.piece(index)?;
        let end = begin.checked_add(len)?;
        (len > 0 && end <= self.piece_size(piece)).then_some((piece, begin..end))
    }

    /// Start offset and length of a file.
    pub fn file_range(&self, file: usize) -> Option<Range<u64>> {
        Some(*self.file_starts.get(file)?..*self.file_starts.get(file + 1)?)
    }

    /// Pieces that hold any byte of the file (empty for a zero-length file).
    pub fn file_pieces(&self, file: usize) -> Range<u32> {
        match self.file_range(file) {
            Some(r) if !r.is_empty() => {
                let first = r.start / u64::from(self.piece_len);
                let last = (r.end - 1) / u64::from(self.piece_len);
                first as u32..last as u32 + 1
            }
            _ => 0..0,
        }
    }

    /// The piece holding a torrent byte offset.
    pub fn piece_at(&self, offset: u64) -> Option<PieceIndex> {
        (offset < self.total_len).then(|| PieceIndex((offset / u64::from(self.piece_len)) as u32))
    }

    /// The file segments a byte range of the torrent covers, in file order. Zero-length files
    /// inside the range are skipped (nothing to read or write).
    pub fn segments(&self, range: Range<u64>) -> Vec<FileSegment> {
        let end = range.end.min(self.total_len);
        if range.start >= end {
            return Vec::new();
        }
        // The first file whose end is past `range.start`.
        let first = self.file_starts[1..].partition_point(|&file_end| file_end <= range.start);
        let mut out = Vec::new();
        for file in first..self.file_count() {
            let (fstart, fend) = (self.file_starts[file], self.file_starts[file + 1]);
            if fstart >= end {
                break;
            }
            let from = range.start.max(fstart);
            let to = end.min(fend);
            if to > from {
                out.push(FileSegment { file, offset_in_file: from - fstart, len: to - from });
            }
        }
        out
    }

    /// The file segments of one piece.
    pub fn piece_segments(&self, piece: PieceIndex) -> Vec<FileSegment> {
        let start = self.piece_offset(piece);
        self.segments(start..start + u64::from(self.piece_size(piece)))
    }
}
