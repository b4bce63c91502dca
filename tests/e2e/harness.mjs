// Shared setup for browser tests: the real local server (static page + bittorrent-tracker) and
// headless Debian Chromium driven by playwright-core. One browser instance per peer, each with
// its own empty profile, as separate processes with separate storage.

import { chromium } from 'playwright-core'
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

/** Starts the server on a free loopback port. */
export async function startServer () {
  return start({ port: 0, host: '127.0.0.1', quiet: true })
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
