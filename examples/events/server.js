#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// examples/events/server.js - the events app's tiny HTTP server: Node's
// built-in http module and the `pg` package (tests/prisma/node_modules,
// or NODE_PATH). It is what prisma-gate's demo health-checks after each
// deploy.
//
//   GET /api/health   200 {"status":"healthy","database":{"connected":true,...}}
//                     503 {"status":"unhealthy","database":{"connected":false,"error":...}}
//   GET /api/events   the events with their participant and expense counts
//
// env: DATABASE_URL (required), PORT (default 0: any free port; the port is
// printed as "PORT <n>" once listening), HOST (default 127.0.0.1).
// Stops on SIGTERM/SIGINT.
'use strict';

const http = require('http');
const path = require('path');

let pg;
try {
    pg = require('pg');
} catch (e) {
    pg = require(path.join(__dirname, '..', '..', 'tests', 'prisma', 'node_modules', 'pg'));
}

if (!process.env.DATABASE_URL) {
    console.error('server.js: DATABASE_URL is not set');
    process.exit(2);
}
const url = new URL(process.env.DATABASE_URL);
const pool = new pg.Pool({
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1)),
    max: 4,
    connectionTimeoutMillis: 2000,
    allowExitOnIdle: true,
});
pool.on('error', () => {}); // a dropped idle connection is not fatal

function send(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)});
    res.end(text);
}

async function health(res) {
    const t0 = Date.now();
    try {
        const r = await pool.query('SELECT count(*)::int AS events FROM "Event"');
        send(res, 200, {status: 'healthy',
                        database: {connected: true, events: r.rows[0].events, latency_ms: Date.now() - t0}});
    } catch (e) {
        send(res, 503, {status: 'unhealthy', database: {connected: false, error: e.message}});
    }
}

async function events(res) {
    try {
        const r = await pool.query(
            'SELECT e.id, e.title, e.date, e.location, ' +
            '(SELECT count(*)::int FROM "Participant" p WHERE p."eventId" = e.id) AS participants, ' +
            '(SELECT count(*)::int FROM "Expense" x WHERE x."eventId" = e.id) AS expenses ' +
            'FROM "Event" e ORDER BY e.date');
        send(res, 200, r.rows);
    } catch (e) {
        send(res, 500, {error: e.message});
    }
}

const server = http.createServer((req, res) => {
    const p = new URL(req.url, 'http://localhost').pathname;
    if (req.method === 'GET' && p === '/api/health') return void health(res);
    if (req.method === 'GET' && p === '/api/events') return void events(res);
    send(res, 404, {error: 'not found'});
});

function stop() {
    server.close();
    pool.end().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
    process.stdout.write(`PORT ${server.address().port}\n`);
});
