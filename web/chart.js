/**
 * A bar chart of one value per day, in plain SVG: no library, no build step. The chart scales
 * to its container (viewBox); each bar has a tooltip (`<title>`) with its day and exact label.
 */

import { civilFromDays, dayString } from './index-client.js'

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 960
const HEIGHT = 220
const MARGIN = { top: 12, right: 12, bottom: 28, left: 64 }
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * @param {object} options
 * @param {number} options.fromDay first day (day number)
 * @param {number} options.toDay the day after the last
 * @param {Map<number, number>} options.values by day number; missing days are zero
 * @param {Map<number, string>} [options.labels] exact text for the tooltips, by day
 * @param {(value: number) => string} options.format axis labels
 * @param {string} options.title accessible name
 * @param {string} [options.className] colours the bars (CSS)
 * @returns {SVGSVGElement}
 */
export function dayBarChart({ fromDay, toDay, values, labels, format, title, className = '' }) {
  const svg = element('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title, class: `chart ${className}` })
  const days = Math.max(1, toDay - fromDay)
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom
  let low = 0
  let high = 0
  for (const value of values.values()) {
    if (value < low) low = value
    if (value > high) high = value
  }
  const ticks = niceTicks(low, high)
  const bottom = ticks[0]
  const top = ticks[ticks.length - 1]
  const y = (/** @type {number} */ value) => MARGIN.top + plotHeight * (1 - (value - bottom) / (top - bottom || 1))

  for (const tick of ticks) {
    svg.append(element('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(tick), y2: y(tick), class: tick === 0 ? 'axis' : 'grid' }))
    svg.append(text(format(tick), { x: MARGIN.left - 8, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' }))
  }

  const step = plotWidth / days
  const gap = step > 4 ? Math.min(2, step * 0.2) : 0
  const bars = element('g', { class: 'bars' })
  for (const [day, value] of values) {
    if (!(day >= fromDay && day < toDay) || value === 0) continue
    const x = MARGIN.left + (day - fromDay) * step + gap / 2
    const y0 = y(Math.max(0, value))
    const bar = element('rect', {
      x: x.toFixed(2),
      y: y0.toFixed(2),
      width: Math.max(0.5, step - gap).toFixed(2),
      height: Math.max(0.5, Math.abs(y(value) - y(0))).toFixed(2),
      rx: step > 6 ? 1.5 : 0,
    })
    const tooltip = element('title', {})
    tooltip.textContent = `${dayString(day)}: ${labels?.get(day) ?? format(value)}`
    bar.append(tooltip)
    bars.append(bar)
  }
  svg.append(bars)

  for (const { day, label } of dayTicks(fromDay, toDay)) {
    const x = MARGIN.left + (day - fromDay) * step
    svg.append(element('line', { x1: x, x2: x, y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom + 4, class: 'axis' }))
    svg.append(text(label, { x: x + 2, y: HEIGHT - 8, class: 'tick' }))
  }
  return svg
}

/**
 * Round axis values covering `[low, high]`: 0 and steps of 1, 2 or 5 times a power of ten.
 *
 * @param {number} low
 * @param {number} high
 * @returns {number[]}
 */
export function niceTicks(low, high) {
  if (high === low) high = low + 1
  const raw = (high - low) / 4
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw) ?? 10 * power
  const ticks = []
  for (let v = Math.floor(low / step) * step; v < high + step; v += step) ticks.push(Number(v.toPrecision(12)))
  if (ticks[ticks.length - 1] < high) ticks.push(ticks[ticks.length - 1] + step)
  return ticks
}

/**
 * Labels along the day axis: days for up to two weeks, weeks up to 45 days, months up to two
 * years, else years.
 *
 * @param {number} fromDay
 * @param {number} toDay
 * @returns {{ day: number, label: string }[]}
 */
function dayTicks(fromDay, toDay) {
  const days = toDay - fromDay
  const ticks = []
  for (let day = fromDay; day < toDay; day++) {
    const { year, month, day: dom } = civilFromDays(day)
    if (days <= 45) {
      if (days <= 14 || (day - fromDay) % 7 === 0) ticks.push({ day, label: `${MONTHS[month - 1]} ${dom}` })
    } else if (days <= 800) {
      if (dom === 1) ticks.push({ day, label: month === 1 || ticks.length === 0 ? `${MONTHS[month - 1]} ${year}` : MONTHS[month - 1] })
    } else if (dom === 1 && month === 1) {
      ticks.push({ day, label: String(year) })
    }
  }
  // Labels closer than ~40 px would overlap: keep every other one until they fit.
  const spacing = (WIDTH - MARGIN.left - MARGIN.right) / Math.max(1, days)
  let kept = ticks
  while (kept.length > 1 && (kept[1].day - kept[0].day) * spacing < 40) kept = kept.filter((_, i) => i % 2 === 0)
  return kept
}

/**
 * @param {string} name
 * @param {Record<string, string | number>} attributes
 */
function element(name, attributes) {
  const node = document.createElementNS(SVG, name)
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value))
  return node
}

/**
 * @param {string} content
 * @param {Record<string, string | number>} attributes
 */
function text(content, attributes) {
  const node = element('text', attributes)
  node.textContent = content
  return node
}
