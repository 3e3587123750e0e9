import { defaultRuleTimeZone, validateRule, type Rule } from '@trellis/rule-engine'
import { sql } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { adjustIssues } from './rule-aggregates.js'

export interface ActiveRule {
  rule: Rule
  /** Effective state: the runtime switch if one was set, else the definition's `enabled` (default true). */
  enabled: boolean
  /** Problems found against the published app; a rule with any never runs. */
  issues: ReturnType<typeof validateRule>
}

export interface AppRules {
  app: PublishedApp
  timeZone: string
  rules: Map<string, ActiveRule>
}

/**
 * The rules of published apps, as the worker sees them. Rules are read from the published definition
 * (`rules[]`); the enable/disable switch is a runtime table, so pausing a misbehaving rule never needs
 * a publish. Validation results are cached per app version.
 */
export class RuleCatalog {
  private readonly validated = new Map<
    string,
    { version: number; rules: Map<string, Omit<ActiveRule, 'enabled'>> }
  >()

  constructor(
    private readonly db: DynamicDb,
    private readonly apps: AppService,
  ) {}

  async publishedAppKeys(): Promise<string[]> {
    const { rows } = await sql<{
      key: string
    }>`select key from trellis.apps where published_version is not null order by key`.execute(this.db)
    return rows.map((r) => r.key)
  }

  async load(appKey: string): Promise<AppRules> {
    const app = await this.apps.requirePublished(appKey)
    let cached = this.validated.get(appKey)
    if (!cached || cached.version !== app.version) {
      const rules = new Map<string, Omit<ActiveRule, 'enabled'>>()
      for (const raw of (app.definition.rules ?? []) as Rule[]) {
        const issues = adjustIssues(
          raw,
          app.definition,
          validateRule(raw, app.definition, {
            scopeOf: (form) => (app.hasForm(form) ? app.form(form).scope : undefined),
          }),
        )
        if (raw && typeof raw.key === 'string') rules.set(raw.key, { rule: raw, issues })
      }
      cached = { version: app.version, rules }
      this.validated.set(appKey, cached)
    }
    const switches = await sql<{
      rule_key: string
      enabled: boolean
    }>`select rule_key, enabled from trellis.rule_switches
      where app_key = ${appKey}`.execute(this.db)
    const toggled = new Map(switches.rows.map((s) => [s.rule_key, s.enabled]))
    const rules = new Map<string, ActiveRule>()
    for (const [key, entry] of cached.rules)
      rules.set(key, { ...entry, enabled: toggled.get(key) ?? entry.rule.enabled !== false })
    return { app, timeZone: app.definition.timeZone ?? defaultRuleTimeZone, rules }
  }

  /** Rules that may run now: enabled and valid. */
  static runnable(entry: ActiveRule | undefined): entry is ActiveRule {
    return !!entry && entry.enabled && entry.issues.length === 0
  }
}

/** One snapshot of the catalog per worker tick, so a batch of events costs one load per app. */
export class CatalogSnapshot {
  private readonly loaded = new Map<string, Promise<AppRules | undefined>>()

  constructor(private readonly catalog: RuleCatalog) {}

  get(appKey: string): Promise<AppRules | undefined> {
    let entry = this.loaded.get(appKey)
    if (!entry) {
      entry = this.catalog.load(appKey).catch(() => undefined)
      this.loaded.set(appKey, entry)
    }
    return entry
  }
}
