import { VigilError } from '../../../core/index.js';
import type { Span } from '../ast.js';
import { spanOf } from '../lexer.js';
import { expandFieldPatterns } from '../field-discovery.js';
import { parseTemplate } from './combine.js';
import { command } from './command.js';

interface ForeachArgs {
  readonly patterns: string[];
  readonly template: string;
  readonly span: Span;
  readonly tokens: { readonly field: string; readonly matchstr: string; readonly segs: readonly [string, string, string] };
}

/** The parts of `name` the `*`s of `pattern` matched, or undefined when it does not match. */
function wildcardParts(pattern: string, name: string): string[] | undefined {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.*)')}$`);
  const m = re.exec(name);
  return m === null ? undefined : m.slice(1);
}

/**
 * `foreach [mode=multifield] <field>… [fieldstr=<<FIELD>>] [matchstr=<<MATCHSTR>>]
 * [matchseg1=<<MATCHSEG1>>] … [ <commands> ]`: runs the commands once per field the patterns match
 * (every field results carry, extracted ones too), with `<<FIELD>>` replaced by the field's name,
 * `<<MATCHSTR>>` by what the wildcards matched and `<<MATCHSEGn>>` by what the n-th wildcard matched.
 */
export const foreach = command<ForeachArgs>({
  name: 'foreach',
  summary: 'run commands per field: foreach value* [eval <<FIELD>>=<<FIELD>>*2]',
  mode: 'search',
  parse(original) {
    const { reader, spans } = original.brackets();
    const keys = ['mode', 'fieldstr', 'matchstr', 'matchseg1', 'matchseg2', 'matchseg3', 'itemstr'];
    const options = reader.options(keys);
    const patterns: string[] = [];
    while (!reader.atEnd()) {
      if (reader.optionsInto(keys, options) || reader.skipComma()) continue;
      patterns.push(reader.name('a field or wildcard').value);
    }
    const mode = options['mode'];
    if (mode !== undefined && mode.value.toLowerCase() !== 'multifield') throw reader.error('spl.unsupported', `foreach mode=${mode.value} is not supported (only multifield)`, spanOf(mode));
    const [bracket] = spans;
    if (bracket === undefined || spans.length > 1) throw reader.error('spl.missing_argument', 'foreach takes one pipeline template in [ ]', reader.endSpan(), 'e.g. foreach count* [eval <<FIELD>>=<<FIELD>>/60]');
    if (patterns.length === 0) throw reader.error('spl.missing_argument', 'foreach needs fields or wildcards to run over', reader.endSpan());
    const template = original.text.slice(bracket.start + 1, bracket.end - 1);
    if (template.trim() === '') throw reader.error('spl.missing_argument', 'the foreach template [ ] is empty', { offset: bracket.start, length: bracket.end - bracket.start });
    return {
      patterns,
      template,
      span: { offset: bracket.start, length: bracket.end - bracket.start },
      tokens: {
        field: options['fieldstr']?.value ?? '<<FIELD>>',
        matchstr: options['matchstr']?.value ?? '<<MATCHSTR>>',
        segs: [options['matchseg1']?.value ?? '<<MATCHSEG1>>', options['matchseg2']?.value ?? '<<MATCHSEG2>>', options['matchseg3']?.value ?? '<<MATCHSEG3>>'],
      },
    };
  },
  plan(args, rel, ctx) {
    const fields = expandFieldPatterns(rel, ctx, args.patterns).filter((f) => !f.startsWith('_') || args.patterns.includes(f));
    for (const field of fields) {
      const pattern = args.patterns.find((p) => wildcardParts(p, field) !== undefined) ?? field;
      const parts = wildcardParts(pattern, field) ?? [];
      let text = args.template.split(args.tokens.field).join(field).split(args.tokens.matchstr).join(parts.join(''));
      args.tokens.segs.forEach((token, i) => {
        text = text.split(token).join(parts[i] ?? '');
      });
      const pipeline = parseTemplate(text, true, ctx, args.span);
      if (ctx.pipelines === undefined) throw new VigilError('spl.unsupported', 'foreach cannot run here', { span: args.span });
      ctx.pipelines.plan(pipeline, rel, ctx);
      if (rel.pivot !== undefined) ctx.pipelines.settle(rel, ctx);
    }
  },
});
