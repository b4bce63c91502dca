// The before/after hooks every browser test file shares: the real local server (page +
// tracker), a temporary directory, and the Chromium instances the file's tests launch, all
// cleaned up after the file's tests, whichever way they ended. (In its own module because it
// registers node:test hooks; harness.mjs is also used by the benchmarks.)

import { before, after } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, launchPeer, openPage, pagePeer } from './harness.mjs'

/**
 * Registers the hooks and returns the rig they fill in. Before the file's tests: a fresh
 * directory when `tmp` gives its name's prefix (`rig.dir`), then the server (`rig.server`):
 * `server` is startServer's options, or `async rig => server` to start another kind (it may
 * first write files into `rig.dir`), then `setup(rig)` if given (e.g. peers the file's tests
 * share). After them: every peer the rig launched and still open is closed, then the server,
 * and the directory is deleted.
 *
 * Setup belongs in `setup`, not in a before hook of the file's own: Node 20 starts a file's
 * top-level before hooks together, so one cannot count on another having finished.
 *
 * The rig launches peers, each in its own Chromium instance, and keeps them in `rig.peers`
 * while they are open (a peer's `close()` takes it out):
 * - `rig.pagePeer(options)`: the real page with its started pump (harness pagePeer);
 * - `rig.openPeer(url)`: the page at `url` (default the server's page), once it is ready;
 * - `rig.launch(origin)`: a browser with nothing opened yet (default the server's origin);
 * - `rig.track(peer)`: keeps a peer launched some other way (e.g. peers.mjs launchKind).
 */
export function useRig ({ server = {}, tmp = null, setup = null } = {}) {
  const rig = {
    server: null,
    dir: null,
    peers: [],
    get origin () { return rig.server.url.replace(/\/$/, '') },
    track (peer) {
      rig.peers.push(peer)
      const close = peer.close
      peer.close = async () => {
        const at = rig.peers.indexOf(peer)
        if (at >= 0) rig.peers.splice(at, 1)
        await close()
      }
      return peer
    },
    async launch (origin = rig.origin) {
      return rig.track(await launchPeer(origin))
    },
    async openPeer (url = rig.server.url) {
      const peer = await rig.launch(new URL(url).origin)
      await openPage(peer.page, url)
      return peer
    },
    async pagePeer (options) {
      return rig.track(await pagePeer(rig.server, options))
    }
  }

  before(async () => {
    if (tmp) rig.dir = mkdtempSync(join(tmpdir(), tmp))
    rig.server = typeof server === 'function' ? await server(rig) : await startServer(server)
    if (setup) await setup(rig)
  })

  after(async () => {
    for (const peer of [...rig.peers].reverse()) await peer.close().catch(() => {})
    await rig.server?.close()
    if (rig.dir) rmSync(rig.dir, { recursive: true, force: true })
  })

  return rig
}
