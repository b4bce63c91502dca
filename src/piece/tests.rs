use super::*;

#[test]
fn bitfield_uses_bep3_bit_order_and_rejects_spare_bits() {
    let mut bf = Bitfield::new(10);
    assert!(bf.set(0) && bf.set(9) && !bf.set(9) && !bf.set(10));
    assert_eq!(bf.as_wire(), &[0x80, 0x40]);
    assert_eq!(bf.count(), 2);
    assert_eq!(Bitfield::from_wire(&[0x80, 0x40], 10).unwrap(), bf);
    assert_eq!(Bitfield::from_wire(&[0x80, 0x60], 10), Err(BitfieldError::SpareBitSet));
    assert_eq!(Bitfield::from_wire(&[0x80], 10), Err(BitfieldError::WrongLength { expected: 2, got: 1 }));
    assert!(bf.clear(0) && !bf.clear(0));
    assert_eq!(bf.iter_set().collect::<Vec<_>>(), vec![9]);
}

#[test]
fn full_bitfield_has_every_piece_and_clean_spare_bits() {
    let bf = Bitfield::full(13);
    assert!(bf.is_complete());
    assert_eq!(bf.as_wire(), &[0xff, 0xf8]);
    assert_eq!(Bitfield::full(0).as_wire(), &[] as &[u8]);
    assert!(Bitfield::new(13).lacks_any_of(&bf));
    assert!(!bf.lacks_any_of(&Bitfield::new(13)));
}

#[test]
fn incremental_hash_equals_one_shot_hash() {
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut h = PieceHasher::new();
    for chunk in data.chunks(16384) {
        h.update(chunk);
    }
    let digest = h.finish();
    assert_eq!(digest, sha1(&data));
    assert!(verify(&data, &digest));
    // "abc" from FIPS 180-1.
    assert_eq!(
        sha1(b"abc"),
        [
            0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e, 0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0,
            0xd8, 0x9d
        ]
    );
}
