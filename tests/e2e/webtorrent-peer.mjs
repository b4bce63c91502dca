// Runs inside Chromium: a real WebTorrent 3 peer (its published browser bundle) driven by the
// tests and benchmarks through page.evaluate. WebTorrent's defaults, except: peers come only
// from the given tracker (no DHT/LSD in a page anyway), and no STUN servers, as peerpage's page
// on loopback uses none (www/app-state.js), so both gather the same host candidates.

import WebTorrent from '/nm/webtorrent/dist/webtorrent.min.js'
import { chunkDigests } from '/tests/e2e/digest.mjs'

let client = null

function ensureClient () {
  if (client) return client
  client = new WebTorrent({ dht: false, lsd: false, tracker: { rtcConfig: { iceServers: [] } } })
  client.on('error', err => { window.__wtError = String(err?.message || err) })
  return client
}

/** Seeds the file picked in #pick; resolves once the tracker has answered an announce. */
export async function seed (trackerUrl) {
  const file = document.getElementById('pick').files[0]
  const c = ensureClient()
  let torrent
  const announced = new Promise(resolve => {
    // Listen before the torrent exists: the first announce can come before 'seed'.
    c.once('add', t => t.once('trackerAnnounce', resolve))
  })
  await new Promise((resolve, reject) => {
    c.once('error', reject)
    torrent = c.seed(file, { announce: [trackerUrl], name: file.name }, resolve)
  })
  await announced
  return { magnet: torrent.magnetURI, infoHash: torrent.infoHash, length: torrent.length }
}

let downloaded = null
const seen = new Set() // peer ids met while downloading

/** Downloads a magnet: times (ms after the add) of metadata, first verified piece and done. */
export async function download (magnet) {
  const c = ensureClient()
  const t0 = performance.now()
  const times = { metadata: null, firstPiece: null, done: null }
  const torrent = c.add(magnet)
  torrent.on('wire', wire => seen.add(wire.peerId))
  torrent.once('metadata', () => { times.metadata = performance.now() - t0 })
  torrent.once('verified', () => { times.firstPiece = performance.now() - t0 })
  await new Promise((resolve, reject) => {
    torrent.once('done', resolve)
    torrent.once('error', reject)
    c.once('error', reject)
  })
  times.done = performance.now() - t0
  downloaded = torrent
  return { ...times, startedAt: t0, length: torrent.length, peers: torrent.numPeers }
}

/** Digests of the downloaded file's bytes as WebTorrent stored them (after download()). */
export async function digests () {
  const file = downloaded.files[0]
  return chunkDigests(file.length, async (start, end) => new Uint8Array(await file.arrayBuffer({ start, end: end - 1 })))
}

export async function destroy () {
  if (!client) return
  await new Promise(resolve => client.destroy(resolve))
  client = null
}

/** Hex peer ids met while downloading and of every torrent's current wires. */
export function peerIds () {
  for (const t of client?.torrents || []) for (const w of t.wires) seen.add(w.peerId)
  return [...seen]
}
