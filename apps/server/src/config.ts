import { envSchema } from 'env-schema'
import path from 'node:path'
import type { MessagingSettings } from './messages/transports.js'

/** Everything the server reads from the environment, validated once at start. */
export interface Config {
  port: number
  host: string
  /** Unset → embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined
  dataDir: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  timeZone: string
  /** Folder with the built designer; a placeholder page is served when it is missing. */
  designerDir: string | undefined
  /** Password of the first admin, created on first start (generated and printed once when unset). */
  adminPassword: string | undefined
  /** Session cookies only over HTTPS; on by default when NODE_ENV=production. */
  secureCookies: boolean
  /** PostgreSQL connections per process (PGlite has one). */
  dbPoolSize: number
  /** Longest a single SQL statement may run (PostgreSQL); 0 = no limit. Reports have their own, shorter guard. */
  statementTimeoutMs: number
  /** Event-loop delay beyond which requests get 503 + Retry-After instead of queueing; 0 = never. */
  maxEventLoopDelayMs: number
  /** Gateways that send rule messages (email over SMTP, SMS and WeChat over HTTP); unset: messages are stored. */
  messaging: MessagingSettings
}

const schema = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    TRELLIS_DATA_DIR: { type: 'string', minLength: 1, default: './data' },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    TRELLIS_TIME_ZONE: { type: 'string', minLength: 1, default: 'Asia/Shanghai' },
    TRELLIS_DESIGNER_DIR: { type: 'string', minLength: 1 },
    TRELLIS_ADMIN_PASSWORD: { type: 'string', minLength: 8, maxLength: 200 },
    TRELLIS_SECURE_COOKIES: { type: 'string', enum: ['true', 'false', '1', '0'] },
    TRELLIS_DB_POOL_SIZE: { type: 'integer', minimum: 1, maximum: 1000, default: 10 },
    TRELLIS_STATEMENT_TIMEOUT_MS: { type: 'integer', minimum: 0, default: 30000 },
    TRELLIS_MAX_EVENT_LOOP_DELAY_MS: { type: 'integer', minimum: 0, default: 1000 },
    TRELLIS_SMTP_URL: { type: 'string', pattern: '^smtps?://' },
    TRELLIS_SMTP_FROM: { type: 'string', minLength: 3 },
    TRELLIS_SMS_URL: { type: 'string', pattern: '^https?://' },
    TRELLIS_WECHAT_URL: { type: 'string', pattern: '^https?://' },
    TRELLIS_MESSAGE_SECRET: { type: 'string', minLength: 16 },
    NODE_ENV: { type: 'string' },
  },
} as const

interface RawEnv {
  PORT: number
  HOST: string
  DATABASE_URL?: string
  TRELLIS_DATA_DIR: string
  LOG_LEVEL: Config['logLevel']
  TRELLIS_TIME_ZONE: string
  TRELLIS_DESIGNER_DIR?: string
  TRELLIS_ADMIN_PASSWORD?: string
  TRELLIS_SECURE_COOKIES?: string
  TRELLIS_DB_POOL_SIZE: number
  TRELLIS_STATEMENT_TIMEOUT_MS: number
  TRELLIS_MAX_EVENT_LOOP_DELAY_MS: number
  TRELLIS_SMTP_URL?: string
  TRELLIS_SMTP_FROM?: string
  TRELLIS_SMS_URL?: string
  TRELLIS_WECHAT_URL?: string
  TRELLIS_MESSAGE_SECRET?: string
  NODE_ENV?: string
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID'
}

/** Reads and validates the environment; a bad value throws a `ConfigError` naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let raw: RawEnv
  try {
    // DATABASE_URL="" means "unset", as most shells and .env files intend.
    const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
    raw = envSchema<RawEnv>({ schema, data: cleaned, dotenv: false })
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${(error as Error).message}`)
  }
  if (!isValidTimeZone(raw.TRELLIS_TIME_ZONE)) {
    throw new ConfigError(
      `Invalid configuration: TRELLIS_TIME_ZONE "${raw.TRELLIS_TIME_ZONE}" is not an IANA time zone`,
    )
  }
  return {
    port: raw.PORT,
    host: raw.HOST,
    databaseUrl: raw.DATABASE_URL,
    dataDir: path.resolve(raw.TRELLIS_DATA_DIR),
    logLevel: raw.LOG_LEVEL,
    timeZone: raw.TRELLIS_TIME_ZONE,
    designerDir: raw.TRELLIS_DESIGNER_DIR ? path.resolve(raw.TRELLIS_DESIGNER_DIR) : undefined,
    adminPassword: raw.TRELLIS_ADMIN_PASSWORD,
    secureCookies:
      raw.TRELLIS_SECURE_COOKIES !== undefined
        ? raw.TRELLIS_SECURE_COOKIES === 'true' || raw.TRELLIS_SECURE_COOKIES === '1'
        : raw.NODE_ENV === 'production',
    dbPoolSize: raw.TRELLIS_DB_POOL_SIZE,
    statementTimeoutMs: raw.TRELLIS_STATEMENT_TIMEOUT_MS,
    maxEventLoopDelayMs: raw.TRELLIS_MAX_EVENT_LOOP_DELAY_MS,
    messaging: {
      smtpUrl: raw.TRELLIS_SMTP_URL,
      smtpFrom: raw.TRELLIS_SMTP_FROM,
      smsUrl: raw.TRELLIS_SMS_URL,
      wechatUrl: raw.TRELLIS_WECHAT_URL,
      secret: raw.TRELLIS_MESSAGE_SECRET,
    },
  }
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
