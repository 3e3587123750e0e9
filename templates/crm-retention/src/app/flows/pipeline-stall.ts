import type { FlowDefinition } from '@trellis/flow-engine'
import { chain, edge, end, gateway, readBack, role, serviceTask, timer, userTask } from './nodes.js'

/** Days an opportunity may stay in 报价谈判 before the manager is alerted. */
export const stallDays = 15

/**
 * 商机停滞提醒: an opportunity that entered 报价谈判 (negotiation) and is still there 15 days later alerts
 * its owner (an in-app message) and gives the store manager — the regional manager of the template's
 * chain — a follow-up task (the inbox shows it only to the manager of the opportunity's store).
 */
export const pipelineStallFlow: FlowDefinition = {
  key: 'pipeline_stall',
  version: 1,
  name: '商机停滞提醒',
  nodes: [
    {
      id: 'negotiating',
      kind: 'start',
      name: '进入报价谈判',
      config: {
        trigger: {
          kind: 'record_event',
          form: 'opportunities',
          event: 'updated',
          fields: ['stage'],
          condition: { '==': [{ var: 'stage' }, 'negotiation'] },
        },
      },
    },
    timer('wait', `等待 ${stallDays} 天`, `P${stallDays}D`),
    readBack('check', '读取当前阶段', 'stage'),
    gateway('still', '仍在报价谈判？'),
    serviceTask('tell_owner', '提醒负责人', {
      type: 'notify',
      channel: 'in_app',
      to: { var: 'owner' },
      body: {
        'zh-CN': `商机「{{title}}」已在报价谈判停留 ${stallDays} 天，请尽快推进。`,
        en: `The opportunity "{{title}}" has been in negotiation for ${stallDays} days: please move it on.`,
      },
    }),
    userTask('manager_follow_up', '店长跟进停滞商机', role('store_manager'), { outcomes: ['approve'] }),
    end('alerted', '已提醒', 'alerted'),
    end('moved_on', '已推进', 'moved_on'),
  ],
  edges: [
    ...chain('negotiating', 'wait', 'check', 'still'),
    edge('still', 'tell_owner', {
      condition: { '==': [{ var: 'actions.check.values.stage' }, 'negotiation'] },
      name: '仍停滞',
    }),
    edge('still', 'moved_on', { default: true }),
    ...chain('tell_owner', 'manager_follow_up', 'alerted'),
  ],
}
