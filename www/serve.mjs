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

/** Serves files under www/ only; anything that escapes it is a 404. */
function serveStatic (req, res) {
  let pathname
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname)
  } catch {
    res.writeHead(400).end('bad request')
    return
  }
  if (pathname.endsWith('/')) pathname += 'index.html'
  const file = normalize(join(WWW, pathname))
  if (!file.startsWith(WWW + sep) || file.endsWith('.mjs') && file.startsWith(join(WWW, 'serve'))) {
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
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] || 'application/octet-stream',
    'Content-Length': stat.size,
    'Cache-Control': 'no-cache',
    // Lets the page use SharedArrayBuffer-free workers and OPFS without surprises.
    'Cross-Origin-Opener-Policy': 'same-origin'
  })
  if (req.method === 'HEAD') return res.end()
  createReadStream(file).pipe(res)
}

/** Starts the static server and the tracker on one port; resolves to { url, tracker, close }. */
export async function start ({ port = 8080, host = '127.0.0.1', quiet = false } = {}) {
  const tracker = new TrackerServer({ http: false, udp: false, stats: false, ws: { noServer: true } })
  tracker.on('error', err => { if (!quiet) console.error('tracker error:', err.message) })
  tracker.on('warning', err => { if (!quiet) console.warn('tracker warning:', err.message) })

  const server = http.createServer(serveStatic)
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
