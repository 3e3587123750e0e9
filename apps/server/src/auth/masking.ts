/**
 * Masks personal data for roles that may know a record exists but not its contact details:
 * `+8613800138000` → `138****8000`, `wang@example.com` → `w***@example.com`, other text → `王**`.
 */
export function maskValue(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined || value === '') return value
  if (Array.isArray(value)) return value.map(() => '***')
  const text = String(value)
  if (type === 'phone') {
    const digits = text.replace(/^\+86/, '').replace(/\D/g, '')
    if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`
    return '****'
  }
  if (type === 'email') {
    const at = text.indexOf('@')
    return at > 0 ? `${text[0]}***${text.slice(at)}` : '***'
  }
  const chars = [...text]
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 6))}`
}
