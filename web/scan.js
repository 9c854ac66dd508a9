/**
 * Reads one view's data: the rows of a date range per day, the exact sum of one column per day,
 * and the first rows for the table, fetching only the row groups of the range and only the
 * column chunks each of them needs.
 *
 * What a row group needs depends on what index.json already says about it:
 * - a row group whose rows all fall on one day inside the range (the usual daily row group)
 *   needs nothing for its count, which is its `rows`, and only the sum column's chunk;
 * - a row group at an edge of the range, or spanning several days (monthly row groups, a
 *   rollup's), also needs the partition column, to count its rows day by day;
 * - the first row groups of the range also give the table its rows, with the table's columns.
 */

import { parquetMetadata, parquetRead } from 'hyparquet'
import { decompress } from 'fzstd'
import { coalesceRanges, columnChunkRanges } from './index-client.js'
import { RangeFile } from './http.js'
import { ColumnSum, columnKind, dayOfValue, formatCell } from './values.js'

/** ZSTD, the codec parquet-publisher writes, through fzstd. */
const compressors = {
  ZSTD: (/** @type {Uint8Array} */ input, /** @type {number} */ outputLength) =>
    decompress(input, new Uint8Array(outputLength)),
}

/**
 * @typedef {import('./index-client.js').FileSelection} FileSelection
 * @typedef {import('./index-client.js').RowGroupSelection} RowGroupSelection
 * @typedef {import('./http.js').Fetcher} Fetcher
 *
 * @typedef {object} ScanRequest
 * @property {any} index the dataset's index.json
 * @property {FileSelection[]} files from selectRange (or selectAll)
 * @property {number | null} fromDay first day of the range; null reads every row (no partition column)
 * @property {number | null} toDay the day after the last
 * @property {string | null} sumColumn
 * @property {string[]} tableColumns
 * @property {number} tableRows
 * @property {Fetcher} fetcher
 * @property {Map<string, any>} footers the files' footers by URL, kept across views (files under v<N> never change)
 *
 * @typedef {object} ScanResult
 * @property {number} rows rows in the range
 * @property {ColumnSum | null} sum
 * @property {Map<number, { rows: number, sum: ColumnSum | null }>} days by day number
 * @property {(string | null)[][]} table the first rows, formatted
 * @property {{ rowGroups: number, rowGroupsRead: number, chunks: number }} work
 */

/**
 * @param {ScanRequest} request
 * @returns {Promise<ScanResult>}
 */
export async function scanRange(request) {
  const { index, files, fromDay, toDay, sumColumn, tableColumns, tableRows } = request
  const schema = new Map(index.schema.map((/** @type {any} */ column) => [column.name, column]))
  for (const name of [sumColumn, ...tableColumns]) {
    if (name !== null && !schema.has(name)) throw new Error(`${index.dataset} has no column "${name}"`)
  }
  const timeColumn = fromDay === null ? null : index.partition_by
  const dayOf = timeColumn ? dayOfValue(columnKind(schema.get(timeColumn))) : null
  if (timeColumn && !dayOf) throw new Error(`${index.dataset}: ${timeColumn} is not a date or a timestamp`)
  const sumKind = sumColumn ? columnKind(schema.get(sumColumn)) : null

  /** @type {ScanResult} */
  const result = {
    rows: 0,
    sum: sumKind ? new ColumnSum(sumKind) : null,
    days: new Map(),
    table: [],
    work: { rowGroups: 0, rowGroupsRead: 0, chunks: 0 },
  }
  const tableGroups = firstGroupsFor(files, tableRows)
  const inRange = (/** @type {number} */ day) => day >= /** @type {number} */ (fromDay) && day < /** @type {number} */ (toDay)

  const perFile = await Promise.all(files.map(file => readFile(request, file, group => {
    const columns = new Set()
    const oneDay = group.inside && group.minDay === group.maxDay
    if (timeColumn && !oneDay) columns.add(timeColumn)
    if (sumColumn) columns.add(sumColumn)
    if (tableGroups.has(group)) for (const name of tableColumns) columns.add(name)
    return [...columns].sort()
  })))

  for (const [fileNumber, file] of files.entries()) {
    const { windowOf, columnsOf } = perFile[fileNumber]
    for (const group of file.rowGroups) {
      result.work.rowGroups += 1
      const columns = columnsOf(group)
      if (columns.length) result.work.rowGroupsRead += 1
      result.work.chunks += columns.length
      const times = timeColumn && columns.includes(timeColumn) ? windowOf(timeColumn, group) : null
      const sums = sumColumn ? windowOf(sumColumn, group) : null
      countGroup(result, group, times, sums, { dayOf, inRange, sumKind })
      if (tableGroups.has(group) && result.table.length < tableRows) {
        addTableRows(result, group, times, { dayOf, inRange, tableRows }, tableColumns.map(name => ({
          kind: columnKind(schema.get(name)),
          window: windowOf(name, group),
        })))
      }
    }
  }
  for (const day of result.days.values()) if (day.sum) result.sum?.merge(day.sum)
  return result
}

/**
 * Adds one row group's rows (and sums) to the per-day totals.
 *
 * @param {ScanResult} result
 * @param {RowGroupSelection} group
 * @param {Window | null} times the partition column, when the group needed it
 * @param {Window | null} sums
 * @param {{ dayOf: ((value: any) => number) | null, inRange: (day: number) => boolean, sumKind: any }} context
 */
function countGroup(result, group, times, sums, { dayOf, inRange, sumKind }) {
  const bin = (/** @type {number} */ day) => {
    let entry = result.days.get(day)
    if (!entry) {
      entry = { rows: 0, sum: sumKind ? new ColumnSum(sumKind) : null }
      result.days.set(day, entry)
    }
    return entry
  }
  if (!times || !dayOf) {
    // Every row of the group is in range, on one day (or the dataset has no days at all).
    const entry = bin(dayOf ? group.minDay : NaN)
    entry.rows += group.rows
    result.rows += group.rows
    if (sums) entry.sum?.addRange(sums.values, sums.offset, sums.offset + group.rows)
    return
  }
  let lastDay = NaN
  let entry = null
  for (let row = 0; row < group.rows; row++) {
    const time = times.values[times.offset + row]
    if (time === null || time === undefined) continue
    const day = dayOf(time)
    if (!inRange(day)) continue
    if (day !== lastDay) {
      entry = bin(day)
      lastDay = day
    }
    const e = /** @type {{ rows: number, sum: ColumnSum | null }} */ (entry)
    e.rows += 1
    result.rows += 1
    if (sums && e.sum) {
      const value = sums.values[sums.offset + row]
      if (value !== null && value !== undefined) e.sum.add(value)
    }
  }
}

/**
 * Appends the group's rows in range to the table, formatted, until it has `tableRows`.
 *
 * @param {ScanResult} result
 * @param {RowGroupSelection} group
 * @param {Window | null} times
 * @param {{ dayOf: ((value: any) => number) | null, inRange: (day: number) => boolean, tableRows: number }} context
 * @param {{ kind: any, window: Window }[]} columns
 */
function addTableRows(result, group, times, { dayOf, inRange, tableRows }, columns) {
  for (let row = 0; row < group.rows && result.table.length < tableRows; row++) {
    if (!group.inside && times && dayOf) {
      const time = times.values[times.offset + row]
      if (time === null || time === undefined || !inRange(dayOf(time))) continue
    }
    result.table.push(columns.map(({ kind, window }) => formatCell(kind, window.values[window.offset + row])))
  }
}

/**
 * The row groups at the start of the range that surely hold `count` rows in range (a group
 * inside the range holds its `rows`; an edge group, perhaps none).
 *
 * @param {FileSelection[]} files
 * @param {number} count
 * @returns {Set<RowGroupSelection>}
 */
function firstGroupsFor(files, count) {
  const groups = new Set()
  let surely = 0
  for (const file of files) {
    for (const group of file.rowGroups) {
      if (surely >= count) return groups
      groups.add(group)
      if (group.inside) surely += group.rows
    }
  }
  return groups
}

/**
 * @typedef {{ values: ArrayLike<any>, offset: number }} Window a column's values of one row
 *   group: row `r` of the group is `values[offset + r]`
 */

/**
 * Reads the columns each selected row group of a file needs: the footer (from the cache, or
 * the file's tail in one request), then every chunk in coalesced range requests issued at once,
 * decoded by hyparquet with the logical types hidden so values stay exact (values.js).
 *
 * @param {ScanRequest} request
 * @param {FileSelection} file
 * @param {(group: RowGroupSelection) => string[]} needs the columns a row group needs
 * @returns {Promise<{ windowOf: (column: string, group: RowGroupSelection) => Window, columnsOf: (group: RowGroupSelection) => string[] }>}
 */
async function readFile({ fetcher, footers }, file, needs) {
  const columnsByGroup = new Map(file.rowGroups.map(group => [group, needs(group)]))
  const columnsOf = (/** @type {RowGroupSelection} */ group) => /** @type {string[]} */ (columnsByGroup.get(group))
  /** @type {Map<string, { rowStart: number, values: ArrayLike<any> }[]>} */
  const segments = new Map()
  const windowOf = (/** @type {string} */ column, /** @type {RowGroupSelection} */ group) =>
    columnWindow(segments.get(column) ?? [], group.firstRow, group.firstRow + group.rows, column, file.path)
  if (![...columnsByGroup.values()].some(columns => columns.length)) return { windowOf, columnsOf }

  const source = new RangeFile(file.url, file.bytes, fetcher)
  let metadata = footers.get(file.url)
  if (!metadata) {
    metadata = rawMetadata(parquetMetadata(await source.slice(file.tail.start, file.tail.end)), file)
    footers.set(file.url, metadata)
  }

  // Consecutive row groups that need the same columns are read by one parquetRead.
  /** @type {{ groups: RowGroupSelection[], columns: string[] }[]} */
  const runs = []
  for (const group of file.rowGroups) {
    const columns = columnsOf(group)
    const last = runs[runs.length - 1]
    const adjacent = last && last.groups[last.groups.length - 1].index + 1 === group.index
    if (adjacent && last.columns.join('\0') === columns.join('\0')) last.groups.push(group)
    else runs.push({ groups: [group], columns })
  }
  const reads = runs.filter(run => run.columns.length)
  source.prefetch(coalesceRanges(reads.flatMap(run =>
    columnChunkRanges(metadata, run.groups.map(group => group.index), run.columns))))

  await Promise.all(reads.map(({ groups, columns }) => parquetRead({
    file: source,
    metadata,
    columns,
    rowStart: groups[0].firstRow,
    rowEnd: groups[groups.length - 1].firstRow + groups[groups.length - 1].rows,
    compressors,
    utf8: false,
    onChunk: ({ columnName, columnData, rowStart }) => {
      let list = segments.get(columnName)
      if (!list) segments.set(columnName, list = [])
      list.push({ rowStart, values: columnData })
    },
  })))
  for (const list of segments.values()) list.sort((a, b) => a.rowStart - b.rowStart)
  return { windowOf, columnsOf }
}

/**
 * The footer with every column's logical and converted type hidden, so hyparquet returns the
 * stored integers and bytes (values.js says why), after checking it describes the file
 * index.json does.
 *
 * @param {any} metadata
 * @param {FileSelection} file
 */
function rawMetadata(metadata, file) {
  for (const group of file.rowGroups) {
    const footerGroup = metadata.row_groups[group.index]
    if (!footerGroup || Number(footerGroup.num_rows) !== group.rows) {
      throw new Error(`${file.url}: row group ${group.index} disagrees with index.json (${group.rows} rows)`)
    }
  }
  return {
    ...metadata,
    schema: metadata.schema.map((/** @type {any} */ element) =>
      ({ ...element, converted_type: undefined, logical_type: undefined })),
  }
}

/**
 * Rows `[start, end)` of a column from the pieces hyparquet decoded: the piece itself when one
 * covers them (no copy), else the pieces joined.
 *
 * @param {{ rowStart: number, values: ArrayLike<any> }[]} pieces sorted by rowStart
 * @param {number} start
 * @param {number} end
 * @param {string} column
 * @param {string} path
 * @returns {Window}
 */
function columnWindow(pieces, start, end, column, path) {
  const covering = pieces.find(p => p.rowStart <= start && end <= p.rowStart + p.values.length)
  if (covering) return { values: covering.values, offset: start - covering.rowStart }
  const values = new Array(end - start)
  let filled = 0
  for (const piece of pieces) {
    const from = Math.max(start, piece.rowStart)
    const to = Math.min(end, piece.rowStart + piece.values.length)
    for (let row = from; row < to; row++) values[row - start] = piece.values[row - piece.rowStart]
    if (to > from) filled += to - from
  }
  if (filled !== end - start) throw new Error(`${path}: column ${column} came back without rows ${start}..<${end}`)
  return { values, offset: 0 }
}
