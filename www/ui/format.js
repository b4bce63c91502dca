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

/** Seconds as "3 s", "4 min 05 s", "2 h 07 min"; Infinity or NaN as "∞". */
export function duration (seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '∞'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  if (s < 86400 * 2) return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} min`
  return `${Math.floor(s / 86400)} d`
}

/** A fraction 0..1 as "42.0 %". */
export function percent (fraction) {
  return `${(100 * Math.min(1, Math.max(0, fraction || 0))).toFixed(1)} %`
}

/** Upload ratio to two decimals; "—" before anything was downloaded or uploaded. */
export function ratio (uploaded, downloaded) {
  if (!downloaded) return uploaded ? '∞' : '—'
  return (uploaded / downloaded).toFixed(2)
}

/** A transfer speed in decimal units, precise enough at the low rates a limit sets. */
export function speed (bytesPerSecond) {
  const n = bytesPerSecond || 0
  if (n < 1000) return `${Math.round(n)} B/s`
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)} kB/s`
  return `${(n / 1e6).toFixed(1)} MB/s`
}
