//! Native tests of the format core: bencode, metainfo, magnets, creation, pieces.

mod formats {
    mod bencode;
    mod create;
    mod layout;
    mod magnet;
    mod metainfo;
}
