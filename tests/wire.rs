//! Native tests of the peer wire protocol: messages, framing, extensions.

mod wire {
    mod ext;
    mod framing;
}
