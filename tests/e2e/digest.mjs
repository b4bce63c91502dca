// Runs inside Chromium: SHA-256 of each 8 MiB chunk of a downloaded file, which the tests
// compare with Node's digests of the source file (chunked, so a 1 GiB file never needs one
// buffer, and the bytes never cross the driver).

export const CHUNK = 8 * 1024 * 1024

/** read(start, endExclusive) -> Promise<Uint8Array>; returns hex digests, one per chunk. */
export async function chunkDigests (length, read) {
  const out = []
  for (let start = 0; start < length; start += CHUNK) {
    const bytes = await read(start, Math.min(length, start + CHUNK))
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
    out.push([...digest].map(b => b.toString(16).padStart(2, '0')).join(''))
  }
  return out
}
