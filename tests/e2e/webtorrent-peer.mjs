// Runs inside Chromium: a real WebTorrent 3 peer (its published browser bundle) driven by the
// tests and benchmarks through page.evaluate. WebTorrent's defaults, except: peers come only
// from the given tracker (no DHT/LSD in a page anyway), and no STUN servers, as peerpage's page
// on loopback uses none (www/app-state.js), so both gather the same host candidates.

import WebTorrent from '/nm/webtorrent/dist/webtorrent.min.js'
import { chunkDigests } from '/tests/e2e/digest.mjs'

let client = null
const seen = new Set() // peer ids met while downloading
const wires = [] // every wire this client had, kept after it closes: its byte counts are the record

/** Keeps the torrent's wires and the peer ids it meets. */
function record (torrent) {
  torrent.on('wire', wire => { seen.add(wire.peerId); wires.push(wire) })
  return torrent
}

function ensureClient () {
  if (client) return client
  client = new WebTorrent({ dht: false, lsd: false, tracker: { rtcConfig: { iceServers: [] } } })
  client.on('error', err => { window.__wtError = String(err?.message || err) })
  return client
}

/**
 * Seeds the file picked in #pick, or every file picked as a folder called `name`; resolves
 * once the tracker has answered an announce.
 */
export async function seed (trackerUrl, { name } = {}) {
  const files = [...document.getElementById('pick').files]
  const c = ensureClient()
  let torrent
  const announced = new Promise(resolve => {
    // Listen before the torrent exists: the first announce can come before 'seed'.
    c.once('add', t => t.once('trackerAnnounce', resolve))
  })
  await new Promise((resolve, reject) => {
    c.once('error', reject)
    const input = files.length > 1 ? files : files[0]
    torrent = record(c.seed(input, { announce: [trackerUrl], name: name ?? files[0].name }, resolve))
  })
  await announced
  return { magnet: torrent.magnetURI, infoHash: torrent.infoHash, length: torrent.length, pieceLength: torrent.pieceLength }
}

let downloaded = null

/** Downloads a magnet: times (ms after the add) of metadata, first verified piece and done. */
export async function download (magnet) {
  const c = ensureClient()
  const t0 = performance.now()
  const times = { metadata: null, firstPiece: null, done: null }
  const torrent = record(c.add(magnet))
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

let joined = null // the torrent of join(), driven by its file selection

/**
 * Joins a magnet wanting only the files at `only` (indices; every file when null): the
 * others stay unselected until selectAll(). Resolves with the file names once the metadata
 * is in.
 */
export async function join (magnet, { only = null } = {}) {
  const c = ensureClient()
  joined = record(c.add(magnet, { deselect: only !== null }))
  await new Promise((resolve, reject) => {
    joined.once('ready', resolve)
    joined.once('error', reject)
  })
  if (only !== null) for (const i of only) joined.files[i].select()
  return joined.files.map(f => f.path)
}

/** Resolves once the files at `indices` of the joined torrent are verified. */
export async function filesDone (indices) {
  await Promise.all(indices.map(i => joined.files[i].done ? null : new Promise(resolve => joined.files[i].once('done', resolve))))
}

/** Wants every file of the joined torrent; resolves once all are verified. */
export async function selectAll () {
  const done = joined.done ? null : new Promise(resolve => joined.once('done', resolve))
  joined.select(0, joined.pieces.length - 1, 0)
  await done
}

/** Digests of file `index` of the joined torrent. */
export async function joinedDigests (index) {
  const file = joined.files[index]
  return chunkDigests(file.length, async (start, end) => new Uint8Array(await file.arrayBuffer({ start, end: end - 1 })))
}

/** Bytes this client downloaded from and uploaded to each peer id (hex) over every wire. */
export function wireBytes () {
  const out = {}
  for (const w of wires) {
    const o = (out[w.peerId] ??= { downloaded: 0, uploaded: 0 })
    o.downloaded += w.downloaded
    o.uploaded += w.uploaded
  }
  return out
}

/** This client's peer id (hex). */
export function peerId () {
  return ensureClient().peerId
}
