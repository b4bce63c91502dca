// Where a page's main thread spends its time during a transfer: the V8 sampling profiler over
// the DevTools protocol (what DevTools' Performance panel and --cpu-prof use), summarised by
// self time per function. The raw .cpuprofile is written too, for DevTools or speedscope.

import { writeFileSync } from 'node:fs'

/** Starts profiling `page`'s main thread; stop(path) writes the profile and returns a summary. */
export async function startProfile (page, { intervalUs = 200 } = {}) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs })
  await cdp.send('Profiler.start')
  return {
    async stop (path) {
      const { profile } = await cdp.send('Profiler.stop')
      await cdp.detach().catch(() => {})
      if (path) writeFileSync(path, JSON.stringify(profile))
      return summarise(profile)
    }
  }
}

/** { totalMs, idleMs, top: [{ fn, where, selfMs, share }] } by self time. */
export function summarise (profile, top = 25) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const self = new Map()
  const deltas = profile.timeDeltas
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (deltas[i + 1] ?? 0) / 1000 // the time until the next sample belongs to this one
    const node = byId.get(profile.samples[i])
    const f = node.callFrame
    const url = f.url.replace(/^https?:\/\/[^/]+/, '')
    const key = `${f.functionName || '(anonymous)'}\t${url ? `${url}:${f.lineNumber + 1}` : ''}`
    self.set(key, (self.get(key) || 0) + dt)
    total += dt
  }
  const idle = self.get('(idle)\t') || 0
  const busy = total - idle
  const rows = [...self].filter(([k]) => k !== '(idle)\t').sort((a, b) => b[1] - a[1]).slice(0, top)
  return {
    totalMs: total,
    idleMs: idle,
    busyMs: busy,
    top: rows.map(([k, ms]) => {
      const [fn, where] = k.split('\t')
      return { fn, where, selfMs: ms, share: busy ? ms / busy : 0 }
    })
  }
}

/** A summary as text lines for the console or a report. */
export function formatSummary (label, s) {
  return [
    `${label}: ${(s.busyMs / 1000).toFixed(2)} s busy of ${(s.totalMs / 1000).toFixed(2)} s on the main thread`,
    ...s.top.map(r => `  ${(100 * r.share).toFixed(1).padStart(5)} %  ${r.selfMs.toFixed(0).padStart(6)} ms  ${r.fn}  ${r.where}`)
  ].join('\n')
}
