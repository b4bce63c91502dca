// WebSocket tracker sockets: one per tracker URL, shared by every torrent (PROTOCOL.md §1.1).
// The core decides when to connect, when to give up and how long to back off; this only
// opens, closes and moves text, and reports opens, closes and messages back.

export class TrackerSockets {
  /** `on`: {opened(url), closed(url), message(url, text)}. */
  constructor (on) {
    this.on = on
    this.sockets = new Map()
    this.decoder = new TextDecoder()
  }

  connect (url) {
    if (this.sockets.has(url)) return
    let ws
    try {
      ws = new WebSocket(url)
    } catch {
      // A malformed URL or ws:// from an https page: a close the core can back off from.
      queueMicrotask(() => this.on.closed(url))
      return
    }
    ws.binaryType = 'arraybuffer'
    this.sockets.set(url, ws)
    ws.onopen = () => {
      if (this.sockets.get(url) === ws) this.on.opened(url)
    }
    ws.onmessage = ev => {
      if (this.sockets.get(url) !== ws) return
      // Trackers send JSON text frames; aquatic may send binary ones.
      const text = typeof ev.data === 'string' ? ev.data : this.decoder.decode(ev.data)
      this.on.message(url, text)
    }
    // An error is always followed by close; report once, from close.
    ws.onclose = () => {
      if (this.sockets.get(url) !== ws) return
      this.sockets.delete(url)
      this.on.closed(url)
    }
  }

  /** Closes on the core's request: it already knows, so nothing is reported back. */
  close (url) {
    const ws = this.sockets.get(url)
    if (!ws) return
    this.sockets.delete(url)
    ws.close()
  }

  send (url, text) {
    const ws = this.sockets.get(url)
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(text)
  }

  closeAll () {
    for (const url of [...this.sockets.keys()]) this.close(url)
  }
}
