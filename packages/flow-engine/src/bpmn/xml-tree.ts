// A small namespace-aware element tree over fast-xml-parser's ordered output. fast-xml-parser is pure
// JavaScript (no native code, no Node built-ins), so it runs in the browser designer as well; it is
// widely used and actively maintained, and its ordered mode keeps document order, which decides the
// order exclusive gateways try their edges in.
import { XMLParser, XMLValidator } from 'fast-xml-parser'

export interface XmlElement {
  /** The qualified name as written, e.g. `semantic:task`. */
  name: string
  local: string
  /** Namespace URI, resolved from the `xmlns` declarations in scope ('' when none). */
  ns: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> }

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
})

export type ParseResult = { ok: true; root: XmlElement } | { ok: false; message: string; line?: number }

export function parseXml(xml: string): ParseResult {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) return { ok: false, message: valid.err.msg, line: valid.err.line }
  const items = parser.parse(xml) as Ordered[]
  const root = convert(items, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))[0]
  return root ? { ok: true, root } : { ok: false, message: 'no root element' }
}

function convert(items: Ordered[], scope: Map<string, string>): XmlElement[] {
  const elements: XmlElement[] = []
  for (const item of items) {
    const name = Object.keys(item).find((key) => key !== ':@')
    if (!name || name === '#text' || name === '#comment' || name.startsWith('?')) continue
    const attrs = item[':@'] ?? {}
    const local = new Map(scope)
    for (const [key, value] of Object.entries(attrs)) {
      if (key === 'xmlns') local.set('', value)
      else if (key.startsWith('xmlns:')) local.set(key.slice(6), value)
    }
    const colon = name.indexOf(':')
    const prefix = colon >= 0 ? name.slice(0, colon) : ''
    const content = (item[name] as Ordered[]) ?? []
    elements.push({
      name,
      local: colon >= 0 ? name.slice(colon + 1) : name,
      ns: local.get(prefix) ?? '',
      attrs,
      children: convert(content, local),
      text: content
        .map((child) => (typeof child['#text'] === 'string' ? child['#text'] : ''))
        .join('')
        .trim(),
    })
  }
  return elements
}

/** An attribute by local name, whatever its prefix (`xsi:type` → `type`). */
export function attr(element: XmlElement, local: string): string | undefined {
  if (element.attrs[local] !== undefined) return element.attrs[local]
  const key = Object.keys(element.attrs).find((k) => k.endsWith(`:${local}`) && !k.startsWith('xmlns'))
  return key === undefined ? undefined : element.attrs[key]
}
