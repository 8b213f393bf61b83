import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { bindingFor, settingName } from './load.js';
import type { Config } from './schema.js';

/**
 * Checks a parsed configuration against the machine it will run on (files, directories,
 * placeholders left from the examples), so the operator hears every problem at once before
 * anything connects. The schema checks shape; this checks the world.
 */
export function preflightProblems(config: Config, opts: { checkConfig: boolean }): string[] {
  const problems: string[] = [];
  problems.push(...placeholderProblems(config));
  for (const key of ['tlsCert', 'tlsKey', 'tlsCa'] as const) {
    const file = config.irc?.[key];
    if (file !== undefined) problems.push(...readableFile(['irc', key], file));
  }
  // Only for --check-config: at a restart a missing checkout (an unmounted volume) is no reason
  // to stop, since the cached catalog still answers and `status` shows the failed refresh.
  if (opts.checkConfig && config.catalog.libraryDir !== undefined) problems.push(...libraryDirProblems(config.catalog.libraryDir));
  problems.push(...databasePathProblems(config.db));
  // Port 0 (a random free port) is how tests run the bot; for an operator it is a mistake,
  // because nothing (HEALTHCHECK, Slack, a webhook) can know where the bot listens.
  for (const key of ['port', 'opsPort'] as const) {
    if (opts.checkConfig && config.http[key] === 0) {
      problems.push(`${settingName(['http', key])}: 0 picks a random port at every start, so health checks, Slack and webhooks cannot reach it; set a fixed port (e.g. 8080) or leave it unset`);
    }
  }
  return problems;
}

/** Values from config.example.yaml and .env.example that must be replaced before use. */
const PLACEHOLDER = /YOUR|your[-_]/;

function placeholderProblems(config: Config): string[] {
  const out: string[] = [];
  const visit = (value: unknown, path: PropertyKey[]): void => {
    // Secrets are never echoed, and a random token may contain anything.
    if (bindingFor(path)?.secret) return;
    if (typeof value === 'string') {
      if (PLACEHOLDER.test(value)) out.push(`${settingName(path)}: "${value.slice(0, 60)}" is a placeholder value from the example; put in a real one or remove it`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    }
  };
  visit(config, []);
  return out;
}

function readableFile(path: string[], file: string): string[] {
  try {
    if (!statSync(file).isFile()) return [`${settingName(path)}: ${file} is not a file`];
    accessSync(file, constants.R_OK);
    return [];
  } catch (err) {
    return [`${settingName(path)}: cannot read ${file}: ${errorMessage(err)}`];
  }
}

function libraryDirProblems(dir: string): string[] {
  const name = settingName(['catalog', 'libraryDir']);
  try {
    if (!statSync(dir).isDirectory()) return [`${name}: ${dir} is not a directory`];
  } catch {
    return [`${name}: directory ${dir} does not exist`];
  }
  try {
    if (!statSync(join(dir, 'library')).isDirectory()) throw new Error('not a directory');
  } catch {
    return [`${name}: ${dir} has no library/ directory (it needs library/<image> and docs/<image>/ like the upstream repositories)`];
  }
  return [];
}

/** The database file must be writable, or creatable in its nearest existing directory. */
function databasePathProblems(file: string): string[] {
  if (file === ':memory:') return [];
  const name = settingName(['db']);
  const fail = (why: string) => [`${name}: cannot open database ${file}: ${why} (set DOIBOT_DB to a writable path)`];
  let existing = resolve(file);
  for (;;) {
    try {
      const st = statSync(existing);
      if (existing === resolve(file) && st.isDirectory()) return fail('it is a directory');
      if (existing !== resolve(file) && !st.isDirectory()) return fail(`${existing} is not a directory`);
      accessSync(existing, constants.W_OK);
      return [];
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? err.code : undefined;
      // ENOTDIR: some ancestor is a file; walking up finds and names it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return fail(code === 'EACCES' || code === 'EROFS' ? `${existing} is not writable` : errorMessage(err));
      const parent = dirname(existing);
      if (parent === existing) return fail('no existing parent directory');
      existing = parent;
    }
  }
}
