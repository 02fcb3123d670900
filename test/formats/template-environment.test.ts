import { compileSpec, createTemplateEnvironment } from '../../src/render/handlebars';

/**
 * A template is set up once (src/render/handlebars.ts prepareOnce) and then called for rule after rule:
 * every call must still see the helpers, strict lookups and @-data of a fresh call, with nothing kept
 * from the call before.
 */
describe('template environment', () => {
  const source = '{{#each items}}{{#if @first}}{{else}}, {{/if}}{{upper this}}{{/each}} {{json title}}{{#if note}} / {{note}}{{/if}}';

  it.each([
    ['prebuilt spec', true],
    ['compiled on demand', false],
  ])('renders call after call from its own context only (%s)', (_label, prebuilt) => {
    const env = createTemplateEnvironment();
    const fn = env.compile(source, 't.hbs', prebuilt ? compileSpec(source) : undefined);
    expect(fn({ items: ['a', 'b'], title: 'x "1"', note: 'n' })).toBe('A, B "x \\"1\\"" / n');
    expect(fn({ items: ['c'], title: 'y', note: null })).toBe('C "y"');
    expect(fn({ items: [], title: '<&>', note: '=' })).toBe(' "<&>" / =');
  });

  it('still fails on a missing variable after successful calls, and renders again afterwards', () => {
    const fn = createTemplateEnvironment().compile('{{name}}', 'strict.hbs');
    expect(fn({ name: 'a' })).toBe('a');
    expect(() => fn({})).toThrow(/template strict\.hbs: "name" not defined/);
    expect(fn({ name: 'b' })).toBe('b');
  });

  it('keeps two environments apart', () => {
    const one = createTemplateEnvironment().compile('{{lower v}}', 'a.hbs');
    const two = createTemplateEnvironment().compile('{{upper v}}', 'b.hbs');
    expect(one({ v: 'Ab' })).toBe('ab');
    expect(two({ v: 'Ab' })).toBe('AB');
    expect(one({ v: 'Cd' })).toBe('cd');
  });
});
