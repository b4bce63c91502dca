// Runs inside Chromium on peerpage's own page: drives the page's started pump (CORE_API.md)
// the way webtorrent-peer.mjs drives WebTorrent, with the same functions and results.

import { chunkDigests } from '/tests/e2e/digest.mjs'

/** The page's started pump (main.js exposes it as window.peerpage.pump once it is up). */
async function pump () {
  for (let i = 0; i < 1000 && !window.peerpage?.pump; i++) await new Promise(resolve => setTimeout(resolve, 10))
  if (!window.peerpage?.pump) throw new Error('the page has no started pump (window.peerpage.pump)')
  return window.peerpage.pump
}
let downloaded = null
const seen = new Set() // peer ids met while downloading (a finished download drops seeders)

/** Seeds the file picked in #pick; resolves once a tracker has answered for it. */
export async function seed (trackerUrl) {
  const p = await pump()
  const file = document.getElementById('pick').files[0]
  const id = await p.seedFiles([file])
  const info = p.info(id)
  const announced = () => p.trackers(id).some(t => t.url === trackerUrl && t.connected && !t.lastError)
  while (!announced()) await new Promise(resolve => setTimeout(resolve, 20))
  return { magnet: info.magnet, infoHash: info.infoHash, length: info.length }
}

/**
 * Downloads a magnet: times (ms after the add) of metadata, first verified piece and done.
 * The first piece is polled every 5 ms (the pump's 'progress' events are throttled).
 */
export async function download (magnet) {
  const p = await pump()
  const t0 = performance.now()
  const times = { metadata: null, firstPiece: null, done: null }
  const id = p.addMagnet(magnet)
  const complete = new Promise(resolve => {
    const on = e => { if (e.detail.id === id) { p.removeEventListener('complete', on); resolve() } }
    p.addEventListener('complete', on)
  })
  const failed = new Promise((resolve, reject) => p.addEventListener('error', e => {
    if (e.detail.id === id) reject(new Error(`${e.detail.code}: ${e.detail.message}`))
  }))
  const poll = setInterval(() => {
    if (times.metadata === null && p.info(id).hasMetadata) times.metadata = performance.now() - t0
    if (times.firstPiece === null && p.stats(id).verifiedPieces > 0) {
      times.firstPiece = performance.now() - t0
      clearInterval(poll)
    }
  }, 5)
  const meet = () => { for (const peer of p.peers(id)) seen.add(peer.peerId) }
  const meeting = setInterval(meet, 200)
  if (!p.stats(id).complete) await Promise.race([complete, failed])
  times.done = performance.now() - t0
  clearInterval(poll)
  clearInterval(meeting)
  meet()
  downloaded = id
  const info = p.info(id)
  // Memory diagnosis: the core's wasm memory (it never shrinks) and the JS heap, at the end.
  const wasm = await (await import('/pkg/peerpage.js')).default()
  const wasmMiB = wasm.memory.buffer.byteLength / 1048576
  const jsHeapMiB = performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null
  return { ...times, startedAt: t0, length: info.length, pieceLength: info.pieceLength, peers: p.stats(id).peers, wasmMiB, jsHeapMiB }
}

/** Digests of the downloaded file's bytes as the page stored them (after download()). */
export async function digests () {
  const p = await pump()
  const file = p.info(downloaded).files[0]
  return chunkDigests(file.length, (start, end) => p.readRange(downloaded, 0, start, end))
}

export async function destroy () {}

/** Hex peer ids met while downloading and of every torrent's current peers. */
export async function peerIds () {
  const p = await pump()
  for (const t of p.list()) for (const peer of p.peers(t.id)) seen.add(peer.peerId)
  return [...seen]
}

let joined = null // the torrent of join(), driven by its file priorities

/**
 * Joins a magnet wanting only the files at `only` (indices; every file when null): the
 * others are skipped until selectAll(). Resolves with the file paths once the metadata is in.
 */
export async function join (magnet, { only = null } = {}) {
  const p = await pump()
  joined = p.addMagnet(magnet)
  await p.whenMetadata(joined)
  const files = p.info(joined).files
  if (only !== null) for (const f of files) if (!only.includes(f.index)) p.setFilePriority(joined, f.index, 'skip')
  return files.map(f => f.path)
}

/** Resolves once every wanted file of the joined torrent is verified. */
export async function wantedDone () {
  const p = await pump()
  while (!p.stats(joined).complete) await new Promise(resolve => setTimeout(resolve, 50))
}

/** Wants every file of the joined torrent; resolves once all are verified. */
export async function selectAll () {
  const p = await pump()
  for (const f of p.info(joined).files) p.setFilePriority(joined, f.index, 'normal')
  await wantedDone()
}

/** Digests of file `index` of the joined torrent, as the page stored it. */
export async function joinedDigests (index) {
  const p = await pump()
  const file = p.info(joined).files.find(f => f.index === index)
  return chunkDigests(file.length, (start, end) => p.readRange(joined, index, start, end))
}

/** Sets the page's global rate limits (bytes/s, 0 = none). */
export async function limits (down, up) {
  (await pump()).setRateLimits(down, up)
}

/** Hex peer ids of the WebRTC peers of every torrent now. */
export async function connectedIds () {
  const p = await pump()
  return p.list().flatMap(t => p.peers(t.id).filter(x => x.source === 'webrtc').map(x => x.peerId))
}

/** Stats of every torrent: [{infoHash, stats}]. */
export async function allStats () {
  const p = await pump()
  return p.list().map(t => ({ infoHash: t.info.infoHash, stats: t.stats }))
}

/** This page's peer id (hex). */
export async function peerId () {
  return Array.from((await pump()).peerId, b => b.toString(16).padStart(2, '0')).join('')
}
