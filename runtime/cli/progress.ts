/** A one-line progress counter on a terminal; silent when stderr is not one. */
export function progressReporter(label: string): { update: (done: number, total: number) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      process.stderr.write(`\r${label}: ${done}/${total} combinations (${Math.floor((100 * done) / Math.max(total, 1))}%)`);
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}
