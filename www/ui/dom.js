// A tiny element builder, so the views build DOM nodes without innerHTML (torrent names and
// file paths come from strangers: they must only ever become text).

/** h('td', {className: 'num'}, 'text', node, ...): props go on the element, children appended. */
export function h (tag, props = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'dataset') Object.assign(el.dataset, value)
    else if (key === 'style') el.style.cssText = value
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value)
    else if (key in el && typeof value !== 'string') el[key] = value
    else if (key === 'className' || key === 'textContent' || key === 'value' || key === 'title') el[key] = value
    else el.setAttribute(key, value === true ? '' : value)
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : String(child))
  }
  return el
}

/** Sets text only when it changed, so a once-a-second refresh does not disturb selection. */
export function setText (el, text) {
  if (el.textContent !== text) el.textContent = text
}
