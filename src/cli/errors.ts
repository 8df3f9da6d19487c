// Failures the command line reports as one line and exit code 1 (ConfigError, a usage
// mistake, is exit code 2).
export class CliError extends Error {}
