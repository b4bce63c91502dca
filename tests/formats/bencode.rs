use peerpage::bencode::{decode, decode_prefix, decode_with, DecodeErrorKind as K, Limits, Mode, OwnedValue, Value};
use peerpage::error::{CoreError, Fault};

#[test]
fn canonical_inputs_round_trip_byte_for_byte() {
    let cases: &[&[u8]] = &[
        b"i0e",
        b"i-1e",
        b"i9223372036854775807e",
        b"i-9223372036854775808e",
        b"0:",
        b"4:spam",
        b"le",
        b"de",
        b"l4:spami42ee",
        b"d3:bar4:spam3:fooi42ee",
        b"d0:i1e1:ai2ee",
        b"d4:infod6:lengthi5e4:name1:aee",
        b"lllleeee",
    ];
    for input in cases {
        let value = decode(input, Mode::Strict).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(&value.encode_canonical(), input);
        assert_eq!(&value.to_owned_value().to_bytes(), input);
    }
}

#[test]
fn byte_strings_borrow_from_the_input_and_containers_keep_raw_spans() {
    let input = b"d4:infod4:name3:abce3:zzzi1ee";
    let value = decode(input, Mode::Strict).unwrap();
    let dict = value.as_dict().unwrap();
    let info = dict.get_dict(b"info").unwrap();
    assert_eq!(info.raw, b"d4:name3:abce");
    let name = info.get_bytes(b"name").unwrap();
    // Zero-copy: the slice points into `input`.
    let offset = name.as_ptr() as usize - input.as_ptr() as usize;
    assert_eq!(&input[offset..offset + 3], b"abc");
    assert_eq!(dict.raw, input);
}

#[test]
fn tolerant_mode_keeps_the_original_span_of_non_canonical_dicts() {
    // Unsorted keys and a leading zero, as some real torrent creators write.
    let input = b"d4:infod4:name1:a6:lengthi05eee";
    assert_eq!(decode(input, Mode::Strict).unwrap_err().kind, K::UnsortedKeys);
    let value = decode(input, Mode::Tolerant).unwrap();
    let info = value.as_dict().unwrap().get_dict(b"info").unwrap();
    assert_eq!(info.raw, b"d4:name1:a6:lengthi05ee");
    assert_eq!(info.get_int(b"length"), Some(5));
    assert_eq!(value.encode_canonical(), b"d4:infod6:lengthi5e4:name1:aee");
}

#[test]
fn bad_inputs_give_the_expected_error_at_the_expected_offset() {
    let table: &[(&[u8], Mode, K, usize)] = &[
        (b"", Mode::Strict, K::UnexpectedEof, 0),
        (b"i", Mode::Strict, K::UnexpectedEof, 1),
        (b"i42", Mode::Strict, K::UnexpectedEof, 3),
        (b"ie", Mode::Strict, K::EmptyInteger, 1),
        (b"i-e", Mode::Strict, K::EmptyInteger, 2),
        (b"i03e", Mode::Strict, K::LeadingZero, 1),
        (b"i-0e", Mode::Strict, K::NegativeZero, 2),
        (b"i1x", Mode::Strict, K::UnexpectedByte(b'x'), 2),
        (b"i9223372036854775808e", Mode::Strict, K::IntegerOverflow, 1),
        (b"i-9223372036854775809e", Mode::Tolerant, K::IntegerOverflow, 2),
        (b"i99999999999999999999999e", Mode::Tolerant, K::IntegerOverflow, 1),
        (b"5:abc", Mode::Strict, K::UnexpectedEof, 5),
        (b"03:abc", Mode::Strict, K::LeadingZero, 0),
        (b"3abc", Mode::Strict, K::UnexpectedByte(b'a'), 1),
        (b"99999999999999999999999:a", Mode::Strict, K::StringTooLong, 0),
        (b"x", Mode::Strict, K::UnexpectedByte(b'x'), 0),
        (b"l", Mode::Strict, K::UnexpectedEof, 1),
        (b"l4:spam", Mode::Strict, K::UnexpectedEof, 7),
        (b"d", Mode::Strict, K::UnexpectedEof, 1),
        (b"di1ei2ee", Mode::Strict, K::UnexpectedByte(b'i'), 1),
        (b"d1:a", Mode::Strict, K::UnexpectedEof, 4),
        (b"d1:bi1e1:ai2ee", Mode::Strict, K::UnsortedKeys, 7),
        (b"d1:ai1e1:ai2ee", Mode::Strict, K::DuplicateKey, 7),
        (b"d1:ai1e1:ai2ee", Mode::Tolerant, K::DuplicateKey, 7),
        (b"d1:bi1e1:ai2e1:bi3ee", Mode::Tolerant, K::DuplicateKey, 0),
        (b"i1ei2e", Mode::Strict, K::TrailingData, 3),
        (b"le ", Mode::Tolerant, K::TrailingData, 2),
    ];
    for &(input, mode, kind, offset) in table {
        let err = decode(input, mode).expect_err(&String::from_utf8_lossy(input));
        assert_eq!((err.kind, err.offset), (kind, offset), "input {:?}", String::from_utf8_lossy(input));
        assert!(err.code().starts_with("bencode."));
        assert_eq!(err.fault(), Fault::BadInput);
        assert!(err.to_string().contains(&format!("byte {offset}")));
    }
}

#[test]
fn limits_bound_depth_string_length_and_value_count() {
    let deep = [vec![b'l'; 65], vec![b'e'; 65]].concat();
    assert_eq!(decode(&deep, Mode::Strict).unwrap_err().kind, K::TooDeep);
    let ok = [vec![b'l'; 64], vec![b'e'; 64]].concat();
    assert!(decode(&ok, Mode::Strict).is_ok());
    let tight = Limits { max_depth: 4, max_string_len: 3, max_values: 5 };
    assert_eq!(decode_with(b"4:spam", Mode::Strict, tight).unwrap_err().kind, K::StringTooLong);
    assert_eq!(decode_with(b"li1ei2ei3ei4ei5ee", Mode::Strict, tight).unwrap_err().kind, K::TooManyValues);
    // A deep nest of 100,000 lists is refused without exhausting the stack.
    let hostile = vec![b'l'; 100_000];
    assert_eq!(decode(&hostile, Mode::Tolerant).unwrap_err().kind, K::TooDeep);
}

#[test]
fn decode_prefix_reports_bytes_used_for_dict_then_raw_data() {
    // BEP 9 data message: a dict followed by the metadata piece's raw bytes.
    let msg = b"d8:msg_typei1e5:piecei0e10:total_sizei3eexyz";
    let (value, used) = decode_prefix(msg, Mode::Strict).unwrap();
    assert_eq!(value.as_dict().unwrap().get_int(b"total_size"), Some(3));
    assert_eq!(&msg[used..], b"xyz");
}

#[test]
fn owned_values_always_encode_canonically() {
    let built = OwnedValue::dict()
        .insert("zeta", 1)
        .insert("alpha", "x")
        .insert("mid", vec![OwnedValue::Int(-5), OwnedValue::from(&b"\x00\xff"[..])]);
    assert_eq!(built.to_bytes(), b"d5:alpha1:x3:midli-5e2:\x00\xffe4:zetai1ee");
    let bytes = built.to_bytes();
    let decoded = decode(&bytes, Mode::Strict).unwrap();
    assert!(matches!(decoded, Value::Dict(_)));
}

/// Every prefix and every single-byte mutation of a real-shaped input is handled without panic.
#[test]
fn truncations_and_mutations_never_panic() {
    let input: &[u8] = b"d8:announce20:ws://127.0.0.1/track4:infod5:filesld6:lengthi7e4:pathl1:a1:beee4:name3:dir12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaaee";
    decode(input, Mode::Strict).unwrap();
    for end in 0..input.len() {
        assert!(decode(&input[..end], Mode::Tolerant).is_err());
    }
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..20_000 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let mut mutated = input.to_vec();
        let at = (rng % input.len() as u64) as usize;
        mutated[at] = (rng >> 32) as u8;
        peerpage::bencode::fuzz_decode(&mutated);
    }
}
