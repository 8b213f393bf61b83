/**
 * A local Slack for tests and benchmarks, over real sockets on 127.0.0.1:
 * - the Web API at /api/<method> (form-urlencoded or JSON bodies, Bearer tokens), every call
 *   checked against the published spec extract in test/fixtures/slack/web-api-methods.json:
 *   an unknown method, a wrong token type or a missing required parameter is recorded as a
 *   violation AND answered with Slack's error, so the caller fails as it would on Slack;
 * - response_url endpoints at /respond/<id>;
 * - Socket Mode: apps.connections.open hands out ws://.../link/?ticket=N; the socket says
 *   `hello`, carries envelopes (events_api, slash_commands, interactive) and records their acks;
 *   unacked events are redelivered on the next connection, as Slack does;
 * - faults: 429 with Retry-After for the next N calls of a method, Slack errors, socket drops,
 *   `disconnect` envelopes.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

interface MethodSpec {
  readonly httpMethod: string;
  readonly tokenType: 'bot' | 'app';
  readonly params: Record<string, { type: string; required: boolean }>;
  readonly requireOneOf?: readonly (readonly string[])[];
}
interface BlockKitLimits {
  readonly maxBlocksPerMessage: number;
  readonly maxSectionTextChars: number;
  readonly maxActionsElements: number;
  readonly maxButtonTextChars: number;
  readonly maxButtonValueChars: number;
  readonly maxModalBlocks: number;
  readonly maxModalTitleChars: number;
}

const fixtures = new URL('../fixtures/slack/', import.meta.url);
const SPEC = (JSON.parse(readFileSync(new URL('web-api-methods.json', fixtures), 'utf8')) as { methods: Record<string, MethodSpec> }).methods;
const LIMITS = JSON.parse(readFileSync(new URL('block-kit-limits.json', fixtures), 'utf8')) as BlockKitLimits;
const WRAPPER_REQUIRED = (JSON.parse(readFileSync(new URL('slack_common_event_wrapper_schema.json', fixtures), 'utf8')) as { required: string[] }).required;

export interface ApiCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly token: string | undefined;
  readonly contentType: string;
  readonly at: number;
  /** What the fake answered (status and body). */
  status: number;
  response: Record<string, unknown>;
}

export interface ResponsePost {
  readonly id: string;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

export interface Envelope {
  readonly envelope_id: string;
  readonly type: 'events_api' | 'slash_commands' | 'interactive';
  readonly payload: Record<string, unknown>;
  retryAttempt: number;
  sentAt: number | undefined;
  ackedAt: number | undefined;
  ackPayload: unknown;
}

export interface FakeSlackOptions {
  readonly botToken?: string;
  readonly appToken?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  readonly teamId?: string;
  readonly teamUrl?: string;
  /** Resend unacked events_api envelopes on the next connection (Slack does). Default true. */
  readonly redeliverUnacked?: boolean;
}

export interface FakeSlack {
  readonly apiUrl: string;
  readonly baseUrl: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly calls: ApiCall[];
  readonly violations: string[];
  readonly responses: ResponsePost[];
  readonly envelopes: Envelope[];
  /** apps.connections.open answered with a URL. */
  connectionsOpened(): number;
  /** Sockets currently open. */
  liveSockets(): number;
  /** Sockets that said hello so far. */
  socketsAccepted(): number;
  callsOf(method: string): ApiCall[];
  unacked(): Envelope[];
  /** Builds an event_callback body with every field of Slack's event wrapper schema. */
  eventCallback(event: Record<string, unknown>, eventId?: string): Record<string, unknown>;
  /** Sends an events_api envelope (queued until a socket is connected). */
  sendEvent(event: Record<string, unknown>, eventId?: string): Envelope;
  /** A slash command payload with a response_url served by this fake. */
  slashCommand(fields: { text: string; user_id?: string; channel_id?: string; command?: string }): Record<string, string>;
  sendSlashCommand(fields: { text: string; user_id?: string; channel_id?: string; command?: string }): Envelope;
  sendInteractive(payload: Record<string, unknown>): Envelope;
  buttonClick(fields: { user_id: string; channel_id: string; value: string; action_id?: string; message_ts?: string }): Record<string, unknown>;
  messageShortcut(fields: { user_id: string; channel_id: string; text: string; ts?: string; callback_id?: string }): Record<string, unknown>;
  viewSubmission(fields: { user_id: string; values: Record<string, Record<string, unknown>>; private_metadata?: string; callback_id?: string }): Record<string, unknown>;
  /** The next `times` calls of `method` get 429 with Retry-After. */
  rateLimit(method: string, times: number, retryAfterSec: number): void;
  /** The next `times` calls of `method` answer { ok: false, error }. */
  failNext(method: string, error: string, times?: number): void;
  /** Sends an envelope again with retry_attempt + 1, as Slack does when an ack came late. */
  redeliver(envelope: Envelope): void;
  /** Cuts the current socket without a close frame. */
  dropSocket(): void;
  /** Sends Slack's `disconnect` envelope, then closes the socket as Slack does. */
  sendDisconnect(reason?: string): void;
  waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  waitForCall(method: string, match?: (c: ApiCall) => boolean, timeoutMs?: number): Promise<ApiCall>;
  waitForResponse(match?: (r: ResponsePost) => boolean, timeoutMs?: number): Promise<ResponsePost>;
  waitForAck(envelope: Envelope, timeoutMs?: number): Promise<Envelope>;
  close(): Promise<void>;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = opts.botToken ?? 'xoxb-test-bot-token';
  const appToken = opts.appToken ?? 'xapp-test-app-token';
  const botUserId = opts.botUserId ?? 'UBOT';
  const botId = opts.botId ?? 'BBOT';
  const teamId = opts.teamId ?? 'T0001';
  const teamUrl = opts.teamUrl ?? 'https://doi-test.slack.com/';
  const redeliver = opts.redeliverUnacked ?? true;

  const calls: ApiCall[] = [];
  const violations: string[] = [];
  const responses: ResponsePost[] = [];
  const envelopes: Envelope[] = [];
  const responseUses = new Map<string, number>();
  const rateLimits = new Map<string, { remaining: number; retryAfterSec: number }>();
  const failures = new Map<string, { remaining: number; error: string }>();
  let tsSeq = 0;
  let envSeq = 0;
  let eventSeq = 0;
  let ticketSeq = 0;
  let triggerSeq = 0;
  let responseSeq = 0;
  let viewSeq = 0;
  let opened = 0;
  let accepted = 0;
  let current: WebSocket | undefined;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of [...listeners]) l();
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path.startsWith('/api/')) return answerApi(req, res, path.slice('/api/'.length), raw);
      if (path.startsWith('/respond/')) return answerResponseUrl(res, path.slice('/respond/'.length), raw);
      res.writeHead(404).end();
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/link/')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  function answerApi(req: IncomingMessage, res: ServerResponse, method: string, raw: string): void {
    const contentType = String(req.headers['content-type'] ?? '');
    const query = Object.fromEntries(new URL(req.url ?? '/', baseUrl).searchParams);
    let params: Record<string, unknown> = { ...query };
    try {
      if (contentType.includes('application/json')) params = { ...params, ...(raw ? (JSON.parse(raw) as Record<string, unknown>) : {}) };
      else params = { ...params, ...Object.fromEntries(new URLSearchParams(raw)) };
    } catch {
      violations.push(`${method}: body is not valid ${contentType}`);
    }
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : typeof params.token === 'string' ? params.token : undefined;
    delete params.token;
    const call: ApiCall = { method, params, token, contentType, at: performance.now(), status: 200, response: {} };
    calls.push(call);

    const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      call.status = status;
      call.response = body;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      changed();
    };

    const spec = SPEC[method];
    if (!spec) {
      violations.push(`unknown Web API method ${method}`);
      return send(200, { ok: false, error: 'unknown_method' });
    }
    if (!token) return send(200, { ok: false, error: 'not_authed' });
    const expected = spec.tokenType === 'app' ? appToken : botToken;
    const otherType = spec.tokenType === 'app' ? botToken : appToken;
    if (token !== expected) {
      // Slack tells a token of the wrong kind apart from a bad one.
      return send(200, { ok: false, error: token === otherType || token.startsWith(spec.tokenType === 'app' ? 'xoxb-' : 'xapp-') ? 'not_allowed_token_type' : 'invalid_auth' });
    }
    const problems = checkParams(method, spec, params);
    if (problems.length) {
      violations.push(...problems);
      return send(200, { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } });
    }
    const limited = rateLimits.get(method);
    if (limited && limited.remaining > 0) {
      limited.remaining--;
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.retryAfterSec) });
    }
    const failure = failures.get(method);
    if (failure && failure.remaining > 0) {
      failure.remaining--;
      return send(200, { ok: false, error: failure.error });
    }
    send(200, answer(method, params));
  }

  function answer(method: string, p: Record<string, unknown>): Record<string, unknown> {
    const nextTs = () => `${1700000000 + ++tsSeq}.000100`;
    switch (method) {
      case 'auth.test':
        return { ok: true, url: teamUrl, team: 'DOI Test', user: 'doi-bot', team_id: teamId, user_id: botUserId, bot_id: botId, is_enterprise_install: false };
      case 'apps.connections.open':
        opened++;
        return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${++ticketSeq}` };
      case 'chat.postMessage': {
        const ts = nextTs();
        return { ok: true, channel: p.channel, ts, message: { type: 'message', text: p.text, user: botUserId, bot_id: botId, ts } };
      }
      case 'chat.update':
        return { ok: true, channel: p.channel, ts: p.ts, text: p.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel: p.channel, permalink: `${teamUrl}archives/${String(p.channel)}/p${String(p.message_ts).replace('.', '')}` };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${(typeof p.users === 'string' ? p.users : 'X').split(',')[0] ?? 'X'}` } };
      case 'views.open':
        return { ok: true, view: { id: `V${++viewSeq}`, ...(parseJson(p.view) as Record<string, unknown>) } };
      default:
        return { ok: true };
    }
  }

  function checkParams(method: string, spec: MethodSpec, params: Record<string, unknown>): string[] {
    const out: string[] = [];
    for (const [name, p] of Object.entries(spec.params)) {
      if (p.required && (params[name] === undefined || params[name] === '')) out.push(`${method}: missing required parameter ${name}`);
    }
    for (const name of Object.keys(params)) {
      if (!(name in spec.params)) out.push(`${method}: parameter ${name} is not in the spec`);
    }
    for (const group of spec.requireOneOf ?? []) {
      if (!group.some((n) => params[n] !== undefined && params[n] !== '')) out.push(`${method}: one of ${group.join(', ')} is required`);
    }
    for (const [name, value] of Object.entries(params)) {
      if (spec.params[name]?.type === 'boolean' && !['true', 'false', true, false, '1', '0'].includes(value as string)) {
        out.push(`${method}: ${name} must be a boolean`);
      }
    }
    if (params.blocks !== undefined) out.push(...checkBlocks(`${method}.blocks`, parseJson(params.blocks), LIMITS.maxBlocksPerMessage));
    if (method === 'views.open' && params.view !== undefined) out.push(...checkView(parseJson(params.view)));
    return out;
  }

  function answerResponseUrl(res: ServerResponse, id: string, raw: string): void {
    const uses = responseUses.get(id);
    if (uses === undefined) {
      violations.push(`response_url ${id} was never handed out`);
      res.writeHead(404).end();
      return;
    }
    if (uses >= 5) violations.push(`response_url ${id} used more than 5 times`);
    responseUses.set(id, uses + 1);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      violations.push(`response_url ${id}: body is not JSON`);
    }
    if (body.text === undefined && body.blocks === undefined) violations.push(`response_url ${id}: neither text nor blocks`);
    if (body.response_type !== undefined && body.response_type !== 'ephemeral' && body.response_type !== 'in_channel') {
      violations.push(`response_url ${id}: bad response_type ${JSON.stringify(body.response_type)}`);
    }
    if (body.blocks !== undefined) violations.push(...checkBlocks(`response_url ${id}.blocks`, body.blocks, LIMITS.maxBlocksPerMessage));
    responses.push({ id, body, at: performance.now() });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    changed();
  }

  function onSocket(ws: WebSocket): void {
    current = ws;
    ws.on('message', (data) => {
      let msg: { envelope_id?: unknown; payload?: unknown };
      try {
        msg = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8')) as typeof msg;
      } catch {
        violations.push('socket: a message that is not JSON');
        return;
      }
      const env = envelopes.find((e) => e.envelope_id === msg.envelope_id);
      if (!env) {
        violations.push(`socket: ack for unknown envelope ${String(msg.envelope_id)}`);
        return;
      }
      env.ackedAt ??= performance.now();
      env.ackPayload = msg.payload;
      changed();
    });
    ws.on('close', () => {
      if (current === ws) current = undefined;
      changed();
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0001' } }));
    accepted++;
    for (const env of envelopes) {
      if (env.ackedAt !== undefined) continue;
      if (env.sentAt === undefined) transmit(env);
      else if (redeliver && env.type === 'events_api') {
        env.retryAttempt++;
        transmit(env);
      }
    }
    changed();
  }

  function transmit(env: Envelope): void {
    const ws = current;
    if (!ws || ws.readyState !== ws.OPEN) return;
    env.sentAt = performance.now();
    ws.send(
      JSON.stringify({
        envelope_id: env.envelope_id,
        type: env.type,
        accepts_response_payload: env.type !== 'events_api',
        payload: env.payload,
        ...(env.type === 'events_api' ? { retry_attempt: env.retryAttempt, retry_reason: env.retryAttempt ? 'timeout' : '' } : {}),
      }),
    );
  }

  function enqueue(type: Envelope['type'], payload: Record<string, unknown>): Envelope {
    const env: Envelope = { envelope_id: `env-${++envSeq}`, type, payload, retryAttempt: 0, sentAt: undefined, ackedAt: undefined, ackPayload: undefined };
    envelopes.push(env);
    transmit(env);
    return env;
  }

  function eventCallback(event: Record<string, unknown>, eventId?: string): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const body: Record<string, unknown> = {
      token: 'legacy-verification-token',
      team_id: teamId,
      api_app_id: 'A0001',
      event: { event_ts: event.ts ?? `${now}.000000`, ...event },
      type: 'event_callback',
      event_id: eventId ?? `Ev${String(++eventSeq).padStart(6, '0')}`,
      event_time: now,
      authed_users: [botUserId],
      authorizations: [{ enterprise_id: null, team_id: teamId, user_id: botUserId, is_bot: true, is_enterprise_install: false }],
    };
    for (const field of WRAPPER_REQUIRED) if (!(field in body)) throw new Error(`fake event lacks required wrapper field ${field}`);
    return body;
  }

  function slashCommand(fields: { text: string; user_id?: string; channel_id?: string; command?: string }): Record<string, string> {
    const id = `r${++responseSeq}`;
    responseUses.set(id, 0);
    return {
      token: 'legacy-verification-token',
      team_id: teamId,
      team_domain: 'doi-test',
      channel_id: fields.channel_id ?? 'C0CHAN',
      channel_name: 'docker-library',
      user_id: fields.user_id ?? 'U0USER',
      user_name: 'user',
      command: fields.command ?? '/doi',
      text: fields.text,
      api_app_id: 'A0001',
      response_url: `${baseUrl}/respond/${id}`,
      trigger_id: `trigger.${++triggerSeq}`,
    };
  }

  function newResponseUrl(): string {
    const id = `r${++responseSeq}`;
    responseUses.set(id, 0);
    return `${baseUrl}/respond/${id}`;
  }

  function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
    const now = probe();
    if (now !== undefined && now !== false) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v !== undefined && v !== false) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`fake slack: timed out waiting for ${what}`));
      }, timeoutMs);
      listeners.add(check);
    });
  }

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    botUserId,
    botId,
    teamId,
    calls,
    violations,
    responses,
    envelopes,
    connectionsOpened: () => opened,
    liveSockets: () => [...wss.clients].filter((c) => c.readyState === c.OPEN).length,
    socketsAccepted: () => accepted,
    callsOf: (method) => calls.filter((c) => c.method === method),
    unacked: () => envelopes.filter((e) => e.ackedAt === undefined),
    eventCallback,
    sendEvent: (event, eventId) => enqueue('events_api', eventCallback(event, eventId)),
    slashCommand,
    sendSlashCommand: (fields) => enqueue('slash_commands', slashCommand(fields)),
    sendInteractive: (payload) => enqueue('interactive', payload),
    buttonClick: (f) => ({
      type: 'block_actions',
      team: { id: teamId, domain: 'doi-test' },
      user: { id: f.user_id, username: 'clicker', name: 'clicker', team_id: teamId },
      api_app_id: 'A0001',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: f.message_ts ?? '1700000001.000100', channel_id: f.channel_id, is_ephemeral: false },
      trigger_id: `trigger.${++triggerSeq}`,
      channel: { id: f.channel_id, name: 'docker-library' },
      message: { type: 'message', ts: f.message_ts ?? '1700000001.000100', text: 'card', user: botUserId, bot_id: botId },
      response_url: newResponseUrl(),
      actions: [{ type: 'button', action_id: f.action_id ?? 'doi_cmd_0', block_id: 'doi_actions', value: f.value, text: { type: 'plain_text', text: 'Go' }, action_ts: '1700000002.000000' }],
    }),
    messageShortcut: (f) => ({
      type: 'message_action',
      token: 'legacy-verification-token',
      action_ts: '1700000003.000000',
      team: { id: teamId, domain: 'doi-test' },
      user: { id: f.user_id, username: 'reporter', team_id: teamId, name: 'reporter' },
      channel: { id: f.channel_id, name: 'docker-library' },
      callback_id: f.callback_id ?? 'send_to_maintainers',
      trigger_id: `trigger.${++triggerSeq}`,
      message_ts: f.ts ?? '1700000000.000200',
      message: { type: 'message', user: 'U0AUTHOR', ts: f.ts ?? '1700000000.000200', text: f.text },
      response_url: newResponseUrl(),
    }),
    viewSubmission: (f) => ({
      type: 'view_submission',
      team: { id: teamId, domain: 'doi-test' },
      user: { id: f.user_id, username: 'reporter', name: 'reporter', team_id: teamId },
      api_app_id: 'A0001',
      token: 'legacy-verification-token',
      trigger_id: `trigger.${++triggerSeq}`,
      view: {
        id: `V${++viewSeq}`,
        type: 'modal',
        callback_id: f.callback_id ?? 'send_to_maintainers_modal',
        private_metadata: f.private_metadata ?? '',
        state: { values: f.values },
      },
    }),
    rateLimit: (method, times, retryAfterSec) => rateLimits.set(method, { remaining: times, retryAfterSec }),
    failNext: (method, error, times = 1) => failures.set(method, { remaining: times, error }),
    redeliver: (env) => {
      env.retryAttempt++;
      transmit(env);
    },
    dropSocket: () => current?.terminate(),
    sendDisconnect: (reason = 'refresh_requested') => {
      const ws = current;
      if (!ws) return;
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
      // Slack closes the old socket shortly after asking the client to move.
      setTimeout(() => ws.close(), 500).unref();
    },
    waitFor,
    waitForCall: (method, match = () => true, timeoutMs) =>
      waitFor(() => calls.find((c) => c.method === method && c.status !== 0 && Object.keys(c.response).length > 0 && match(c)), `a ${method} call`, timeoutMs),
    waitForResponse: (match = () => true, timeoutMs) => waitFor(() => responses.find(match), 'a response_url post', timeoutMs),
    waitForAck: (env, timeoutMs) => waitFor(() => (env.ackedAt !== undefined ? env : undefined), `ack of ${env.envelope_id}`, timeoutMs),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => resolve(raw));
    req.on('error', () => resolve(raw));
  });
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return Symbol.for('invalid-json');
  }
}

function checkBlocks(where: string, blocks: unknown, maxBlocks: number): string[] {
  if (!Array.isArray(blocks)) return [`${where}: not a JSON array`];
  const out: string[] = [];
  if (blocks.length > maxBlocks) out.push(`${where}: ${blocks.length} blocks (at most ${maxBlocks})`);
  for (const [i, b] of (blocks as Array<Record<string, unknown>>).entries()) {
    const text = b.text as { type?: string; text?: unknown } | undefined;
    if (b.type === 'section' && text) {
      const s = typeof text.text === 'string' ? text.text : '';
      if (s.length < 1 || s.length > LIMITS.maxSectionTextChars) out.push(`${where}[${i}]: section text of ${s.length} characters (1..${LIMITS.maxSectionTextChars})`);
    }
    if (b.type === 'actions') {
      const elements = Array.isArray(b.elements) ? (b.elements as Array<Record<string, unknown>>) : [];
      if (elements.length < 1 || elements.length > LIMITS.maxActionsElements) out.push(`${where}[${i}]: ${elements.length} action elements`);
      for (const e of elements) {
        const label = (e.text as { text?: string } | undefined)?.text ?? '';
        if (label.length < 1 || label.length > LIMITS.maxButtonTextChars) out.push(`${where}[${i}]: button text of ${label.length} characters`);
        if (typeof e.value === 'string' && e.value.length > LIMITS.maxButtonValueChars) out.push(`${where}[${i}]: button value too long`);
        if (typeof e.action_id !== 'string') out.push(`${where}[${i}]: button without action_id`);
      }
    }
    if (!['section', 'actions', 'context', 'divider', 'header', 'input', 'image', 'rich_text'].includes(String(b.type))) out.push(`${where}[${i}]: unknown block type ${String(b.type)}`);
  }
  return out;
}

function checkView(view: unknown): string[] {
  if (typeof view !== 'object' || view === null) return ['views.open: view is not a JSON object'];
  const v = view as Record<string, unknown>;
  const out: string[] = [];
  if (v.type !== 'modal') out.push('views.open: view.type must be "modal"');
  const title = (v.title as { text?: string } | undefined)?.text ?? '';
  if (title.length < 1 || title.length > LIMITS.maxModalTitleChars) out.push(`views.open: title of ${title.length} characters`);
  out.push(...checkBlocks('views.open.view.blocks', v.blocks, LIMITS.maxModalBlocks));
  return out;
}
