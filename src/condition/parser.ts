import { SigmaError } from '../core/errors';
import type { ConditionNode } from './ast';

interface Token {
  readonly type: 'word' | 'lparen' | 'rparen' | 'end';
  readonly text: string;
  readonly offset: number; // 0-based offset in the condition text
}

/** A SigmaError raised with the 0-based offset in the condition; the caller turns it into a file location. */
export class ConditionSyntaxError extends SigmaError {
  constructor(
    message: string,
    readonly offset: number,
    code: 'condition-syntax' | 'condition-identifier' = 'condition-syntax',
  ) {
    super(code, message);
    this.name = 'ConditionSyntaxError';
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', text: c, offset: i });
      i++;
    } else if (c === '|') {
      throw new ConditionSyntaxError(
        "the '|' aggregation syntax of Sigma 1 conditions (count(), near) is not part of Sigma 2; write a correlation rule instead",
        i,
        'condition-syntax',
      );
    } else {
      const start = i;
      while (i < text.length && !/[\s()|]/.test(text[i] as string)) i++;
      tokens.push({ type: 'word', text: text.slice(start, i), offset: start });
    }
  }
  tokens.push({ type: 'end', text: '', offset: text.length });
  return tokens;
}

const RESERVED = new Set(['and', 'or', 'not', 'of', 'them', 'all']);

/** Recursive descent over: or < and < not < `x of` < parentheses. */
/** Parentheses and `not`s nested deeper than this are refused: the parser and every later walk recurse on them. */
export const MAX_CONDITION_DEPTH = 100;

export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;
  const deeper = (offset: number): void => {
    if (++depth > MAX_CONDITION_DEPTH) throw new ConditionSyntaxError(`the condition nests parentheses and 'not' more than ${MAX_CONDITION_DEPTH} levels deep; a Sigma condition needs only a few`, offset);
  };
  const peek = (): Token => tokens[pos] as Token;
  const next = (): Token => tokens[pos++] as Token;
  const isWord = (t: Token, w: string) => t.type === 'word' && t.text.toLowerCase() === w;

  const parseOr = (): ConditionNode => {
    const args = [parseAnd()];
    while (isWord(peek(), 'or')) {
      next();
      args.push(parseAnd());
    }
    return args.length === 1 ? (args[0] as ConditionNode) : { kind: 'or', args };
  };
  const parseAnd = (): ConditionNode => {
    const args = [parseNot()];
    while (isWord(peek(), 'and')) {
      next();
      args.push(parseNot());
    }
    return args.length === 1 ? (args[0] as ConditionNode) : { kind: 'and', args };
  };
  const parseNot = (): ConditionNode => {
    if (isWord(peek(), 'not')) {
      deeper(next().offset);
      const arg = parseNot();
      depth--;
      return { kind: 'not', arg };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const t = next();
    if (t.type === 'lparen') {
      deeper(t.offset);
      const inner = parseOr();
      depth--;
      const close = next();
      if (close.type !== 'rparen') {
        throw new ConditionSyntaxError(`expected ')' to close the '(' at column ${t.offset + 1}, found ${describe(close)}`, close.offset);
      }
      return inner;
    }
    if (t.type === 'end') throw new ConditionSyntaxError('the condition ends where a search identifier was expected', t.offset);
    if (t.type === 'rparen') throw new ConditionSyntaxError("unexpected ')' where a search identifier was expected", t.offset);
    const lower = t.text.toLowerCase();
    if (isWord(peek(), 'of')) {
      if (lower !== '1' && lower !== 'all' && lower !== 'any') {
        throw new ConditionSyntaxError(`'${t.text} of' is not valid: use '1 of' or 'all of'`, t.offset);
      }
      next();
      const target = next();
      if (target.type !== 'word' || (RESERVED.has(target.text.toLowerCase()) && target.text.toLowerCase() !== 'them')) {
        throw new ConditionSyntaxError(`expected a search identifier pattern or 'them' after 'of', found ${describe(target)}`, target.offset);
      }
      const quantifier = lower === 'all' ? 'all' : 'one';
      const pattern = target.text.toLowerCase() === 'them' ? null : target.text;
      return { kind: 'of', quantifier, pattern, offset: target.offset };
    }
    if (RESERVED.has(lower)) {
      throw new ConditionSyntaxError(`unexpected '${t.text}' where a search identifier was expected`, t.offset);
    }
    return { kind: 'ident', name: t.text, offset: t.offset };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest.type !== 'end') {
    throw new ConditionSyntaxError(`unexpected ${describe(rest)} after a complete condition; join the parts with 'and' or 'or'`, rest.offset);
  }
  return tree;
}

function describe(t: Token): string {
  if (t.type === 'end') return 'the end of the condition';
  return `'${t.text}'`;
}
