// Page side of streaming: registers the service worker (www/sw.js, scope: the site root) and
// answers its questions from the pump: 'stat' (does this page have that file, how long is it)
// and 'read' (bytes start..end of the file, through pump.readRange).

import { Bits } from '../bits.js'

/** How long to wait for the worker to take control of this page. */
const CLAIM_WAIT_MS = 5000

/** The URL a <video> or a download uses for file `fileIndex` of torrent `infoHash`. */
export function streamUrl (infoHash, fileIndex, name, { download = false } = {}) {
  const leaf = encodeURIComponent(name.split('/').pop() || 'file')
  const url = new URL(`stream/${infoHash}/${fileIndex}/${leaf}`, new URL('../', import.meta.url))
  if (download) url.search = '?download'
  return url.href
}

/** Finds the torrent id and file record for an info hash and file index, or null. */
function lookup (pump, infoHash, fileIndex) {
  for (const { id, info } of pump.list()) {
    if (info.infoHash !== infoHash || !info.hasMetadata) continue
    const file = info.files.find(f => f.index === fileIndex)
    return file ? { id, file } : null
  }
  return null
}

/**
 * Where a read starting at `start` should stop so it waits for one piece at most: the end of
 * the piece holding `start`, extended over the following pieces already verified. A player
 * then gets the bytes it needs first as soon as they exist, and long reads where they do.
 */
function readyEnd (pump, { id, file }, start, end) {
  const { pieceLength, pieceCount } = pump.info(id)
  const verified = new Bits(pieceCount, pump.pieceMap(id))
  let piece = Math.floor((file.offset + start) / pieceLength)
  let to = Math.min(end, (piece + 1) * pieceLength - file.offset)
  while (to < end && verified.has(++piece)) to = Math.min(end, (piece + 1) * pieceLength - file.offset)
  return to
}

/** The newest request's seq per "infoHash/fileIndex" (see sw.js nextSeq). */
const newest = new Map()

/** Resolves once file bytes [start, end) are in verified pieces (checked on each progress). */
function verified (pump, { id, file }, start, end) {
  const { pieceLength, pieceCount } = pump.info(id)
  const first = Math.floor((file.offset + start) / pieceLength)
  const last = Math.floor((file.offset + end - 1) / pieceLength)
  const done = () => {
    const verified = new Bits(pieceCount, pump.pieceMap(id))
    for (let p = first; p <= last; p++) if (!verified.has(p)) return false
    return true
  }
  if (done()) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const check = ({ detail }) => {
      if (detail.id !== id) return
      let ready
      try { ready = done() } catch (err) { ready = err }
      if (!ready) return
      pump.removeEventListener('progress', check)
      pump.removeEventListener('removed', check)
      if (ready instanceof Error) reject(ready)
      else resolve()
    }
    pump.addEventListener('progress', check)
    pump.addEventListener('removed', check)
  })
}

async function answer (pump, data, port) {
  try {
    const found = lookup(pump, data.infoHash, data.fileIndex)
    if (data.op === 'stat') {
      port.postMessage(found ? { found: true, length: found.file.length, name: found.file.path.split('/').pop() } : { found: false })
      return
    }
    if (data.op !== 'read') throw new Error(`unknown stream op ${data.op}`)
    if (!found) throw Object.assign(new Error('the torrent was removed'), { code: 'stream.gone' })
    const end = readyEnd(pump, found, data.start, data.end)
    const key = `${data.infoHash}/${data.fileIndex}`
    if (!(newest.get(key) > data.seq)) newest.set(key, data.seq)
    // An older request of this file waits for its bytes without moving the stream window.
    if (newest.get(key) > data.seq) await verified(pump, found, data.start, end)
    const bytes = await pump.readRange(found.id, data.fileIndex, data.start, end)
    // Transfer the buffer when the view owns all of it; else copy just the view.
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer : bytes.slice().buffer
    port.postMessage({ bytes: buffer }, [buffer])
  } catch (err) {
    port.postMessage({ error: err.message || String(err), code: err.code })
  }
}

/**
 * Registers the worker and starts answering it. Resolves to true once a worker controls this
 * page (streaming works), false when service workers are unavailable (e.g. not a secure
 * context, or a private window that forbids them).
 */
export async function startStreaming (pump) {
  if (!('serviceWorker' in navigator)) return false
  navigator.serviceWorker.addEventListener('message', ev => {
    if (ev.data && ev.data.peerpageStream && ev.ports[0]) answer(pump, ev.data, ev.ports[0])
  })
  navigator.serviceWorker.startMessages()
  const container = navigator.serviceWorker
  const controlled = new Promise(resolve => {
    if (container.controller) resolve()
    else container.addEventListener('controllerchange', resolve, { once: true })
  })
  try {
    await container.register(new URL('../sw.js', import.meta.url), {
      type: 'module', scope: new URL('../', import.meta.url).pathname
    })
  } catch (err) {
    console.warn('streaming is off: the service worker did not register', err)
    return false
  }
  const registration = await container.ready
  // A first visit is claimed as the worker activates; after a hard reload the page starts
  // uncontrolled, so ask the active worker to claim it.
  if (!container.controller) registration.active?.postMessage({ peerpageClaim: true })
  await Promise.race([controlled, new Promise(resolve => setTimeout(resolve, CLAIM_WAIT_MS))])
  return Boolean(container.controller)
}
