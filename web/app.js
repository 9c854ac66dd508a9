/**
 * The viewer: its state lives in the URL (`?data=&dataset=&from=&to=&sum=`, a contract, plus
 * `columns`), and each change of it is a view: manifest.json once, the version's index.json,
 * then only the row groups and column chunks of the range (scan.js). When a view is ready the
 * page sets `<html data-ready="true">` and `window.viewerReport` (docs/index-format.md,
 * "The viewer").
 */

import { checkIndex, daysFromCivil, dayNumber, dayString, readManifest, selectAll, selectRange } from './index-client.js'
import { Fetcher, LimitedCache } from './http.js'
import { columnKind, isSummable } from './values.js'

// The reader (hyparquet, fzstd) and the DOM code load while the first view fetches
// manifest.json and index.json, instead of before it starts.
const modules = Promise.all([import('./scan.js'), import('./render.js')])
modules.catch(() => {}) // a view reports the failure when it awaits them

/** Rows in the table of first rows. */
const TABLE_ROWS = 20
/** A view without `from` and `to` shows the last 30 days of the dataset. */
const DEFAULT_DAYS = 30
/** Columns of the table when the URL names none. */
const DEFAULT_COLUMNS = 6

/**
 * @typedef {object} ViewState the URL's parameters
 * @property {string} data the publish directory's URL, relative to the page (default `data/`)
 * @property {string | null} dataset
 * @property {string | null} from first day, YYYY-MM-DD
 * @property {string | null} to the day after the last
 * @property {string | null} sum the column summed per day
 * @property {string[] | null} columns the table's columns (default: primary key, partition column, sum)
 */

/** index.json and footers by URL: files under `v<N>/` never change, so views share them. */
const indexes = new LimitedCache(16)
const footers = new LimitedCache(1024)
let generation = 0

/**
 * @param {string} search `location.search`
 * @returns {ViewState}
 */
export function readState(search) {
  const params = new URLSearchParams(search)
  const columns = params.get('columns')
  return {
    data: params.get('data') || 'data/',
    dataset: params.get('dataset') || null,
    from: params.get('from') || null,
    to: params.get('to') || null,
    sum: params.get('sum') || null,
    columns: columns === null ? null : columns.split(',').filter(Boolean),
  }
}

/**
 * The URL of a state: the five parameters in their documented order, then `columns`.
 *
 * @param {ViewState} state
 */
function stateURL(state) {
  const params = new URLSearchParams()
  if (state.data !== 'data/') params.set('data', state.data)
  for (const key of /** @type {const} */ (['dataset', 'from', 'to', 'sum'])) {
    const value = state[key]
    if (value) params.set(key, value)
  }
  if (state.columns) params.set('columns', state.columns.join(','))
  const query = params.toString().replaceAll('%2F', '/').replaceAll('%2C', ',')
  return `${location.pathname}${query ? '?' + query : ''}`
}

/**
 * Runs one view of `state` and reports it. A newer view started meanwhile wins: this one stops
 * at its next step and reports nothing.
 *
 * @param {ViewState} state
 * @param {number} started `performance.now()` when the view began (0 for the page's first view:
 *   navigation start, so module loading counts)
 */
async function runView(state, started) {
  const mine = ++generation
  const root = document.documentElement
  delete root.dataset.ready
  window.viewerReport = null
  const fetcher = new Fetcher()
  document.body.classList.add('loading')
  modules.then(([, render]) => { if (mine === generation) render.renderLoading(state) }, () => {})
  /** @type {Record<string, number>} */
  const phases = {}
  const mark = (/** @type {string} */ phase) => { phases[phase] = Math.round((performance.now() - started) * 10) / 10 }
  /** @type {Record<string, any>} */
  const partial = { dataset: state.dataset, version: null, from: state.from, to: state.to }
  try {
    const base = new URL(state.data.endsWith('/') ? state.data : state.data + '/', location.href).href
    mark('start')
    const manifest = await readManifest(base, (url, init) => fetcher.json(url, init))
    mark('manifest')
    if (mine !== generation) return
    const entry = pickEntry(manifest.entries, state.dataset, base)
    partial.dataset = entry.name
    partial.version = entry.version
    let index = indexes.get(entry.indexUrl)
    if (!index) {
      index = checkIndex(await fetcher.json(entry.indexUrl), entry.indexUrl)
      indexes.set(entry.indexUrl, index)
    }
    mark('index')
    const [{ scanRange }, { renderView, renderFetched }] = await modules
    mark('modules')
    if (mine !== generation) return

    const range = resolveRange(index, state)
    partial.from = range.from
    partial.to = range.to
    const columnNames = index.schema.map((/** @type {any} */ column) => column.name)
    const sum = state.sum || null
    if (sum) checkSumColumn(index, sum)
    const tableColumns = state.columns?.filter(name => columnNames.includes(name)) ?? defaultColumns(index, sum)
    const files = range.fromDay === null
      ? selectAll(index, entry.indexUrl)
      : selectRange(index, entry.indexUrl, /** @type {string} */ (range.from), /** @type {string} */ (range.to))
    const result = await scanRange({
      index, files, fromDay: range.fromDay, toDay: range.toDay, sumColumn: sum, tableColumns,
      tableRows: TABLE_ROWS, fetcher, footers,
    })
    mark('data')
    if (mine !== generation) return

    const shown = { ...state, dataset: entry.name, from: range.from, to: range.to, sum }
    history.replaceState(null, '', stateURL(shown))
    renderView({
      manifest, entry, index, range, sum, tableColumns, result,
      onChange: (/** @type {Partial<ViewState>} */ change) => navigate({ ...shown, ...change }),
    })
    mark('ready')
    const ms = phases.ready
    const report = {
      dataset: entry.name,
      version: entry.version,
      from: range.from,
      to: range.to,
      rows: result.rows,
      sum: result.sum ? result.sum.toString() : null,
      requests: fetcher.requests,
      bytes: fetcher.bytes,
      ms,
      // Beyond the contract: what the numbers above came from.
      columns: tableColumns,
      files: files.map(file => ({ path: file.path, rowStart: file.rowStart, rowEnd: file.rowEnd })),
      rowGroups: result.work.rowGroups,
      rowGroupsRead: result.work.rowGroupsRead,
      datasetBytes: index.files.reduce((/** @type {number} */ total, /** @type {any} */ file) => total + file.bytes, 0),
      phases,
    }
    renderFetched(report)
    window.viewerReport = report
    root.dataset.ready = 'true'
  } catch (error) {
    if (mine !== generation) return
    const message = error instanceof Error ? error.message : String(error)
    console.error(error)
    try {
      const { renderError } = await import('./render.js')
      renderError(message, state)
    } catch {
      document.body.textContent = message // the page's own modules did not load
    }
    window.viewerReport = { ...partial, rows: null, sum: null, requests: fetcher.requests, bytes: fetcher.bytes,
      ms: Math.round(performance.now() - started), error: message }
    root.dataset.ready = 'error'
  }
}

/**
 * The manifest entry a view shows: the one named, else the first dataset that is not a rollup.
 *
 * @param {import('./index-client.js').ManifestEntry[]} entries
 * @param {string | null} name
 * @param {string} base
 */
function pickEntry(entries, name, base) {
  if (entries.length === 0) throw new Error(`${base}manifest.json lists no dataset yet: nothing is published`)
  if (name === null) return entries.find(entry => !entry.source) ?? entries[0]
  const entry = entries.find(e => e.name === name)
  if (!entry) throw new Error(`no dataset "${name}" in ${base}manifest.json (it has ${entries.map(e => e.name).join(', ')})`)
  return entry
}

/**
 * The view's days: `from` and `to` as given, else the last DEFAULT_DAYS days of the dataset
 * (or, with only `from`, up to its end). No days at all for a dataset without a partition column.
 *
 * @param {any} index
 * @param {ViewState} state
 * @returns {{ from: string | null, to: string | null, fromDay: number | null, toDay: number | null, firstDay: number | null, lastDay: number | null }}
 */
function resolveRange(index, state) {
  if (!index.partition_by) return { from: null, to: null, fromDay: null, toDay: null, firstDay: null, lastDay: null }
  const days = index.files.flatMap((/** @type {any} */ file) => [dayNumber(file.min), dayNumber(file.max)])
    .filter((/** @type {number | null} */ day) => day !== null)
  const firstDay = days.length ? Math.min(...days) : daysFromCivil(1970, 1, 1)
  const lastDay = days.length ? Math.max(...days) : firstDay
  const parse = (/** @type {string} */ key, /** @type {string | null} */ value) => {
    if (value === null) return null
    const day = dayNumber(value)
    if (day === null || !/^-?\d{4,}-\d{2}-\d{2}$/.test(value)) throw new Error(`${key}: "${value}" is not a date (YYYY-MM-DD)`)
    return day
  }
  let fromDay = parse('from', state.from)
  let toDay = parse('to', state.to)
  if (toDay === null) toDay = fromDay === null ? lastDay + 1 : Math.max(lastDay + 1, fromDay + 1)
  if (fromDay === null) fromDay = toDay - DEFAULT_DAYS
  if (fromDay >= toDay) throw new Error(`from (${dayString(fromDay)}) must be before to (${dayString(toDay)}): the range is [from, to)`)
  return { from: dayString(fromDay), to: dayString(toDay), fromDay, toDay, firstDay, lastDay }
}

/**
 * The table's columns when the URL names none: the primary key, the partition column and the
 * summed one, then the next columns of the schema up to DEFAULT_COLUMNS, leaving out JSON and
 * binary ones (one chunk of such a column can weigh more than the rest of the view).
 *
 * @param {any} index
 * @param {string | null} sum
 * @returns {string[]}
 */
function defaultColumns(index, sum) {
  const light = index.schema
    .filter((/** @type {any} */ c) => !['json', 'binary'].includes(columnKind(c).type))
    .map((/** @type {any} */ c) => c.name)
  const chosen = [...(index.primary_key ?? []), index.partition_by, sum, ...light]
    .filter((name, i, all) => name && light.includes(name) && all.indexOf(name) === i)
  return chosen.slice(0, Math.max(DEFAULT_COLUMNS, chosen.indexOf(sum) + 1))
}

/**
 * @param {any} index
 * @param {string} name
 */
function checkSumColumn(index, name) {
  const column = index.schema.find((/** @type {any} */ c) => c.name === name)
  if (!column) throw new Error(`sum: ${index.dataset} has no column "${name}"`)
  if (!isSummable(columnKind(column))) {
    throw new Error(`sum: ${name} is ${column.mysql_type}, not a number: pick an integer, DECIMAL or floating-point column`)
  }
}

/**
 * A new view from the controls: a history entry of its own, so Back returns to the last one.
 *
 * @param {ViewState} state
 */
function navigate(state) {
  history.pushState(null, '', stateURL(state))
  runView(state, performance.now())
}

window.addEventListener('popstate', () => runView(readState(location.search), performance.now()))
runView(readState(location.search), 0)
