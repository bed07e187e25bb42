/**
 * Ctrl-C outside the study's run loop (preparing data, writing the report): Node's default would end the
 * process silently and leave the report's temp file behind. Within `exitOnInterrupt`, a SIGINT removes
 * the files being streamed, prints one line and exits with code 130.
 */
import { abortOpenFileStreams } from './atomic-stream.js';

export async function exitOnInterrupt<T>(line: () => string, work: () => Promise<T>): Promise<T> {
  const onSigint = () => {
    abortOpenFileStreams();
    process.stderr.write(`hwnas: ${line()}\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSigint);
  }
}
