import type { AppService } from '../apps/app-service.js'
import type { PublishedApp } from '../apps/published-app.js'
import type { AccessService } from '../auth/access-service.js'
import { FormAccess } from '../auth/access.js'
import type { Viewer } from '../auth/viewer.js'
import { AppError } from '../http/errors.js'
import type { RecordsService } from '../records/records-service.js'

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
  constructor(
    private readonly apps: AppService,
    private readonly records: RecordsService,
    private readonly access: AccessService,
  ) {}

  async view(
    appKey: string,
    form: string | null,
    recordId: string | null,
    viewer: Viewer,
  ): Promise<RecordView> {
    if (!form || !recordId) return { kind: 'none' }
    let values: Values
    try {
      values = await this.records.get(appKey, form, recordId, {}, { actor: viewer.username, viewer })
    } catch (error) {
      if (error instanceof AppError && (error.statusCode === 404 || error.statusCode === 403)) {
        // A deleted record (a flow started on `deleted`) stays visible to administrators only.
        if (!viewer.isAdmin) return { kind: 'hidden' }
        return { kind: 'visible', values: {}, present: (v) => v }
      }
      throw error
    }
    return { kind: 'visible', values, present: await this.presenter(appKey, form, viewer) }
  }

  /** Hidden and masked fields of `form` applied to any values (a snapshot of the record, task form data). */
  async presenter(appKey: string, form: string, viewer: Viewer): Promise<(values: Values) => Values> {
    if (viewer.isAdmin) return (values) => values
    const app = await this.apps.requirePublished(appKey)
    if (!app.hasForm(form)) return (values) => values
    const access = (await this.access.resolver(app, viewer))(app.form(form))
    return (values) => access.present(values)
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
