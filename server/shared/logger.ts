import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** One logger for the process; pretty output only in development on a terminal; to standard output unless another destination is given. */
export function createLogger(options: { level: string; pretty?: boolean; destination?: DestinationStream }): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'datakrav' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.token'], censor: '[redacted]' },
    ...(options.pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } } } : {}),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
