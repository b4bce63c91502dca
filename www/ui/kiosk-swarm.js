// The swarm's total download speed as the kiosk can honestly see it. The kiosk does not see
// traffic between visitors, but every peer tells it each piece it has verified (HAVE), so the
// growth of each connected peer's progress is that peer's download rate from any source.
// Summed with the kiosk's own download rate, that is the swarm's, for every peer connected
// to the kiosk (in a kiosk swarm, every visitor).

const WINDOW_MS = 5000

export class SwarmSpeed {
  constructor () {
    this.samples = new Map() // peer key -> [{t, bytes}], oldest first
  }

  /**
   * `now` in ms, `length` the torrent's bytes, `peers` from pump.peers(id), `ownDownSpeed` the
   * kiosk's own bytes/s. Returns bytes/s over the last few seconds.
   */
  update (now, length, peers, ownDownSpeed = 0) {
    let total = ownDownSpeed
    const seen = new Set()
    for (const p of peers) {
      if (p.source === 'webseed') continue
      const key = p.peerId || String(p.peer)
      seen.add(key)
      const list = this.samples.get(key) || []
      list.push({ t: now, bytes: p.progress * length })
      while (list.length > 2 && now - list[1].t >= WINDOW_MS) list.shift()
      this.samples.set(key, list)
      const first = list[0]
      const last = list[list.length - 1]
      if (last.t > first.t) total += Math.max(0, last.bytes - first.bytes) / ((last.t - first.t) / 1000)
    }
    for (const key of this.samples.keys()) if (!seen.has(key)) this.samples.delete(key)
    return total
  }
}
