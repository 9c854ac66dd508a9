/**
 * Raw Parquet values, as hyparquet returns them when a column's logical type is hidden from it
 * (see scan.js), made meaningful with the column's description in index.json: exact sums,
 * day numbers of partition values, and table cells. Hiding the logical type is what keeps them
 * exact: hyparquet turns a DECIMAL into `unscaled * 10 ** -scale`, a float, and a TIMESTAMP into
 * a millisecond Date. Raw, they are (docs/types.md for what we write):
 *
 * | physical type | hyparquet gives | columns |
 * | --- | --- | --- |
 * | INT32 | number | INT, SMALLINT..., DECIMAL(p ≤ 9) unscaled, DATE as days, unsigned as the bit pattern |
 * | INT64 | bigint | BIGINT, DECIMAL(10 ≤ p ≤ 18) unscaled, DATETIME/TIMESTAMP in their unit, unsigned as the bit pattern |
 * | FIXED_LEN_BYTE_ARRAY | Uint8Array | DECIMAL(p ≥ 19): big-endian two's complement; UUID |
 * | BYTE_ARRAY | Uint8Array (utf8: false) | text (UTF-8), JSON, binary |
 * | FLOAT, DOUBLE | number | |
 * | BOOLEAN | boolean | |
 *
 * NULL is `null` (or `undefined`) in every case.
 */

import { dayString } from './index-client.js'

/**
 * @typedef {object} ColumnKind what a column's values are, from its index.json description
 * @property {'integer' | 'decimal' | 'float' | 'date' | 'timestamp' | 'time' | 'text' | 'json'
 *   | 'uuid' | 'boolean' | 'binary'} type
 * @property {number} scale digits after the point (decimal), else 0
 * @property {boolean} unsigned the value is an unsigned bit pattern
 * @property {number} bits 32 or 64 for integers stored as INT32 or INT64
 * @property {bigint} unitsPerDay timestamps and times: 86 400 000 (MILLIS), ...000 (MICROS), ...
 * @property {boolean} utc a TIMESTAMP with isAdjustedToUTC=true
 */

/**
 * What a column of index.json's `schema` holds.
 *
 * @param {{ name: string, physical_type: string, logical_type: string | null }} column
 * @returns {ColumnKind}
 */
export function columnKind({ physical_type: physical, logical_type: logical }) {
  const kind = {
    type: /** @type {ColumnKind['type']} */ ('binary'),
    scale: 0,
    unsigned: false,
    bits: physical === 'INT32' ? 32 : 64,
    unitsPerDay: 0n,
    utc: false,
  }
  const [, name, args = ''] = /^([A-Z]+)(?:\((.*)\))?$/.exec(logical ?? '') ?? []
  const parts = args.split(',')
  if (name === 'DECIMAL') {
    kind.type = 'decimal'
    kind.scale = Number(parts[1])
  } else if (name === 'INTEGER') {
    kind.type = 'integer'
    kind.unsigned = parts[1] === 'false'
  } else if (name === 'DATE') {
    kind.type = 'date'
  } else if (name === 'TIMESTAMP' || name === 'TIME') {
    kind.type = name === 'TIME' ? 'time' : 'timestamp'
    kind.unitsPerDay = { MILLIS: 86_400_000n, MICROS: 86_400_000_000n, NANOS: 86_400_000_000_000n }[parts[0]] ?? 0n
    kind.utc = parts[1] === 'true'
  } else if (name === 'STRING' || name === 'ENUM') {
    kind.type = 'text'
  } else if (name === 'JSON') {
    kind.type = 'json'
  } else if (name === 'UUID') {
    kind.type = 'uuid'
  } else if (physical === 'INT32' || physical === 'INT64') {
    kind.type = 'integer'
  } else if (physical === 'FLOAT' || physical === 'DOUBLE') {
    kind.type = 'float'
  } else if (physical === 'BOOLEAN') {
    kind.type = 'boolean'
  }
  return kind
}

/**
 * Whether a column can be summed: integers, decimals and floating-point numbers.
 *
 * @param {ColumnKind} kind
 */
export function isSummable(kind) {
  return kind.type === 'integer' || kind.type === 'decimal' || kind.type === 'float'
}

/**
 * Day numbers of a partition column's raw values: a function from a value to its day (days
 * since 1970-01-01, floored, so a time before 1970 falls on its own day), or null for a
 * column that is not a date or timestamp.
 *
 * @param {ColumnKind} kind
 * @returns {((value: number | bigint) => number) | null}
 */
export function dayOfValue(kind) {
  if (kind.type === 'date') return value => Number(value)
  if (kind.type !== 'timestamp' || !kind.unitsPerDay) return null
  const perDay = kind.unitsPerDay
  const perDayNumber = Number(perDay)
  return value => {
    const n = Number(value)
    // Within 2^53 a Number holds the value exactly, and so its day.
    if (n > -9007199254740992 && n < 9007199254740992) return Math.floor(n / perDayNumber)
    const big = BigInt(value)
    const quotient = big / perDay
    return Number(big % perDay < 0n ? quotient - 1n : quotient)
  }
}

/** Pending Number additions are moved into the BigInt before they could lose a digit. */
const SMALL_LIMIT = 2 ** 32
const FLUSH_EVERY = 2 ** 20 // 2^20 values below 2^32 in magnitude stay below 2^52

/**
 * An exact sum of integer or DECIMAL values in unscaled units (cents for DECIMAL(14,2)), or a
 * compensated (Neumaier) sum of floating-point values. NULLs are skipped; like SQL's SUM, the
 * sum of no values is null.
 */
export class ColumnSum {
  /** @param {ColumnKind} kind */
  constructor(kind) {
    this.kind = kind
    this.count = 0
    this.big = 0n
    this.small = 0 // exact while |small| < 2^53
    this.pending = 0
    this.compensation = 0 // floats: Neumaier's running error
  }

  /**
   * Adds `values[start..<end]`.
   *
   * @param {ArrayLike<any>} values
   * @param {number} [start]
   * @param {number} [end]
   */
  addRange(values, start = 0, end = values.length) {
    if (this.kind.type === 'float') {
      for (let i = start; i < end; i++) {
        const v = values[i]
        if (v !== null && v !== undefined) {
          this.count += 1
          this.#addFloat(Number(v))
        }
      }
      return
    }
    if (values instanceof BigInt64Array) return this.#addInt64Words(values, start, end)
    for (let i = start; i < end; i++) {
      const v = values[i]
      if (v !== null && v !== undefined) this.add(v)
    }
  }

  /**
   * A REQUIRED INT64 column without a BigInt per value: reading a BigInt64Array element
   * allocates one (a 2.5M-row sum spent more time collecting them than adding). The values are
   * read as little-endian 32-bit halves; those within ±2^32 are added as Numbers, the rest as
   * BigInts.
   *
   * @param {BigInt64Array} values
   * @param {number} start
   * @param {number} end
   */
  #addInt64Words(values, start, end) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2)
    const unsigned = this.kind.unsigned
    for (let i = start; i < end; i++) {
      const high = words[2 * i + 1]
      if (high === 0 || (high === -1 && !unsigned)) {
        this.count += 1
        this.small += high * 4294967296 + (words[2 * i] >>> 0)
        if (++this.pending === FLUSH_EVERY) this.#flush()
      } else {
        this.add(values[i])
      }
    }
  }

  /**
   * Adds one non-null raw value.
   *
   * @param {number | bigint | Uint8Array} value
   */
  add(value) {
    this.count += 1
    if (this.kind.type === 'float') return this.#addFloat(Number(value))
    if (typeof value === 'number') {
      if (this.kind.unsigned && value < 0) value += 4294967296
      this.small += value
    } else if (typeof value === 'bigint') {
      if (this.kind.unsigned && value < 0n) value += 18446744073709551616n
      const n = Number(value)
      if (n < SMALL_LIMIT && n > -SMALL_LIMIT) this.small += n
      else this.big += value
    } else {
      this.big += twosComplement(value)
      return
    }
    if (++this.pending === FLUSH_EVERY) this.#flush()
  }

  /** @param {ColumnSum} other */
  merge(other) {
    this.count += other.count
    if (this.kind.type === 'float') {
      this.#addFloat(other.small)
      this.#addFloat(other.compensation)
      return
    }
    this.#flush()
    this.big += other.big + BigInt(other.small)
  }

  /** The sum as a decimal string (`-1234.50` for DECIMAL(p,2)), or null when nothing was added. */
  toString() {
    if (this.count === 0) return null
    if (this.kind.type === 'float') return String(this.small + this.compensation)
    this.#flush()
    return formatScaled(this.big, this.kind.scale)
  }

  /** The sum as a Number, for charts: close, not exact. */
  toNumber() {
    if (this.kind.type === 'float') return this.small + this.compensation
    return Number(this.big + BigInt(this.small)) / 10 ** this.kind.scale
  }

  #flush() {
    if (this.small !== 0) this.big += BigInt(this.small)
    this.small = 0
    this.pending = 0
  }

  /** @param {number} v */
  #addFloat(v) {
    const t = this.small + v
    this.compensation += Math.abs(this.small) >= Math.abs(v) ? this.small - t + v : v - t + this.small
    this.small = t
  }
}

/**
 * A big-endian two's complement integer (a DECIMAL on FIXED_LEN_BYTE_ARRAY).
 *
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function twosComplement(bytes) {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  if (bytes.length && bytes[0] & 0x80) value -= 1n << BigInt(bytes.length * 8)
  return value
}

/**
 * An unscaled integer as a decimal string with `scale` digits after the point.
 *
 * @param {bigint} unscaled
 * @param {number} scale
 */
export function formatScaled(unscaled, scale) {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits
  return negative ? '-' + text : text
}

const textDecoder = new TextDecoder()

/**
 * A raw value as the table shows it; null for NULL.
 *
 * @param {ColumnKind} kind
 * @param {any} value
 * @returns {string | null}
 */
export function formatCell(kind, value) {
  if (value === null || value === undefined) return null
  switch (kind.type) {
    case 'integer':
      if (kind.unsigned && typeof value === 'number' && value < 0) return String(value + 4294967296)
      if (kind.unsigned && typeof value === 'bigint' && value < 0n) return String(value + 18446744073709551616n)
      return String(value)
    case 'decimal':
      return formatScaled(value instanceof Uint8Array ? twosComplement(value) : BigInt(value), kind.scale)
    case 'float':
    case 'boolean':
      return String(value)
    case 'date':
      return dayString(Number(value))
    case 'timestamp':
      return formatTimestamp(BigInt(value), kind)
    case 'time':
      return formatTimeOfDay(BigInt(value), kind.unitsPerDay)
    case 'text':
    case 'json':
      return textDecoder.decode(value)
    case 'uuid':
      return formatUUID(value)
    default:
      return value instanceof Uint8Array ? `0x${hex(value.subarray(0, 16))}${value.length > 16 ? '…' : ''}` : String(value)
  }
}

/**
 * `2024-05-17 10:11:12.345678`, with ` UTC` for a TIMESTAMP (isAdjustedToUTC) and the fraction
 * only when non-zero.
 *
 * @param {bigint} value
 * @param {ColumnKind} kind
 */
function formatTimestamp(value, kind) {
  const perDay = kind.unitsPerDay
  let day = value / perDay
  let rest = value % perDay
  if (rest < 0n) {
    rest += perDay
    day -= 1n
  }
  return `${dayString(Number(day))} ${formatTimeOfDay(rest, perDay)}${kind.utc ? ' UTC' : ''}`
}

/**
 * @param {bigint} sinceMidnight
 * @param {bigint} perDay
 */
function formatTimeOfDay(sinceMidnight, perDay) {
  const perSecond = perDay / 86400n
  const seconds = Number(sinceMidnight / perSecond)
  const fraction = sinceMidnight % perSecond
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0')
  let text = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`
  if (fraction) {
    const width = perSecond.toString().length - 1
    text += '.' + fraction.toString().padStart(width, '0').replace(/0+$/, '')
  }
  return text
}

/** @param {Uint8Array} bytes */
function formatUUID(bytes) {
  const h = hex(bytes)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** @param {Uint8Array} bytes */
function hex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}
