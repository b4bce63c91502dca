// Content types by file extension, for streamed responses and for choosing <video> or
// <audio>. Torrent data comes from strangers and is served on our own origin, so nothing
// that a browser would run (HTML, SVG, XML, JS) is ever labelled as such: it is text/plain.

const TYPES = {
  mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/mp4', webm: 'video/webm', mkv: 'video/webm',
  ogv: 'video/ogg', mp3: 'audio/mpeg', m4a: 'audio/mp4', aac: 'audio/aac', oga: 'audio/ogg',
  ogg: 'audio/ogg', opus: 'audio/ogg', flac: 'audio/flac', wav: 'audio/wav', weba: 'audio/webm',
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
  avif: 'image/avif', pdf: 'application/pdf', txt: 'text/plain; charset=utf-8',
  srt: 'text/plain; charset=utf-8', vtt: 'text/vtt; charset=utf-8', json: 'application/json'
}

function extension (name) {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase()
}

/** The Content-Type to serve a file of this name with. */
export function contentType (name) {
  return TYPES[extension(name)] || 'application/octet-stream'
}

/** 'video', 'audio' or '' (not playable in a media element). */
export function mediaKind (name) {
  const type = TYPES[extension(name)] || ''
  if (type.startsWith('video/')) return 'video'
  if (type.startsWith('audio/')) return 'audio'
  return ''
}
