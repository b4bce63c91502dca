// Shared setup for browser tests: the real local server (static page + bittorrent-tracker) and
// headless Debian Chromium driven by playwright-core. One browser instance per peer, each with
// its own empty profile, as separate processes with separate storage.

import { chromium } from 'playwright-core'
import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { start } from '../../www/serve.mjs'

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // WebRTC between instances on one machine pairs over loopback only with this flag and a
  // media permission (granted below); tests run inside a network namespace when possible.
  '--allow-loopback-in-peer-connection'
]

/** Starts the server on a free loopback port; `options` go to serve.mjs's start (e.g. kiosk). */
export async function startServer (options = {}) {
  return start({ port: 0, host: '127.0.0.1', quiet: true, ...options })
}

/** The text of the QR code in a PNG (a page screenshot), read by jsQR; null if none is found. */
export function decodeQrPng (png) {
  const image = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data ?? null
}

/** Polls `check` (async, returns a truthy value when done) every `interval` ms until `timeout`. */
export async function waitFor (check, { timeout = 60000, interval = 250, what = 'a condition' } = {}) {
  const until = Date.now() + timeout
  let last
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`)
    await new Promise(resolve => setTimeout(resolve, interval))
  }
}

/** Launches one Chromium instance with a fresh profile; returns { context, page, close }. */
export async function launchPeer (origin) {
  const profile = mkdtempSync(join(tmpdir(), 'peerpage-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS
  })
  await context.grantPermissions(['camera', 'microphone'], { origin })
  const page = context.pages()[0] || await context.newPage()
  const errors = []
  page.on('pageerror', err => errors.push(err))
  return {
    context,
    page,
    errors,
    profile,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

/** Opens the page and waits until the wasm core is initialised. */
export async function openPage (page, url) {
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 })
}

/** Starts the server with extra directories served (e.g. {'/webseed/': dir}). */
export async function startServerWith (mounts) {
  return start({ port: 0, host: '127.0.0.1', quiet: true, mounts })
}

/**
 * Launches a peer and opens the page; `window.__pump` is the page's started Pump. Returns the
 * launchPeer handle plus `run(fn, arg)`: evaluates `fn(pump, arg)` in the page (fn is source
 * text shipped to the page, so it may use only its arguments and page globals).
 */
export async function pagePeer (server, { beforeLoad } = {}) {
  const peer = await launchPeer(server.url.replace(/\/$/, ''))
  try {
    if (beforeLoad) await beforeLoad(peer)
    await openPage(peer.page, server.url)
    await exposePump(peer.page)
  } catch (err) {
    // Nobody holds this browser yet: close it, or it outlives the test.
    await peer.close().catch(() => {})
    throw err
  }
  peer.run = (fn, arg) => runInPage(peer.page, fn, arg)
  return peer
}

/** Sets `window.__pump` to the page's started pump (again after a reload). */
export async function exposePump (page) {
  await page.waitForFunction(() => window.peerpage?.pump)
  await page.evaluate(() => { window.__pump = window.peerpage.pump })
}

/** Evaluates `fn(pump, arg)` in the page, where `fn` is an (async) function's source. */
export function runInPage (page, fn, arg) {
  return page.evaluate(async ([src, a]) => {
    // eslint-disable-next-line no-eval
    return (0, eval)(`(${src})`)(window.__pump, a)
  }, [fn.toString(), arg])
}

/** Resolves when torrent `id` in the page is complete (polls its stats). */
export async function waitComplete (page, id, timeout = 240000) {
  await page.waitForFunction(i => window.__pump.stats(i).complete, id, { polling: 250, timeout })
}

/** Page-side helpers, shipped as source: SHA-256 of a file read back through fileStream. */
export async function fileSha256 (peer, id, file) {
  return peer.run(async (pump, { id, file }) => {
    const reader = pump.fileStream(id, file).getReader()
    const parts = []
    let total = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value)
      total += value.length
    }
    const all = new Uint8Array(total)
    let at = 0
    for (const p of parts) { all.set(p, at); at += p.length }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all))
    return Array.from(digest, b => b.toString(16).padStart(2, '0')).join('')
  }, { id, file })
}

/**
 * Makes a file of `size` bytes in the page (random, or from a seeded generator so two pages
 * can make the same one), seeds it, and returns {id, magnet, infoHash, sha256}.
 */
export async function seedGenerated (peer, { size, name, seed = null }) {
  return peer.run(async (pump, { size, name, seed }) => {
    const parts = []
    let x = seed >>> 0
    for (let at = 0; at < size; at += 65536) {
      const part = new Uint8Array(Math.min(65536, size - at))
      if (seed === null) crypto.getRandomValues(part)
      else {
        // xorshift32: the same bytes in every page for one seed.
        for (let i = 0; i < part.length; i++) {
          x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0
          part[i] = x & 0xff
        }
      }
      parts.push(part)
    }
    const file = new File(parts, name)
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))
    const id = await pump.seedFiles([file])
    const info = pump.info(id)
    return { id, magnet: info.magnet, infoHash: info.infoHash, sha256: Array.from(digest, b => b.toString(16).padStart(2, '0')).join('') }
  }, { size, name, seed })
}
