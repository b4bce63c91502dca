// Web seeds (BEP 19): one ranged GET per request the core plans. Only the Range header is
// sent (anything else would force a CORS preflight); the core checks status and length.

const TIMEOUT_MS = 60_000

/** Resolves to {status, body}; a network error or timeout is status 0 with an empty body. */
export async function fetchRange (url, start, endInclusive) {
  try {
    const res = await fetch(url, {
      headers: { Range: `bytes=${start}-${endInclusive}` },
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
    // The core takes only a 206 of the asked length; a server that ignored Range would send
    // the whole file, so its body is not even read.
    if (res.status !== 206) {
      res.body?.cancel().catch(() => {})
      return { status: res.status, body: new Uint8Array(0) }
    }
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) }
  } catch {
    return { status: 0, body: new Uint8Array(0) }
  }
}
