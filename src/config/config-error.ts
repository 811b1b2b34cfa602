/** A setting the hub refuses: its message names the setting and what is wrong (exit 78). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
