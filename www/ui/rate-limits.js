// The global rate limits: two fields in kB/s (empty or 0: unlimited), applied to the core
// through the pump and kept in localStorage so they survive a reload.

const KEY = 'peerpage.rateLimits'

function read (input) {
  const n = Number(input.value)
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : 0
}

/** Wires `form` (with #rate-down and #rate-up) to the pump and applies the saved limits. */
export function wireRateLimits (form, pump, onError) {
  const down = form.querySelector('#rate-down')
  const up = form.querySelector('#rate-up')
  const status = form.querySelector('#rate-status')
  const apply = () => {
    const limits = { down: read(down), up: read(up) }
    try {
      pump.setRateLimits(limits.down, limits.up)
      localStorage.setItem(KEY, JSON.stringify(limits))
      status.textContent = limits.down || limits.up ? 'limited' : 'unlimited'
      form.dataset.applied = `${limits.down}/${limits.up}`
    } catch (err) {
      onError(err, 'Could not set the rate limits')
    }
  }
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || 'null')
    if (saved) {
      down.value = saved.down ? String(saved.down / 1000) : ''
      up.value = saved.up ? String(saved.up / 1000) : ''
    }
  } catch { /* a damaged entry: start unlimited */ }
  form.addEventListener('submit', ev => {
    ev.preventDefault()
    apply()
  })
  apply()
}
