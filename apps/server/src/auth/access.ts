import type { FormAction, JsonLogic } from '@trellis/form-engine'
import { compileCondition, conditionToSql, type SqlScope } from '@trellis/rule-engine'
import { sql, type RawBuilder } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import { AppError } from '../http/errors.js'
import { maskValue, type ConditionalMask, conditionalMasks } from './masking.js'
import { userContext, type Viewer } from './viewer.js'

/**
 * What one viewer may do with one form of one published app, resolved per request. `undefined` viewer
 * means the system itself (rules, template installs): full access. Everything a role restricts is
 * enforced here, once, for every path that reads or writes records.
 */
export class FormAccess {
  private constructor(
    readonly form: CompiledForm,
    readonly full: boolean,
    private readonly actions: ReadonlySet<FormAction>,
    private readonly scope: JsonLogic | undefined,
    private readonly hidden: ReadonlySet<string>,
    private readonly readOnly: ReadonlySet<string>,
    private readonly masked: ReadonlySet<string>,
    private readonly user: Record<string, unknown>,
    /** Fields masked only on records where their condition holds (`maskedWhen`). */
    private readonly maskedWhen: ReadonlyMap<string, ConditionalMask> = new Map(),
  ) {}

  static full(form: CompiledForm): FormAccess {
    return new FormAccess(form, true, new Set(), undefined, new Set(), new Set(), new Set(), {})
  }

  /** A member's access through their role; no role entry for the form means no access at all. */
  static forRole(app: PublishedApp, form: CompiledForm, roleKey: string, viewer: Viewer): FormAccess {
    const role = (app.definition.roles ?? []).find((r) => r.key === roleKey)
    const permission = role?.forms?.[form.schema.key]
    return new FormAccess(
      form,
      false,
      new Set(permission?.actions ?? []),
      permission?.scope,
      new Set(permission?.hidden ?? []),
      new Set(permission?.readOnly ?? []),
      new Set(permission?.masked ?? []),
      userContext(viewer),
      conditionalMasks(permission?.maskedWhen),
    )
  }

  /** Whether this viewer reads less than every live record of the form (a row scope, or no read at all). */
  get readsPartially(): boolean {
    return !this.full && (this.scope !== undefined || !this.actions.has('read'))
  }

  can(action: FormAction): boolean {
    return this.full || this.actions.has(action)
  }

  require(action: FormAction): void {
    if (!this.can(action)) {
      throw new AppError(403, 'FORBIDDEN', `You may not ${action} records of ${this.form.schema.key}`)
    }
  }

  /** The row scope as SQL (with `$user` bound as parameters), or `true`. */
  scopeSql(alias?: string): RawBuilder<unknown> {
    if (this.full || this.scope === undefined) return sql`true`
    const fields = alias
      ? Object.fromEntries(
          Object.entries(this.form.scope.fields).map(([k, f]) => [
            k,
            { ...f, column: `${alias}.${f.column}` },
          ]),
        )
      : this.form.scope.fields
    const scope: SqlScope = { fields, context: { user: this.user } }
    return sql`(${conditionToSql(this.scope, scope)})`
  }

  /**
   * The row scope as JsonLogic with every `$user.*` replaced by its value, for engines that take a
   * condition rather than SQL (the report engine binds the values as parameters).
   */
  scopeLogic(user: Record<string, unknown>): JsonLogic | undefined {
    if (this.full || this.scope === undefined) return undefined
    const bind = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(bind)
      if (!node || typeof node !== 'object') return node
      const entries = Object.entries(node)
      if (entries.length === 1 && entries[0]![0] === 'var') {
        const arg = entries[0]![1]
        const name = Array.isArray(arg) ? arg[0] : arg
        if (typeof name === 'string' && name.startsWith('$user.')) {
          const value = user[name.slice('$user.'.length)]
          // A missing attribute is null, exactly as conditionToSql binds it.
          return value === undefined ? null : value
        }
      }
      return Object.fromEntries(entries.map(([op, arg]) => [op, bind(arg)]))
    }
    return bind(this.scope)
  }

  /** Whether a record (as it would be stored) lies inside the row scope. */
  inScope(record: Record<string, unknown>): boolean {
    if (this.full || this.scope === undefined) return true
    const value = compileCondition(this.scope)(record, { user: this.user })
    return Array.isArray(value) ? value.length > 0 : Boolean(value)
  }

  /**
   * The fields a viewer may filter and sort on: hidden and masked ones are left out, so they cannot be
   * inferred by narrowing a filter (`starts_with` on a masked phone) or by sort order.
   */
  filterScope(): SqlScope {
    if (this.full) return this.form.scope
    const fields = Object.fromEntries(
      Object.entries(this.form.scope.fields).filter(([key]) => this.canSortOrFilter(key)),
    )
    return { fields }
  }

  /** Whose access this is (a member's user id); undefined for full access. */
  get viewerId(): string | undefined {
    return this.full ? undefined : String(this.user.id)
  }

  /** What the viewer may do, for a client to shape its screens (the server enforces it regardless). */
  describe(): { actions: FormAction[]; readOnly: string[]; masked: string[] } {
    const all: FormAction[] = ['read', 'create', 'update', 'delete', 'export', 'import']
    return {
      actions: all.filter((action) => this.can(action)),
      readOnly: [...this.readOnly],
      // A conditionally masked field is listed too: some of its values reach this viewer masked.
      masked: [...new Set([...this.masked, ...this.maskedWhen.keys()])],
    }
  }

  canSeeField(key: string): boolean {
    return this.full || !this.hidden.has(key)
  }

  canSortOrFilter(key: string): boolean {
    // Conditionally masked fields too: a filter on the phone would tell an S-tier customer's number.
    return this.full || (!this.hidden.has(key) && !this.masked.has(key) && !this.maskedWhen.has(key))
  }

  /** Refuses writes to hidden or read-only fields, naming the first one. */
  checkWritable(values: Record<string, unknown>, prefix = ''): void {
    if (this.full) return
    for (const key of Object.keys(values)) {
      if (this.hidden.has(key) || this.readOnly.has(key)) {
        throw new AppError(403, 'FIELD_READ_ONLY', `You may not change ${key}`, `${prefix}${key}`)
      }
    }
  }

  /**
   * A record as this viewer may see it: hidden fields removed, masked fields masked, conditionally masked
   * fields masked where their condition holds on the record — or cannot be decided because the values it
   * reads are not all in `record` (a partial selection, task form data), so a narrower read never unmasks.
   */
  present<T extends Record<string, unknown>>(record: T): T {
    if (this.full || (this.hidden.size === 0 && this.masked.size === 0 && this.maskedWhen.size === 0))
      return record
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(record)) {
      if (this.hidden.has(key)) continue
      const masked = this.masked.has(key) || this.maskedWhen.get(key)?.applies(record, this.user) === true
      out[key] = masked ? maskValue(value, this.form.fields.get(key)?.type) : value
    }
    return out as T
  }
}
