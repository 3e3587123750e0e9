import type { AppDefinition, FormAction, FormSchema } from '@trellis/form-engine'
import { request } from './client'

/** A form as the viewer sees it in the workspace: hidden fields removed, what they may do attached. */
export type WorkspaceForm = FormSchema & {
  access: { actions: FormAction[]; readOnly: string[]; masked: string[] }
}

export interface PublishedView {
  version: number
  /** The viewer's role in the app; null for platform administrators. */
  role: string | null
  isAdmin: boolean
  definition: Omit<AppDefinition, 'forms'> & { forms: WorkspaceForm[] }
}

export const workspaceApi = {
  published: (app: string) => request<PublishedView>('GET', `/api/apps/${encodeURIComponent(app)}/published`),
}
