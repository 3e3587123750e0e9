import { AppError } from '../http/errors.js'

/** Opaque keyset cursor: the last row's sort value and id. */
export interface Cursor {
  value: unknown
  id: string
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString('base64url')
}

export function decodeCursor(text: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[1] === 'string' &&
      /^[0-9]+$/.test(parsed[1])
    ) {
      return { value: parsed[0], id: parsed[1] }
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError(400, 'CURSOR_INVALID', 'The cursor is not one this server issued', 'cursor')
}
