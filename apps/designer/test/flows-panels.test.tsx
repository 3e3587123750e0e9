// @vitest-environment happy-dom
import type { AppDefinition } from '@trellis/form-engine'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EdgePanel } from '../src/flows/EdgePanel'
import { NodePanel } from '../src/flows/NodePanel'
import type { DesignedFlow } from '../src/flows/state/flow-doc'
import i18n from '../src/i18n'

const app: AppDefinition = {
  key: 'shop',
  name: { 'zh-CN': '门店', en: 'Shop' },
  forms: [
    {
      key: 'customers',
      label: { 'zh-CN': '客户', en: 'Customers' },
      fields: [{ key: 'owner', type: 'user', label: { 'zh-CN': '负责人', en: 'Owner' } }],
    },
  ],
  roles: [{ key: 'manager', label: { 'zh-CN': '店长', en: 'Manager' }, forms: {} }],
}

const flow: DesignedFlow = {
  key: 'approval',
  version: 1,
  nodes: [
    {
      id: 'start',
      kind: 'start',
      config: { trigger: { kind: 'record_event', form: 'customers', event: 'created' } },
    },
    { id: 'check', kind: 'user_task', config: {} },
    { id: 'gate', kind: 'exclusive_gateway', config: {} },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'check' },
    { id: 'e2', source: 'check', target: 'gate' },
    { id: 'e3', source: 'gate', target: 'end', condition: { '==': [1, 1] } },
  ],
}

describe('flow property panels', () => {
  let edits: DesignedFlow[]
  const onEdit = (next: DesignedFlow) => edits.push(next)
  beforeEach(async () => {
    edits = []
    await act(() => i18n.changeLanguage('zh-CN'))
  })
  afterEach(cleanup)

  it("sets a user task's assignee to a role, or to the record's user field, and its form", () => {
    const node = flow.nodes[1]!
    const { rerender } = render(
      <NodePanel app={app} flow={flow} node={node} issues={[]} onEdit={onEdit} onDelete={() => {}} />,
    )
    fireEvent.change(screen.getByLabelText('处理人'), { target: { value: 'role' } })
    expect(edits.at(-1)!.nodes[1]!.config).toEqual({ assignee: { kind: 'role', role: 'manager' } })
    fireEvent.change(screen.getByLabelText('处理人'), { target: { value: 'field' } })
    // The record comes from the start's form: its user field is offered.
    expect(edits.at(-1)!.nodes[1]!.config).toEqual({ assignee: { kind: 'field', field: 'owner' } })
    rerender(
      <NodePanel
        app={app}
        flow={edits.at(-1)!}
        node={edits.at(-1)!.nodes[1]!}
        issues={[]}
        onEdit={onEdit}
        onDelete={() => {}}
      />,
    )
    expect((screen.getByLabelText('字段') as HTMLSelectElement).value).toBe('owner')
    fireEvent.change(screen.getByLabelText('处理时填写的表单'), { target: { value: 'customers' } })
    expect(edits.at(-1)!.nodes[1]!.config).toEqual({
      assignee: { kind: 'field', field: 'owner' },
      form: 'customers',
    })
  })

  it('offers only two outcomes once one is unticked, and shows the node issues in English', async () => {
    await act(() => i18n.changeLanguage('en'))
    const node = flow.nodes[1]!
    render(
      <NodePanel
        app={app}
        flow={flow}
        node={node}
        issues={[
          {
            code: 'missing_assignee',
            severity: 'warning',
            message: 'x',
            path: 'nodes.check',
            nodeId: 'check',
          },
        ]}
        onEdit={onEdit}
        onDelete={() => {}}
      />,
    )
    expect(screen.getByText('No assignee', { selector: 'li' })).toBeTruthy()
    fireEvent.click(screen.getByLabelText('Return'))
    expect(edits.at(-1)!.nodes[1]!.config).toEqual({ outcomes: ['approve', 'reject'] })
  })

  it("makes a gateway edge the default, which drops its condition; a task's edge can route rejections", () => {
    render(
      <EdgePanel
        app={app}
        flow={flow}
        edge={flow.edges[2]!}
        issues={[]}
        onEdit={onEdit}
        onDelete={() => {}}
      />,
    )
    fireEvent.click(screen.getByLabelText('默认连线（其他条件都不成立时）'))
    expect(edits.at(-1)!.edges[2]).toEqual({ id: 'e3', source: 'gate', target: 'end', default: true })
    cleanup()
    render(
      <EdgePanel
        app={app}
        flow={flow}
        edge={flow.edges[1]!}
        issues={[]}
        onEdit={onEdit}
        onDelete={() => {}}
      />,
    )
    fireEvent.change(screen.getByLabelText('何时走这条线'), { target: { value: 'reject' } })
    expect(edits.at(-1)!.edges[1]).toEqual({ id: 'e2', source: 'check', target: 'gate', on: 'reject' })
    expect(screen.queryByLabelText('默认连线（其他条件都不成立时）')).toBeNull()
  })
})
