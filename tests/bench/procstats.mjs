// CPU seconds and peak memory of one Chromium instance, read from /proc (Linux only).
// An instance is a process tree: the browser process, its zygotes, renderers, GPU/network
// utilities. The root is found by the profile directory in its command line; the tree by
// parent ids. Sampled: CPU time of a process that exits between samples is kept at its last
// sample, so a sampler under-counts by at most one interval per exited process.
// Sampling runs on a worker thread: reading /proc takes milliseconds, and on the main thread
// it would hold up the tracker that shares this process (and so the peers being measured).

import { readdirSync, readFileSync } from 'node:fs'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'

const TICKS_PER_SECOND = 100 // sysconf(_SC_CLK_TCK) on Linux for every common architecture

function read (path) {
  try { return readFileSync(path, 'utf8') } catch { return null }
}

/** { pid, ppid, cpuTicks } of every process now, from /proc/PID/stat. */
function processes () {
  const list = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const stat = read(`/proc/${name}/stat`)
    if (!stat) continue
    // Fields after the command name, which sits in parentheses and may itself hold spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    list.push({ pid: Number(name), ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]) })
  }
  return list
}

/** The pid of the browser process whose command line names this profile directory. */
export function browserRoot (profileDir) {
  const all = processes()
  const byPid = new Map(all.map(p => [p.pid, p]))
  const named = all.filter(p => (read(`/proc/${p.pid}/cmdline`) || '').split('\0').includes(`--user-data-dir=${profileDir}`))
  const roots = named.filter(p => !named.some(q => q.pid === byPid.get(p.pid)?.ppid))
  if (roots.length !== 1) throw new Error(`expected one browser process for ${profileDir}, found ${roots.length}`)
  return roots[0].pid
}

function tree (root, all) {
  const children = new Map()
  for (const p of all) {
    if (!children.has(p.ppid)) children.set(p.ppid, [])
    children.get(p.ppid).push(p)
  }
  const out = []
  const stack = all.filter(p => p.pid === root)
  while (stack.length) {
    const p = stack.pop()
    out.push(p)
    stack.push(...(children.get(p.pid) || []))
  }
  return out
}

function pssKiB (pid) {
  const text = read(`/proc/${pid}/smaps_rollup`)
  const m = text && /^Pss:\s+(\d+) kB/m.exec(text)
  return m ? Number(m[1]) : 0
}

/** Chromium's process type (--type=renderer, gpu-process, utility...), 'browser' for the root. */
function processType (pid) {
  // Chromium rewrites its children's command lines into one space-separated string.
  const args = (read(`/proc/${pid}/cmdline`) || '').split(/[\0 ]/)
  const type = args.find(a => a.startsWith('--type='))?.slice(7) || 'browser'
  const sub = args.find(a => a.startsWith('--utility-sub-type='))?.slice(19)
  return sub ? `${type}:${sub.split('.').pop()}` : type
}

/** [{ key, name, ticks }] for every thread of a process, named by /proc/PID/task/TID/comm. */
function threads (pid) {
  let tids
  try { tids = readdirSync(`/proc/${pid}/task`) } catch { return [] }
  const out = []
  for (const tid of tids) {
    const stat = read(`/proc/${pid}/task/${tid}/stat`)
    if (!stat) continue
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    out.push({ key: `${pid}/${tid}`, name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(f[11]) + Number(f[12]) })
  }
  return out
}

/**
 * Samples a process tree every `intervalMs` on a worker thread until stop(); resolves once
 * the first sample is taken. stop() resolves to { cpuSeconds, peakPssMiB, processes } over
 * the sampling window, and with `perThread` also `threads`: CPU seconds per (process type,
 * thread name), busiest first.
 */
export async function sampleTree (root, options = {}) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { root, options } })
  const message = () => new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  await message()
  return {
    async stop () {
      const result = message()
      worker.postMessage('stop')
      const r = await result
      await worker.terminate()
      return r
    }
  }
}

if (!isMainThread && workerData?.root) {
  const sampler = sampleHere(workerData.root, workerData.options)
  parentPort.postMessage('started')
  parentPort.once('message', () => parentPort.postMessage(sampler.stop()))
}

function sampleHere (root, { intervalMs = 200, perThread = false } = {}) {
  const start = new Map() // pid -> cpu ticks when first seen (0 when born after start)
  const last = new Map()
  const seen = new Set()
  const types = new Map()
  const threadStart = new Map()
  const threadLast = new Map()
  let peakKiB = 0
  let first = true
  const sample = () => {
    const procs = tree(root, processes())
    let kib = 0
    for (const p of procs) {
      if (!seen.has(p.pid)) {
        seen.add(p.pid)
        start.set(p.pid, first ? p.cpuTicks : 0)
        if (perThread) types.set(p.pid, processType(p.pid))
      }
      last.set(p.pid, p.cpuTicks)
      kib += pssKiB(p.pid)
      if (perThread) {
        for (const t of threads(p.pid)) {
          if (!threadStart.has(t.key)) threadStart.set(t.key, { ticks: first ? t.ticks : 0, pid: p.pid })
          threadLast.set(t.key, t)
        }
      }
    }
    first = false
    peakKiB = Math.max(peakKiB, kib)
  }
  sample()
  const timer = setInterval(sample, intervalMs)
  return {
    stop () {
      clearInterval(timer)
      sample()
      let ticks = 0
      for (const [pid, t] of last) ticks += t - start.get(pid)
      const result = { cpuSeconds: ticks / TICKS_PER_SECOND, peakPssMiB: peakKiB / 1024, processes: seen.size }
      if (perThread) {
        const byName = new Map()
        for (const [key, t] of threadLast) {
          const { ticks: t0, pid } = threadStart.get(key)
          const name = `${types.get(pid)} ${t.name}`
          byName.set(name, (byName.get(name) || 0) + (t.ticks - t0) / TICKS_PER_SECOND)
        }
        result.threads = [...byName].map(([name, seconds]) => ({ name, seconds })).filter(t => t.seconds > 0).sort((a, b) => b.seconds - a.seconds)
      }
      return result
    }
  }
}
