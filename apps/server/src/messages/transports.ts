import { createHmac } from 'node:crypto'
import nodemailer from 'nodemailer'

/** A message leaving Trellis: what a transport needs, nothing more. */
export interface OutboundMessage {
  id: string
  channel: string
  to: string
  subject: string | null
  body: string
  locale: string
}

/** Sends one message or throws; the dispatcher retries on a throw. */
export interface MessageTransport {
  send(message: OutboundMessage): Promise<void>
}

/**
 * Email through SMTP (nodemailer). The Message-ID is derived from the message's id, so a message resent
 * after a crash between sending and recording it is recognisable as the same message by the receiving side.
 */
export function smtpTransport(url: string, from: string): MessageTransport {
  const mailer = nodemailer.createTransport(url)
  const host = new URL(url).hostname || 'localhost'
  return {
    async send(message) {
      await mailer.sendMail({
        from,
        to: message.to,
        subject: message.subject ?? message.body.slice(0, 60),
        text: message.body,
        messageId: `<trellis-message-${message.id}@${host}>`,
        headers: { 'Content-Language': message.locale },
      })
    },
  }
}

/**
 * SMS or WeChat through an HTTP gateway of the operator's choice: a JSON POST per message with an
 * `Idempotency-Key` (stable across retries) and, with a secret, `X-Trellis-Signature: sha256=HMAC(secret,
 * "<timestamp>.<body>")` as for webhooks. Any 2xx is success; anything else, or no answer in 10 s, a failure.
 */
export function httpTransport(url: string, secret: string | undefined, timeoutMs = 10_000): MessageTransport {
  return {
    async send(message) {
      const body = JSON.stringify({
        id: message.id,
        channel: message.channel,
        to: message.to,
        subject: message.subject,
        body: message.body,
        locale: message.locale,
      })
      const timestamp = String(Math.floor(Date.now() / 1000))
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'idempotency-key': `message-${message.id}`,
        'x-trellis-timestamp': timestamp,
      }
      if (secret)
        headers['x-trellis-signature'] =
          `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      })
      await response.body?.cancel()
      if (!response.ok) throw new Error(`${new URL(url).host} answered ${response.status}`)
    },
  }
}

export interface MessagingSettings {
  smtpUrl?: string | undefined
  smtpFrom?: string | undefined
  smsUrl?: string | undefined
  wechatUrl?: string | undefined
  secret?: string | undefined
}

/** The transports the settings configure, by channel; a channel without one keeps its messages stored. */
export function transportsFrom(settings: MessagingSettings): Map<string, MessageTransport> {
  const transports = new Map<string, MessageTransport>()
  if (settings.smtpUrl)
    transports.set(
      'email',
      smtpTransport(settings.smtpUrl, settings.smtpFrom ?? 'Trellis <no-reply@localhost>'),
    )
  if (settings.smsUrl) transports.set('sms', httpTransport(settings.smsUrl, settings.secret))
  if (settings.wechatUrl) transports.set('wechat', httpTransport(settings.wechatUrl, settings.secret))
  return transports
}
