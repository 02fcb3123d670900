/** Where the CLI writes: injectable so tests can run commands in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(line: string): void;
}

export const ExitCode = { Ok: 0, RuleFailed: 1, Usage: 2 } as const;

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (line) => process.stderr.write(line.endsWith('\n') ? line : line + '\n'),
};
