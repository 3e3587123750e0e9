/**
 * `Number(text)` for the decimal strings records carry (`"3520.50"`, exact decimals are strings in
 * Trellis), without V8's general string-to-double runtime call, which dominates a comparison like
 * `{">=": [{"var": "total_spent"}, 2000]}`. Up to 15 digits the value is digits / 10^scale: both are exact
 * doubles and IEEE division rounds correctly, so the result is exactly Number's. Anything else (exponents,
 * spaces, hex, longer numbers) goes to Number itself.
 */
export function decimalToNumber(text: string): number {
  const length = text.length
  if (length === 0 || length > 17) return Number(text)
  let i = 0
  let negative = false
  if (text.charCodeAt(0) === 45 /* - */) {
    negative = true
    i = 1
  }
  let digits = 0
  let count = 0
  let scale = 1
  let dot = false
  for (; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      digits = digits * 10 + (c - 48)
      count++
      if (dot) scale *= 10
    } else if (c === 46 /* . */ && !dot) {
      dot = true
    } else {
      return Number(text)
    }
  }
  if (count === 0 || count > 15) return Number(text)
  const value = digits / scale
  return negative ? -value : value
}
