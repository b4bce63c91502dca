// A torrent's trackers: connection status, the last error, and the swarm counts they report.

import { h } from './dom.js'

/** Rebuilds `tbody` from pump.trackers(id). */
export function renderTrackers (tbody, trackers) {
  tbody.replaceChildren(...trackers.map(t => {
    const status = t.connected ? 'connected' : t.lastError ? 'failed' : 'connecting'
    const count = n => (n === undefined || n === null ? '—' : String(n))
    return h('tr', { dataset: { status } },
      h('td', { className: 'path' }, t.url),
      h('td', { className: `status ${status}` }, status),
      h('td', { className: 'num' }, count(t.seeders)),
      h('td', { className: 'num' }, count(t.leechers)),
      h('td', { className: 'error-text' }, t.lastError || ''))
  }))
  if (!trackers.length) tbody.append(h('tr', {}, h('td', { colSpan: 5, className: 'muted' }, 'This torrent names no tracker.')))
}
