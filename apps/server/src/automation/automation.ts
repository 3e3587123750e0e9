import { randomUUID } from 'node:crypto'
import {
  ConditionError,
  conditionHolds,
  eachOf,
  planActions,
  validateRule,
  validateRules,
  type Rule,
  type RuleIssue,
} from '@trellis/rule-engine'
import { toConditionScope, type AppDefinition } from '@trellis/form-engine'
import { sql } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { RecordReader } from '../records/record-reader.js'
import { AddressPolicy } from './address-policy.js'
import { systemClock, type Clock } from './clock.js'
import type { FlowStarts } from './flow-starts.js'
import { JobStore, type JobState } from './job-store.js'
import { storedMessages, type NotificationChannel } from './notification-channel.js'
import { matchingRecordIds } from './record-query.js'
import { eachDryRun } from './rule-each.js'
import {
  adjustIssues,
  aggregatesOf,
  computeAggregates,
  recordsMatching,
  withAggregates,
} from './rule-aggregates.js'
import { RuleCatalog } from './rule-catalog.js'
import type { RunnerDeps } from './rule-runner.js'
import { listRuns } from './run-log.js'
import { AutomationWorker, defaultWorkerOptions, type WorkerOptions } from './worker.js'

export interface AutomationOptions {
  clock?: Clock
  channel?: NotificationChannel
  /** Addresses/CIDRs webhooks may reach although private (TRELLIS_WEBHOOK_ALLOW, comma-separated). */
  webhookAllow?: string[]
  /** HMAC key for `X-Trellis-Signature` (TRELLIS_WEBHOOK_SECRET). */
  webhookSecret?: string
  worker?: Partial<WorkerOptions>
}

export function automationOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AutomationOptions {
  return {
    webhookAllow: (env.TRELLIS_WEBHOOK_ALLOW ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(env.TRELLIS_WEBHOOK_SECRET ? { webhookSecret: env.TRELLIS_WEBHOOK_SECRET } : {}),
  }
}

/**
 * The automation use cases behind the rules API, and the factory of workers. `clock` is public and
 * replaceable so tests (and template scenarios) can move time for everything at once.
 */
export class Automation {
  clock: Clock
  readonly jobs: JobStore
  readonly catalog: RuleCatalog
  /** Set by the flows module: record events start flows, rules' `start_flow` actions reach them. */
  flows: FlowStarts | undefined
  private readonly policy: AddressPolicy
  private background: AutomationWorker | undefined
  private defaultWorker: AutomationWorker | undefined

  constructor(
    private readonly db: DynamicDb,
    private readonly apps: AppService,
    private readonly options: AutomationOptions = {},
  ) {
    this.clock = options.clock ?? systemClock
    this.jobs = new JobStore(db)
    this.catalog = new RuleCatalog(db, apps)
    this.policy = new AddressPolicy(options.webhookAllow)
  }

  /** What a worker needs to run a job (exposed so tests can run a job with a lapsed claim). */
  runnerDeps(): RunnerDeps {
    return {
      db: this.db,
      jobs: this.jobs,
      clock: () => this.clock,
      channel: this.options.channel ?? storedMessages,
      policy: this.policy,
      webhookSecret: this.options.webhookSecret,
      flows: () => this.flows,
    }
  }

  /** A new worker over this database (tests make two to prove they never run a job twice). */
  createWorker(options: Partial<WorkerOptions> = {}): AutomationWorker {
    return new AutomationWorker(this.db, this.jobs, this.catalog, this.runnerDeps(), {
      ...defaultWorkerOptions,
      ...this.options.worker,
      ...options,
    })
  }

  /** Runs everything due now, until idle (what tests call after moving the clock). */
  drain() {
    this.defaultWorker ??= this.createWorker()
    return this.defaultWorker.drain()
  }

  /** Only the arming step (cron ticks and date-relative scans) of one round; returns the new jobs. */
  scheduleNow(): Promise<number> {
    this.defaultWorker ??= this.createWorker()
    return this.defaultWorker.schedule()
  }

  runDue() {
    this.defaultWorker ??= this.createWorker()
    return this.defaultWorker.runDue()
  }

  /** The background loop of a running server (not started by buildApp, so tests stay deterministic). */
  start(onError?: (error: unknown) => void): void {
    this.background ??= this.createWorker()
    this.background.start(onError)
  }

  async stop(): Promise<void> {
    await this.background?.stop()
  }

  async listRules(appKey: string) {
    const { rules } = await this.catalog.load(appKey)
    return [...rules.values()].map((entry) => ({
      key: entry.rule.key,
      enabled: entry.enabled,
      rule: entry.rule,
      issues: entry.issues,
    }))
  }

  /** The runtime switch: takes effect at once, without a publish; the definition's `enabled` is the default. */
  async setEnabled(appKey: string, ruleKey: string, enabled: boolean): Promise<void> {
    const { rules } = await this.catalog.load(appKey)
    if (!rules.has(ruleKey)) throw ruleNotFound(appKey, ruleKey)
    await sql`insert into trellis.rule_switches (app_key, rule_key, enabled, updated_at)
      values (${appKey}, ${ruleKey}, ${enabled}, now())
      on conflict (app_key, rule_key) do update set enabled = excluded.enabled, updated_at = now()`.execute(
      this.db,
    )
  }

  /** Adds or replaces a rule in the app's draft; it runs once the draft is published. */
  async putDraftRule(appKey: string, ruleKey: string, rule: unknown): Promise<RuleIssue[]> {
    const draft = await this.apps.draft(appKey)
    const candidate = { ...(rule as object), key: ruleKey } as Rule
    const issues = checkRule(candidate, draft)
    if (issues.length) {
      throw new AppError(
        400,
        'RULE_INVALID',
        `${issues.length} problem(s): ${issues[0]!.path}: ${issues[0]!.message}`,
        issues[0]!.path,
        issues,
      )
    }
    const rules = ((draft.rules ?? []) as Rule[]).filter((r) => r?.key !== ruleKey)
    const existing = ((draft.rules ?? []) as Rule[]).findIndex((r) => r?.key === ruleKey)
    rules.splice(existing < 0 ? rules.length : existing, 0, candidate)
    await this.apps.saveDraft(appKey, { ...draft, rules })
    return checkRules(rules, draft)
  }

  async deleteDraftRule(appKey: string, ruleKey: string): Promise<void> {
    const draft = await this.apps.draft(appKey)
    const rules = (draft.rules ?? []) as Rule[]
    if (!rules.some((r) => r?.key === ruleKey)) throw ruleNotFound(appKey, ruleKey, 'draft')
    await this.apps.saveDraft(appKey, { ...draft, rules: rules.filter((r) => r?.key !== ruleKey) })
  }

  async draftRules(appKey: string) {
    const draft = await this.apps.draft(appKey)
    return {
      rules: (draft.rules ?? []) as Rule[],
      issues: checkRules(draft.rules, draft),
    }
  }

  runs(appKey: string, options: { rule?: string; outcome?: string; limit: number; before?: string }) {
    return listRuns(this.db, appKey, options)
  }

  listJobs(appKey: string, options: { state?: JobState; rule?: string; limit: number }) {
    return this.jobs.list(appKey, options)
  }

  async retryJob(appKey: string, id: string) {
    if (!/^[1-9][0-9]{0,18}$/.test(id)) throw jobNotDead(id)
    const job = await this.jobs.retry(appKey, id, this.clock.now())
    if (!job) throw jobNotDead(id)
    return job
  }

  /** Enqueues a manual run on one record, or on every record matching the rule's condition now. */
  async runNow(
    appKey: string,
    ruleKey: string,
    recordId?: string,
  ): Promise<{ enqueued: number; records: number }> {
    const { entry, rules } = await this.activeRule(appKey, ruleKey)
    const trigger = entry.rule.trigger
    const form = 'form' in trigger ? trigger.form : undefined
    const now = this.clock.now()
    let ids: Array<string | null>
    const each = eachOf(entry.rule)
    if (each && recordId !== undefined)
      throw new AppError(
        400,
        'EACH_RUNS_ALL',
        `Rule ${ruleKey} runs over every ${each.form} record`,
        'recordId',
      )
    if (each) {
      // One job that fans out like a tick, per record of the each form (see rule-each.ts).
      ids = [null]
    } else if (recordId !== undefined) {
      if (!form)
        throw new AppError(400, 'RULE_HAS_NO_FORM', `Rule ${ruleKey} does not act on records`, 'recordId')
      await new RecordReader(rules.app, rules.app.form(form)).get(this.db, recordId)
      ids = [recordId]
    } else {
      ids = form ? await this.matching(rules, entry.rule, form, now) : [null]
    }
    const occurrence = `manual:${randomUUID()}`
    const enqueued = await this.jobs.enqueue(
      this.db,
      ids.map((id) => ({ app: appKey, rule: ruleKey, recordId: id, occurrence, dueAt: now })),
      now,
    )
    return { enqueued, records: ids.length }
  }

  /** Which records match now, and what each action would do to each (nothing is written). */
  async dryRun(appKey: string, ruleKey: string, options: { limit: number; recordId?: string }) {
    const { entry, rules } = await this.activeRule(appKey, ruleKey, { includeDisabled: true })
    const trigger = entry.rule.trigger
    const form = 'form' in trigger ? trigger.form : undefined
    const now = this.clock.now()
    const context = { now, timeZone: rules.timeZone }
    if (!form) return { matched: 1, records: [{ id: null, actions: planActions(entry.rule, {}, context) }] }
    const each = eachOf(entry.rule)
    if (each) return eachDryRun(this.db, rules.app, entry.rule, each, form, context, options)
    const ids =
      options.recordId !== undefined ? [options.recordId] : await this.matching(rules, entry.rule, form, now)
    const reader = new RecordReader(rules.app, rules.app.form(form))
    const records = []
    if (aggregatesOf(entry.rule)) {
      // The condition reads aggregates: `matching` checked it page by page; a given record is checked here.
      const page = ids.slice(0, options.limit)
      const values = await computeAggregates(this.db, rules.app, entry.rule, page, context)
      for (const id of page) {
        const record = await reader.get(this.db, id)
        const bound = withAggregates(context, values.get(id))
        if (conditionHolds(entry.rule, record, bound))
          records.push({ id, actions: planActions(entry.rule, record, bound) })
      }
      return { matched: options.recordId !== undefined ? records.length : ids.length, records }
    }
    for (const id of ids.slice(0, options.limit)) {
      const record = await reader.get(this.db, id)
      records.push({ id, actions: planActions(entry.rule, record, context) })
    }
    return { matched: ids.length, records }
  }

  private async matching(
    rules: Awaited<ReturnType<RuleCatalog['load']>>,
    rule: Rule,
    form: string,
    now: Date,
  ) {
    try {
      const context = { now, timeZone: rules.timeZone }
      // A condition on aggregates is checked in JS, page by page, with each record's aggregates.
      if (aggregatesOf(rule)) return await recordsMatching(this.db, rules.app, rule, form, context)
      return await matchingRecordIds(this.db, rules.app, form, rule.condition, {
        now,
        timeZone: rules.timeZone,
      })
    } catch (error) {
      if (error instanceof ConditionError)
        throw new AppError(
          400,
          'CONDITION_NEEDS_EVENT',
          `The condition cannot be evaluated without a record event: ${error.message}`,
          `condition.${error.path}`,
        )
      throw error
    }
  }

  private async activeRule(appKey: string, ruleKey: string, options: { includeDisabled?: boolean } = {}) {
    const rules = await this.catalog.load(appKey)
    const entry = rules.rules.get(ruleKey)
    if (!entry) throw ruleNotFound(appKey, ruleKey)
    if (entry.issues.length)
      throw new AppError(
        409,
        'RULE_INVALID',
        `Rule ${ruleKey} has problems and cannot run`,
        entry.issues[0]!.path,
        entry.issues,
      )
    if (!entry.enabled && !options.includeDisabled)
      throw new AppError(409, 'RULE_DISABLED', `Rule ${ruleKey} is disabled`)
    return { entry, rules }
  }
}

/** The rule engine's checks, plus those of the aggregates the server computes for a rule. */
function checkRule(rule: Rule, draft: AppDefinition): RuleIssue[] {
  return adjustIssues(rule, draft, validateRule(rule, draft, { scopeOf: scopeIn(draft) }))
}

function checkRules(rules: unknown, draft: AppDefinition): RuleIssue[] {
  let issues = validateRules(rules, draft, { scopeOf: scopeIn(draft) })
  if (!Array.isArray(rules)) return issues
  rules.forEach((rule: Rule, i) => {
    const at = `rules.${i}`
    const mine = issues.filter((issue) => issue.path === at || issue.path.startsWith(`${at}.`))
    issues = [...issues.filter((issue) => !mine.includes(issue)), ...adjustIssues(rule, draft, mine, at)]
  })
  return issues
}

function scopeIn(definition: AppDefinition) {
  return (formKey: string) => {
    const form = definition.forms.find((f) => f.key === formKey && !f.archived)
    return form ? toConditionScope(form, { app: definition }) : undefined
  }
}

function ruleNotFound(app: string, rule: string, where = 'published app') {
  return new AppError(404, 'RULE_NOT_FOUND', `The ${where} "${app}" has no rule "${rule}"`)
}

function jobNotDead(id: string) {
  return new AppError(404, 'JOB_NOT_DEAD', `No dead job ${id} in this app`)
}
