// Local server for peerpage: the static page and an embedded WebSocket tracker on one port.
//
//   node www/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-build]
//                      [--kiosk DIR [--public-url URL] [--kiosk-cache DIR]]
//
// One port serves both, so the page's default tracker is ws://<same host>/announce and two
// tabs can share a file with nothing else running. Binds to loopback unless told otherwise.
// With --kiosk, it also makes a torrent of DIR and serves it for www/kiosk.html (serve-kiosk.mjs).

import http from 'node:http'
import { spawnSync } from 'node:child_process'
import { existsSync, statSync, readdirSync } from 'node:fs'
import { extname, join, normalize, resolve, sep, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
// The server entry only: the package root also loads the client and its native WebRTC module.
import TrackerServer from 'bittorrent-tracker/server'
import { sendFile } from './serve-range.mjs'
import { usableUrls, reachableHost } from './serve-urls.mjs'
import { makeKioskTorrent, kioskRoutes, defaultCacheDir } from './serve-kiosk.mjs'

const WWW = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(WWW, '..')

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.torrent': 'application/x-bittorrent',
  '.txt': 'text/plain; charset=utf-8'
}

export function parseArgs (argv) {
  const opts = { port: Number(process.env.PORT) || 8080, host: process.env.HOST || '127.0.0.1', build: true }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--port') opts.port = Number(argv[++i])
    else if (arg === '--host') opts.host = argv[++i]
    else if (arg === '--no-build') opts.build = false
    else if (arg === '--kiosk') opts.kiosk = argv[++i]
    else if (arg === '--public-url') opts.publicUrl = argv[++i]
    else if (arg === '--kiosk-cache') opts.kioskCache = argv[++i]
    else if (arg === '--help' || arg === '-h') opts.help = true
    else throw new Error(`unknown argument ${arg} (try --help)`)
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port must be 0-65535')
  if (opts.kiosk === undefined && (opts.publicUrl || opts.kioskCache)) throw new Error('--public-url and --kiosk-cache go with --kiosk DIR')
  if ('kiosk' in opts && !opts.kiosk) throw new Error('--kiosk needs a folder')
  if (opts.publicUrl) {
    const u = new URL(opts.publicUrl)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('--public-url must be http(s)')
    opts.publicUrl = u.origin + '/'
  }
  return opts
}

function newestMtime (dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** The wasm build (torrent and wallet modules) is stale when missing or older than any Rust source. */
export function buildIsStale () {
  const modules = ['peerpage_bg.wasm', 'wallet_bg.wasm'].map(name => join(WWW, 'pkg', name))
  if (!modules.every(existsSync)) return true
  const sources = Math.max(newestMtime(join(ROOT, 'src')), statSync(join(ROOT, 'Cargo.toml')).mtimeMs)
  return Math.min(...modules.map(wasm => statSync(wasm).mtimeMs)) < sources
}

/** Resolves a URL path inside `root`; null when it would escape it. */
function inside (root, pathname) {
  const file = normalize(join(root, pathname))
  return file.startsWith(root + sep) ? file : null
}

/**
 * Serves files under www/ only (and under each extra `mounts` prefix, its own directory);
 * anything that escapes them is a 404. Answers Range requests with 206, so any file can be a
 * BEP 19 web seed, and allows any origin to read them (web seeds are fetched cross-origin).
 */
function serveStatic (req, res, pathname, mounts) {
  if (pathname.endsWith('/')) pathname += 'index.html'
  let file
  const mount = Object.keys(mounts).find(prefix => pathname.startsWith(prefix))
  if (mount) file = inside(resolve(mounts[mount]), pathname.slice(mount.length - 1))
  else {
    file = inside(WWW, pathname)
    if (file && file.endsWith('.mjs') && file.startsWith(join(WWW, 'serve'))) file = null
  }
  if (!file) {
    res.writeHead(404).end('not found')
    return
  }
  let stat
  try {
    stat = statSync(file)
  } catch {
    res.writeHead(404).end('not found')
    return
  }
  if (!stat.isFile()) {
    res.writeHead(404).end('not found')
    return
  }
  sendFile(req, res, file, stat, {
    'Content-Type': MIME[extname(file)] || 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges',
    // Lets the page use SharedArrayBuffer-free workers and OPFS without surprises.
    'Cross-Origin-Opener-Policy': 'same-origin'
  })
}

function newTracker (quiet) {
  const tracker = new TrackerServer({ http: false, udp: false, stats: false, ws: { noServer: true } })
  tracker.on('error', err => { if (!quiet) console.error('tracker error:', err.message) })
  tracker.on('warning', err => { if (!quiet) console.warn('tracker warning:', err.message) })
  // bittorrent-tracker turns off ws's client tracking; we track them to drop them on close.
  tracker.sockets = new Set()
  return tracker
}

/** Closes a tracker and drops its sockets (ws 8 leaves open connections open on close). */
function closeTracker (tracker) {
  return new Promise(resolve => {
    for (const socket of tracker.sockets) socket.terminate()
    tracker.close(() => resolve())
  })
}

/**
 * Starts the static server and the tracker on one port; resolves to
 * { url, urls, trackerUrl, tracker, server, restartTracker, close } (`url`: the first of
 * `urls`, the addresses a browser can open, see serve-urls.mjs) and, with `kiosk` (a folder),
 * once its torrent is made, { kiosk, kioskCounters } too. `mounts` ({'/prefix/': directory})
 * serves more directories, e.g. test files as web seeds.
 */
export async function start ({ port = 8080, host = '127.0.0.1', quiet = false, mounts = {}, kiosk: kioskDir, publicUrl, kioskCache } = {}) {
  let tracker = newTracker(quiet)
  let trackerDown = false
  let kiosk = null
  const routes = kioskDir ? kioskRoutes(() => kiosk) : null

  const server = http.createServer((req, res) => {
    let pathname
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    } catch {
      res.writeHead(400).end('bad request')
      return
    }
    // The kiosk's web seed decodes its own path segments (a name may contain '/' encoded).
    if (routes && routes.handler(req, res, new URL(req.url, 'http://x').pathname)) return
    serveStatic(req, res, pathname, mounts)
  })
  server.on('upgrade', (req, socket, head) => {
    if (trackerDown || new URL(req.url, 'http://x').pathname !== '/announce') {
      socket.destroy()
      return
    }
    const current = tracker
    current.ws.handleUpgrade(req, socket, head, ws => {
      current.sockets.add(ws)
      ws.once('close', () => current.sockets.delete(ws))
      current.ws.emit('connection', ws, req)
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const address = server.address()
  const urls = usableUrls(host, address.port)
  const url = urls[0]
  const trackerUrl = url.replace(/^http/, 'ws') + 'announce'
  const handle = {
    url,
    urls,
    trackerUrl,
    get tracker () { return tracker },
    server,
    /**
     * Stops the tracker (dropping every client's socket and its whole swarm state), refuses
     * connections for `downMs`, then starts a fresh one: clients must reconnect and re-announce.
     */
    async restartTracker ({ downMs = 0 } = {}) {
      trackerDown = true
      await closeTracker(tracker)
      await new Promise(resolve => setTimeout(resolve, downMs))
      tracker = newTracker(quiet)
      trackerDown = false
    },
    close: async () => {
      await closeTracker(tracker)
      await new Promise(resolve => {
        server.close(() => resolve())
        server.closeAllConnections?.()
      })
    }
  }
  if (kioskDir) {
    const base = publicUrl || `http://${reachableHost(host)}:${address.port}/`
    let lastLog = 0
    kiosk = { hashing: { hashed: 0, total: 0 } }
    try {
      kiosk = await makeKioskTorrent({
        dir: kioskDir,
        baseUrl: base,
        trackerUrl: base.replace(/^http/, 'ws') + 'announce',
        cacheDir: kioskCache || defaultCacheDir(),
        onProgress: (hashed, total) => {
          kiosk = { hashing: { hashed, total } }
          if (!quiet && Date.now() - lastLog > 1000) {
            lastLog = Date.now()
            console.log(`kiosk: hashing ${kioskDir}: ${(100 * hashed / total).toFixed(0)}%`)
          }
        }
      })
    } catch (err) {
      kiosk = { error: err.message }
      await handle.close()
      throw err
    }
    handle.kiosk = kiosk
    handle.kioskCounters = routes.counters
  }
  return handle
}

async function main () {
  const opts = parseArgs(process.argv.slice(2))
  if (opts.help) {
    console.log('usage: node www/serve.mjs [--port N] [--host ADDR] [--no-build]\n' +
      '                          [--kiosk DIR [--public-url URL] [--kiosk-cache DIR]]\n' +
      '  --kiosk DIR        share DIR from a kiosk page (open /kiosk.html full screen)\n' +
      '  --public-url URL   the address visitors reach this server at (default: the bound host;\n' +
      '                     with --host 0.0.0.0, this machine\'s first LAN address)\n' +
      '  --kiosk-cache DIR  where piece hashes are cached (default: ~/.cache/peerpage)')
    return
  }
  if (opts.build && buildIsStale()) {
    console.log('building the wasm core (build.sh)...')
    const built = spawnSync('bash', [join(ROOT, 'build.sh')], { stdio: 'inherit' })
    if (built.status !== 0) process.exit(built.status || 1)
  }
  const { url, urls, trackerUrl, kiosk } = await start(opts)
  console.log(`peerpage is running at ${url}`)
  for (const other of urls.slice(1)) console.log(`  from other devices: ${other}`)
  if (urls.length > 1) console.log('  (over plain http a page keeps its pieces in memory, not on disk)')
  console.log(`embedded WebSocket tracker: ${trackerUrl}`)
  if (kiosk) {
    console.log(`kiosk: ${kiosk.name}, ${kiosk.files.length} files, ${kiosk.length} bytes, info hash ${kiosk.infoHash}` +
      (kiosk.fromCache ? ' (piece hashes from the cache)' : ''))
    console.log(`kiosk page: ${url}kiosk.html  (visitors join at ${kiosk.joinUrl})`)
    if (/^http:\/\/(127\.|localhost|\[::1\])/.test(kiosk.joinUrl)) {
      console.log('kiosk: visitors on other devices cannot reach a loopback address; use --host 0.0.0.0 or --public-url')
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(err => {
    console.error(err.message)
    process.exit(1)
  })
}
