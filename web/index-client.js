/**
 * From a publish directory to the bytes of a date range: manifest.json, index.json and a range
 * `[from, to)` in, files, row ranges and HTTP byte ranges out. No Parquet decoding and no
 * dependency: any dashboard can use it with the reader it likes (docs/index-format.md).
 *
 * Dates are days: `from` and `to` are `YYYY-MM-DD`, and a partition value belongs to the day of
 * its own terms (a DATETIME its wall-clock date, a TIMESTAMP its UTC date), the day its file and
 * row group were cut on. Days are counted as day numbers (days since 1970-01-01), which compare
 * exactly whatever the year.
 */

/** The index.json layout this module reads (`format_version`). */
export const FORMAT_VERSION = 1

/**
 * @typedef {object} ManifestEntry one dataset or rollup of manifest.json
 * @property {string} name
 * @property {number} version
 * @property {string} index the index path, relative to manifest.json (through `v<N>`, never `current`)
 * @property {string} indexUrl the index's absolute URL
 * @property {number} rows
 * @property {string} publishedAt
 * @property {string | null} source the dataset a rollup is computed from, else null
 *
 * @typedef {object} RowGroupSelection one row group of a range
 * @property {number} index the row group's position in its file
 * @property {number} firstRow
 * @property {number} rows
 * @property {number} offset
 * @property {number} length
 * @property {number} minDay day number of the smallest partition value
 * @property {number} maxDay day number of the largest
 * @property {boolean} inside every row of the group is in the range (by the index alone)
 *
 * @typedef {object} FileSelection the part of one file a range needs
 * @property {string} path relative to index.json
 * @property {string} url absolute
 * @property {number} bytes the file's size
 * @property {number} rowStart first row of the range's row groups
 * @property {number} rowEnd one past their last row
 * @property {RowGroupSelection[]} rowGroups consecutive
 * @property {{ start: number, end: number }} tail the bytes after the last row group: page
 *   indexes and the footer, one range request that replaces hyparquet's 512 KB guess
 */

/**
 * Fetches and reads manifest.json.
 *
 * @param {string} base the publish directory's URL, ending in `/`
 * @param {(url: string, init?: RequestInit) => Promise<any>} fetchJson fetches a URL as JSON
 * @returns {Promise<{ generatedAt: string | null, entries: ManifestEntry[] }>} entries sorted by name
 */
export async function readManifest(base, fetchJson) {
  const url = new URL('manifest.json', base).href
  // no-store: a view must see the manifest of now, even when a new one was written within the
  // same second as the cached one (same Last-Modified, possibly the same length).
  const manifest = await fetchJson(url, { cache: 'no-store' })
  if (!manifest || typeof manifest.datasets !== 'object') {
    throw new Error(`${url} has no "datasets": is this a parquet-publisher directory?`)
  }
  const entries = Object.entries(manifest.datasets).map(([name, entry]) => ({
    name,
    version: entry.version,
    index: entry.index,
    indexUrl: new URL(entry.index, url).href,
    rows: entry.rows,
    publishedAt: entry.published_at,
    // A rollup's entry names its base (issue 13: `from`); other fields are ignored.
    source: entry.from ?? entry.source_dataset ?? null,
  }))
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  return { generatedAt: manifest.generated_at ?? null, entries }
}

/**
 * Checks an index.json it was given and says what it is. Unknown fields are ignored (a rollup's
 * index carries `source_version` and its definition); an unknown `format_version` is refused.
 *
 * @param {any} index the parsed index.json
 * @param {string} url where it came from, for the error message
 * @returns {any} the same index
 */
export function checkIndex(index, url) {
  if (index?.format_version !== FORMAT_VERSION) {
    throw new Error(`${url}: format_version ${index?.format_version} is not ${FORMAT_VERSION}, the one this page reads`)
  }
  if (!Array.isArray(index.files) || !Array.isArray(index.schema)) {
    throw new Error(`${url}: "files" and "schema" must be arrays`)
  }
  return index
}

/**
 * The files and row groups of `[from, to)`: files whose `[min, max]` meets the range, and in each
 * the consecutive row groups that do (rows are sorted by the partition column, so they are one
 * run). A row group is `inside` when its smallest and largest values both fall in the range:
 * then its `rows` are all in range, without reading it.
 *
 * @param {any} index a checked index.json
 * @param {string} indexUrl its URL (file URLs are relative to it)
 * @param {string} from first day, `YYYY-MM-DD`
 * @param {string} to the day after the last, `YYYY-MM-DD`
 * @returns {FileSelection[]}
 */
export function selectRange(index, indexUrl, from, to) {
  const fromDay = dayNumber(from)
  const toDay = dayNumber(to)
  if (fromDay === null) throw new Error(`from: "${from}" is not a date (YYYY-MM-DD)`)
  if (toDay === null) throw new Error(`to: "${to}" is not a date (YYYY-MM-DD)`)
  /** @type {FileSelection[]} */
  const selected = []
  for (const file of index.files) {
    if (!meets(file, fromDay, toDay)) continue
    /** @type {RowGroupSelection[]} */
    const rowGroups = []
    file.row_groups.forEach((/** @type {any} */ group, /** @type {number} */ position) => {
      if (group.rows === 0 || !meets(group, fromDay, toDay)) return
      const minDay = /** @type {number} */ (dayNumber(group.min))
      const maxDay = /** @type {number} */ (dayNumber(group.max))
      rowGroups.push({
        index: position,
        firstRow: group.first_row,
        rows: group.rows,
        offset: group.offset,
        length: group.length,
        minDay,
        maxDay,
        inside: minDay >= fromDay && maxDay < toDay,
      })
    })
    if (rowGroups.length === 0) continue
    const last = rowGroups[rowGroups.length - 1]
    const lastGroup = file.row_groups[file.row_groups.length - 1]
    selected.push({
      path: file.path,
      url: new URL(file.path, indexUrl).href,
      bytes: file.bytes,
      rowStart: rowGroups[0].firstRow,
      rowEnd: last.firstRow + last.rows,
      rowGroups,
      tail: { start: lastGroup.offset + lastGroup.length, end: file.bytes },
    })
  }
  return selected
}

/**
 * Every file of the index as a selection of all its row groups, for a dataset without a
 * partition column (whose row groups have no `min`/`max`).
 *
 * @param {any} index a checked index.json
 * @param {string} indexUrl
 * @returns {FileSelection[]}
 */
export function selectAll(index, indexUrl) {
  return index.files.filter((/** @type {any} */ file) => file.rows > 0).map((/** @type {any} */ file) => {
    const groups = file.row_groups
    const last = groups[groups.length - 1]
    return {
      path: file.path,
      url: new URL(file.path, indexUrl).href,
      bytes: file.bytes,
      rowStart: 0,
      rowEnd: file.rows,
      rowGroups: groups.map((/** @type {any} */ group, /** @type {number} */ position) => ({
        index: position, firstRow: group.first_row, rows: group.rows, offset: group.offset,
        length: group.length, minDay: NaN, maxDay: NaN, inside: true,
      })),
      tail: { start: last.offset + last.length, end: file.bytes },
    }
  })
}

/**
 * Whether an index entry's `[min, max]` meets the days `[fromDay, toDay)`.
 *
 * @param {{ min: string | null, max: string | null }} entry a file or row group
 * @param {number} fromDay
 * @param {number} toDay
 */
function meets({ min, max }, fromDay, toDay) {
  if (min === null || max === null) return false
  const low = dayNumber(min)
  const high = dayNumber(max)
  return low !== null && high !== null && high >= fromDay && low < toDay
}

/**
 * The byte ranges of some columns' chunks in some row groups of a file, from its footer
 * (a FileMetaData as hyparquet's `parquetMetadata` returns it). A chunk starts at its
 * dictionary page, if any, and is `total_compressed_size` long.
 *
 * @param {any} metadata the file's FileMetaData
 * @param {number[]} rowGroupIndexes
 * @param {string[]} columns top-level column names
 * @returns {{ start: number, end: number }[]} in file order
 */
export function columnChunkRanges(metadata, rowGroupIndexes, columns) {
  const ranges = []
  for (const index of rowGroupIndexes) {
    for (const chunk of metadata.row_groups[index].columns) {
      const meta = chunk.meta_data
      if (!columns.includes(meta.path_in_schema[0])) continue
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
      ranges.push({ start, end: start + Number(meta.total_compressed_size) })
    }
  }
  return ranges.sort((a, b) => a.start - b.start)
}

/**
 * Merges byte ranges into fewer requests. Overlapping and touching ranges always merge; a gap
 * is read through only when it is at most `maxGap` bytes and a quarter of the range after it,
 * so gaps add at most 25% to the bytes while saving a round trip per small chunk.
 *
 * @param {{ start: number, end: number }[]} ranges
 * @param {{ maxGap?: number }} [options] default 64 KiB
 * @returns {{ start: number, end: number }[]} sorted, disjoint
 */
export function coalesceRanges(ranges, { maxGap = 64 * 1024 } = {}) {
  const sorted = ranges.map(range => ({ ...range })).sort((a, b) => a.start - b.start)
  /** @type {{ start: number, end: number }[]} */
  const merged = []
  for (const range of sorted) {
    const last = merged[merged.length - 1]
    const gap = last ? range.start - last.end : Infinity
    if (last && (gap <= 0 || gap <= Math.min(maxGap, (range.end - range.start) / 4))) {
      last.end = Math.max(last.end, range.end)
    } else {
      merged.push(range)
    }
  }
  return merged
}

/**
 * The day number (days since 1970-01-01) of a partition value or a date: the date part of
 * `2024-05-17`, `2024-05-17T10:11:12` or `2024-05-17T10:11:12.5Z`. Null when it is not one.
 *
 * @param {string | null | undefined} value
 * @returns {number | null}
 */
export function dayNumber(value) {
  const match = typeof value === 'string' ? /^(-?\d{4,})-(\d{2})-(\d{2})(?:$|T)/.exec(value) : null
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  return daysFromCivil(year, month, day)
}

/**
 * The `YYYY-MM-DD` of a day number.
 *
 * @param {number} days
 * @returns {string}
 */
export function dayString(days) {
  const { year, month, day } = civilFromDays(days)
  const y = year < 0 ? '-' + String(-year).padStart(4, '0') : String(year).padStart(4, '0')
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * Howard Hinnant's `days_from_civil`: the proleptic Gregorian date as days since 1970-01-01.
 *
 * @param {number} year
 * @param {number} month 1...12
 * @param {number} day 1...31
 */
export function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/**
 * Howard Hinnant's `civil_from_days`, the inverse of `daysFromCivil`.
 *
 * @param {number} days
 * @returns {{ year: number, month: number, day: number }}
 */
export function civilFromDays(days) {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/**
 * @param {number} year
 * @param {number} month
 */
function daysInMonth(year, month) {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}
