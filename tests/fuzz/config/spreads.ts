import base from './base'
const extra = { migrations: { path: "db/migrations" } }
process.env.GATE_FZ_C = 'x'
export default defineConfig({
  ...base,
  ...(process.env.GATE_FZ_A ? { migrations: { path: 'a' } } : {}),
  ...(process.env.GATE_FZ_B === '1' && extra),
  ...(isProd() ? { schema: 's' } : {}),
  ['datasource']: { url: process.env.DATABASE_URL },
})
