// Human-readable sizes, rates and errors.

export function bytes (n) {
  if (!Number.isFinite(n)) return '?'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 2 : 1)} ${units[i]}`
}

export function rate (bytesPerSecond) {
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`
}

/** Words for an error from the core (it carries `code` and `fault`) or from the browser. */
export function describeError (err, what) {
  const message = err && err.message ? err.message : String(err)
  const code = err && err.code ? ` [${err.code}]` : ''
  return `${what}: ${message}${code}`
}
