// Loads the page's own wasm core (www/pkg) in Node, so the server makes torrents with exactly
// the code the page uses.

import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PKG = join(dirname(fileURLToPath(import.meta.url)), 'pkg')
let loaded

export async function loadCore () {
  if (!loaded) {
    loaded = (async () => {
      const core = await import('./pkg/peerpage.js')
      // The glue is built for the web (it would fetch the .wasm by URL); hand it the bytes.
      core.initSync({ module: readFileSync(join(PKG, 'peerpage_bg.wasm')) })
      return core
    })()
  }
  return loaded
}
