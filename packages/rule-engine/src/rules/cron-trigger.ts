import { Cron } from 'croner'

export const defaultRuleTimeZone = 'Asia/Shanghai'

// croner parses once; a paused job without a callback never starts a timer, it only computes dates.
const cache = new Map<string, Cron>()

function cronOf(expression: string, timeZone: string): Cron {
  const key = `${timeZone}\u0000${expression}`
  let cron = cache.get(key)
  if (!cron) {
    cron = new Cron(expression, { timezone: timeZone, paused: true, mode: '5-or-6-parts' })
    if (cache.size > 1000) cache.clear()
    cache.set(key, cron)
  }
  return cron
}

/** The first tick strictly after `afterMs`, or undefined when the schedule never fires again. */
export function nextCronRun(
  expression: string,
  afterMs: number,
  timeZone = defaultRuleTimeZone,
): number | undefined {
  return cronOf(expression, timeZone).nextRun(new Date(afterMs))?.getTime()
}

/** Why an expression is unusable, or undefined when it is fine. */
export function cronProblem(expression: string, timeZone = defaultRuleTimeZone): string | undefined {
  try {
    cronOf(expression, timeZone)
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}
