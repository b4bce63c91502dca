// The service worker's entry point. It lives at the site root only so that its scope covers
// the pages whose <video> elements it serves (a worker controls pages at or below its own
// path); the code is in stream/sw.js.
import './stream/sw.js'
