import type { ActionModule } from './action.js'
import { callWebhook } from './call-webhook.js'
import { createRecord } from './create-record.js'
import { minePairs } from './mine-pairs.js'
import { notify } from './notify.js'
import { scoreRfm } from './score-rfm.js'
import { setFields } from './set-fields.js'
import { startFlow } from './start-flow.js'
import { addTags, removeTags } from './tags.js'

/** Every action type, one small module each. */
export const actionModules: readonly ActionModule<never>[] = [
  setFields,
  addTags,
  removeTags,
  createRecord,
  notify,
  startFlow,
  callWebhook,
  minePairs,
  scoreRfm,
]

const byType = new Map(actionModules.map((m) => [m.type, m as unknown as ActionModule]))

export function actionModule(type: string): ActionModule | undefined {
  return byType.get(type)
}

export const actionTypes = (): string[] => [...byType.keys()]
