import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { multipart } from './support/multipart.js'
import { shopApp } from './support/shop-app.js'

describeEachDatabase('attachments', (ctx) => {
  const api = useApi(ctx)
  const upload = (name: string, type: string, content: Buffer) => {
    const body = multipart(name, type, content)
    return api.app.inject({
      method: 'POST',
      url: '/api/files',
      payload: body.payload,
      headers: { ...body.headers, ...api.headers },
    })
  }

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
  })

  it('stores an upload under a random id and serves it back as a download', async () => {
    const res = await upload('../../etc/收据.pdf', 'application/pdf', Buffer.from('%PDF-1.4 hello'))
    expect(res.statusCode).toBe(201)
    const file = res.json()
    // The client's path is dropped: only the base name is kept, as metadata.
    expect(file).toMatchObject({ name: '收据.pdf', size: 14, type: 'application/pdf' })
    expect(file.id).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const got = await api.app.inject({ method: 'GET', url: `/api/files/${file.id}`, headers: api.headers })
    expect(got.statusCode).toBe(200)
    expect(got.body).toBe('%PDF-1.4 hello')
    expect(got.headers['content-disposition']).toContain('attachment')
    expect(got.headers['x-content-type-options']).toBe('nosniff')
  })

  it('refuses types outside the allow-list and files over the size limit', async () => {
    const html = await upload('x.html', 'text/html', Buffer.from('<script>alert(1)</script>'))
    expect(html.statusCode).toBe(415)
    expect(html.json()).toMatchObject({ code: 'FILE_TYPE_REFUSED', path: 'file' })
    const big = await upload('big.png', 'image/png', Buffer.alloc(21 * 1024 * 1024))
    expect(big.statusCode).toBe(413)
    expect(big.json().code).toBe('FILE_TOO_LARGE')
  })

  it('keeps attachment metadata in the record, from the server, and refuses unknown ids', async () => {
    const file = (await upload('photo.png', 'image/png', Buffer.from('png-bytes'))).json()
    const res = await api.call('POST', '/api/apps/shop/forms/customers/records', {
      values: {
        name: '有附件',
        files: [{ id: file.id, name: 'renamed-by-client.exe', size: 1, type: 'text/html' }],
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.files).toEqual([{ id: file.id, name: 'photo.png', size: 9, type: 'image/png' }])
    const unknown = await api.call('POST', '/api/apps/shop/forms/customers/records', {
      values: {
        name: 'x',
        files: [{ id: 'AAAAAAAAAAAAAAAAAAAAAAAA', name: 'forged.png', size: 1, type: 'image/png' }],
      },
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body).toMatchObject({ code: 'ATTACHMENT_NOT_FOUND', path: 'files.0' })
    const tooMany = await api.call('POST', '/api/apps/shop/forms/customers/records', {
      values: { name: 'x', files: [file, file, file] },
    })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.path).toBe('files')
  })
})
