/** A config.yaml problem: its message names the path, the value and what was expected. */
export class ConfigError extends Error {}
