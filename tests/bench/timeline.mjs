// Runs inside Chromium (diagnosis only): a timeline of what a page does on the way from
// "magnet added" to the first piece: tracker socket, announces, peer connections, ICE
// gathering, data channel open, first bytes. Patches WebSocket and RTCPeerConnection.

const events = []
const mark = what => events.push({ at: performance.now(), what })

export function install () {
  const NativeWS = window.WebSocket
  window.WebSocket = class extends NativeWS {
    constructor (...args) {
      super(...args)
      mark('ws: connect')
      this.addEventListener('open', () => mark('ws: open'))
      this.addEventListener('message', e => {
        const text = String(e.data)
        mark(`ws: recv ${/"offer"/.test(text) ? 'offer' : /"answer"/.test(text) ? 'answer' : /"interval"/.test(text) ? 'announce reply' : 'other'} (${text.length} B)`)
      })
    }

    send (data) {
      const text = String(data)
      const offers = (text.match(/"offer_id"/g) || []).length
      mark(`ws: send ${/"answer"/.test(text) ? 'answer' : `announce${offers ? ` with ${offers} offers` : ''}`} (${text.length} B)`)
      return super.send(data)
    }
  }
  const NativePC = window.RTCPeerConnection
  let n = 0
  window.RTCPeerConnection = class extends NativePC {
    constructor (...args) {
      super(...args)
      const id = ++n
      mark(`pc${id}: new`)
      this.addEventListener('icegatheringstatechange', () => { if (this.iceGatheringState === 'complete') mark(`pc${id}: ICE gathered`) })
      this.addEventListener('connectionstatechange', () => mark(`pc${id}: ${this.connectionState}`))
      this.addEventListener('datachannel', e => {
        e.channel.addEventListener('open', () => mark(`pc${id}: channel open (answerer)`))
        e.channel.addEventListener('message', () => mark(`pc${id}: first message`), { once: true })
      })
      const create = this.createDataChannel.bind(this)
      this.createDataChannel = (...a) => {
        const c = create(...a)
        c.addEventListener('open', () => mark(`pc${id}: channel open (offerer)`))
        c.addEventListener('message', () => mark(`pc${id}: first message`), { once: true })
        return c
      }
    }
  }
}

/** Events since `t0` (performance.now() in this page), with ms after it. */
export function report (t0) {
  return events.filter(e => e.at >= t0).map(e => ({ ms: e.at - t0, what: e.what }))
}
