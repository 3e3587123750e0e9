import type { FormSchema } from '@trellis/form-engine'
import { field, option, relation, t } from '../text.js'

/** The pipeline in order; `lost` leaves it at any stage. */
export const pipelineStages = [
  option('lead', '线索', 'Lead'),
  option('contact', '初步沟通', 'First contact'),
  option('demo', '方案演示', 'Proposal'),
  option('negotiation', '报价谈判', 'Negotiation'),
  option('won', '成交签约', 'Won'),
  option('lost', '输单', 'Lost'),
]

/** 商机: corporate and bulk orders (company events, gift boxes) followed through a sales pipeline. */
export const opportunitiesForm: FormSchema = {
  key: 'opportunities',
  label: t('商机', 'Opportunities'),
  titleField: 'title',
  fields: [
    field('title', 'text', '商机名称', 'Title', { required: true, maxLength: 200 }),
    relation('customer', 'customers', '联系人', 'Contact', { required: true }),
    field('company', 'text', '公司', 'Company'),
    relation('store', 'stores', '门店', 'Store', { indexed: true }),
    field('owner', 'user', '负责人', 'Owner', { indexed: true }),
    // Stages are taken in order (lost from any of them); the time a stage was entered is stamped on change.
    field('stage', 'select', '阶段', 'Stage', {
      options: pipelineStages,
      required: true,
      default: 'lead',
      pipeline: { noSkip: true, exits: ['lost'], enteredAt: 'stage_changed_at' },
    }),
    field('stage_changed_at', 'datetime', '进入当前阶段', 'In stage since'),
    field('amount', 'currency', '预计金额', 'Expected amount', { min: 0 }),
    // Set by the quotation approval flow (报价审批) when the opportunity enters 报价谈判.
    field('quote_status', 'select', '报价审批', 'Quote approval', {
      options: [
        option('pending', '待审批', 'Pending'),
        option('approved', '已批准', 'Approved'),
        option('rejected', '已驳回', 'Rejected'),
      ],
    }),
    field('expected_close', 'date', '预计成交日期', 'Expected close'),
    field('closed_at', 'datetime', '结束时间', 'Closed at'),
    field('lost_reason', 'text', '输单原因', 'Lost reason', {
      visibleWhen: { '==': [{ var: 'stage' }, 'lost'] },
      requiredWhen: { '==': [{ var: 'stage' }, 'lost'] },
    }),
    field('probability', 'formula', '赢单概率 %', 'Win probability %', {
      resultType: 'number',
      formula: {
        if: [
          { '==': [{ var: 'stage' }, 'lead'] },
          10,
          { '==': [{ var: 'stage' }, 'contact'] },
          25,
          { '==': [{ var: 'stage' }, 'demo'] },
          50,
          { '==': [{ var: 'stage' }, 'negotiation'] },
          75,
          { '==': [{ var: 'stage' }, 'won'] },
          100,
          0,
        ],
      },
    }),
  ],
}

/**
 * 商机阶段记录: one row per stage an opportunity entered, written by the template's rules (`stage_history*`):
 * the stage it came from and when it had entered it, so the pipeline report computes each stage's conversion
 * and the days spent in it. The first row of an opportunity has no `from_stage`.
 */
export const stageChangesForm: FormSchema = {
  key: 'opportunity_stage_changes',
  label: t('商机阶段记录', 'Opportunity stage changes'),
  fields: [
    relation('opportunity', 'opportunities', '商机', 'Opportunity', { required: true, indexed: true }),
    relation('store', 'stores', '门店', 'Store', { indexed: true }),
    field('owner', 'user', '负责人', 'Owner'),
    field('from_stage', 'select', '原阶段', 'From stage', { options: pipelineStages }),
    field('to_stage', 'select', '新阶段', 'To stage', { options: pipelineStages, required: true }),
    field('entered_at', 'datetime', '进入原阶段', 'Entered the previous stage'),
    field('changed_at', 'datetime', '变更时间', 'Changed at', { required: true, indexed: true }),
    field('days_in_stage', 'number', '原阶段停留天数', 'Days in the previous stage', {
      integer: true,
      min: 0,
    }),
    field('advanced', 'boolean', '向前推进', 'Moved forward', { default: false }),
  ],
}
