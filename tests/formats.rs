//! Native tests of the format core: bencode, metainfo, magnets, creation, pieces.

mod formats {
    mod bencode;
}
