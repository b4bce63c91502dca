// Benchmarks in headless Chromium: the page's wasm against npm bencode, WebCrypto, and
// WebTorrent 3's own seeding, all in one browser run.

import { readFileSync, existsSync, mkdtempSync, rmSync, openSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, normalize } from 'node:path'
import { startServer, launchPeer } from '../e2e/harness.mjs'

const CREATE_MIB = 256

const TINY_LOADER = `import * as rand from './rand.browser.js'
import * as validateError from './validate_error.js'
const bytes = await (await fetch(new URL('./secp256k1.wasm', import.meta.url))).arrayBuffer()
const { instance } = await WebAssembly.instantiate(bytes, { './rand.js': rand, './validate_error.js': validateError })
export default instance.exports`

/** `curveOnly`: only the wallet's curve rows (`npm run bench -- --wallet-only`). */
export async function chromiumBenchmarks (root, { curveOnly = false } = {}) {
  const server = await startServer()
  const origin = server.url.replace(/\/$/, '')
  const peer = await launchPeer(origin)
  const rows = []
  try {
    const { page } = peer
    const nm = join(root, 'node_modules')
    // Serve the bench modules and the npm references the page imports by bare name.
    await page.route(`${origin}/bench/**`, route => {
      const path = new URL(route.request().url()).pathname
      if (path === '/bench/index.html') {
        return route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><script type="importmap">${JSON.stringify({
            imports: {
              bencode: '/nm/bencode/index.js',
              'uint8-util': '/nm/uint8-util/dist/src/browser.js',
              'tiny-secp256k1': '/nm/tiny-secp256k1/lib/index.js',
              'uint8array-tools': '/nm/uint8array-tools/src/mjs/browser.js',
              '@noble/secp256k1': '/nm/@noble/secp256k1/index.js',
              '@noble/hashes/sha2.js': '/nm/@noble/hashes/sha2.js',
              '@noble/hashes/hmac.js': '/nm/@noble/hashes/hmac.js'
            }
          })}</script><body><input id="pick" type="file"></body>`
        })
      }
      return route.fulfill({ contentType: 'text/javascript', body: readFileSync(join(root, 'tests/bench', path.slice('/bench/'.length))) })
    })
    await page.route(`${origin}/nm/**`, route => {
      const path = new URL(route.request().url()).pathname
      // tiny-secp256k1's browser build expects a bundler to import its .wasm: load it here.
      if (path === '/nm/tiny-secp256k1/lib/wasm_loader.js') return route.fulfill({ contentType: 'text/javascript', body: TINY_LOADER })
      const file = normalize(join(nm, path.slice(4)))
      if (!file.startsWith(nm) || !existsSync(file)) return route.fulfill({ status: 404, body: '' })
      return route.fulfill({ contentType: 'text/javascript', body: readFileSync(file) })
    })
    await page.goto(`${origin}/bench/index.html`)
    const call = (name, ...args) => page.evaluate(async ([name, args]) => {
      const m = await import('/bench/browser-page.mjs')
      return m[name](...args)
    }, [name, args])

    if (curveOnly) return await call('curveBench')
    const b = await call('bencodeBench')
    rows.push({ what: `bencode decode+encode, ${b.mb.toFixed(1)} MB torrent of 20,000 files (Chromium)`, ours: b.ours, ref: b.ref, refName: 'npm bencode', unit: 'MB/s' })
    const h = await call('sha1Bench')
    rows.push({ what: 'SHA-1 of 256 KiB pieces, one thread (Chromium)', ours: h.ours, ref: h.ref, refName: 'WebCrypto subtle.digest', unit: 'MB/s' })
    rows.push(...await call('curveBench'))

    const dir = mkdtempSync(join(tmpdir(), 'pp-bench-'))
    const bigPath = join(dir, 'big.bin')
    writeBigFile(bigPath, CREATE_MIB)
    await page.setInputFiles('#pick', bigPath)
    const ours = []
    const theirs = []
    for (let i = 0; i < 3; i++) {
      theirs.push(await call('seedWithWebTorrent'))
      ours.push(await call('createWithPeerpage'))
    }
    if (ours[0].infoHash !== theirs[0].infoHash) throw new Error(`info hashes differ: ${ours[0].infoHash} vs ${theirs[0].infoHash}`)
    const med = xs => xs.map(x => x.seconds).sort((a, b) => a - b)[1]
    rows.push({
      what: `create a torrent of a ${CREATE_MIB} MiB file in the page (Chromium)`,
      ours: CREATE_MIB * 1.048576 / med(ours),
      ref: CREATE_MIB * 1.048576 / med(theirs),
      refName: 'WebTorrent 3 seed()',
      unit: 'MB/s'
    })
    rmSync(dir, { recursive: true, force: true })
  } finally {
    await peer.close()
    await server.close()
  }
  return rows
}

/** Patterned (not all-zero) bytes written in 1 MiB chunks. */
function writeBigFile (path, mib) {
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(1 << 20)
  for (let m = 0; m < mib; m++) {
    for (let i = 0; i < chunk.length; i += 4096) chunk[i] = (m + (i >> 12)) & 0xff
    writeSync(fd, chunk)
  }
  closeSync(fd)
}
