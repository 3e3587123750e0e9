/**
 * Exact decimal expansions of doubles, so a decimal column can be compared with a JS number in
 * exact numeric arithmetic (index-friendly, no per-row float conversion) with the same answer as
 * JavaScript's Number("12.50") <op> n.
 */

const view = new DataView(new ArrayBuffer(8))

/** The exact value of a finite double as a decimal string ('0.1000000000000000055511151231257827…'). */
export function exactDecimal(n: number): string {
  if (n === 0) return '0'
  view.setFloat64(0, n)
  const bits = view.getBigUint64(0)
  const negative = bits >> 63n === 1n
  const exponent = Number((bits >> 52n) & 0x7ffn)
  let mantissa = bits & ((1n << 52n) - 1n)
  let e: number
  if (exponent === 0) {
    e = -1074
  } else {
    mantissa |= 1n << 52n
    e = exponent - 1075
  }
  let text: string
  if (e >= 0) {
    text = (mantissa << BigInt(e)).toString()
  } else {
    const scale = -e
    const digits = (mantissa * 5n ** BigInt(scale)).toString().padStart(scale + 1, '0')
    text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '')
  }
  return negative ? `-${text}` : text
}

/** The neighbouring double towards +∞ (direction 1) or −∞ (direction -1). */
export function adjacentDouble(n: number, direction: 1 | -1): number {
  if (n === 0) return direction * Number.MIN_VALUE
  view.setFloat64(0, n)
  const bits = view.getBigUint64(0)
  view.setBigUint64(0, n > 0 === direction > 0 ? bits + 1n : bits - 1n)
  return view.getFloat64(0)
}
