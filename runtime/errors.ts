/**
 * The runtime's errors that cross folders: thrown in one (reading input,
 * config, output files, the database) and told apart where a command
 * reports them (runtime/cli/main.ts).
 */

/** Bad input, with every problem found (file, line, value). */
export class InputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** A config.yaml problem: its message names the path, the value and what was expected. */
export class ConfigError extends Error {}

/** An output path that cannot be written (e.g. a folder where a file should go). */
export class StagedFileError extends Error {}

/** The connection to PostgreSQL died while probe was doing `during` ("the write of SYNTH 1Hour"): rerunning resumes. */
export class ConnectionLostError extends Error {
  constructor(
    readonly during: string,
    cause: unknown,
  ) {
    super(`lost the connection to PostgreSQL during ${during}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ConnectionLostError';
  }
}
