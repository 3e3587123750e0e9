import type { FormSchema } from '@trellis/form-engine'
import { field, option, relation, t } from '../text.js'

export const ticketStatuses = [
  option('new', '新建', 'New'),
  option('assigned', '已分派', 'Assigned'),
  option('in_progress', '处理中', 'In progress'),
  option('closed', '已关闭', 'Closed'),
]

/** 服务工单: the service flow moves `status`; closing one triggers the satisfaction survey rule. */
export const ticketsForm: FormSchema = {
  key: 'tickets',
  label: t('服务工单', 'Service tickets'),
  titleField: 'subject',
  fields: [
    field('ticket_no', 'auto_number', '工单号', 'Ticket no.', { autoNumber: { prefix: 'GD', digits: 6 } }),
    relation('customer', 'customers', '客户', 'Customer', { required: true }),
    relation('store', 'stores', '门店', 'Store', { indexed: true }),
    relation('order', 'orders', '关联订单', 'Order', { onDelete: 'set_null' }),
    field('category', 'select', '类型', 'Category', {
      required: true,
      options: [
        option('quality', '质量问题', 'Quality'),
        option('delivery', '配送问题', 'Delivery'),
        option('return', '退换货', 'Return or exchange'),
        option('inquiry', '咨询', 'Inquiry'),
        option('complaint', '投诉', 'Complaint'),
      ],
    }),
    field('priority', 'select', '优先级', 'Priority', {
      default: 'normal',
      options: [
        option('low', '低', 'Low'),
        option('normal', '中', 'Normal'),
        option('high', '高', 'High'),
        option('urgent', '紧急', 'Urgent'),
      ],
    }),
    field('subject', 'text', '主题', 'Subject', { required: true, maxLength: 200 }),
    field('description', 'long_text', '问题描述', 'Description'),
    field('status', 'select', '状态', 'Status', { options: ticketStatuses, required: true, default: 'new' }),
    field('assignee', 'user', '处理人', 'Assignee', { indexed: true }),
    field('opened_at', 'datetime', '提交时间', 'Opened at', { required: true }),
    field('due_at', 'datetime', '处理时限', 'Due at'),
    field('closed_at', 'datetime', '关闭时间', 'Closed at', {
      requiredWhen: { '==': [{ var: 'status' }, 'closed'] },
    }),
    field('resolution', 'long_text', '处理结果', 'Resolution'),
    field('survey_count', 'rollup', '回访问卷数', 'Surveys', {
      rollup: { form: 'surveys', via: 'ticket', aggregate: 'count' },
    }),
  ],
}

/** 满意度调查: the 0–10 "how likely to recommend" score behind NPS. */
export const surveysForm: FormSchema = {
  key: 'surveys',
  label: t('满意度调查', 'Satisfaction surveys'),
  fields: [
    relation('customer', 'customers', '客户', 'Customer', { required: true }),
    relation('ticket', 'tickets', '关联工单', 'Ticket', { onDelete: 'set_null' }),
    relation('order', 'orders', '关联订单', 'Order', { onDelete: 'set_null' }),
    field('trigger', 'select', '触发场景', 'Trigger', {
      options: [
        option('ticket_closed', '工单关闭', 'Ticket closed'),
        option('purchase', '购买后', 'After purchase'),
      ],
    }),
    field('score', 'number', '推荐意愿（0–10）', 'Likelihood to recommend (0–10)', {
      integer: true,
      min: 0,
      max: 10,
      required: true,
    }),
    field('comment', 'long_text', '意见', 'Comment'),
    field('answered_at', 'datetime', '填写时间', 'Answered at', { required: true }),
    field('nps_group', 'formula', 'NPS 分组', 'NPS group', {
      resultType: 'text',
      formula: {
        if: [
          { '>=': [{ var: 'score' }, 9] },
          'promoter',
          { '>=': [{ var: 'score' }, 7] },
          'passive',
          { '!=': [{ var: 'score' }, null] },
          'detractor',
          null,
        ],
      },
    }),
    // +100 / 0 / −100 per answer: the average over any set of surveys is its NPS (promoters % − detractors %).
    field('nps_points', 'formula', 'NPS 分值', 'NPS points', {
      resultType: 'number',
      formula: {
        if: [
          { '>=': [{ var: 'score' }, 9] },
          100,
          { '>=': [{ var: 'score' }, 7] },
          0,
          { '!=': [{ var: 'score' }, null] },
          -100,
          null,
        ],
      },
    }),
  ],
}
