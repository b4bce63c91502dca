// The kiosk screen (www/kiosk.html): fetches the server's kiosk torrent, seeds it over WebRTC
// through the pump, and shows the join code and the live swarm. The server (serve-kiosk.mjs)
// made the torrent and serves the folder as its web seed, so the first start fetches the bytes
// from the server; after a reload the pump restores the torrent and its verified pieces from
// storage (OPFS) and nothing is fetched again.

import init from '../pkg/peerpage.js'
import { Pump } from '../pump.js'
import { drawQr } from './qr.js'
import { bytes, rate, describeError } from './format.js'
import { SwarmSpeed } from './kiosk-swarm.js'
import { drawPieceMap, drawPeerGraph } from './kiosk-draw.js'
import { startKioskWallet } from './kiosk-wallet.js'

const $ = id => document.getElementById(id)
const TICK_MS = 500

function status (text, state = 'working') {
  const el = $('k-status')
  el.textContent = text
  el.dataset.state = state
}

/** Waits for the server to finish hashing the folder; resolves to /kiosk.json's record. */
async function kioskRecord () {
  for (;;) {
    let res
    try {
      res = await fetch('kiosk.json', { cache: 'no-store' })
    } catch {
      res = null
    }
    if (res?.ok) return res.json()
    if (res?.status === 404) throw new Error('this server has no kiosk: start it with `npm start -- --kiosk DIR`')
    const body = res ? await res.json().catch(() => ({})) : {}
    if (body.error) throw new Error(body.error)
    const h = body.hashing
    status(h?.total ? `the server is hashing the folder: ${Math.floor(100 * h.hashed / h.total)}%` : 'waiting for the server…')
    await new Promise(resolve => setTimeout(resolve, 1000))
  }
}

/** A kiosk serves its own LAN: host candidates are enough and it may have no internet, so no
 * STUN unless localStorage['peerpage.iceServers'] (JSON RTCIceServer[]) names some. */
function iceServers () {
  try {
    return JSON.parse(localStorage.getItem('peerpage.iceServers')) || []
  } catch {
    return []
  }
}

/**
 * The kiosk torrent's id in the pump: restored from storage after a reload, else added. A
 * torrent of an older version of the folder is dropped with its pieces: the screen seeds
 * only what the server shares now.
 */
async function kioskTorrent (pump, record) {
  for (const old of pump.list().filter(t => t.info.infoHash !== record.infoHash)) {
    await pump.remove(old.id, { deleteData: true })
  }
  const restored = pump.list().find(t => t.info.infoHash === record.infoHash)
  if (restored) {
    if (restored.info.paused) pump.resume(restored.id)
    return restored.id
  }
  const res = await fetch(record.torrentUrl, { cache: 'no-store' })
  if (!res.ok) throw new Error(`could not fetch the kiosk torrent (HTTP ${res.status})`)
  return pump.addTorrentFile(new Uint8Array(await res.arrayBuffer()))
}

/** Bytes served, kept across reloads of this tab: the core counts per session. */
function servedCounter (infoHash) {
  const key = `peerpage-kiosk-served-${infoHash}`
  const before = Number(localStorage.getItem(key)) || 0
  let last = 0
  return sessionUploaded => {
    if (sessionUploaded !== last) {
      last = sessionUploaded
      localStorage.setItem(key, String(before + sessionUploaded))
    }
    return before + sessionUploaded
  }
}

/** Shows "117.7 MiB" as a big number and a small unit, so figures fit their tiles. */
function figure (el, text) {
  const at = text.lastIndexOf(' ')
  const num = at < 0 ? text : text.slice(0, at)
  const unit = at < 0 ? '' : text.slice(at)
  if (el.dataset.text === text) return
  el.dataset.text = text
  el.textContent = num
  if (unit) {
    const span = document.createElement('span')
    span.className = 'unit'
    span.textContent = unit
    el.append(span)
  }
}

function render (pump, id, record, swarm, served) {
  const stats = pump.stats(id)
  const peers = pump.peers(id)
  const info = pump.info(id)
  const visitors = peers.filter(p => p.source !== 'webseed')
  figure($('k-peers'), String(visitors.length))
  figure($('k-served'), bytes(served(stats.uploaded)))
  figure($('k-swarm-speed'), rate(swarm.update(performance.now(), record.length, peers, stats.downSpeed)))
  figure($('k-up-speed'), rate(stats.upSpeed))
  const progress = record.length ? stats.haveBytes / record.length : 0
  drawPeerGraph($('k-graph'), { progress }, peers, rate)
  $('k-graph-note').textContent = visitors.length ? `· ${visitors.filter(p => p.progress >= 1).length} done` : ''
  drawPieceMap($('k-pieces'), pump.pieceMap(id), info.pieceCount)
  $('k-pieces-note').textContent = `· ${stats.verifiedPieces} of ${info.pieceCount}`
  const trackers = pump.trackers(id)
  const online = trackers.some(t => t.connected)
  const trackerText = online ? 'tracker online' : `tracker offline${trackers[0]?.lastError ? ` (${trackers[0].lastError})` : ''}, reconnecting`
  if (stats.complete) status(`seeding ${record.name} · ${trackerText}`, online ? 'seeding' : 'working')
  else status(`getting ${record.name} from the web seed: ${(100 * progress).toFixed(0)}% · ${trackerText}`)
  document.body.dataset.complete = String(Boolean(stats.complete))
  document.body.dataset.peers = String(visitors.length)
}

/**
 * An unattended screen outlives server restarts: if the server comes back with another
 * torrent (the folder changed), reload to seed that one. A server that is down is waited for.
 */
function watchServer (infoHash) {
  setInterval(async () => {
    try {
      const res = await fetch('kiosk.json', { cache: 'no-store' })
      if (!res.ok) return
      const now = await res.json()
      if (now.infoHash && now.infoHash !== infoHash) location.reload()
    } catch {}
  }, 10000)
}

async function boot () {
  $('k-fullscreen').addEventListener('click', () => document.documentElement.requestFullscreen?.().catch(() => {}))
  let pump
  try {
    await init()
    const record = await kioskRecord()
    $('k-name').textContent = record.name
    document.title = `${record.name} · peerpage kiosk`
    drawQr($('k-qr'), record.joinUrl)
    $('k-join').textContent = record.joinUrl
    startKioskWallet().catch(err => console.warn('kiosk tip address:', err.message))
    status('starting the peer…')
    // No default trackers: the torrent names the server's own. The kiosk's saved torrents
    // are its own: the main page of this origin keeps another list. Storage is the pump's
    // default: OPFS keeps the pieces across reloads (the heap only where OPFS is missing).
    pump = await Pump.start({ role: 'kiosk', trackers: [], rtcConfig: { iceServers: iceServers() } })
    // kiosk.html?up=KB: an upload cap in kB/s for a screen on a thin uplink; visitors then
    // get more of the folder from each other.
    const up = Number(new URLSearchParams(location.search).get('up'))
    if (up > 0) pump.setRateLimits(0, up * 1000)
    const id = await kioskTorrent(pump, record)
    const swarm = new SwarmSpeed()
    const served = servedCounter(record.infoHash)
    let lastError = null
    pump.addEventListener('error', ev => {
      if (ev.detail.id === id) lastError = { text: `${ev.detail.message} [${ev.detail.code}]`, at: performance.now() }
    })
    // For tests and the curious: the page's pump and the torrent it seeds.
    window.kiosk = { pump, id, record }
    const tick = () => {
      try {
        render(pump, id, record, swarm, served)
        // A storage or engine error stays on screen for a while, over the regular status.
        if (lastError && performance.now() - lastError.at < 15000) status(lastError.text, 'error')
      } catch (err) {
        status(describeError(err, 'the kiosk view failed'), 'error')
      }
    }
    tick()
    setInterval(tick, TICK_MS)
    watchServer(record.infoHash)
    document.body.dataset.ready = 'true'
  } catch (err) {
    status(describeError(err, 'The kiosk could not start'), 'error')
    document.body.dataset.ready = 'failed'
  }
}

boot()
