// Service worker: answers GET /stream/<infoHash>/<fileIndex>/<name> from the page that runs
// the pump, so <video>/<audio> can play and seek a file while it downloads, and a file can be
// saved as a streamed download (?download). The worker holds no torrent state: for every
// request it asks a window client over a MessageChannel ('stat' for the file's length, then
// 'read' for each chunk); the page answers from pump.readRange, which moves the core's stream
// window to those bytes and waits for them to be verified.

import { contentType } from './media-types.js'
import { parseRange } from './range.js'

/** The most bytes asked of the page at a time (it answers sooner with less: pump.readRange's
 * partial reads). */
const CHUNK = 1024 * 1024
/** A page that does not answer a 'stat' within this time is not the pump's owner. */
const STAT_TIMEOUT_MS = 3000

self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()))
// A page loaded with a hard reload starts uncontrolled; it asks to be claimed.
self.addEventListener('message', event => {
  if (event.data && event.data.peerpageClaim) event.waitUntil(self.clients.claim())
})

self.addEventListener('fetch', event => {
  const url = new URL(event.request.url)
  const base = new URL('stream/', self.registration.scope)
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return
  const match = /^([0-9a-f]{40})\/(\d+)\/[^/]+$/i.exec(url.pathname.slice(base.pathname.length))
  if (!match || event.request.method !== 'GET' && event.request.method !== 'HEAD') return
  event.respondWith(serve(event, match[1].toLowerCase(), Number(match[2]), url))
})

/** One request/answer with a client over a fresh MessageChannel. */
function ask (client, message, timeoutMs = 0) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel()
    let timer = 0
    channel.port1.onmessage = ({ data }) => {
      clearTimeout(timer)
      channel.port1.close()
      if (data && data.error) reject(Object.assign(new Error(data.error), { code: data.code }))
      else resolve(data)
    }
    if (timeoutMs) timer = setTimeout(() => { channel.port1.close(); reject(new Error('no answer')) }, timeoutMs)
    client.postMessage({ peerpageStream: true, ...message }, [channel.port2])
  })
}

/** The window client that has this torrent: the requesting page first, then any other. */
async function findOwner (event, infoHash, fileIndex) {
  const candidates = []
  if (event.clientId) candidates.push(await self.clients.get(event.clientId))
  for (const c of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
    if (!candidates.some(k => k && k.id === c.id)) candidates.push(c)
  }
  for (const client of candidates) {
    if (!client) continue
    try {
      const stat = await ask(client, { op: 'stat', infoHash, fileIndex }, STAT_TIMEOUT_MS)
      if (stat && stat.found) return { client, stat }
    } catch { /* not this one */ }
  }
  return null
}

function plain (status, text, headers = {}) {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } })
}

/**
 * Orders requests, newest highest, across restarts of this worker: the page lets only a
 * file's newest request move the core's stream window (a player that seeks leaves its old
 * request reading behind it, which must not pull the window back).
 */
let counter = 0
const nextSeq = () => Date.now() * 1000 + (counter++ % 1000)

async function serve (event, infoHash, fileIndex, url) {
  const seq = nextSeq()
  const owner = await findOwner(event, infoHash, fileIndex)
  if (!owner) return plain(404, 'No open peerpage tab has this torrent file. Open the torrent in peerpage first.')
  const { client, stat } = owner
  const length = stat.length
  const headers = {
    'Content-Type': contentType(stat.name),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
    // Torrent bytes come from strangers: never let them run as a document on our origin.
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'; media-src 'self'; img-src 'self'"
  }
  if (url.searchParams.has('download')) {
    headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(stat.name)}`
  }
  const range = parseRange(event.request.headers.get('Range'), length)
  if (range === 'unsatisfiable') {
    return plain(416, 'Range not satisfiable', { 'Content-Range': `bytes */${length}` })
  }
  const start = range ? range.start : 0
  const end = range ? range.end : length // exclusive
  headers['Content-Length'] = String(end - start)
  if (range) headers['Content-Range'] = `bytes ${start}-${end - 1}/${length}`
  const status = range ? 206 : 200
  if (event.request.method === 'HEAD' || end === start) return new Response(null, { status, headers })
  let at = start
  const body = new ReadableStream({
    // Pulled only as fast as the media element or the download consumes: one chunk at a time.
    async pull (controller) {
      try {
        // The page may answer with fewer bytes (what is there, or one piece): ask on from there.
        const { bytes } = await ask(client, { op: 'read', infoHash, fileIndex, seq, start: at, end: Math.min(end, at + CHUNK) })
        if (!bytes || bytes.byteLength === 0) throw new Error('the page read no bytes')
        controller.enqueue(new Uint8Array(bytes))
        at += bytes.byteLength
        if (at >= end) controller.close()
      } catch (err) {
        controller.error(err)
      }
    }
  }, { highWaterMark: 1 })
  return new Response(body, { status, headers })
}
