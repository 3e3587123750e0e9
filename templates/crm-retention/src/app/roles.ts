import type { FormPermission, RoleDef } from '@trellis/form-engine'
import { t } from './text.js'

const ownStore = { '==': [{ var: 'store' }, { var: '$user.store' }] }
const all = ['read', 'create', 'update', 'delete', 'export', 'import'] as const
const readOnly: FormPermission = { actions: ['read'] }
const tierS = { '==': [{ var: 'tier' }, 'S'] }

/**
 * The template's roles (`$user.store` is the member's store id, set as a user attribute). A store's
 * staff see their own store's customers, orders, tickets and opportunities; rows of other forms carry no
 * store and are visible to them as reference data or through their customers.
 */
export const crmRoles: RoleDef[] = [
  {
    key: 'admin',
    label: t('管理员', 'Administrator'),
    forms: Object.fromEntries(
      [
        'stores',
        'customers',
        'products',
        'orders',
        'order_lines',
        'product_pairs',
        'tickets',
        'surveys',
        'tasks',
        'coupons',
        'points_ledger',
        'opportunities',
        'opportunity_stage_changes',
      ].map((form) => [form, { actions: [...all] }]),
    ),
  },
  {
    key: 'store_manager',
    label: t('店长', 'Store manager'),
    forms: {
      stores: { actions: ['read'], scope: { '==': [{ var: 'id' }, { var: '$user.store' }] } },
      customers: { actions: ['read', 'create', 'update', 'export', 'import'], scope: ownStore },
      products: readOnly,
      orders: { actions: ['read', 'create', 'update', 'export'], scope: ownStore },
      order_lines: { actions: ['read', 'create', 'update'] },
      // Mined by the chain's rule, switched on and off by the admin; managers see what is recommended.
      product_pairs: readOnly,
      tickets: { actions: ['read', 'create', 'update'], scope: ownStore },
      surveys: readOnly,
      tasks: { actions: ['read', 'create', 'update'] },
      coupons: { actions: ['read', 'create', 'update'] },
      points_ledger: { actions: ['read', 'create'] },
      opportunities: { actions: ['read', 'create', 'update'], scope: ownStore },
      // The stage history is written by the template's rules; managers read it (the pipeline dashboard).
      opportunity_stage_changes: { actions: ['read'], scope: ownStore },
    },
  },
  {
    key: 'clerk',
    label: t('店员', 'Clerk'),
    forms: {
      stores: { actions: ['read'], scope: { '==': [{ var: 'id' }, { var: '$user.store' }] } },
      // No export; the phone and WeChat id of tier-S customers masked (the chain's best customers are the
      // ones poached when a clerk leaves); everyone else's shown, so the counter can call them back.
      customers: {
        actions: ['read', 'create', 'update'],
        scope: ownStore,
        maskedWhen: { phone: tierS, wechat_id: tierS },
        readOnly: ['tier', 'account_manager', 'store'],
      },
      products: readOnly,
      orders: { actions: ['read', 'create'], scope: ownStore },
      order_lines: { actions: ['read', 'create'] },
      tickets: { actions: ['read', 'create'], scope: ownStore },
      // Follow-ups for the customers they serve, added from the 360° view (as the store manager).
      tasks: { actions: ['read', 'create', 'update'] },
      coupons: { actions: ['read', 'update'] },
      points_ledger: readOnly,
    },
  },
  {
    // The second approver of large quotes (报价审批): reads the pipeline and orders, writes nothing.
    key: 'finance',
    label: t('财务', 'Finance'),
    forms: {
      stores: readOnly,
      customers: { actions: ['read'], masked: ['phone', 'wechat_id'] },
      orders: readOnly,
      order_lines: readOnly,
      products: readOnly,
      coupons: readOnly,
      opportunities: readOnly,
    },
  },
  {
    key: 'service_agent',
    label: t('客服', 'Service agent'),
    forms: {
      stores: readOnly,
      customers: { actions: ['read'], masked: ['phone', 'wechat_id'] },
      orders: readOnly,
      order_lines: readOnly,
      products: readOnly,
      tickets: { actions: ['read', 'create', 'update'] },
      surveys: { actions: ['read', 'create', 'update'] },
      tasks: { actions: ['read', 'create', 'update'] },
    },
  },
]
