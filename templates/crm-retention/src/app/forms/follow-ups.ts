import type { FormSchema } from '@trellis/form-engine'
import { field, option, relation, t } from '../text.js'

/** 跟进任务: created by hand or by rules (call-back, birthday care, replenishment, win-back). */
export const tasksForm: FormSchema = {
  key: 'tasks',
  label: t('跟进任务', 'Follow-up tasks'),
  titleField: 'title',
  fields: [
    relation('customer', 'customers', '客户', 'Customer', { required: true }),
    field('title', 'text', '任务', 'Task', { required: true, maxLength: 200 }),
    field('kind', 'select', '类型', 'Kind', {
      required: true,
      options: [
        option('call_back', '电话回访', 'Call back'),
        option('birthday', '生日关怀', 'Birthday care'),
        option('replenishment', '复购提醒', 'Replenishment'),
        option('win_back', '流失挽回', 'Win-back'),
        option('other', '其他', 'Other'),
      ],
    }),
    field('assignee', 'user', '负责人', 'Assignee', { indexed: true }),
    field('due_on', 'date', '截止日期', 'Due on'),
    field('status', 'select', '状态', 'Status', {
      required: true,
      default: 'open',
      options: [
        option('open', '待办', 'Open'),
        option('done', '已完成', 'Done'),
        option('cancelled', '已取消', 'Cancelled'),
      ],
    }),
    field('done_at', 'datetime', '完成时间', 'Done at'),
    field('origin', 'select', '来源', 'Origin', {
      default: 'manual',
      options: [option('manual', '手动创建', 'Manual'), option('rule', '自动规则', 'Rule')],
    }),
    field('outcome', 'long_text', '跟进结果', 'Outcome'),
  ],
}
