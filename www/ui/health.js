// Says in words why a torrent is not moving, when we can tell: no WebRTC peer and no web seed,
// or no tracker reachable. A browser peer can only reach WebRTC peers (found through WebSocket
// trackers) and HTTP web seeds; classic TCP/UDP BitTorrent peers are out of its reach.

/** Grace period after adding before "no peers" is worth saying: trackers answer in ~1 s. */
export const QUIET_MS = 6000

/** A sentence for the user, or '' when there is nothing to warn about. */
export function sourceWarning ({ info, stats, trackers, addedAt, now }) {
  if (!info || !stats || info.paused || stats.complete) return ''
  if (stats.peers > 0 || (info.webSeeds && info.webSeeds.length > 0)) return ''
  if (now - addedAt < QUIET_MS) return ''
  const list = trackers || []
  const up = list.filter(t => t.connected)
  if (list.length === 0) {
    return 'No peers: this torrent names no WebSocket tracker and no web seed, so a browser ' +
      'cannot find anyone to download from. Add a tracker (wss://…) to the magnet link.'
  }
  if (up.length === 0) {
    const errors = [...new Set(list.map(t => t.lastError).filter(Boolean))]
    return `No peers: no tracker can be reached${errors.length ? ` (${errors.join('; ')})` : ''}, ` +
      'and the torrent has no web seed.'
  }
  return 'No WebRTC peers and no web seed: nobody is sharing this torrent with browsers right now. ' +
    'Peers that only speak TCP/UDP BitTorrent cannot reach a web page. Keep the page open; ' +
    'the download starts when a WebRTC peer joins.'
}
