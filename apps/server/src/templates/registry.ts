import { crmRetentionTemplate, type TemplateDescriptor } from '@trellis/template-crm-retention'
import { AppError } from '../http/errors.js'

/** Templates this server can install, by key. A template is an app definition plus a demo generator. */
export const templates: readonly TemplateDescriptor[] = [crmRetentionTemplate]

export function findTemplate(key: string): TemplateDescriptor {
  const template = templates.find((t) => t.key === key)
  if (!template) throw new AppError(404, 'TEMPLATE_NOT_FOUND', `No template "${key}"`, 'key')
  return template
}
