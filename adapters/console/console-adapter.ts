import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AdapterCapabilities, AdapterStatus, ChatAdapter, InboundMessage, OutboundMessage, SendResult } from '../../src/core/chat.js';
import { channelKey, PLAIN_CAPABILITIES } from '../../src/core/chat.js';
import { toPlainText } from '../../src/core/richtext.js';

export interface ConsoleAdapterOptions {
  input: Readable;
  output: Writable;
  /** Interactive prompt (stdin is a TTY) or line-by-line pipe mode. */
  interactive: boolean;
  /** Identity the console user has; the operator at the terminal is trusted as "console:<user>". */
  user: string;
  /** A human line shown under the interactive greeting (where the logs go). */
  notice?: string;
}

/**
 * The terminal as a chat: every line is an addressed command from the local operator. In pipe
 * mode lines are answered strictly in order and `ended` resolves after the last reply is written.
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  /** The operator at the terminal: nothing private to send later, nothing to edit. */
  readonly capabilities: AdapterCapabilities = { ...PLAIN_CAPABILITIES, displayName: 'the console' };
  readonly ended: Promise<void>;
  readonly #o: ConsoleAdapterOptions;
  #resolveEnded!: () => void;
  #rl: ReturnType<typeof createInterface> | undefined;
  #connected = false;
  #seq = 0;
  #linesRead = 0;

  constructor(opts: ConsoleAdapterOptions) {
    this.#o = opts;
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
  }

  async start(onMessage: (msg: InboundMessage) => Promise<void>): Promise<void> {
    // On a terminal readline owns the line editing: it needs the output to show the prompt and
    // echo what is typed.
    const rl = createInterface({ input: this.#o.input, ...(this.#o.interactive ? { output: this.#o.output } : {}), terminal: this.#o.interactive, crlfDelay: Infinity });
    this.#rl = rl;
    this.#connected = true;
    if (this.#o.interactive) {
      this.#o.output.write(`doi-bot console. Type "help" for commands, Ctrl-D to quit.\n${this.#o.notice ? `${this.#o.notice}\n` : ''}`);
      rl.setPrompt('doi-bot> ');
      rl.prompt();
    }
    // Strictly sequential: the next line is read only after the previous one is answered.
    void (async () => {
      try {
        for await (const line of rl) {
          this.#linesRead++;
          if (line.trim()) await onMessage(this.#toInbound(line));
          if (this.#o.interactive) rl.prompt();
        }
      } finally {
        this.#connected = false;
        this.#resolveEnded();
      }
    })();
  }

  /** Lines read so far, blank ones included: 0 at the end means the input was empty. */
  get linesRead(): number {
    return this.#linesRead;
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    const text = toPlainText(msg.body);
    const actions = msg.body.actions?.length ? `\n${msg.body.actions.map((a) => `[${a.label}: type "${a.command}"]`).join(' ')}` : '';
    await new Promise<void>((resolve, reject) =>
      this.#o.output.write(`${msg.kind === 'reply' ? '' : `[${msg.kind} to ${msg.channel}] `}${text}${actions}\n`, (err) => (err ? reject(err) : resolve())),
    );
    return { ref: `console-${++this.#seq}` };
  }

  async stop(): Promise<void> {
    this.#rl?.close();
  }

  status(): AdapterStatus {
    return { platform: 'console', connected: this.#connected, detail: this.#o.interactive ? 'interactive terminal' : 'pipe' };
  }

  #toInbound(line: string): InboundMessage {
    const id = `console-in-${++this.#seq}`;
    return {
      id,
      channel: { platform: 'console', id: 'tty', key: channelKey('console', 'tty'), name: 'console' },
      author: { platform: 'console', id: this.#o.user, name: this.#o.user, account: this.#o.user },
      text: line,
      isDirect: true,
      addressed: true,
      receivedAt: new Date(),
    };
  }
}
