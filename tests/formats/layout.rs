use peerpage::metainfo::{FileSegment, Layout, LayoutError, BLOCK_SIZE};

#[test]
fn pieces_and_blocks_cover_the_torrent_exactly() {
    // 3 files across pieces of 40,000 bytes: not a multiple of the block size.
    let layout = Layout::new(&[50_000, 0, 45_000], 40_000).unwrap();
    assert_eq!(layout.piece_count(), 3);
    let sizes: Vec<u32> = layout.pieces().map(|p| layout.piece_size(p)).collect();
    assert_eq!(sizes, vec![40_000, 40_000, 15_000]);
    let p0 = layout.piece(0).unwrap();
    assert_eq!(layout.blocks_in_piece(p0), 3);
    let last = layout.block(p0, 2).unwrap();
    assert_eq!(layout.block_range(last), 32_768..40_000);
    assert!(layout.block(p0, 3).is_none());
    assert!(layout.piece(3).is_none());
    assert_eq!(layout.block_at(0, 32_768, 40_000 - 32_768), Some(last));
    assert_eq!(layout.block_at(0, 32_768, BLOCK_SIZE), None, "length must match the block");
    assert_eq!(layout.block_at(0, 100, 16), None, "begin must be block aligned");
    assert_eq!(layout.range_in_piece(2, 0, 15_000).map(|(_, r)| r), Some(0..15_000));
    assert_eq!(layout.range_in_piece(2, 1, 15_000), None);
    assert_eq!(layout.range_in_piece(2, u32::MAX, 2), None);
}

#[test]
fn piece_segments_span_file_boundaries_and_skip_empty_files() {
    let layout = Layout::new(&[50_000, 0, 45_000], 40_000).unwrap();
    let p1 = layout.piece(1).unwrap();
    assert_eq!(
        layout.piece_segments(p1),
        vec![
            FileSegment { file: 0, offset_in_file: 40_000, len: 10_000 },
            FileSegment { file: 2, offset_in_file: 0, len: 30_000 },
        ]
    );
    assert_eq!(layout.file_pieces(0), 0..2);
    assert_eq!(layout.file_pieces(1), 0..0);
    assert_eq!(layout.file_pieces(2), 1..3);
    assert_eq!(layout.file_range(2), Some(50_000..95_000));
    assert_eq!(layout.piece_at(94_999).map(|p| p.get()), Some(2));
    assert_eq!(layout.piece_at(95_000), None);
    // Every piece's segments add up to its size.
    for p in layout.pieces() {
        let sum: u64 = layout.piece_segments(p).iter().map(|s| s.len).sum();
        assert_eq!(sum, u64::from(layout.piece_size(p)));
    }
}

#[test]
fn a_piece_larger_than_the_torrent_is_one_short_piece() {
    let layout = Layout::new(&[1000], 1 << 20).unwrap();
    assert_eq!(layout.piece_count(), 1);
    assert_eq!(layout.piece_size(layout.piece(0).unwrap()), 1000);
    assert_eq!(layout.blocks_in_piece(layout.piece(0).unwrap()), 1);
}

#[test]
fn impossible_layouts_are_refused() {
    assert_eq!(Layout::new(&[1], 0), Err(LayoutError::ZeroPieceLength));
    assert_eq!(Layout::new(&[0, 0], 16384), Err(LayoutError::Empty));
    assert_eq!(Layout::new(&[u64::MAX, 1], 16384), Err(LayoutError::TooLarge));
    assert_eq!(Layout::new(&[u64::MAX], 1), Err(LayoutError::TooManyPieces));
}

#[test]
fn blocks_of_a_piece_near_4_gib_do_not_wrap() {
    // Not a length anyone parses (the parser caps pieces at 256 MiB), but the layout is a
    // public type and must stay total.
    let layout = Layout::new(&[u64::from(u32::MAX)], u32::MAX).unwrap();
    let piece = layout.piece(0).unwrap();
    let last = layout.block(piece, layout.blocks_in_piece(piece) - 1).unwrap();
    assert_eq!(layout.block_range(last).end, u32::MAX);
}
