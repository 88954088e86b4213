// prisma.config.ts — Prisma CLI configuration for prisma-gate's tests and demo.
//
// "Recipe A" of shared/docs/prisma-cli.md §4: prisma@6.19.3 runs migrations in
// the Wasm schema engine bundled in the `prisma` package (engine: 'js') and
// reaches PostgreSQL through @prisma/adapter-pg@7.0.0 + pg@8.23.1. No native
// engine binary is needed, so it works with only the npm registry reachable.
//
// This file lives in tests/prisma/ but is used for projects anywhere: pass it
// with `--config <abs path>` and run the CLI with the project as cwd.
//
// Environment:
//   DATABASE_URL          required (postgresql://user[:pw]@host[:port]/db);
//                         the adapter's connection is built from it.
//   PRISMA_GATE_SCHEMA    schema file, default prisma/schema.prisma,
//                         relative to the current working directory.
//   PRISMA_GATE_MIGRATIONS migrations dir, default `migrations` next to the
//                         schema file (inside it for a schema folder),
//                         relative to the current working directory.
//   PRISMA_SCHEMA_ENGINE_BINARY  defaults to ./engine-stub/schema-engine next
//                         to this file (see workaround 5).
//
// The project's schema needs `datasource db { provider = "postgresql" url = ... }`
// as v6 syntax requires. The recipe also asks for `engineType = "client"` in
// the generator block and url = env("DATABASE_URL"); this config makes both
// unnecessary (see the two "not in the recipe" blocks below), so unmodified
// project schemas work.
//
// Workaround numbers follow prisma-cli.md §4.4/§4.6.

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

function pgConfigFromEnv(): PgConfig {
  const raw = process.env.DATABASE_URL
  if (!raw) {
    throw new Error('prisma.config.ts: DATABASE_URL is not set (postgresql://user@host:port/db)')
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error('prisma.config.ts: DATABASE_URL is not a valid URL')
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`prisma.config.ts: DATABASE_URL must be a postgresql:// URL, got ${url.protocol}`)
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
  const raw = process.env.DATABASE_URL
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

const schemaPath = path.resolve(process.cwd(), process.env.PRISMA_GATE_SCHEMA || 'prisma/schema.prisma')
// Default migrations dir: next to the schema file, or inside a schema folder.
function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}
const schemaDir = isDirectory(schemaPath) ? schemaPath : path.dirname(schemaPath)
const migrationsPath = path.resolve(
  process.cwd(),
  process.env.PRISMA_GATE_MIGRATIONS || path.join(schemaDir, 'migrations'),
)

// DATABASE_URL must be set for every command: without it the CLI cannot
// resolve the datasource URL and falls back to downloading the native query
// engine (a confusing ENOTFOUND error offline). Fail early and clearly.
if (!process.env.DATABASE_URL) {
  throw new Error('DATABASE_URL is not set: prisma-gate\'s Prisma fixture needs it for every command')
}

// Not in the recipe: the adapter ignores the schema's datasource URLs, but the
// CLI still has to resolve every env("X") they name (else the same download
// fallback). Give any such variable that is unset the value of DATABASE_URL,
// so project schemas using e.g. env("POSTGRES_PRISMA_URL") work unchanged.
try {
  const schemaText = fs.readFileSync(schemaPath, 'utf8')
  const envRef = /\b(?:url|directUrl|shadowDatabaseUrl)\s*=\s*env\(\s*"([^"]+)"\s*\)/g
  for (const m of schemaText.matchAll(envRef)) {
    if (!process.env[m[1]]) process.env[m[1]] = process.env.DATABASE_URL
  }
} catch {
  // schema missing or a directory: the CLI reports that itself
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: schemaPath,
  migrations: { path: migrationsPath },
  adapter: async () => new GatePrismaPg(pgConfigFromEnv()),
})
