import type { ActionModule } from './action.js'
import { callWebhook } from './call-webhook.js'
import { createRecord } from './create-record.js'
import { notify } from './notify.js'
import { setFields } from './set-fields.js'
import { addTags, removeTags } from './tags.js'

/**
 * Every action type, one small module each. Starting a flow is not here yet: it arrives with the
 * flow runtime on the server, so a rule cannot name an action nothing can carry out.
 */
export const actionModules: readonly ActionModule<never>[] = [
  setFields,
  addTags,
  removeTags,
  createRecord,
  notify,
  callWebhook,
]

const byType = new Map(actionModules.map((m) => [m.type, m as unknown as ActionModule]))

export function actionModule(type: string): ActionModule | undefined {
  return byType.get(type)
}

export const actionTypes = (): string[] => [...byType.keys()]
