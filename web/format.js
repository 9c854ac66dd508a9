/** Numbers, sizes and times as people read them. */

// Built when the module loads, while the first view waits for manifest.json (app.js): an
// Intl.NumberFormat loads locale data, tens of milliseconds that would otherwise delay a render.
const integer = new Intl.NumberFormat('en-US')
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

/**
 * `1,234,567`.
 *
 * @param {number} n
 */
export function formatCount(n) {
  return integer.format(n)
}

/**
 * `1.2M`, `35K`, `812`.
 *
 * @param {number} n
 */
export function formatCompact(n) {
  return compact.format(n)
}

/**
 * An exact decimal string with thousands separators, keeping every digit: `-1,234,567.89`.
 *
 * @param {string} decimal
 */
export function formatDecimal(decimal) {
  const [, sign, whole, fraction] = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal) ?? []
  if (whole === undefined) return decimal // floating-point sums: printed as they are
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${grouped}${fraction ? '.' + fraction : ''}`
}

/**
 * `812 B`, `14.2 KB`, `3.10 MB` (powers of 1000, as browsers' network panels count).
 *
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  if (bytes < 1000) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = -1
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit += 1
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}

/**
 * `3 min ago`, `2 h ago`, `5 days ago`.
 *
 * @param {string} iso an ISO-8601 time
 * @param {number} [now] milliseconds since 1970
 */
export function formatAge(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (!Number.isFinite(seconds)) return iso
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`
  return `${Math.floor(seconds / 86400)} days ago`
}
