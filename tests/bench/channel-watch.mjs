// Runs inside Chromium (diagnosis only): samples every data channel's send buffer while a
// transfer runs, and counts channel messages each way. A sender whose buffer is often empty
// is starved (too few requests in flight, or slow to produce blocks); one whose buffer stays
// full is limited by the channel itself. Each send and each message event costs the main
// thread (and Chromium's network threads) per call, whatever its size.

const channels = new Set()
let timer = null
const samples = []
const counts = { sends: 0, sentBytes: 0, messages: 0, receivedBytes: 0 }

/** Patches RTCDataChannel.send to learn every channel the page writes to; starts sampling. */
export function watch (everyMs = 5) {
  const send = RTCDataChannel.prototype.send
  RTCDataChannel.prototype.send = function (data) {
    if (!channels.has(this)) {
      channels.add(this)
      this.addEventListener('message', ({ data }) => {
        counts.messages++
        counts.receivedBytes += data.byteLength ?? data.length
      })
    }
    counts.sends++
    counts.sentBytes += data.byteLength ?? data.length
    return send.call(this, data)
  }
  timer = setInterval(() => {
    for (const c of channels) if (c.readyState === 'open') samples.push(c.bufferedAmount)
  }, everyMs)
}

/** Share of samples per buffered-amount band, their count, and the message counts. */
export function report () {
  clearInterval(timer)
  const bands = [[0, 0], [1, 65535], [65536, 262143], [262144, 1048575], [1048576, Infinity]]
  return {
    samples: samples.length,
    bands: bands.map(([lo, hi]) => ({ lo, hi, share: samples.filter(x => x >= lo && x <= hi).length / (samples.length || 1) })),
    ...counts
  }
}
