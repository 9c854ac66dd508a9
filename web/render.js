/**
 * The page's DOM: the controls, the dataset's line, the figures, the two charts, the table and
 * the line with what the view fetched. Plain DOM calls; everything is rebuilt for each view.
 */

import { civilFromDays, dayString, daysFromCivil } from './index-client.js'
import { dayBarChart } from './chart.js'
import { formatAge, formatBytes, formatCompact, formatCount, formatDecimal } from './format.js'
import { columnKind, isSummable } from './values.js'

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function byId(id) {
  const node = document.getElementById(id)
  if (!node) throw new Error(`index.html has no #${id}`)
  return node
}

/**
 * `h('div.card', { title: 'x' }, child, 'text')`: an element with classes, attributes and children.
 *
 * @param {string} tag `name.class1.class2`
 * @param {Record<string, any>} [attributes] `on*` values are listeners
 * @param {...(Node | string | null | undefined | false)} children
 */
function h(tag, attributes = {}, ...children) {
  const [name, ...classes] = tag.split('.')
  const node = document.createElement(name)
  if (classes.length) node.className = classes.join(' ')
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value)
    else if (key in node && key !== 'list') /** @type {any} */ (node)[key] = value
    else node.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children) if (child) node.append(child)
  return node
}

/** @param {any} state */
export function renderLoading(state) {
  document.body.classList.add('loading')
  byId('error').hidden = true
  byId('fetched').textContent = state.dataset ? `Loading ${state.dataset}…` : 'Loading…'
}

/**
 * @param {string} message
 * @param {any} state
 */
export function renderError(message, state) {
  document.body.classList.remove('loading')
  const box = byId('error')
  box.hidden = false
  box.replaceChildren(
    h('strong', {}, 'This view could not be loaded'),
    h('p', {}, message),
    h('p.hint', {}, `Publish directory: ${new URL(state.data, location.href).href} (the data parameter) · `,
      h('a', { href: state.data === 'data/' ? '?' : `?data=${encodeURIComponent(state.data)}` }, 'open the default view')),
  )
  byId('fetched').textContent = ''
}

/**
 * @param {object} view
 * @param {{ entries: import('./index-client.js').ManifestEntry[], generatedAt: string | null }} view.manifest
 * @param {import('./index-client.js').ManifestEntry} view.entry
 * @param {any} view.index
 * @param {{ from: string | null, to: string | null, fromDay: number | null, toDay: number | null, firstDay: number | null, lastDay: number | null }} view.range
 * @param {string | null} view.sum
 * @param {string[]} view.tableColumns
 * @param {import('./scan.js').ScanResult} view.result
 * @param {(change: Record<string, any>) => void} view.onChange
 */
export function renderView({ manifest, entry, index, range, sum, tableColumns, result, onChange }) {
  document.body.classList.remove('loading')
  byId('error').hidden = true
  document.title = `${entry.name} · parquet-publisher`
  byId('controls').replaceChildren(...controls({ manifest, entry, index, range, sum, onChange }))
  byId('meta').replaceChildren(...meta(entry, index))
  byId('stats').replaceChildren(...stats({ range, sum, result }))
  byId('charts').replaceChildren(...charts({ range, sum, result }))
  byId('table').replaceChildren(...table(index, tableColumns, result, onChange))
}

/**
 * The line with what the view fetched.
 *
 * @param {any} report window.viewerReport
 */
export function renderFetched(report) {
  const share = report.datasetBytes ? ` of ${formatBytes(report.datasetBytes)} (${(100 * report.bytes / report.datasetBytes).toFixed(2)}%)` : ''
  const fromIndex = report.rowGroups - report.rowGroupsRead
  const groups = `${formatCount(report.rowGroups)} row group${report.rowGroups === 1 ? '' : 's'} in range` +
    (fromIndex ? `, ${formatCount(fromIndex)} counted from index.json alone` : '')
  byId('fetched').replaceChildren(
    h('span', {}, `Fetched ${formatCount(report.requests)} request${report.requests === 1 ? '' : 's'}, `),
    h('strong', {}, formatBytes(report.bytes)),
    h('span', {}, `${share} · ${groups} · ready in `),
    h('strong', {}, `${Math.round(report.ms)} ms`),
  )
}

/** @param {any} options */
function controls({ manifest, entry, index, range, sum, onChange }) {
  const datasets = manifest.entries.filter(e => !e.source)
  const rollups = manifest.entries.filter(e => e.source)
  const option = (/** @type {import('./index-client.js').ManifestEntry} */ e) =>
    h('option', { value: e.name, selected: e.name === entry.name }, e.source ? `${e.name} (rollup of ${e.source})` : e.name)
  const datasetSelect = h('select', { id: 'dataset', onchange: (/** @type {Event} */ event) =>
    onChange({ dataset: /** @type {HTMLSelectElement} */ (event.target).value, from: range.from, to: range.to, sum: null, columns: null }) },
  h('optgroup', { label: 'Datasets' }, ...datasets.map(option)),
  rollups.length ? h('optgroup', { label: 'Rollups' }, ...rollups.map(option)) : null)

  const numeric = index.schema.filter((/** @type {any} */ c) => isSummable(columnKind(c)))
  const sumSelect = h('select', { id: 'sum', onchange: (/** @type {Event} */ event) =>
    onChange({ sum: /** @type {HTMLSelectElement} */ (event.target).value || null, columns: null }) },
  h('option', { value: '', selected: !sum }, 'nothing'),
  ...numeric.map((/** @type {any} */ c) => h('option', { value: c.name, selected: c.name === sum, title: c.mysql_type }, c.name)))
  const fields = [field('Dataset', datasetSelect), field('Sum of', sumSelect)]
  if (range.fromDay !== null) {
    const dateInput = (/** @type {string} */ id, /** @type {string | null} */ value) => h('input', {
      id, type: 'date', value, required: true,
      onchange: (/** @type {Event} */ event) => {
        const value = /** @type {HTMLInputElement} */ (event.target).value
        if (value) onChange({ [id]: value })
      },
    })
    fields.push(field('From', dateInput('from', range.from)), field('Before', dateInput('to', range.to)))
    fields.push(presets(range, onChange))
  }
  return fields
}

/**
 * @param {string} label
 * @param {HTMLElement} control
 */
function field(label, control) {
  return h('label.field', {}, h('span', {}, label), control)
}

/** Buttons for the usual ranges, ending with the dataset's last day. */
function presets(/** @type {any} */ range, /** @type {(change: any) => void} */ onChange) {
  const end = range.lastDay + 1
  const { year, month, day } = civilFromDays(end)
  const choices = [
    ['7 days', end - 7], ['30 days', end - 30], ['90 days', end - 90],
    ['12 months', daysFromCivil(year - 1, month, day === 29 && month === 2 ? 28 : day)],
    ['All', range.firstDay],
  ]
  return h('div.presets', { role: 'group', 'aria-label': 'Ranges' }, ...choices.map(([label, start]) => {
    const active = range.fromDay === start && range.toDay === end
    return h('button', {
      type: 'button', className: active ? 'active' : '',
      onclick: () => onChange({ from: dayString(/** @type {number} */ (start)), to: dayString(end) }),
    }, String(label))
  }))
}

/** A menu of the table's columns. */
function columnPicker(/** @type {any} */ index, /** @type {string[]} */ tableColumns, /** @type {(change: any) => void} */ onChange) {
  const boxes = index.schema.map((/** @type {any} */ column) => h('label.check', {},
    h('input', { type: 'checkbox', value: column.name, checked: tableColumns.includes(column.name) }), column.name))
  const apply = () => {
    const chosen = boxes.map(box => /** @type {HTMLInputElement} */ (box.querySelector('input'))).filter(i => i.checked).map(i => i.value)
    onChange({ columns: chosen })
  }
  return h('details.columns', {},
    h('summary', {}, `Columns (${tableColumns.length} of ${index.schema.length})`),
    h('div.menu', {}, ...boxes, h('button', { type: 'button', onclick: apply }, 'Show columns')))
}

/**
 * @param {import('./index-client.js').ManifestEntry} entry
 * @param {any} index
 */
function meta(entry, index) {
  const parts = [
    `v${entry.version}`,
    `published ${formatAge(entry.publishedAt)}`,
    `${formatCount(index.rows)} rows`,
    `${formatCount(index.files.length)} file${index.files.length === 1 ? '' : 's'}`,
  ]
  if (index.partition_by) {
    parts.push(`by ${index.partition_by}: ${index.partition_granularity} files, ${index.row_group_granularity ?? 'size-cut'} row groups`)
  }
  return [
    h('h1', {}, entry.name, entry.source ? h('span.badge', {}, `rollup of ${entry.source}`) : null),
    h('p', { title: `published at ${entry.publishedAt}` }, parts.join(' · ')),
  ]
}

/** @param {any} options */
function stats({ range, sum, result }) {
  const days = [...result.days.entries()].filter(([day, v]) => Number.isFinite(day) && v.rows > 0).length
  const cards = [
    card('Rows', formatCount(result.rows), range.from ? `${range.from} to before ${range.to}` : 'every row'),
  ]
  if (sum) {
    const exact = result.sum?.toString() ?? null
    cards.push(card(`Sum of ${sum}`, exact === null ? '—' : formatDecimal(exact), exact === null ? 'no values' : 'exact'))
  }
  if (range.fromDay !== null) cards.push(card('Days with rows', formatCount(days), `of ${formatCount(range.toDay - range.fromDay)} in range`))
  return cards
}

/**
 * @param {string} label
 * @param {string} value
 * @param {string} note
 */
function card(label, value, note) {
  return h('div.stat', {}, h('span.label', {}, label), h('span.value', { title: value }, value), h('span.note', {}, note))
}

/** @param {any} options */
function charts({ range, sum, result }) {
  if (range.fromDay === null) return [h('p.empty', {}, 'This dataset has no partition column: no days to chart.')]
  const rows = new Map()
  const sums = new Map()
  const labels = new Map()
  for (const [day, value] of result.days) {
    rows.set(day, value.rows)
    if (value.sum && value.sum.count) {
      sums.set(day, value.sum.toNumber())
      labels.set(day, formatDecimal(/** @type {string} */ (value.sum.toString())))
    }
  }
  const panels = [panel('Rows per day', dayBarChart({
    fromDay: range.fromDay, toDay: range.toDay, values: rows, format: formatCompact, title: 'Rows per day', className: 'rows',
  }))]
  if (sum) {
    panels.push(panel(`Sum of ${sum} per day`, dayBarChart({
      fromDay: range.fromDay, toDay: range.toDay, values: sums, labels, format: formatCompact, title: `Sum of ${sum} per day`, className: 'sums',
    })))
  }
  return panels
}

/**
 * @param {string} title
 * @param {Element} content
 */
function panel(title, content) {
  return h('section.card', {}, h('h2', {}, title), content)
}

/**
 * @param {any} index
 * @param {string[]} columns
 * @param {import('./scan.js').ScanResult} result
 * @param {(change: Record<string, any>) => void} onChange
 */
function table(index, columns, result, onChange) {
  const kinds = columns.map(name => columnKind(index.schema.find((/** @type {any} */ c) => c.name === name)))
  const numeric = kinds.map(kind => ['integer', 'decimal', 'float'].includes(kind.type))
  const title = h('div.heading', {},
    h('h2', {}, result.table.length
      ? `First ${result.table.length} rows${index.partition_by ? ' in range' : ''}`
      : `No rows${index.partition_by ? ' in range' : ''}`),
    columnPicker(index, columns, onChange))
  if (!columns.length || !result.table.length) return [title]
  return [title, h('div.scroll', {}, h('table', {},
    h('thead', {}, h('tr', {}, ...columns.map((name, i) => h(numeric[i] ? 'th.num' : 'th', {}, name)))),
    h('tbody', {}, ...result.table.map(row => h('tr', {}, ...row.map((cell, i) => cell === null
      ? h('td.null', {}, 'NULL')
      : h(numeric[i] ? 'td.num' : 'td', { title: cell.length > 60 ? cell : undefined }, cell.length > 60 ? cell.slice(0, 57) + '…' : cell))))),
  ))]
}
