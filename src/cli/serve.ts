/** `hwnas serve [folder]`: the live, read-only dashboard of the studies and open searches under a folder. */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { parseIntOption } from '../io/numbers.js';
import { startServer } from '../serve/index.js';

interface ServeFlags {
  port: string;
  host: string;
  token?: string | false;
  open?: boolean;
  quiet?: boolean;
}

/** The desktop's "open this URL" program; a machine without one just prints the URL. */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => process.stderr.write(`hwnas: could not start ${cmd}: open ${url} yourself\n`));
    child.unref();
  } catch {
    process.stderr.write(`hwnas: could not start ${cmd}: open ${url} yourself\n`);
  }
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('a live, read-only dashboard of the studies and open searches under a folder, in the browser')
    .argument('[folder]', 'folder holding study folders (hwnas reproduce) and open-search folders', '.')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'address to bind; any but loopback needs the access token', '127.0.0.1')
    .option(
      '--token <token>',
      'access token to require (without it: a random one on a non-loopback --host, none on loopback)',
    )
    .option('--no-token', 'require no token (refused on a non-loopback --host)')
    .option('--open', "open the dashboard in the desktop's web browser")
    .option('--quiet', 'print only the URL')
    .addHelpText(
      'after',
      '\nThe pages update within 2 s while a study or open search writes. Nothing in the folder is written.\nStop with Ctrl-C.',
    )
    .action(async (folder: string, f: ServeFlags) => {
      const port = parseIntOption('--port', f.port, 0, 65535);
      const token = f.token === false ? null : f.token;
      const server = await startServer({ folder, port, host: f.host, token });
      process.stdout.write(`${f.quiet ? '' : `hwnas serve: ${folder} at `}${server.openUrl}\n`);
      if (!f.quiet && server.token) process.stdout.write('the token is required on every request; keep it private\n');
      if (f.open) openBrowser(server.openUrl);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
    });
}
