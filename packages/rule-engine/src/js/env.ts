import type { ConditionContext } from '../types.js'

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

/** Per-call state shared by every closure of one evaluation. */
export interface Env {
  readonly context: ConditionContext | undefined
  readonly timeZone: string
  readonly clock: (() => Date) | undefined
  /** Memoized so every `now` in one evaluation sees the same instant. */
  nowMs: number | undefined
}

/** Compiled closures take (data, env); operator modules build them. */
export type Evaluator = (data: unknown, env: Env) => unknown

export function createEnv(
  context: ConditionContext | undefined,
  timeZone: string,
  clock: (() => Date) | undefined,
): Env {
  const zone = context?.timeZone
  return { context, timeZone: typeof zone === 'string' && zone ? zone : timeZone, clock, nowMs: undefined }
}

/** context.now, else the compile-time clock, else the system clock. */
export function nowMs(env: Env): number {
  if (env.nowMs !== undefined) return env.nowMs
  const fromContext = env.context?.now
  let ms: number
  if (fromContext instanceof Date) ms = fromContext.getTime()
  else if (typeof fromContext === 'string') ms = Date.parse(fromContext)
  else ms = (env.clock ? env.clock() : new Date()).getTime()
  env.nowMs = ms
  return ms
}
