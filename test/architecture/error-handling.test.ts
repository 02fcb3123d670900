/**
 * One error type, and no catch that swallows everything (docs/DESIGN.md): src/ throws SigmaError (a code,
 * a message, a location), and every catch names what it expects and rethrows the rest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SigmaError } from '../../src/core/errors';
import { ConditionSyntaxError } from '../../src/condition/parser';
import { unlessNotBuilt } from '../../src/core/build-output';
import { isFsError, isMissingPath } from '../../src/cli/fs-errors';

const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `file:line: text` of every line of src/ matching the pattern. */
function linesMatching(pattern: RegExp): string[] {
  return sourceFiles(SRC).flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('errors in src/', () => {
  test('no catch without a binding (it could only swallow every error)', () => {
    expect(linesMatching(/\bcatch\s*\{/)).toEqual([]);
  });

  test('no plain Error is thrown: every error is a SigmaError with a code', () => {
    expect(linesMatching(/\bnew Error\(/)).toEqual([]);
  });

  test('a condition syntax error is a SigmaError with its code', () => {
    const err = new ConditionSyntaxError('bad', 3, 'condition-identifier');
    expect(err).toBeInstanceOf(SigmaError);
    expect(err.code).toBe('condition-identifier');
    expect(err.offset).toBe(3);
  });

  test('a user error carries no stack frames; an internal error (a bug) keeps them; the limit is restored', () => {
    const limit = Error.stackTraceLimit;
    const user = new SigmaError('invalid-rule', 'bad rule');
    expect(user.stack).toBe('SigmaError: bad rule');
    expect(String(user)).toBe('SigmaError: bad rule');
    expect(new ConditionSyntaxError('bad', 3, 'condition-syntax').stack).not.toMatch(/\n\s+at /);
    const bug = new SigmaError('internal', 'unhandled node');
    expect(bug.stack).toMatch(/^SigmaError: unhandled node\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new TypeError('x').stack).toMatch(/\n\s+at /);
  });
});

describe('the catches that remain expect one kind of error', () => {
  test('a missing build output is undefined; an error inside it is rethrown', () => {
    const caught = (load: () => unknown): unknown => {
      try {
        return load();
      } catch (err) {
        return err;
      }
    };
    expect(unlessNotBuilt(caught(() => require('../../src/generated/no-such-module')), 'generated/no-such-module')).toBeUndefined();
    const inside = new TypeError('boom inside the module');
    expect(() => unlessNotBuilt(inside, 'generated/x')).toThrow('boom inside the module');
    // The browser bundle's require refuses modules it was not given: not built either.
    expect(unlessNotBuilt(new Error('Dynamic require of "../generated/templates" is not supported'), 'generated/templates')).toBeUndefined();
    // Another module missing (a dependency of the generated one) is not "not built".
    expect(() => unlessNotBuilt(caught(() => require('no-such-package-xyz')), 'generated/x')).toThrow(/no-such-package-xyz/);
  });

  test('file system errors are told apart from bugs', () => {
    let fsErr: unknown;
    try {
      fs.readFileSync(path.join(SRC, 'no-such-file.ts'));
    } catch (err) {
      fsErr = err;
    }
    expect(isFsError(fsErr)).toBe(true);
    expect(isMissingPath(fsErr)).toBe(true);
    expect(isFsError(new TypeError('x'))).toBe(false);
    expect(isMissingPath(Object.assign(new Error('denied'), { code: 'EACCES', syscall: 'open' }))).toBe(false);
  });
});

describe('SigmaError outside V8', () => {
  test('where Error has no stack bound, building a user error adds none', () => {
    const errorCtor = Error as { stackTraceLimit?: number };
    const limit = errorCtor.stackTraceLimit;
    delete errorCtor.stackTraceLimit;
    try {
      expect(new SigmaError('invalid-rule', 'bad rule').message).toBe('bad rule');
      expect(Object.hasOwn(Error, 'stackTraceLimit')).toBe(false);
    } finally {
      errorCtor.stackTraceLimit = limit;
    }
  });
});
