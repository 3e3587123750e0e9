import type { AppService } from '../apps/app-service.js'
import type { PublishedApp } from '../apps/published-app.js'
import type { AccessService } from '../auth/access-service.js'
import { FormAccess } from '../auth/access.js'
import type { Viewer } from '../auth/viewer.js'
import { AppError } from '../http/errors.js'
import type { DynamicDb } from '../db/dynamic.js'
import { RecordReader } from '../records/record-reader.js'
import type { RecordJson } from '../records/record-json.js'
import { WriteBatcher } from '../records/write-batcher.js'

type Values = Record<string, unknown>

/** What a viewer may know of an instance's record. */
export type RecordView =
  /** The instance is not bound to a record. */
  | { kind: 'none' }
  /** Outside the viewer's row scope, no read permission on the form, or gone: the instance is not theirs to see. */
  | { kind: 'hidden' }
  /** The record as the viewer may see it now (hidden fields removed, masked fields masked). */
  | { kind: 'visible'; values: Values; present: (values: Values) => Values }

/**
 * Flow instances and tasks bound to a record follow the record's access rules (issue 5): the record is
 * read through the records service with the viewer, so the row scope, the form's read permission, hidden
 * fields and masking apply exactly as on the records API. Administrators see everything.
 */
export class InstanceRecordAccess {
  /** Record reads of one form by one member arriving together go as one statement (see `read`). */
  private readonly reads = new WriteBatcher<{ reader: RecordReader; id: string }, RecordJson | undefined>(
    1,
    64,
  )

  constructor(
    private readonly db: DynamicDb,
    private readonly apps: AppService,
    private readonly access: AccessService,
  ) {}

  async view(
    appKey: string,
    form: string | null,
    recordId: string | null,
    viewer: Viewer,
  ): Promise<RecordView> {
    if (!form || !recordId) return { kind: 'none' }
    const role = viewer.isAdmin ? undefined : await this.access.roleOf(appKey, viewer)
    return this.viewAs(appKey, form, recordId, viewer, role)
  }

  /**
   * `view` for a viewer whose role in the app is already known (read with the task or the instance),
   * so the membership is not read again: `role` undefined means not a member (administrators aside).
   */
  async viewAs(
    appKey: string,
    form: string | null,
    recordId: string | null,
    viewer: Viewer,
    role: string | undefined,
  ): Promise<RecordView> {
    if (!form || !recordId) return { kind: 'none' }
    if (!viewer.isAdmin && role === undefined) return { kind: 'hidden' }
    let values: Values
    let app: PublishedApp
    try {
      app = await this.apps.requirePublished(appKey)
      values = await this.read(app, form, role, viewer, recordId)
    } catch (error) {
      if (error instanceof AppError && (error.statusCode === 404 || error.statusCode === 403)) {
        // A deleted record (a flow started on `deleted`) stays visible to administrators only.
        if (!viewer.isAdmin) return { kind: 'hidden' }
        return { kind: 'visible', values: {}, present: (v) => v }
      }
      throw error
    }
    return { kind: 'visible', values, present: this.presenterFor(app, form, role, viewer) }
  }

  /**
   * Reads records of `form` as the records API does for this viewer (row scope, read permission, hidden
   * fields, masking), given the member's role (undefined for administrators).
   */
  readerFor(app: PublishedApp, form: string, role: string | undefined, viewer: Viewer): RecordReader {
    return new RecordReader(app, app.form(form), (f) =>
      viewer.isAdmin || role === undefined ? FormAccess.full(f) : FormAccess.forRole(app, f, role, viewer),
    )
  }

  /**
   * One record as `readerFor(…).get` reads it (404 when absent or outside the viewer's scope). Reads of
   * the same form by the same member (same role, same scope) made together share one statement: starts
   * and completions arriving at once read their records in one round trip instead of one each.
   */
  async read(
    app: PublishedApp,
    form: string,
    role: string | undefined,
    viewer: Viewer,
    id: string,
  ): Promise<RecordJson> {
    const reader = this.readerFor(app, form, role, viewer)
    // The reader's scope depends on the role and on the user's attributes ($user in row scopes).
    const who = viewer.isAdmin
      ? '*'
      : `${role}\u0000${viewer.userId}\u0000${JSON.stringify(viewer.attributes)}`
    const lane = `${app.key}@${app.version}/${form}\u0000${who}`
    const found = await this.reads.submit(
      lane,
      { reader, id },
      // From the items, not this call: the batcher keeps the first caller's functions for its lane.
      async (items) => {
        const records = await items[0]!.reader.getMany(
          this.db,
          items.map((i) => i.id),
        )
        return items.map((i) => records.get(i.id))
      },
      async (one) => one.reader.get(this.db, one.id),
    )
    if (!found) throw new AppError(404, 'RECORD_NOT_FOUND', `No record ${id} in ${form}`)
    return found
  }

  /** The same presenter for a member whose role is already known (no membership read). */
  presenterFor(
    app: PublishedApp,
    form: string,
    role: string | undefined,
    viewer: Viewer,
  ): (values: Values) => Values {
    if (viewer.isAdmin || role === undefined || !app.hasForm(form)) return (values) => values
    const access = FormAccess.forRole(app, app.form(form), role, viewer)
    return (values) => access.present(values)
  }

  /** Refuses task form data that writes a field the viewer may not change on that form (hidden, read-only). */
  async checkWritable(appKey: string, form: string, values: Values, viewer: Viewer): Promise<void> {
    if (viewer.isAdmin) return
    const app = await this.apps.requirePublished(appKey)
    if (!app.hasForm(form)) return
    ;(await this.access.resolver(app, viewer))(app.form(form)).checkWritable(values, 'form.')
  }
}
