// Peers for interop tests and transfer benchmarks: a server that also serves the test drivers
// and npm's reference peers, Chromium instances holding a WebTorrent 3 peer (a blank page) or a
// peerpage peer (the real page), files of random bytes and their chunk digests.

import { readFileSync, existsSync, openSync, writeSync, readSync, closeSync } from 'node:fs'
import { randomBytes, createHash } from 'node:crypto'
import { join, normalize, dirname, extname, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, launchPeer, openPage } from './harness.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.map': 'application/json' }
const MOUNTS = [['/tests/', join(ROOT, 'tests')], ['/nm/', join(ROOT, 'node_modules')]]

export const DRIVERS = {
  webtorrent: '/tests/e2e/webtorrent-peer.mjs',
  peerpage: '/tests/e2e/peerpage-peer.mjs'
}

/**
 * The local server (page + tracker), also serving test modules under /tests/ and npm packages
 * under /nm/ (WebTorrent's browser bundle) itself: a page Playwright fulfilled would count as a
 * public address space, and Chromium's local network access checks then refuse its ws://
 * connection to the loopback tracker.
 */
export async function startTestServer () {
  const server = await startServer()
  const [serveWww] = server.server.listeners('request')
  server.server.removeAllListeners('request')
  server.server.on('request', (req, res) => {
    let pathname
    try { pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname) } catch { return serveWww(req, res) }
    const mount = MOUNTS.find(([prefix]) => pathname.startsWith(prefix))
    if (!mount) return serveWww(req, res)
    const file = normalize(join(mount[1], pathname.slice(mount[0].length)))
    if (!file.startsWith(mount[1] + sep) || !existsSync(file)) return res.writeHead(404).end('not found')
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' })
    res.end(readFileSync(file))
  })
  server.origin = server.url.replace(/\/$/, '')
  return server
}

/**
 * One peer in its own Chromium instance: `webtorrent` on a blank page of the server's origin,
 * `peerpage` on the real page with its started pump, `raw` on a blank page. Each page has a
 * file input #pick for handing it files as a user would. Returns launchPeer's handle plus
 * `call(name, ...args)`, which calls the kind's in-page driver.
 */
export async function launchKind (server, kind, { driver = DRIVERS[kind] } = {}) {
  const peer = await launchPeer(server.origin)
  try {
    if (kind === 'peerpage') {
      await openPage(peer.page, server.url)
      await peer.page.evaluate(() => {
        const input = Object.assign(document.createElement('input'), { type: 'file', id: 'pick', hidden: true })
        document.body.append(input)
      })
    } else {
      await peer.page.goto(`${server.origin}/tests/e2e/blank.html`)
    }
  } catch (err) {
    await peer.close()
    throw err
  }
  peer.kind = kind
  peer.call = (name, ...args) => callIn(peer.page, driver, name, ...args)
  return peer
}

/** Calls an exported function of a module served under /tests/ in the page. */
export function callIn (page, module, name, ...args) {
  return page.evaluate(async ([module, name, args]) => {
    const m = await import(module)
    return m[name](...args)
  }, [module, name, args])
}

/** A file of `bytes` random bytes (written in 1 MiB chunks). */
export function writeRandomFile (path, bytes) {
  const fd = openSync(path, 'w')
  try {
    for (let done = 0; done < bytes;) {
      const n = Math.min(1 << 20, bytes - done)
      writeSync(fd, randomBytes(n))
      done += n
    }
  } finally {
    closeSync(fd)
  }
}

/** SHA-256 of each 8 MiB chunk of a file, as tests/e2e/digest.mjs computes them in a page. */
export function fileDigests (path) {
  const CHUNK = 8 * 1024 * 1024
  const fd = openSync(path, 'r')
  const buf = Buffer.alloc(CHUNK)
  const out = []
  try {
    for (;;) {
      let n = 0
      while (n < CHUNK) {
        const got = readSync(fd, buf, n, CHUNK - n, null)
        if (got === 0) break
        n += got
      }
      if (n === 0) break
      out.push(createHash('sha256').update(buf.subarray(0, n)).digest('hex'))
      if (n < CHUNK) break
    }
  } finally {
    closeSync(fd)
  }
  return out
}
