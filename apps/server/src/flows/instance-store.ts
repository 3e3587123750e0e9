import {
  advance,
  type AdvanceResult,
  type FlowDefinition,
  type FlowEvent,
  type FlowState,
} from '@trellis/flow-engine'
import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { writeInstances, type AdvanceExtras, type Step, type WrittenDetail } from './instance-write.js'
import { ActionThrew, type ServiceActions } from './service-actions.js'

export type { AdvanceExtras } from './instance-write.js'

export interface InstanceRow {
  id: string
  app_key: string
  flow_key: string
  flow_version: number
  definition: FlowDefinition
  record_form: string | null
  record_id: string | null
  status: string
  state: FlowState
  version: number
  started_by: string | null
  created_at: Date
  updated_at: Date
}

/** Another transaction wrote the instance since we read it: the caller retries from a fresh read. */
export class StaleInstanceError extends Error {
  readonly code = 'FLOW_STALE'
}

const iso = (d: Date) => d.toISOString()

/**
 * The instance columns without the definition, which is identified by its hash instead: the parsed
 * definition is kept per (flow, version, hash), so the engine's graph and compiled conditions (cached by
 * object identity) are built once per definition version, not once per event.
 */
export const instanceColumns = (alias: string) =>
  sql.raw(
    ['id', 'app_key', 'flow_key', 'flow_version', 'record_form', 'record_id', 'status', 'state', 'version']
      .concat(['started_by', 'created_at', 'updated_at'])
      .map((c) => `${alias}.${c}`)
      .join(', ') + `, md5(${alias}.definition::text) as definition_hash`,
  )

export type StoredInstance = Omit<InstanceRow, 'definition'> & { definition_hash: string }

const DEFINITIONS_KEPT = 256
const definitions = new Map<string, FlowDefinition>()

async function definitionOf(db: DynamicDb, row: StoredInstance): Promise<FlowDefinition> {
  const key = `${row.flow_key}@${row.flow_version}#${row.definition_hash}`
  const cached = definitions.get(key)
  if (cached) return cached
  const { rows } = await sql<{ definition: FlowDefinition }>`select definition from trellis.flow_instances
    where id = ${row.id}`.execute(db)
  const definition = rows[0]!.definition
  if (definitions.size >= DEFINITIONS_KEPT) definitions.delete(definitions.keys().next().value!)
  definitions.set(key, definition)
  return definition
}

/** A stored instance row (selected with `instanceColumns`) with its definition from the cache. */
export async function instanceFrom(db: DynamicDb, stored: StoredInstance): Promise<InstanceRow> {
  const { definition_hash: _hash, ...rest } = stored
  const row = normalizeInstance({ ...rest, definition: undefined as unknown as FlowDefinition })
  return { ...row, definition: await definitionOf(db, { ...stored, id: row.id }) }
}

export function normalizeInstance<T extends Pick<InstanceRow, 'id' | 'version' | 'flow_version'>>(row: T): T {
  return { ...row, id: String(row.id), version: Number(row.version), flow_version: Number(row.flow_version) }
}

export async function readInstance(db: DynamicDb, id: string): Promise<InstanceRow> {
  if (!/^[0-9]{1,18}$/.test(id)) throw new AppError(404, 'FLOW_INSTANCE_NOT_FOUND', `No flow instance ${id}`)
  const { rows } = await sql<StoredInstance>`select ${instanceColumns('i')} from trellis.flow_instances i
    where i.id = ${id}`.execute(db)
  if (!rows[0]) throw new AppError(404, 'FLOW_INSTANCE_NOT_FOUND', `No flow instance ${id}`)
  return instanceFrom(db, rows[0])
}

/** Inserts a new instance row (state filled in by the start event right after, in the same transaction). */
export async function insertInstance(
  db: DynamicDb,
  input: {
    app: string
    flow: FlowDefinition
    recordForm: string | null
    recordId: string | null
    startedBy: string | null
    /** Unique per app (flows started by events and rules); a used key inserts nothing → undefined. */
    startKey?: string | null
    now: Date
  },
): Promise<InstanceRow | undefined> {
  const { rows } = await sql<Omit<InstanceRow, 'definition'>>`insert into trellis.flow_instances
    (app_key, flow_key, flow_version, definition, record_form, record_id, status, state, version, started_by,
     start_key, created_at, updated_at)
    values (${input.app}, ${input.flow.key}, ${input.flow.version}, ${JSON.stringify(input.flow)}::jsonb,
      ${input.recordForm}, ${input.recordId}, 'starting', 'null'::jsonb, 0, ${input.startedBy},
      ${input.startKey ?? null}, ${iso(input.now)}::timestamptz, ${iso(input.now)}::timestamptz)
    on conflict do nothing
    returning id, app_key, flow_key, flow_version, record_form, record_id, status, state, version, started_by,
      created_at, updated_at`.execute(db)
  return rows[0] && { ...normalizeInstance(rows[0]), definition: input.flow }
}

/**
 * Instance ids drawn from the table's identity a block at a time: one round trip per `block` manual
 * starts instead of one each. Ids stay increasing in the order this process hands them out; ids of a
 * block not used when the process stops are skipped, as a sequence skips the values of a rolled-back
 * transaction.
 */
export class InstanceIds {
  private free: string[] = []
  private refill: Promise<void> | undefined

  constructor(
    private readonly db: DynamicDb,
    private readonly block = 32,
  ) {}

  async take(): Promise<string> {
    while (!this.free.length) {
      this.refill ??= this.draw().finally(() => {
        this.refill = undefined
      })
      await this.refill
    }
    return this.free.shift()!
  }

  private async draw(): Promise<void> {
    const { rows } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('trellis.flow_instances',
      'id'))::text as id from generate_series(1, ${this.block})`.execute(this.db)
    const ids = rows.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    this.free.push(...ids.map(String))
  }
}

/**
 * An instance not written yet (a manual start): its id is taken from the identity first (from `ids`
 * when given), so the start event knows it, and the row is inserted by the same statement that writes
 * the start's effects.
 */
export async function newInstance(
  db: DynamicDb,
  input: {
    app: string
    flow: FlowDefinition
    recordForm: string | null
    recordId: string | null
    startedBy: string | null
    now: Date
  },
  ids?: InstanceIds,
): Promise<InstanceRow> {
  const id = ids
    ? await ids.take()
    : (
        await sql<{ id: string }>`select nextval(pg_get_serial_sequence('trellis.flow_instances', 'id'))::text
          as id`.execute(db)
      ).rows[0]!.id
  return {
    id,
    app_key: input.app,
    flow_key: input.flow.key,
    flow_version: input.flow.version,
    definition: input.flow,
    record_form: input.recordForm,
    record_id: input.recordId,
    status: 'starting',
    state: null as unknown as FlowState,
    version: 0,
    started_by: input.startedBy,
    created_at: input.now,
    updated_at: input.now,
  }
}

/**
 * Feeds one event to the engine and writes the outcome: the new state (only if the row still has the
 * version we read: optimistic concurrency), every effect and the step log, in ONE statement whose parts
 * all hang on the instance update — a stale version writes nothing and throws `StaleInstanceError`.
 * Service actions that stay inside the database run first, in a transaction (the caller's, or one opened
 * here), and their outcome goes straight back to the engine, so a start that runs a service task still
 * ends in one state write. A rejected event changes nothing and is returned for the caller to judge.
 * With `detail`, the instance's tasks and steps after the write come back from the same statement.
 */
export async function advanceInstance(
  db: DynamicDb,
  row: InstanceRow,
  event: FlowEvent,
  actor: string | null,
  now: Date,
  actions?: ServiceActions,
  extras: AdvanceExtras = {},
  options: { detail?: boolean } = {},
): Promise<AdvanceResult & { detail?: WrittenDetail }> {
  const first = advance(row.definition, row.version === 0 ? null : row.state, event)
  if (first.rejected) return first
  const write = async (
    trx: DynamicDb,
    steps: Step[],
    state: FlowState,
    actionStates: Map<string, string>,
  ) => {
    const { written, detail } = await writeInstances(
      trx,
      [{ row, steps, state, actionStates, extras }],
      now,
      options,
    )
    if (!written.has(row.id)) throw new StaleInstanceError(`Instance ${row.id} moved`)
    return { ...first, state, ...(detail ? { detail } : {}) }
  }
  const runsActions = actions !== undefined && first.effects.some((e) => e.kind === 'run_action')
  if (!runsActions) return write(db, [{ event, actor, effects: first.effects }], first.state, new Map())
  const work = async (trx: DynamicDb, guarded: boolean) => {
    const steps: Step[] = [{ event, actor, effects: first.effects }]
    const actionStates = new Map<string, string>()
    const state = await runActions(trx, row, first, steps, actionStates, now, actions, guarded)
    return write(trx, steps, state, actionStates)
  }
  if (!db.isTransaction) {
    // Our own transaction: the actions run without a savepoint each (two round trips saved apiece). One
    // that throws rolls the whole attempt back, and the event is run again with savepoints, where the
    // failure becomes `action_failed` — the first attempt left nothing behind.
    try {
      return await db.transaction().execute((trx) => work(trx, false))
    } catch (error) {
      if (!(error instanceof ActionThrew)) throw error
    }
    return db.transaction().execute((trx) => work(trx, true))
  }
  // Inside the caller's transaction: a stale write must also undo the actions this call ran.
  await sql`savepoint flow_advance`.execute(db)
  try {
    const result = await work(db, true)
    await sql`release savepoint flow_advance`.execute(db)
    return result
  } catch (error) {
    await sql`rollback to savepoint flow_advance`.execute(db)
    throw error
  }
}

/** Runs the step's in-database actions depth first, feeding each outcome to the engine; returns the last state. */
async function runActions(
  trx: DynamicDb,
  row: InstanceRow,
  result: AdvanceResult,
  steps: Step[],
  actionStates: Map<string, string>,
  now: Date,
  actions: ServiceActions,
  guarded: boolean,
): Promise<FlowState> {
  let state = result.state
  for (const effect of result.effects) {
    if (effect.kind !== 'run_action' || state.status !== 'running') continue
    const outcome = await actions.run(trx, { ...row, state }, effect, now, guarded)
    if (!outcome) continue
    actionStates.set(effect.actionId, outcome.kind === 'action_completed' ? 'done' : 'failed')
    const event: FlowEvent = { ...outcome, at: now.toISOString(), actionId: effect.actionId }
    const next = advance(row.definition, state, event)
    if (next.rejected) continue
    steps.push({ event, actor: null, effects: next.effects })
    state = await runActions(trx, row, next, steps, actionStates, now, actions, guarded)
  }
  return state
}
