import type { FlowDefinition } from '@trellis/flow-engine'
import { pipelineStallFlow } from './pipeline-stall.js'
import { quoteApprovalFlow } from './quote-approval.js'
import { serviceTicketFlow } from './service-ticket.js'
import { winBackFlow } from './win-back.js'

/** The template's flows, published with the app (docs/flows.md for the definition model). */
export const crmFlows: FlowDefinition[] = [
  serviceTicketFlow,
  winBackFlow,
  quoteApprovalFlow,
  pipelineStallFlow,
]
