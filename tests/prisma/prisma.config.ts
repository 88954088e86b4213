// prisma.config.ts — Prisma CLI configuration for prisma-gate's tests and demo.
//
// "Recipe A": prisma@6.19.3 runs migrations in the Wasm schema engine bundled
// in the `prisma` package (engine: 'js') and reaches PostgreSQL through
// @prisma/adapter-pg@7.0.0 + pg@8.23.1. No native engine binary is needed, so
// it works with only the npm registry reachable (see README.md here).
//
// This file lives in tests/prisma/ but is used for projects anywhere: pass it
// with `--config <abs path>` and run the CLI with the project as cwd.
//
// Schema and migrations: like a project without a config file, Prisma takes
// the schema from `--schema` (else prisma/schema.prisma) and the migrations
// folder from `migrations` next to the schema file holding the datasource.
// This config sets `schema` only to the --schema given (so the CLI's start-up
// finds a schema folder too) or when asked to, and `migrations.path` only
// when asked to:
//   PRISMA_GATE_SCHEMA     schema file or folder, relative to the current
//                          working directory (the project dir).
//   PRISMA_GATE_MIGRATIONS migrations dir, relative to the current working
//                          directory.
//
// Which database: as Prisma's native engine does for Migrate, the connection
// goes through the schema's directUrl = env("X") when it names one and X is
// set, else the schema's url = env("Y") when Y is set, else DATABASE_URL.
//
// Environment:
//   DATABASE_URL          required (postgresql://user[:pw]@host[:port]/db).
//   PRISMA_SCHEMA_ENGINE_BINARY  defaults to ./engine-stub/schema-engine next
//                         to this file (see workaround 5).
//
// The project's schema needs `datasource db { provider = "postgresql" url = ... }`
// as v6 syntax requires. The recipe also asks for `engineType = "client"` in
// the generator block and url = env("DATABASE_URL"); this config makes both
// unnecessary (see the two "not in the recipe" blocks below), so unmodified
// project schemas work.
//
// Workaround numbers (0)-(5) are the recipe's; README.md lists them.

import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { randomUUID } from 'node:crypto'
import { defineConfig } from 'prisma/config'

// Directory of this file. jiti (which Prisma uses to load the config) provides
// __filename; fall back to import.meta.url for a native ESM loader.
declare const __filename: string | undefined
const configFile: string =
  typeof __filename === 'string' && __filename !== ''
    ? __filename
    : new URL(import.meta.url).pathname
const configDir = path.dirname(configFile)

// Load pg and the adapter through Node's own require so both share one
// module instance (the adapter's require('pg') hits the same cache entry).
const requireHere = createRequire(configFile)
const pg = requireHere('pg')
const { PrismaPg } = requireHere('@prisma/adapter-pg')

// (0) adapter-pg cannot decode the catalog type "char" (oid 18), which the
// schema describer reads from pg_catalog: present it as text (oid 25).
const PG_OID_CHAR = 18
const PG_OID_TEXT = 25
const resultProto = pg.Result.prototype
if (!resultProto.__prismaGateCharPatch) {
  const originalAddFields = resultProto.addFields
  resultProto.addFields = function addFields(fieldDescriptions: Array<{ dataTypeID: number }>) {
    for (const field of fieldDescriptions) {
      if (field.dataTypeID === PG_OID_CHAR) field.dataTypeID = PG_OID_TEXT
    }
    return originalAddFields.call(this, fieldDescriptions)
  }
  resultProto.__prismaGateCharPatch = true
}

// (1) The Wasm engine arms a 10 s advisory-lock timer that is never cleared;
// unref long timers so the process exits as soon as the work is done.
const LONG_TIMER_MS = 5000
const g = globalThis as any
if (!g.__prismaGateTimerPatch) {
  const originalSetTimeout = g.setTimeout
  const patched = function setTimeout(this: unknown, ...args: any[]) {
    const timer = originalSetTimeout.apply(this, args)
    const delay = Number(args[1])
    if (delay >= LONG_TIMER_MS && timer && typeof timer.unref === 'function') timer.unref()
    return timer
  }
  Object.assign(patched, originalSetTimeout) // keep util.promisify.custom etc.
  g.setTimeout = patched
  g.__prismaGateTimerPatch = true
}

// (5) `migrate resolve --rolled-back` runs a can-connect pre-flight through the
// native engine binary even in Wasm mode: point it at an exit-0 stub.
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(configDir, 'engine-stub', 'schema-engine')
}

// Not in the recipe: make the CLI treat the client engine as "client" even
// when the schema's generator block lacks engineType = "client" (otherwise it
// tries to download the native query-engine library), so unmodified project
// schemas work too.
if (!process.env.PRISMA_CLIENT_ENGINE_TYPE) {
  process.env.PRISMA_CLIENT_ENGINE_TYPE = 'client'
}

// (2) Discrete pg fields, never connectionString: the adapter builds pools as
// { ...config, database: X } and a connectionString would override X.
type PgConfig = {
  host: string
  port: number
  user: string
  password?: string
  database: string
  allowExitOnIdle: boolean
  options?: string
}

// The URL the adapter connects with: see "Which database" at the top.
// Decided once, before the unset variables are filled in below.
let chosenUrl: string | undefined
function connectionUrl(): string | undefined {
  if (chosenUrl === undefined) {
    for (const name of [schemaEnv.direct, schemaEnv.url, 'DATABASE_URL']) {
      if (name && process.env[name]) {
        chosenUrl = process.env[name]
        break
      }
    }
  }
  return chosenUrl
}

function pgConfigFromEnv(): PgConfig {
  const raw = connectionUrl()
  if (!raw) {
    throw new Error('prisma.config.ts: DATABASE_URL is not set (postgresql://user@host:port/db)')
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error('prisma.config.ts: the database URL is not a valid URL')
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`prisma.config.ts: the database URL must be a postgresql:// URL, got ${url.protocol}`)
  }
  const config: PgConfig = {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    allowExitOnIdle: true,
  }
  const password = decodeURIComponent(url.password)
  if (password !== '') config.password = password
  // Prisma's ?schema=: the search_path of every connection, as the native
  // engine sets it, and the schema the adapter reports to the engine (where
  // it looks for _prisma_migrations and decides P3005).
  const schema = url.searchParams.get('schema')
  if (schema) config.options = `-c search_path=${quoteIdent(schema)}`
  return config
}

function schemaFromEnv(): string | undefined {
  const raw = connectionUrl()
  if (!raw) return undefined
  try {
    return new URL(raw).searchParams.get('schema') || undefined
  } catch {
    return undefined
  }
}

function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"'
}

// (2)-(4) in one subclass of the adapter factory.
class GatePrismaPg extends PrismaPg {
  private readonly gateConfig: PgConfig

  constructor(config: PgConfig) {
    const schema = schemaFromEnv()
    super({ ...config }, schema ? { schema } : undefined)
    this.gateConfig = { ...config }
  }

  // (3) Run a migration script as one simple-protocol query (one implicit
  // transaction), as the native engine does; the stock executeScript splits
  // on ';' and breaks string literals and DO $$ … $$ bodies.
  async connect() {
    const adapter: any = await super.connect()
    const pool = adapter.underlyingDriver()
    adapter.executeScript = async (script: string): Promise<void> => {
      try {
        await pool.query(script)
      } catch (error) {
        adapter.onError(error) // converts and rethrows
      }
    }
    return adapter
  }

  // (4) Shadow database on the same server: created through an admin
  // connection, dropped only after the shadow pool has been closed.
  async connectToShadowDb() {
    const admin: any = await this.connect()
    const name = 'prisma_shadow_' + randomUUID().replace(/-/g, '')
    await admin.executeScript(`CREATE DATABASE ${quoteIdent(name)}`)
    let shadow: any
    try {
      shadow = await new GatePrismaPg({ ...this.gateConfig, database: name }).connect()
    } catch (error) {
      await admin.executeScript(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`)
      await admin.dispose()
      throw error
    }
    const disposeShadow = shadow.dispose.bind(shadow)
    shadow.dispose = async (): Promise<void> => {
      try {
        await disposeShadow()
        await admin.executeScript(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`)
      } finally {
        await admin.dispose()
      }
    }
    return shadow
  }
}

// The schema this run uses, to read its datasource's env("...") names:
// --schema on the command line, else PRISMA_GATE_SCHEMA, else Prisma's default.
function schemaArg(): string | undefined {
  const argv = process.argv
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--schema' && i + 1 < argv.length) return argv[i + 1]
    if (argv[i].startsWith('--schema=')) return argv[i].slice('--schema='.length)
  }
  return undefined
}
const schemaPath = path.resolve(
  process.cwd(),
  schemaArg() || process.env.PRISMA_GATE_SCHEMA || 'prisma/schema.prisma',
)

// The datasource's env("...") names, from the schema file (or every .prisma
// file of a schema folder).
function schemaTexts(p: string): string[] {
  try {
    if (!fs.statSync(p).isDirectory()) return [fs.readFileSync(p, 'utf8')]
    return fs
      .readdirSync(p, { recursive: true } as any)
      .map((f: any) => path.join(p, String(f)))
      .filter((f: string) => f.endsWith('.prisma'))
      .map((f: string) => fs.readFileSync(f, 'utf8'))
  } catch {
    return [] // schema missing: the CLI reports that itself
  }
}
const schemaEnv: { url?: string; direct?: string; names: string[] } = { names: [] }
for (const text of schemaTexts(schemaPath)) {
  const envRef = /\b(url|directUrl|shadowDatabaseUrl)\s*=\s*env\(\s*"([^"]+)"\s*\)/g
  for (const m of text.matchAll(envRef)) {
    if (m[1] === 'url' && !schemaEnv.url) schemaEnv.url = m[2]
    if (m[1] === 'directUrl' && !schemaEnv.direct) schemaEnv.direct = m[2]
    schemaEnv.names.push(m[2])
  }
}

// DATABASE_URL must be set for every command: without it the CLI cannot
// resolve the datasource URL and falls back to downloading the native query
// engine (a confusing ENOTFOUND error offline). Fail early and clearly.
if (!process.env.DATABASE_URL) {
  throw new Error('DATABASE_URL is not set: prisma-gate\'s Prisma fixture needs it for every command')
}

// The adapter's connection, decided from the variables as they are set now
// (before the unset ones are filled in at the end of this file).
const adapterConfig = pgConfigFromEnv()

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  // the --schema given (the CLI's flag wins anyway; the CLI's start-up engine
  // check reads only the config and the default locations), else PRISMA_GATE_SCHEMA
  ...(schemaArg() || process.env.PRISMA_GATE_SCHEMA ? { schema: schemaPath } : {}),
  ...(process.env.PRISMA_GATE_MIGRATIONS
    ? { migrations: { path: path.resolve(process.cwd(), process.env.PRISMA_GATE_MIGRATIONS) } }
    : {}),
  adapter: async () => new GatePrismaPg(adapterConfig),
})

// Not in the recipe: the CLI has to resolve every env("X") the schema's
// datasource names (else the same download fallback). Give any such variable
// that is unset the value of DATABASE_URL, so project schemas using e.g.
// env("POSTGRES_PRISMA_URL") work unchanged. This runs after the object
// above is built (the CLI reads the variables later), so the object's
// process.env conditions see the environment the CLI was started with,
// which is also what prisma-gate evaluates them against when it reads this
// file as text.
for (const name of schemaEnv.names) {
  if (!process.env[name]) process.env[name] = process.env.DATABASE_URL
}
