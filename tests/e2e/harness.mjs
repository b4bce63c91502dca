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
