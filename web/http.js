/**
 * Every byte a view fetches goes through one `Fetcher`, which counts the requests and the body
 * bytes (what `viewerReport.requests` and `bytes` say), and Parquet files are read through
 * `RangeFile`, an AsyncBuffer (hyparquet's file interface) whose byte ranges are planned and
 * fetched up front, coalesced, then sliced as hyparquet asks for them.
 */

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
    const response = await this.#fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` } })
    const body = await response.arrayBuffer()
    this.bytes += body.byteLength
    if (response.status === 206) {
      if (body.byteLength !== end - start) {
        throw new Error(`${url}: asked for ${end - start} bytes at ${start}, got ${body.byteLength}`)
      }
      return body
    }
    // A server that ignores Range sends the whole file: usable, but say so in the console,
    // since every view then downloads whole files.
    console.warn(`${url}: the server ignored the Range header (status ${response.status})`)
    return body.slice(start, end)
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
