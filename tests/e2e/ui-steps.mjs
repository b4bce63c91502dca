// Steps the UI tests take through the page's own controls, as a user would.

/** Waits until the selected torrent's tracker has answered an announce (its counts show). */
export async function trackerAnswered (page) {
  await page.waitForFunction(() => [...document.querySelectorAll('#trackers tr[data-status="connected"] td:nth-child(3)')]
    .some(td => td.textContent !== '—'), null, { timeout: 30000 })
}

/** Sets the page's global rate limits (kB/s, '' = unlimited) with its control. */
export async function limitThroughUi (page, { down = '', up = '' }) {
  await page.fill('#rate-down', String(down))
  await page.fill('#rate-up', String(up))
  await page.click('#rate-limits button[type=submit]')
  await page.waitForSelector(`#rate-limits[data-applied="${(Number(down) || 0) * 1000}/${(Number(up) || 0) * 1000}"]`)
}
