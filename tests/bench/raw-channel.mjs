// Runs inside Chromium: the raw RTCDataChannel limit, no BitTorrent. One ordered reliable
// channel per peer connection (what WebTorrent and peerpage open), non-trickle ICE, the
// driver carrying the SDP between instances. The sender keeps the channel's buffer between a
// low and a high mark, as a careful BitTorrent sender would; the receiver only counts bytes.

const MESSAGE = 16 * 1024 // a BitTorrent block
const HIGH = 1024 * 1024
const LOW = 256 * 1024

const conns = new Map()
let nextId = 1

function gathered (pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise(resolve => pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'complete') resolve()
  }))
}

/** Sender side: a new connection with one channel; returns { id, sdp } of the offer. */
export async function offer () {
  const pc = new RTCPeerConnection({ iceServers: [] })
  const channel = pc.createDataChannel('raw', { ordered: true })
  channel.binaryType = 'arraybuffer'
  const id = nextId++
  const opened = new Promise(resolve => { channel.onopen = resolve })
  conns.set(id, { pc, channel, opened })
  await pc.setLocalDescription(await pc.createOffer())
  await gathered(pc)
  return { id, sdp: pc.localDescription.sdp }
}

export async function applyAnswer (id, sdp) {
  const { pc, opened } = conns.get(id)
  await pc.setRemoteDescription({ type: 'answer', sdp })
  await opened
}

/** Receiver side: answers an offer; counting starts when its channel delivers. */
export async function answer (sdp) {
  const pc = new RTCPeerConnection({ iceServers: [] })
  const id = nextId++
  const state = { pc, received: 0, first: null, last: null, done: null }
  state.finished = new Promise(resolve => { state.done = resolve })
  pc.ondatachannel = ({ channel }) => {
    channel.binaryType = 'arraybuffer'
    channel.onmessage = ({ data }) => {
      const now = performance.now()
      if (state.first === null) state.first = now
      state.received += data.byteLength
      state.last = now
      if (state.received >= state.expected) state.done()
    }
  }
  conns.set(id, state)
  await pc.setRemoteDescription({ type: 'offer', sdp })
  await pc.setLocalDescription(await pc.createAnswer())
  await gathered(pc)
  return { id, sdp: pc.localDescription.sdp }
}

/**
 * Receiver side: resolves once `bytes` arrived, with the first and last arrival on the
 * wall clock (timeOrigin + now), comparable between the instances of one machine.
 */
export async function receive (id, bytes) {
  const state = conns.get(id)
  state.expected = bytes
  if (state.received >= bytes) state.done()
  await state.finished
  return { bytes: state.received, first: performance.timeOrigin + state.first, last: performance.timeOrigin + state.last }
}

/** Sender side: pushes `bytes` through each of the given connections' channels at once. */
export async function send (ids, bytes) {
  const chunk = new Uint8Array(MESSAGE).map((_, i) => i)
  await Promise.all(ids.map(id => new Promise(resolve => {
    const { channel } = conns.get(id)
    let sent = 0
    channel.bufferedAmountLowThreshold = LOW
    const pump = () => {
      while (sent < bytes && channel.bufferedAmount < HIGH) {
        const n = Math.min(MESSAGE, bytes - sent)
        channel.send(n === MESSAGE ? chunk : chunk.subarray(0, n))
        sent += n
      }
      if (sent >= bytes) resolve()
    }
    channel.onbufferedamountlow = pump
    pump()
  })))
}

export function closeAll () {
  for (const { pc } of conns.values()) pc.close()
  conns.clear()
}
