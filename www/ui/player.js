// Plays a torrent's file in a <video> or <audio> element while it downloads: the element's
// Range requests go to the service worker (www/stream/sw.js), which reads through the pump.

import { h } from './dom.js'
import { streamUrl } from '../stream/register.js'
import { mediaKind } from '../stream/media-types.js'

export class Player {
  /** `root`: an empty container the player fills and shows. */
  constructor (root) {
    this.root = root
    this.playing = null
  }

  play (infoHash, file) {
    this.stop()
    const kind = mediaKind(file.path) || 'video'
    const media = h(kind, { controls: true, autoplay: true, preload: 'auto', id: 'player-media' })
    media.src = streamUrl(infoHash, file.index, file.path)
    const error = h('p', { className: 'error-text', hidden: true })
    media.addEventListener('error', () => {
      const e = media.error
      error.textContent = `Cannot play ${file.path}${e ? ` (${e.message || `media error ${e.code}`})` : ''}. ` +
        'The browser may not support its format; Save it instead.'
      error.hidden = false
    })
    const close = h('button', { type: 'button', className: 'small secondary', onclick: () => this.stop() }, 'Close')
    this.root.replaceChildren(h('div', { className: 'player-head' }, h('strong', {}, file.path), close), media, error)
    this.root.hidden = false
    this.playing = { infoHash, index: file.index, media }
  }

  /** Stops playing (also when the torrent goes away) and releases the stream. */
  stop () {
    if (!this.playing) return
    const { media } = this.playing
    media.pause()
    media.removeAttribute('src')
    media.load()
    this.root.replaceChildren()
    this.root.hidden = true
    this.playing = null
  }
}
