/**
 * Undo/redo over immutable snapshots. Consecutive edits of the same `group` (typing a label letter by letter)
 * collapse into one step, so undo takes back a word, not a keystroke.
 */
export interface History<T> {
  past: readonly T[]
  present: T
  future: readonly T[]
  /** Group of the last recorded edit; a new group starts a new undo step. */
  group: string | undefined
}

export const HISTORY_LIMIT = 200

export function startHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], group: undefined }
}

/** A change the user may undo. */
export function record<T>(history: History<T>, next: T, group?: string): History<T> {
  if (next === history.present) return history
  if (group !== undefined && group === history.group) return { ...history, present: next, future: [] }
  const past = [...history.past, history.present].slice(-HISTORY_LIMIT)
  return { past, present: next, future: [], group }
}

/** A change outside the undo stack (selection). */
export function replace<T>(history: History<T>, next: T): History<T> {
  return { ...history, present: next, group: undefined }
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past[history.past.length - 1]
  if (previous === undefined) return history
  return {
    past: history.past.slice(0, -1),
    present: previous,
    future: [history.present, ...history.future],
    group: undefined,
  }
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...future] = history.future
  if (next === undefined) return history
  return { past: [...history.past, history.present], present: next, future, group: undefined }
}
