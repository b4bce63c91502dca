// Boot: load the wasm core, start the pump (the only caller of the core), the streaming
// service worker and the Torrents view. Parsing and hashing are done by the core; the page
// only moves bytes and renders results.

import init, { version } from './pkg/peerpage.js'
import { describeError } from './ui/format.js'
import { wireTabs } from './ui/tabs.js'
import { AddFlow } from './ui/add.js'

const $ = id => document.getElementById(id)
/** The embedded tracker served on the same port as the page (www/serve.mjs). */
export const DEFAULT_TRACKER = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/announce`

function showError (text) {
  const box = $('error')
  box.textContent = text
  box.hidden = false
}

function clearError () {
  $('error').hidden = true
}

/** Starts the pump and the views on it; null (inspect and create only) when it cannot run. */
async function startPump () {
  let Pump
  try {
    ({ Pump } = await import('./pump.js'))
  } catch (err) {
    // A build without the engine (www/pump.js missing): inspecting and creating still work.
    console.warn('no torrent engine in this build:', err.message)
    return null
  }
  try {
    // The pump's defaults: OPFS storage (memory where it is missing), and ICE servers by
    // where the page is (none on loopback, else public STUN; localStorage can override).
    const pump = await Pump.start({ trackers: [DEFAULT_TRACKER] })
    document.body.dataset.storage = pump.storageKind
    const { startStreaming } = await import('./stream/register.js')
    const streaming = await startStreaming(pump).catch(() => false)
    document.body.dataset.streaming = String(streaming)
    return { pump, streaming }
  } catch (err) {
    console.error(err)
    showError(describeError(err, 'The torrent engine did not start; the page can still inspect and create torrents'))
    return null
  }
}

// The wallet view (and its own wasm module) starts the first time its tab is shown, once the
// torrent core is up: a visitor who never opens it never downloads the wallet.
let coreUp = false
let walletWanted = false
let walletStarted = false
function startWalletView () {
  if (!coreUp || !walletWanted || walletStarted) return
  walletStarted = true
  import('./ui/wallet.js').then(m => m.startWallet($('view-wallet'))).catch(err => console.error('wallet view:', err))
}

async function boot () {
  $('tracker-url').textContent = DEFAULT_TRACKER
  wireTabs(document.querySelector('nav.tabs'), name => {
    if (name === 'wallet') walletWanted = true
    startWalletView()
  })
  try {
    await init()
  } catch (err) {
    $('core-status').dataset.state = 'failed'
    $('core-status').textContent = 'core failed to load'
    showError(`The WebAssembly core did not load (${err.message}). Was the page built with build.sh?`)
    return
  }
  $('core-version').textContent = version()
  $('core-status').dataset.state = 'ready'
  $('core-status').textContent = 'core ready'
  coreUp = true
  startWalletView()
  const started = await startPump()
  const addFlow = new AddFlow({ pump: started && started.pump, tracker: DEFAULT_TRACKER, showError, clearError })
  if (started) {
    const { startTorrentsUi } = await import('./ui/torrents.js')
    window.peerpage = { pump: started.pump, ...startTorrentsUi({ ...started, addFlow, showError }) }
    $('torrents').hidden = false
  }
  addFlow.wire()
  document.body.dataset.ready = 'true'
}

boot()
