// The kiosk half of the local server (`npm start -- --kiosk DIR`): makes a torrent of DIR with
// the core, announces it on the embedded tracker, serves DIR as the torrent's web seed (BEP 19)
// and serves the torrent and the visitors' join link to the kiosk page (www/kiosk.html).
//
// Hashing a big folder takes a while, so piece hashes are cached, keyed by every file's path,
// size and mtime: a restart over an unchanged folder re-uses them (the trackers and web seed,
// which live outside the info dictionary, may change with the port).

import { createHash } from 'node:crypto'
import { readdirSync, statSync, readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs'
import { join, resolve, basename } from 'node:path'
import { homedir, availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { loadCore } from './serve-core.mjs'
import { sendFile } from './serve-range.mjs'

/** Where the web seed lives on the server: /kiosk/<torrent name>/<path in DIR>. */
export const WEBSEED_PATH = '/kiosk/'
const CACHE_VERSION = 1

/**
 * Regular files under `dir` as [{path: string[], abs, size, mtimeMs}], sorted by path (code
 * point order, so the torrent never depends on the locale). Dot entries (.git, .DS_Store) are
 * left out; symlinks to files are followed, symlinks to folders are not (no cycles).
 */
export function listFiles (dir) {
  const out = []
  const walk = (abs, path) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const child = join(abs, entry.name)
      if (entry.isDirectory()) walk(child, [...path, entry.name])
      else if (entry.isFile() || entry.isSymbolicLink()) {
        const st = statSync(child)
        if (st.isFile()) out.push({ path: [...path, entry.name], abs: child, size: st.size, mtimeMs: st.mtimeMs })
      }
    }
  }
  walk(dir, [])
  const key = f => f.path.join('\0')
  return out.sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
}

/** What the cache is keyed by: the folder's name and every file's path, size and mtime. */
export function fingerprint (name, files) {
  const h = createHash('sha256')
  h.update(JSON.stringify([CACHE_VERSION, name, files.map(f => [f.path, f.size, f.mtimeMs])]))
  return h.digest('hex')
}

export function defaultCacheDir () {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'peerpage')
}

function cacheFile (cacheDir, absDir) {
  return join(cacheDir, `kiosk-${createHash('sha1').update(absDir).digest('hex').slice(0, 16)}.json`)
}

function readCache (path, key) {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8'))
    if (c.version === CACHE_VERSION && c.key === key) return c
  } catch {}
  return null
}

function writeCache (path, record) {
  try {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path + '.tmp', JSON.stringify(record))
    renameSync(path + '.tmp', path)
  } catch (err) {
    // A read-only home only costs a re-hash next time.
    console.warn(`kiosk: could not write the hash cache ${path}: ${err.message}`)
  }
}

/** Hashes every piece with one worker thread per planned share; resolves to the joined hashes. */
async function hashPieces (creator, files, onProgress) {
  const jobs = creator.plan(Math.max(1, Math.min(4, availableParallelism())))
  const pieceLength = creator.pieceLength()
  const total = files.reduce((n, f) => n + f.size, 0)
  let hashed = 0
  const workers = []
  try {
    const shares = await Promise.all(jobs.map(job => new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./serve-hash-worker.mjs', import.meta.url), {
        workerData: { paths: files.map(f => f.abs), job, pieceLength }
      })
      workers.push(worker)
      worker.on('message', msg => {
        if (msg.type === 'progress') {
          hashed += msg.bytes
          onProgress(hashed, total)
        } else if (msg.type === 'done') resolve(new Uint8Array(msg.hashes))
        else if (msg.type === 'error') reject(Object.assign(new Error(msg.message), { code: msg.code }))
      })
      worker.on('error', reject)
      worker.on('exit', code => { if (code !== 0) reject(new Error(`hashing worker exited with ${code}`)) })
    })))
    const joined = new Uint8Array(shares.reduce((n, s) => n + s.length, 0))
    let at = 0
    for (const s of shares) {
      joined.set(s, at)
      at += s.length
    }
    return joined
  } finally {
    for (const w of workers) w.terminate()
  }
}

/**
 * Makes (or re-makes from the cache) the kiosk torrent of `dir`. `baseUrl` is the server's
 * public http URL ending in '/', `trackerUrl` its ws:// announce URL. Resolves to
 * {torrent, infoHash, name, magnet, joinUrl, webSeed, trackerUrl, files, length, fromCache}.
 */
export async function makeKioskTorrent ({ dir, baseUrl, trackerUrl, cacheDir = defaultCacheDir(), onProgress = () => {} }) {
  const core = await loadCore()
  const absDir = resolve(dir)
  if (!statSync(absDir).isDirectory()) throw new Error(`--kiosk ${dir}: not a folder`)
  const name = basename(absDir)
  const files = listFiles(absDir)
  if (!files.length) throw new Error(`--kiosk ${dir}: the folder has no files to share`)
  const key = fingerprint(name, files)
  const cachePath = cacheFile(cacheDir, absDir)
  const cached = readCache(cachePath, key)
  const webSeed = baseUrl + WEBSEED_PATH.slice(1)
  const options = {
    name,
    trackers: [[trackerUrl]],
    webSeeds: [webSeed],
    createdBy: `peerpage ${core.version()}`,
    creationDate: cached ? cached.creationDate : Math.floor(Date.now() / 1000)
  }
  if (cached) options.pieceLength = cached.pieceLength
  const creator = new core.TorrentCreator(options, files.map(f => ({ path: f.path, length: f.size })))
  let result
  try {
    const hashes = cached
      ? new Uint8Array(Buffer.from(cached.pieceHashes, 'base64'))
      : await hashPieces(creator, files, onProgress)
    const pieceLength = creator.pieceLength()
    result = creator.finishWithPieceHashes(hashes)
    if (cached && result.infoHash !== cached.infoHash) throw new Error('kiosk: the hash cache disagrees with itself')
    if (!cached) {
      writeCache(cachePath, {
        version: CACHE_VERSION, key, infoHash: result.infoHash, pieceLength,
        creationDate: options.creationDate, pieceHashes: Buffer.from(hashes).toString('base64')
      })
    }
  } finally {
    creator.free()
  }
  const meta = core.parseTorrent(result.torrent)
  // Visitors join through the kiosk and each other: the magnet names the tracker but not the
  // web seed, so the folder's bytes leave this server once, to the kiosk, not to every phone.
  const magnet = `magnet:?xt=urn:btih:${result.infoHash}&dn=${encodeURIComponent(name)}&tr=${encodeURIComponent(trackerUrl)}`
  if (core.parseMagnet(magnet).infoHash !== result.infoHash) throw new Error('kiosk: the join magnet does not parse back')
  return {
    torrent: result.torrent,
    infoHash: result.infoHash,
    name,
    magnet,
    joinUrl: `${baseUrl}#magnet=${encodeURIComponent(magnet)}`,
    webSeed,
    trackerUrl,
    files,
    length: meta.totalLength,
    pieceLength: meta.pieceLength,
    pieceCount: meta.pieceCount,
    fromCache: Boolean(cached)
  }
}

const CORS = {
  // Another peerpage origin may use this folder as a web seed too.
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Range',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges'
}

/**
 * The kiosk's HTTP routes. `state()` returns the torrent record once made, or
 * {hashing: {hashed, total}} / {error} before. Returns a handler that answers and returns true
 * for the kiosk's paths, false for the rest, and `counters` of the web seed's requests and
 * body bytes sent.
 */
export function kioskRoutes (state) {
  const counters = { webSeedBytes: 0, webSeedRequests: 0 }
  let byPath = null
  let indexed = null
  const lookup = (kiosk, segments) => {
    if (indexed !== kiosk) {
      byPath = new Map(kiosk.files.map(f => [[kiosk.name, ...f.path].join('\0'), f]))
      indexed = kiosk
    }
    return byPath.get(segments.join('\0'))
  }
  const json = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    res.end(JSON.stringify(body))
  }
  const handler = (req, res, pathname) => {
    const kiosk = state()
    if (pathname === '/kiosk.json') {
      if (!kiosk || kiosk.error || kiosk.hashing) return json(res, 503, kiosk || { starting: true }), true
      const { torrent, files, ...rest } = kiosk
      json(res, 200, { ...rest, files: files.length, torrentUrl: '/kiosk.torrent' })
      return true
    }
    if (pathname === '/kiosk.torrent') {
      if (!kiosk?.torrent) return json(res, 503, { error: 'the kiosk torrent is not ready' }), true
      res.writeHead(200, { 'Content-Type': 'application/x-bittorrent', 'Content-Length': kiosk.torrent.length, 'Cache-Control': 'no-store', ...CORS })
      res.end(req.method === 'HEAD' ? undefined : Buffer.from(kiosk.torrent))
      return true
    }
    if (!pathname.startsWith(WEBSEED_PATH)) return false
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Methods': 'GET, HEAD' }).end()
      return true
    }
    let segments
    try {
      segments = pathname.slice(WEBSEED_PATH.length).split('/').map(decodeURIComponent)
    } catch {
      res.writeHead(400, CORS).end('bad request')
      return true
    }
    const file = kiosk?.torrent && lookup(kiosk, segments)
    let st
    try {
      st = file && statSync(file.abs)
    } catch {}
    // Only the torrent's files, and only as they were hashed: a changed file would feed the
    // swarm pieces that fail their hash.
    if (!st || st.size !== file.size || st.mtimeMs !== file.mtimeMs) {
      res.writeHead(404, CORS).end(file ? 'this file changed after the torrent was made; restart the kiosk' : 'not found')
      return true
    }
    counters.webSeedRequests++
    const sending = sendFile(req, res, file.abs, st, { ...CORS, 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-cache' })
    res.on('finish', () => { counters.webSeedBytes += sending })
    return true
  }
  return { handler, counters }
}
