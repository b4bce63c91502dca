// Tabs: each <a role=tab href="#name"> shows the panel it controls and hides the others. The
// choice lives in the URL's hash, so a view can be linked to and survives a reload.

/** Wires every tab in `nav`; returns the name of the view shown. `onShow(name)` hears each view shown. */
export function wireTabs (nav, onShow = () => {}) {
  const tabs = [...nav.querySelectorAll('[role=tab]')]
  const show = name => {
    const chosen = tabs.find(t => t.getAttribute('href') === `#${name}`) || tabs[0]
    for (const tab of tabs) {
      const selected = tab === chosen
      tab.setAttribute('aria-selected', String(selected))
      document.getElementById(tab.getAttribute('aria-controls')).hidden = !selected
    }
    const shown = chosen.getAttribute('href').slice(1)
    onShow(shown)
    return shown
  }
  // Only a hash naming a tab switches views: "#magnet=..." links open in the torrents view.
  const fromHash = () => {
    const name = location.hash.slice(1)
    return tabs.some(t => t.getAttribute('href') === `#${name}`) ? show(name) : show(tabs[0].getAttribute('href').slice(1))
  }
  window.addEventListener('hashchange', fromHash)
  return fromHash()
}
