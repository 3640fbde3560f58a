/**
 * Prints job progress on stderr: one self-updating line on a terminal, or a
 * line every few seconds (and at each epoch) when piped, with rate and time left.
 */
import type { JobProgress } from '../../shared/types.js';

export class ProgressPrinter {
  private lastLine = 0;
  private started = new Map<string, { t: number; done: number }>();
  private readonly tty: boolean;
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  update(p: JobProgress): void {
    if (this.quiet) return;
    const now = Date.now();
    const start = this.started.get(p.jobId) ?? { t: now, done: p.done };
    if (!this.started.has(p.jobId)) this.started.set(p.jobId, start);
    const elapsed = (now - start.t) / 1000;
    const rate = elapsed > 0.5 ? (p.done - start.done) / elapsed : 0;
    const left = rate > 0 && p.total > p.done ? (p.total - p.done) / rate : null;
    const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
    const line =
      `[${p.stage}] ${p.done}/${p.total} (${pct}%)` +
      (rate > 0 && p.stage === 'import' ? ` ${rate.toFixed(0)}/s` : '') +
      (left !== null ? ` ~${formatSeconds(left)} left` : '') +
      (p.message ? ` ${p.message}` : '');
    if (this.tty) {
      this.out.write(`\r\x1b[K${line.slice(0, (this.out.columns ?? 120) - 1)}`);
      if (p.done >= p.total) this.out.write('\n');
    } else if (now - this.lastLine > 2000 || p.done >= p.total || p.loss !== undefined || p.stage !== 'import') {
      this.out.write(`${line}\n`);
      this.lastLine = now;
    }
  }

  line(text: string): void {
    if (this.quiet) return;
    if (this.tty) this.out.write('\r\x1b[K');
    this.out.write(`${text}\n`);
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
