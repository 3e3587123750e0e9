/** The encodings a shop's files come in: UTF-8 (Excel "CSV UTF-8" adds a BOM) or GB18030 (a superset of GBK). */
export type DetectedEncoding = 'utf-8' | 'gb18030'

export interface EncodingGuess {
  encoding: DetectedEncoding
  bom: boolean
}

/**
 * Guesses the encoding from the first bytes. A BOM settles it; otherwise the sample must be valid UTF-8
 * (a character cut at the end of the sample is allowed), else it is GB18030, which is what Chinese
 * Windows Excel writes for "CSV (逗号分隔)". GBK text is almost never valid UTF-8, so the test is reliable.
 */
export function detectEncoding(sample: Uint8Array): EncodingGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: true }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true })
    return { encoding: 'utf-8', bom: false }
  } catch {
    return { encoding: 'gb18030', bom: false }
  }
}

/** How many bytes `decodeStream` looks at before choosing an encoding. */
export const sniffBytes = 64 * 1024

/**
 * Decodes a byte stream to text chunks with the standard WHATWG TextDecoder (GB18030 included in Node's
 * full ICU and in browsers), so no decoding library is needed. The encoding is chosen from the first
 * `sniffBytes` bytes and reported through `onDetect` before the first chunk is yielded.
 */
export async function* decodeStream(
  bytes: AsyncIterable<Uint8Array>,
  onDetect?: (guess: EncodingGuess) => void,
): AsyncGenerator<string> {
  const pending: Uint8Array[] = []
  let pendingSize = 0
  let decoder: InstanceType<typeof TextDecoder> | undefined
  const start = () => {
    const sample = concat(pending, pendingSize)
    const guess = detectEncoding(sample.subarray(0, sniffBytes))
    onDetect?.(guess)
    decoder = new TextDecoder(guess.encoding, { ignoreBOM: false })
    return decoder.decode(sample, { stream: true })
  }
  for await (const chunk of bytes) {
    if (decoder) {
      const text = decoder.decode(chunk, { stream: true })
      if (text) yield text
      continue
    }
    pending.push(chunk)
    pendingSize += chunk.length
    if (pendingSize >= sniffBytes) {
      const text = start()
      if (text) yield text
    }
  }
  if (!decoder) {
    const text = start()
    if (text) yield text
  }
  const rest = decoder!.decode()
  if (rest) yield rest
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
