/**
 * Every byte a view fetches goes through one `Fetcher`, which counts the requests and the body
 * bytes (what `viewerReport.requests` and `bytes` say), and Parquet files are read through
 * `RangeFile`, an AsyncBuffer (hyparquet's file interface) whose byte ranges are planned and
 * fetched up front, coalesced, then sliced as hyparquet asks for them.
 */

/** Requests one range may take when answers come back short, before the view fails. */
const MAX_RANGE_REQUESTS = 4

/**
 * The first byte of a `Content-Range: bytes <first>-<last>/<size>` header; null when absent
 * or not of that form.
 *
 * @param {string | null} header
 * @returns {number | null}
 */
function rangeStart(header) {
  const match = /^bytes (\d+)-\d+\//.exec(header ?? '')
  return match ? Number(match[1]) : null
}

/** Counts what one view fetched. */
export class Fetcher {
  constructor() {
    this.requests = 0
    this.bytes = 0
  }

  /**
   * Fetches a URL as JSON.
   *
   * @param {string} url
   * @param {RequestInit} [init]
   * @returns {Promise<any>}
   */
  async json(url, init) {
    const response = await this.#fetch(url, init)
    const body = await response.arrayBuffer()
    this.bytes += body.byteLength
    try {
      return JSON.parse(new TextDecoder().decode(body))
    } catch (error) {
      throw new Error(`${url} is not JSON: ${/** @type {Error} */ (error).message}`)
    }
  }

  /**
   * Fetches bytes `[start, end)` of a file with an HTTP range request.
   *
   * @param {string} url
   * @param {number} start
   * @param {number} end
   * @returns {Promise<ArrayBuffer>}
   */
  async range(url, start, end) {
    /** @type {ArrayBuffer[]} */
    const parts = []
    let at = start
    for (let attempt = 0; at < end; attempt++) {
      if (attempt === MAX_RANGE_REQUESTS) {
        throw new Error(`${url}: asked for ${end - start} bytes at ${start}, got ${at - start} in ${attempt} requests`)
      }
      /** @type {RequestInit} */
      const init = { headers: { Range: `bytes=${at}-${end - 1}` } }
      // Chromium's cache has answered a range with a 206 of fewer bytes than asked (seen
      // once in `make bench-viewer`, many ranges of one file in flight): ask for the rest,
      // and past the browser's cache, which holds nothing better.
      if (attempt > 0) init.cache = 'no-store'
      const response = await this.#fetch(url, init)
      const body = await response.arrayBuffer()
      this.bytes += body.byteLength
      if (response.status !== 206) {
        // A server that ignores Range sends the whole file: usable, but say so in the
        // console, since every view then downloads whole files.
        console.warn(`${url}: the server ignored the Range header (status ${response.status})`)
        return body.slice(start, end)
      }
      const first = rangeStart(response.headers.get('Content-Range'))
      if (first !== null && first !== at) {
        throw new Error(`${url}: asked for bytes from ${at}, the server sent them from ${first}`)
      }
      if (body.byteLength < end - at) {
        console.warn(`${url}: asked for ${end - at} bytes at ${at}, got ${body.byteLength}; asking for the rest`)
      }
      parts.push(body.byteLength > end - at ? body.slice(0, end - at) : body)
      at += body.byteLength
    }
    if (parts.length === 1) return parts[0]
    const whole = new Uint8Array(end - start)
    let offset = 0
    for (const part of parts) {
      whole.set(new Uint8Array(part), offset)
      offset += part.byteLength
    }
    return whole.buffer
  }

  /**
   * @param {string} url
   * @param {RequestInit} [init]
   */
  async #fetch(url, init) {
    this.requests += 1
    let response
    try {
      response = await fetch(url, init)
    } catch (error) {
      throw new Error(`cannot fetch ${url}: ${/** @type {Error} */ (error).message}`)
    }
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`)
    return response
  }
}

/**
 * A Parquet file on a server, as hyparquet's AsyncBuffer: `byteLength` comes from index.json
 * (no HEAD request), and `slice` is served from ranges prefetched with `prefetch`, so the
 * column chunks of a view arrive in a few coalesced requests issued at once. A slice outside
 * them is fetched on its own (and counted like any other).
 */
export class RangeFile {
  /**
   * @param {string} url
   * @param {number} byteLength
   * @param {Fetcher} fetcher
   */
  constructor(url, byteLength, fetcher) {
    this.url = url
    this.byteLength = byteLength
    this.fetcher = fetcher
    /** @type {{ start: number, end: number, data: Promise<ArrayBuffer> }[]} */
    this.ranges = []
  }

  /**
   * Starts fetching ranges (sorted, disjoint: see `coalesceRanges`).
   *
   * @param {{ start: number, end: number }[]} ranges
   */
  prefetch(ranges) {
    for (const { start, end } of ranges) {
      const data = this.fetcher.range(this.url, start, end)
      data.catch(() => {}) // the reader that slices it reports the error
      this.ranges.push({ start, end, data })
    }
  }

  /**
   * @param {number} start
   * @param {number} [end]
   * @returns {Promise<ArrayBuffer>}
   */
  slice(start, end = this.byteLength) {
    const range = this.ranges.find(r => r.start <= start && end <= r.end)
    if (!range) return this.fetcher.range(this.url, start, end)
    if (range.start === start && range.end === end) return range.data
    return range.data.then(buffer => buffer.slice(start - range.start, end - range.start))
  }
}

/**
 * A Map that forgets its oldest entries beyond `limit`: the viewer keeps index.json and footers
 * across views, and a daemon publishing every few seconds would otherwise grow it for as long
 * as the page stays open.
 *
 * @template K, V
 * @extends {Map<K, V>}
 */
export class LimitedCache extends Map {
  /** @param {number} limit */
  constructor(limit) {
    super()
    this.limit = limit
  }

  /**
   * @param {K} key
   * @param {V} value
   */
  set(key, value) {
    super.delete(key)
    super.set(key, value)
    while (this.size > this.limit) this.delete(this.keys().next().value)
    return this
  }
}
