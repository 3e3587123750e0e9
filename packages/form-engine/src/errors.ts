import { formatMessage } from './messages.js'

/** One problem with one value of a record, addressed by a dotted path (`phone`, `tags.2`). */
export interface FieldError {
  path: string
  /** Message key, e.g. `field.required`; look it up in `formMessages` to show it in another language. */
  code: string
  params?: Record<string, unknown>
  /** English, for logs and API clients that do not localize. */
  message: string
}

/** One problem with an app definition, addressed by a dotted path (`forms.1.fields.4.relation.form`). */
export interface AppIssue {
  code: string
  message: string
  path: string
  params?: Record<string, unknown>
}

export function fieldError(path: string, code: string, params?: Record<string, unknown>): FieldError {
  return params
    ? { path, code, params, message: formatMessage(code, params, 'en') }
    : { path, code, message: formatMessage(code, undefined, 'en') }
}

export function appIssue(path: string, code: string, params?: Record<string, unknown>): AppIssue {
  return params
    ? { code, message: formatMessage(code, params, 'en'), path, params }
    : { code, message: formatMessage(code, undefined, 'en'), path }
}

/** Thrown when the engine is asked for something it cannot plan (e.g. an incompatible type change). */
export class FormEngineError extends Error {
  readonly code: string
  readonly path: string
  readonly issues: AppIssue[]

  constructor(issues: AppIssue[]) {
    const first = issues[0] ?? appIssue('', 'app.invalid')
    super(issues.length > 1 ? `${first.message} (and ${issues.length - 1} more)` : first.message)
    this.name = 'FormEngineError'
    this.code = first.code
    this.path = first.path
    this.issues = issues
  }
}
