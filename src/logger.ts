import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the root logger. Modules log through `logger.child({ module })`. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['password', '*.password', 'newPassword', 'currentPassword', 'token', 'authorization', 'cookie'],
      censor: '[redacted]',
    },
  });
}
