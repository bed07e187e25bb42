/** Every CLI command, registered in the order `hwnas --help` lists them. One import per command file. */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const registrations: Register[] = [];

export function registerAll(program: Command): void {
  for (const register of registrations) register(program);
}
