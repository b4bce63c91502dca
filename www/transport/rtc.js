// WebRTC peers: one RTCPeerConnection with one ordered, reliable data channel per (torrent,
// remote peer), signalled without trickle through the tracker (PROTOCOL.md §2). The core owns
// every id: `conn` while the connection is being set up, `peer` once its channel is open.

const LOW_WATER = 256 * 1024 // bufferedAmountLowThreshold: below it the core may send more
const MAX_MESSAGE = 64 * 1024 // the channel is a byte pipe; keep messages small for old peers
const GATHER_AFTER_FIRST_MS = 5000 // as simple-peer: send what we have 5 s after a candidate
const GATHER_MAX_MS = 15000

function randomLabel () {
  const b = crypto.getRandomValues(new Uint8Array(20))
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}

/** Waits until ICE gathering completes (no trickle), or for the simple-peer timeouts. */
function gathered (pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise(resolve => {
    let after = null
    const overall = setTimeout(done, GATHER_MAX_MS)
    function done () {
      clearTimeout(overall)
      clearTimeout(after)
      pc.removeEventListener('icegatheringstatechange', check)
      pc.removeEventListener('icecandidate', onCandidate)
      resolve()
    }
    function check () {
      if (pc.iceGatheringState === 'complete') done()
    }
    function onCandidate (ev) {
      if (!ev.candidate) return done()
      if (!after) after = setTimeout(done, GATHER_AFTER_FIRST_MS)
    }
    pc.addEventListener('icegatheringstatechange', check)
    pc.addEventListener('icecandidate', onCandidate)
  })
}

const localSdp = pc => pc.localDescription.sdp.replace(/a=ice-options:trickle\s*\n/g, '')

export class RtcPeers {
  /**
   * `config`: RTCConfiguration (iceServers; none needed on loopback). `on`: {sdp(conn, sdp),
   * failed(conn), open(conn) -> peer | undefined, data(peer, bytes), closed(peer), drained(peer)}.
   */
  constructor (config, on) {
    this.config = config
    this.on = on
    this.conns = new Map() // conn -> {pc, channel, peer}
    this.peers = new Map() // peer -> {pc, channel, conn, out: bytes queued this turn}
  }

  createOffer (conn) {
    const pc = this.#newConn(conn)
    if (!pc) return
    this.#wireChannel(conn, pc.createDataChannel(randomLabel()))
    this.#signal(conn, pc, async () => {
      await pc.setLocalDescription(await pc.createOffer())
    })
  }

  acceptOffer (conn, sdp) {
    const pc = this.#newConn(conn)
    if (!pc) return
    // The answerer takes whatever channel the offerer made, whatever its label.
    pc.ondatachannel = ev => this.#wireChannel(conn, ev.channel)
    this.#signal(conn, pc, async () => {
      await pc.setRemoteDescription({ type: 'offer', sdp })
      await pc.setLocalDescription(await pc.createAnswer())
    })
  }

  applyAnswer (conn, sdp) {
    const entry = this.conns.get(conn)
    if (!entry) return
    entry.pc.setRemoteDescription({ type: 'answer', sdp }).catch(() => this.#fail(conn))
  }

  /** The core gave up on a connection that never opened. */
  drop (conn) {
    const entry = this.conns.get(conn)
    if (!entry) return
    this.conns.delete(conn)
    if (entry.peer !== undefined) this.peers.delete(entry.peer)
    entry.pc.close()
  }

  /**
   * Queues bytes for a peer. Everything queued in one turn (one drain of the core's outputs:
   * requests, or a piece header and its block) goes out at the end of the turn joined into
   * as few messages as fit, since Chromium's cost is per message and packet.
   */
  send (peer, bytes) {
    const entry = this.peers.get(peer)
    if (!entry || entry.channel.readyState !== 'open') return
    entry.out.push(bytes)
    if (entry.out.length === 1) queueMicrotask(() => this.#flush(peer, entry))
  }

  #flush (peer, entry) {
    const parts = entry.out
    entry.out = []
    if (this.peers.get(peer) !== entry || entry.channel.readyState !== 'open') return
    try {
      let batch = []
      let size = 0
      const emit = () => {
        if (batch.length === 1) entry.channel.send(batch[0])
        else if (batch.length) {
          const joined = new Uint8Array(size)
          let at = 0
          for (const b of batch) { joined.set(b, at); at += b.length }
          entry.channel.send(joined)
        }
        batch = []
        size = 0
      }
      for (const bytes of parts) {
        if (size + bytes.length > MAX_MESSAGE) emit()
        if (bytes.length > MAX_MESSAGE) {
          for (let at = 0; at < bytes.length; at += MAX_MESSAGE) entry.channel.send(bytes.subarray(at, at + MAX_MESSAGE))
          continue
        }
        batch.push(bytes)
        size += bytes.length
      }
      emit()
    } catch {
      // The send queue overflowed or the channel died under us: the peer is gone.
      this.#closed(peer)
      return
    }
    // The core counts bytes since the last drain; if the channel is already under its low
    // mark no bufferedamountlow will fire, so report the drain now.
    if (entry.channel.bufferedAmount <= LOW_WATER) this.on.drained(peer)
  }

  /** Closes on the core's request (it has already forgotten the peer). */
  closePeer (peer) {
    const entry = this.peers.get(peer)
    if (!entry) return
    this.peers.delete(peer)
    this.conns.delete(entry.conn)
    entry.pc.close()
  }

  closeAll () {
    for (const conn of [...this.conns.keys()]) this.drop(conn)
  }

  #newConn (conn) {
    let pc
    try {
      pc = new RTCPeerConnection(this.config)
    } catch {
      // "Cannot create so many PeerConnections", or no WebRTC at all.
      queueMicrotask(() => this.on.failed(conn))
      return null
    }
    const entry = { pc, channel: null, peer: undefined }
    this.conns.set(conn, entry)
    pc.onconnectionstatechange = () => {
      if (pc.connectionState !== 'failed' && pc.connectionState !== 'closed') return
      if (this.conns.get(conn) !== entry) return
      if (entry.peer !== undefined) this.#closed(entry.peer)
      else this.#fail(conn)
    }
    return pc
  }

  #signal (conn, pc, negotiate) {
    negotiate()
      .then(() => gathered(pc))
      .then(() => {
        if (this.conns.get(conn)?.pc === pc) this.on.sdp(conn, localSdp(pc))
      })
      .catch(() => this.#fail(conn))
  }

  #wireChannel (conn, channel) {
    const entry = this.conns.get(conn)
    if (!entry || entry.channel) return channel.close()
    entry.channel = channel
    channel.binaryType = 'arraybuffer'
    channel.bufferedAmountLowThreshold = LOW_WATER
    channel.onopen = () => {
      if (this.conns.get(conn) !== entry) return
      const peer = this.on.open(conn)
      if (peer === undefined) {
        // Over the connection budget (or the torrent is gone): the core refused it.
        this.conns.delete(conn)
        entry.pc.close()
        return
      }
      entry.peer = peer
      entry.conn = conn
      entry.out = []
      this.peers.set(peer, entry)
    }
    channel.onmessage = ev => {
      if (entry.peer !== undefined && this.peers.get(entry.peer) === entry) this.on.data(entry.peer, new Uint8Array(ev.data))
    }
    channel.onbufferedamountlow = () => {
      if (entry.peer !== undefined && this.peers.get(entry.peer) === entry) this.on.drained(entry.peer)
    }
    channel.onclose = () => {
      if (entry.peer !== undefined) this.#closed(entry.peer)
      else this.#fail(conn)
    }
  }

  #fail (conn) {
    const entry = this.conns.get(conn)
    if (!entry || entry.peer !== undefined) return
    this.conns.delete(conn)
    entry.pc.close()
    this.on.failed(conn)
  }

  #closed (peer) {
    const entry = this.peers.get(peer)
    if (!entry) return
    this.peers.delete(peer)
    this.conns.delete(entry.conn)
    entry.pc.close()
    this.on.closed(peer)
  }
}
