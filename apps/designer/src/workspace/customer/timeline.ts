import type {
  RecordJson,
  RelatedSection,
  Timeline,
  TimelineAudit,
  TimelineConsent,
  TimelineFlow,
  TimelineMessage,
} from '../../api/records'

/** One entry of the 360° timeline; `key` is unique across kinds. */
export type TimelineItem =
  | { kind: 'record'; key: string; at: string | null; form: string; via: string; record: RecordJson }
  | { kind: 'message'; key: string; at: string; message: TimelineMessage }
  | { kind: 'flow'; key: string; at: string; flow: TimelineFlow }
  | { kind: 'audit'; key: string; at: string; entry: TimelineAudit }
  | { kind: 'consent'; key: string; at: string; consent: TimelineConsent }

/** What the chips filter by: a related form's key, or one of the non-record kinds. */
export type TimelineFilter = 'all' | 'messages' | 'flows' | 'history' | `form:${string}`

/** A related record's moment: the field its section is ordered by (`-ordered_at`), else its creation. */
export function recordTime(section: Pick<RelatedSection, 'sort'>, record: RecordJson): string | null {
  const field = section.sort.replace(/^-/, '')
  const value = field !== 'id' ? record[field] : undefined
  if (typeof value === 'string' && value) return value
  return typeof record.created_at === 'string' ? record.created_at : null
}

const time = (at: string | null) => {
  if (!at) return -Infinity
  // A date without a time (a task's due date) counts as its start of day, UTC: ordering only.
  const ms = Date.parse(at.length === 10 ? `${at}T00:00:00Z` : at)
  return Number.isNaN(ms) ? -Infinity : ms
}

/** Every part of the timeline answer as one list, newest first (ties keep a stable order by key). */
export function mergeTimeline(timeline: Omit<Timeline, 'record'>): TimelineItem[] {
  const items: TimelineItem[] = []
  for (const section of timeline.related)
    for (const record of section.records)
      items.push({
        kind: 'record',
        key: `${section.form}:${record.id}`,
        at: recordTime(section, record),
        form: section.form,
        via: section.via,
        record,
      })
  for (const message of timeline.messages)
    items.push({ kind: 'message', key: `message:${message.id}`, at: message.at, message })
  for (const flow of timeline.flows) items.push({ kind: 'flow', key: `flow:${flow.id}`, at: flow.at, flow })
  for (const entry of timeline.audit)
    items.push({ kind: 'audit', key: `audit:${entry.id}`, at: entry.at, entry })
  for (const consent of timeline.consents)
    items.push({ kind: 'consent', key: `consent:${consent.id}`, at: consent.at, consent })
  return items.sort((a, b) => time(b.at) - time(a.at) || a.key.localeCompare(b.key))
}

export function matches(item: TimelineItem, filter: TimelineFilter): boolean {
  switch (filter) {
    case 'all':
      return true
    case 'messages':
      return item.kind === 'message'
    case 'flows':
      return item.kind === 'flow'
    case 'history':
      return item.kind === 'audit' || item.kind === 'consent'
    default:
      return item.kind === 'record' && `form:${item.form}` === filter
  }
}

/** Appends a further page of one related form (from `/related/…`), without duplicates. */
export function appendRelated(
  related: RelatedSection[],
  form: string,
  page: { records: RecordJson[]; nextCursor: string | null },
): RelatedSection[] {
  return related.map((section) => {
    if (section.form !== form) return section
    const known = new Set(section.records.map((r) => r.id))
    return {
      ...section,
      records: [...section.records, ...page.records.filter((r) => !known.has(r.id))],
      nextCursor: page.nextCursor,
    }
  })
}

/**
 * The form "Add a follow-up" creates: a related form the viewer may create whose key or label says task
 * (the CRM's `tasks`), else none.
 */
export function followUpForm<F extends { key: string; access: { actions: string[] } }>(
  related: ReadonlyArray<Pick<RelatedSection, 'form' | 'via'>>,
  forms: ReadonlyArray<F>,
): { form: F; via: string } | undefined {
  for (const section of related) {
    const form = forms.find((f) => f.key === section.form)
    if (form && /task|follow/.test(form.key) && form.access.actions.includes('create'))
      return { form, via: section.via }
  }
  return undefined
}
