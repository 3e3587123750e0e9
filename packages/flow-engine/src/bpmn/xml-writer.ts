// Writing XML by hand keeps the output exactly as bpmn.io and Camunda Modeler expect it (prefixes,
// attribute order) without a builder's intermediate format.

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Line breaks and tabs are escaped too: a parser would otherwise normalize them to spaces. */
export function escapeAttr(text: string): string {
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}

export type Attrs = Record<string, string | number | boolean | undefined>

export interface XmlNode {
  name: string
  attrs?: Attrs
  children?: XmlNode[]
  text?: string
}

export function element(name: string, attrs: Attrs = {}, children: XmlNode[] = [], text?: string): XmlNode {
  return text === undefined ? { name, attrs, children } : { name, attrs, children, text }
}

export function render(node: XmlNode, indent = ''): string {
  const attrs = Object.entries(node.attrs ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeAttr(String(value))}"`)
    .join('')
  const children = node.children ?? []
  if (children.length === 0 && node.text === undefined) return `${indent}<${node.name}${attrs} />`
  if (children.length === 0) return `${indent}<${node.name}${attrs}>${escapeText(node.text!)}</${node.name}>`
  const inner = children.map((child) => render(child, `${indent}  `)).join('\n')
  return `${indent}<${node.name}${attrs}>\n${inner}\n${indent}</${node.name}>`
}
