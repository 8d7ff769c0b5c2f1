import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr for long work, so stdout stays clean for --json. Silent when stderr is not a
 * terminal (CI logs, pipes), where a line per stage is printed instead.
 */
export class Progress {
  private bar?: cliProgress.SingleBar;
  private label = '';

  start(label: string, total: number): void {
    this.stop();
    this.label = label;
    if (process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(34)} {bar} {percentage}% | {value}/{total} | {duration_formatted}`,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0);
    }
  }

  update(done: number, total?: number): void {
    if (total !== undefined) this.bar?.setTotal(total);
    this.bar?.update(done);
  }

  /** Ends the current stage; one given up on (`finished` false) is not reported done. */
  stop(finished = true): void {
    if (this.bar) this.bar.stop();
    else if (finished && this.label && !process.stderr.isTTY) process.stderr.write(`${this.label}: done\n`);
    this.bar = undefined;
    this.label = '';
  }
}
