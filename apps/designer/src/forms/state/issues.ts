import {
  formatFieldError,
  validateApp,
  type AppDefinition,
  type AppIssue,
  type Locale,
} from '@trellis/form-engine'

/** An issue of the saved definition, placed on its form and field by key (indexes shift as you edit). */
export interface PlacedIssue {
  code: string
  path: string
  message: string
  params?: Record<string, unknown>
  form?: string
  field?: string
  /** What is wrong inside the field (`options.0.value`), or inside the form when there is no field. */
  detail?: string
}

const PATH = /^forms\.(\d+)(?:\.fields\.(\d+))?(?:\.(.+))?$/

/**
 * Places issues on fields. The server's answer carries code, message and path but not the params that fill
 * a localized message, so the same check is run here (the designer imports the form engine) and its params
 * are borrowed for the issue with the same path and code.
 */
export function placeIssues(
  app: AppDefinition,
  issues: readonly { code: string; message: string; path?: string }[],
): PlacedIssue[] {
  let local: AppIssue[] = []
  try {
    local = validateApp(app)
  } catch {
    // a definition the engine cannot read: the server's messages are all we have
  }
  return issues.map((issue) => {
    const path = issue.path ?? ''
    const twin = local.find((candidate) => candidate.path === path && candidate.code === issue.code)
    const placed: PlacedIssue = { code: issue.code, path, message: issue.message }
    if (twin?.params) placed.params = twin.params
    const match = PATH.exec(path)
    if (match) {
      const form = app.forms[Number(match[1])]
      if (form) placed.form = form.key
      const field = match[2] === undefined ? undefined : form?.fields[Number(match[2])]
      if (field) placed.field = field.key
      if (match[3]) placed.detail = match[3]
    }
    return placed
  })
}

export function issueText(issue: PlacedIssue, locale: Locale): string {
  return formatFieldError(issue, locale)
}

/** Issues grouped by `form.field` (and `form` for the form's own), for badges on the canvas. */
export function issuesByField(issues: readonly PlacedIssue[]): Map<string, PlacedIssue[]> {
  const map = new Map<string, PlacedIssue[]>()
  for (const issue of issues) {
    if (!issue.form) continue
    const key = issue.field ? `${issue.form}.${issue.field}` : issue.form
    map.set(key, [...(map.get(key) ?? []), issue])
  }
  return map
}
