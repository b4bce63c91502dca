// A torrent's peers: where each came from (a tracker's WebRTC offer, or a web seed), its
// client, choke/interest state, speeds and how much of the torrent it has.

import { h } from './dom.js'
import { speed, percent } from './format.js'

// The core's view: amChoked = the peer chokes us; peerChoked = we choke the peer.

/** BEP 3 state as classic clients show it: D/d we download (d: it chokes us), U/u it does. */
function state (p) {
  const flags = []
  if (p.amInterested) flags.push(p.amChoked ? 'd' : 'D')
  if (p.peerInterested) flags.push(p.peerChoked ? 'u' : 'U')
  return flags.join(' ') || 'idle'
}

function stateTitle (p) {
  return [
    p.amInterested ? (p.amChoked ? 'we are interested, it chokes us' : 'downloading from it') : 'we want nothing from it',
    p.peerInterested ? (p.peerChoked ? 'it is interested, we choke it' : 'uploading to it') : 'it wants nothing from us'
  ].join('; ')
}

/** Rebuilds `tbody` from pump.peers(id). */
export function renderPeers (tbody, peers) {
  tbody.replaceChildren(...peers.map(p => {
    const source = p.source === 'webseed' ? 'web seed' : 'tracker (WebRTC)'
    const who = p.source === 'webseed' ? (p.url || '') : (p.client || p.peerId?.slice(0, 16) || '')
    return h('tr', { dataset: { source: p.source } },
      h('td', { className: 'path' }, who),
      h('td', {}, source),
      h('td', { title: stateTitle(p) }, state(p)),
      h('td', { className: 'num' }, speed(p.downSpeed)),
      h('td', { className: 'num' }, speed(p.upSpeed)),
      h('td', { className: 'num' }, percent(p.progress)))
  }))
  if (!peers.length) tbody.append(h('tr', {}, h('td', { colSpan: 6, className: 'muted' }, 'No peers connected.')))
}
