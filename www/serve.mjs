// Local server for peerpage: the static page and an embedded WebSocket tracker on one port.
//
//   node www/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-build]
//
// One port serves both, so the page's default tracker is ws://<same host>/announce and two
// tabs can share a file with nothing else running. Binds to loopback unless told otherwise.

import http from 'node:http'
import { spawnSync } from 'node:child_process'
import { createReadStream, existsSync, statSync, readdirSync } from 'node:fs'
import { extname, join, normalize, resolve, sep, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
// The server entry only: the package root also loads the client and its native WebRTC module.
import TrackerServer from 'bittorrent-tracker/server'

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
    else if (arg === '--help' || arg === '-h') opts.help = true
    else throw new Error(`unknown argument ${arg} (try --help)`)
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port must be 0-65535')
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

/** The wasm build is stale when it is missing or older than any Rust source. */
export function buildIsStale () {
  const wasm = join(WWW, 'pkg', 'peerpage_bg.wasm')
  if (!existsSync(wasm)) return true
  const sources = Math.max(newestMtime(join(ROOT, 'src')), statSync(join(ROOT, 'Cargo.toml')).mtimeMs)
  return statSync(wasm).mtimeMs < sources
}

/**
 * Parses a Range header against a file of `size` bytes: {start, end} (inclusive), null when
 * absent or not a single bytes range (the whole file is sent), or 'unsatisfiable'.
 */
export function parseRange (header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(String(header || '').trim())
  if (!m || (m[1] === '' && m[2] === '')) return null
  let start, end
  if (m[1] === '') {
    // A suffix: the last N bytes.
    const n = Number(m[2])
    if (n === 0) return 'unsatisfiable'
    start = Math.max(0, size - n)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
    if (m[2] !== '' && Number(m[2]) < start) return null
  }
  if (start >= size) return 'unsatisfiable'
  return { start, end }
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
function serveStatic (req, res, mounts) {
  let pathname
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname)
  } catch {
    res.writeHead(400).end('bad request')
    return
  }
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
  const headers = {
    'Content-Type': MIME[extname(file)] || 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'Accept-Ranges': 'bytes',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges',
    // Lets the page use SharedArrayBuffer-free workers and OPFS without surprises.
    'Cross-Origin-Opener-Policy': 'same-origin'
  }
  const range = parseRange(req.headers.range, stat.size)
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${stat.size}` }).end()
    return
  }
  if (range) {
    res.writeHead(206, {
      ...headers,
      'Content-Length': range.end - range.start + 1,
      'Content-Range': `bytes ${range.start}-${range.end}/${stat.size}`
    })
  } else {
    res.writeHead(200, { ...headers, 'Content-Length': stat.size })
  }
  if (req.method === 'HEAD') return res.end()
  createReadStream(file, range || {}).pipe(res)
}

/**
 * Starts the static server and the tracker on one port; resolves to { url, tracker, close }.
 * `mounts` ({'/prefix/': directory}) serves more directories, e.g. test files as web seeds.
 */
export async function start ({ port = 8080, host = '127.0.0.1', quiet = false, mounts = {} } = {}) {
  const tracker = new TrackerServer({ http: false, udp: false, stats: false, ws: { noServer: true } })
  tracker.on('error', err => { if (!quiet) console.error('tracker error:', err.message) })
  tracker.on('warning', err => { if (!quiet) console.warn('tracker warning:', err.message) })

  const server = http.createServer((req, res) => serveStatic(req, res, mounts))
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url, 'http://x').pathname !== '/announce') {
      socket.destroy()
      return
    }
    tracker.ws.handleUpgrade(req, socket, head, ws => tracker.ws.emit('connection', ws, req))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const address = server.address()
  const url = `http://${host}:${address.port}/`
  const trackerUrl = `ws://${host}:${address.port}/announce`
  return {
    url,
    trackerUrl,
    tracker,
    server,
    close: () => new Promise(resolve => {
      tracker.close(() => server.close(() => resolve()))
      server.closeAllConnections?.()
    })
  }
}

async function main () {
  const opts = parseArgs(process.argv.slice(2))
  if (opts.help) {
    console.log('usage: node www/serve.mjs [--port N] [--host ADDR] [--no-build]')
    return
  }
  if (opts.build && buildIsStale()) {
    console.log('building the wasm core (build.sh)...')
    const built = spawnSync('bash', [join(ROOT, 'build.sh')], { stdio: 'inherit' })
    if (built.status !== 0) process.exit(built.status || 1)
  }
  const { url, trackerUrl } = await start(opts)
  console.log(`peerpage is running at ${url}`)
  console.log(`embedded WebSocket tracker: ${trackerUrl}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(err => {
    console.error(err.message)
    process.exit(1)
  })
}
