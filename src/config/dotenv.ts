import * as util from 'node:util';
import { ConfigError, errorMessage } from '../core/errors.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface EnvWithDotEnv {
  readonly env: Env;
  /** The .env file that was read, when there was one. */
  readonly dotEnvFile: string | undefined;
}

/**
 * The process environment plus the variables of a `.env` file, if one exists. The real
 * environment wins, so `docker run -e` or a shell export overrides the file (as with docker
 * compose and most tools). A missing file is normal; one that exists but cannot be read is a
 * configuration error, because the operator evidently meant it to be used.
 */
export function withDotEnv(processEnv: Env, file: string, readFile: (path: string) => string): EnvWithDotEnv {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return { env: processEnv, dotEnvFile: undefined };
    throw new ConfigError([`${file}: cannot read the .env file: ${errorMessage(err)}`]);
  }
  // util.parseEnv came with Node 20.12; package.json still admits older 20.x releases.
  if (typeof util.parseEnv !== 'function') {
    throw new ConfigError([`${file}: reading a .env file needs Node 20.12 or newer (this is ${process.version}); export the variables instead`]);
  }
  const fromFile = util.parseEnv(text);
  const merged: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(fromFile)) merged[name] = value;
  for (const [name, value] of Object.entries(processEnv)) if (value !== undefined) merged[name] = value;
  return { env: merged, dotEnvFile: file };
}
